/**
 * The marking loop shared by the tracing collectors that need a tri-colour marker or a mark bit in
 * the object (`incremental`, `mark-compact`, `gen-copy`; `mark-sweep` marks into a side bitmap,
 * `MarkBitmap`) (GC Handbook §2.2, "marking with an explicit stack"): a typed-array mark stack of
 * grey objects and a mark bit in each object's shape word.
 *
 * Colours (tri-colour abstraction, Handbook §15.1):
 * - white: mark bit clear;
 * - grey: mark bit set and the object is on the mark stack (its fields not scanned yet);
 * - black: mark bit set and the object is not on the mark stack (its fields were scanned).
 *
 * Objects are marked when they are pushed ("mark on push"), so each object is pushed at most once and
 * the stack never holds more entries than there are objects. `drain(budget)` scans at most `budget`
 * grey objects, so the same loop serves stop-the-world marking (`Infinity`) and incremental steps.
 *
 * Invariant of `drain`: when it returns, every object it scanned is black and each of its non-null
 * fields refers to a grey or black object; when the stack is empty, every object reachable from the
 * shaded objects is black.
 *
 * The loop reads `heap.memory.words` at each call (the array is replaced when the OS maps more), and
 * allocates nothing per object: the only allocation is doubling the stack when it is full.
 */
import { type Heap, NREFS_MASK } from '@gclab/core';

/** A mark stack and the mark bit it sets: the tracing loop of every marking collector. */
export class Marker {
  /** The heap whose objects are marked. */
  readonly heap: Heap;
  /** The GC bit used as the mark bit (one of the shape word's GC bits, e.g. `GC_BIT_0`). */
  readonly markBit: number;
  /** The mark stack: grey objects are `stack[0 .. top)`. */
  stack: Int32Array;
  /** Number of grey objects on the stack. */
  top = 0;
  /** Objects scanned (blackened) since the marker was created (deterministic work units). */
  scanned = 0;
  private readonly fieldIndex: number;

  constructor(heap: Heap, markBit: number, capacity = 1024) {
    this.heap = heap;
    this.markBit = markBit;
    this.stack = new Int32Array(Math.max(16, capacity));
    this.fieldIndex = heap.model.fieldOffset >> 2;
  }

  /** Whether no grey object remains. */
  get isEmpty(): boolean {
    return this.top === 0;
  }

  /** Whether the object at `addr` has its mark bit set (grey or black). */
  isMarked(addr: number): boolean {
    return (this.heap.memory.words[addr >> 2]! & this.markBit) !== 0;
  }

  /**
   * Shades the object at `addr` (non-null): if it is white, sets its mark bit and pushes it (grey).
   * Returns 1 if it was white, 0 otherwise.
   */
  shade(addr: number): number {
    const words = this.heap.memory.words;
    const i = addr >> 2;
    const shape = words[i]!;
    if ((shape & this.markBit) !== 0) return 0;
    words[i] = shape | this.markBit;
    if (this.top === this.stack.length) this.grow(this.top + 1);
    this.stack[this.top++] = addr;
    return 1;
  }

  /** Shades each object of `addrs` (non-null; extra roots: the finalization queue); returns how many were white. */
  shadeEach(addrs: readonly number[]): number {
    let shaded = 0;
    for (const a of addrs) shaded += this.shade(a);
    return shaded;
  }

  /** Shades the referent of every non-null root (registers and globals); returns how many were white. */
  shadeRoots(): number {
    const roots = this.heap.roots;
    let shaded = 0;
    const regs = roots.regs;
    for (let i = 0, n = roots.top; i < n; i++) {
      const r = regs[i]!;
      if (r !== 0) shaded += this.shade(r);
    }
    const globals = roots.globals;
    for (let g = 0, n = roots.globalCount; g < n; g++) {
      const r = globals[g]!;
      if (r !== 0) shaded += this.shade(r);
    }
    return shaded;
  }

  /**
   * Scans up to `budget` grey objects (pass `Infinity` to finish): each popped object's white
   * referents are marked and pushed, and the object becomes black. Returns the number scanned and
   * adds it to `heap.counters.objectsTraced`.
   */
  drain(budget: number): number {
    const words = this.heap.memory.words;
    const bit = this.markBit;
    const fieldIndex = this.fieldIndex;
    let stack = this.stack;
    let top = this.top;
    let done = 0;
    // Loop invariant: stack[0 .. top) are exactly the grey objects; `done` objects were blackened.
    while (top > 0 && done < budget) {
      const obj = stack[--top]!;
      const i = obj >> 2;
      const n = words[i]! & NREFS_MASK;
      if (top + n > stack.length) {
        this.top = top;
        stack = this.grow(top + n);
      }
      // Fields are pushed last to first, so field 0 is popped next: a structure allocated depth
      // first (field 0 first) is marked in allocation order, i.e. in address order (on a
      // 4-million-object tree, twice as fast or more than the reverse order, which walks memory
      // backwards).
      const first = i + fieldIndex;
      for (let p = first + 2 * (n - 1); p >= first; p -= 2) {
        const ref = words[p]!;
        if (ref !== 0) {
          const j = ref >> 2;
          const shape = words[j]!;
          if ((shape & bit) === 0) {
            words[j] = shape | bit;
            stack[top++] = ref;
          }
        }
      }
      done++;
    }
    this.top = top;
    this.scanned += done;
    this.heap.counters.objectsTraced += done;
    return done;
  }

  /** Empties the stack (the mark bits already set stay set). */
  clear(): void {
    this.top = 0;
  }

  /** Whether `addr` is on the mark stack (grey). Linear: for verification only. */
  isGrey(addr: number): boolean {
    const stack = this.stack;
    for (let i = 0; i < this.top; i++) if (stack[i] === addr) return true;
    return false;
  }

  private grow(min: number): Int32Array {
    let size = this.stack.length * 2;
    while (size < min) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.stack.subarray(0, this.top));
    this.stack = grown;
    return grown;
  }
}
