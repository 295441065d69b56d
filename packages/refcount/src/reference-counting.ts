/**
 * The reference-counting machinery every counting collector shares (GC Handbook ch. 5): the count in
 * the first header word, increments and decrements, and the iterative cascade that frees an object
 * whose count reached zero and every object that only it kept alive (Handbook §5.1, "recursive
 * freeing", done here with an explicit typed-array worklist: a 10-million-long chain frees without
 * stack growth).
 *
 * Object layout (header word 0 is the count; a subclass may declare more header words after it):
 *
 * ```
 *  word 0  | shape: bits 0-23 nrefs, GC bits  | payload bytes   |
 *  word 1  | reference count (low 32 bits)    | (unused)        |
 *  word 2..| further header words of a subclass (CPython's GC links...), then reference fields |
 * ```
 *
 * Memory comes from CPython 3.11's obmalloc (`ObmallocSpace`, which sends requests above 512 bytes
 * to its large object space), as in the interpreter these collectors model. A refused allocation is
 * fatal here: counting frees garbage as soon as it appears (cycles excepted), so there is nothing to
 * collect and retry; it raises `OutOfMemoryError` with the heap's figures.
 *
 * Invariants (checked by `verifyCounts` in checked mode): every allocated object's count equals its
 * incoming references from heap fields, plus roots for collectors that count root writes; no freed
 * object is referenced. A subclass hears of every freed object through `objectFreed` (CPython's cycle
 * collector unlinks it from its generation list there), called before the block is returned.
 */
import { ObmallocSpace } from '@gclab/allocator';
import {
  CollectorBase,
  type Heap,
  HeapIntegrityError,
  NREFS_MASK,
  OutOfMemoryError,
  Worklist,
} from '@gclab/core';

/** Index offset, in 32-bit slots from `addr >> 2`, of the reference count (header word 0, low slot). */
export const COUNT_SLOT = 2;

/**
 * Base class of the counting collectors: the count, the cascade, obmalloc allocation and the
 * checked-mode count verification. Subclasses decide when counts change (which hooks count).
 */
export abstract class ReferenceCounting extends CollectorBase {
  /** Where objects are allocated: CPython 3.11's obmalloc (large objects mapped on their own). */
  readonly space: ObmallocSpace;
  /** The cascade's worklist: objects whose count reached zero, not yet freed. */
  protected readonly cascade = new Worklist(1024);
  /** In checked mode, the address of every allocated, not yet freed object (for `verifyCounts`). */
  protected readonly live: Set<number> | null;
  /** Set while a collection runs, so cascades inside it are not recorded as pauses of their own. */
  protected collecting = false;
  /** Byte offset from an object to its first reference field. */
  protected readonly fieldOffset: number;
  /** Number of cascades that freed objects (each recorded as a pause, outside collections). */
  cascades = 0;
  /** The most objects one cascade freed. */
  largestCascade = 0;
  private readonly cascadeKind: number;

  constructor(heap: Heap) {
    super(heap);
    if (heap.model.headerWords < 1) {
      throw new RangeError(
        `a counting collector needs at least 1 header word, the heap has ${heap.model.headerWords}`,
      );
    }
    this.space = new ObmallocSpace(heap.os);
    this.live = heap.checked ? new Set<number>() : null;
    this.fieldOffset = heap.model.fieldOffset;
    this.cascadeKind = heap.telemetry.pauses.kindId('cascade');
  }

  /** Takes a block of `size` bytes from obmalloc; raises `OutOfMemoryError` when the OS refuses. */
  protected allocateBlock(size: number): number {
    const addr = this.space.allocate(size);
    if (addr === 0) {
      const heap = this.heap;
      const c = heap.counters;
      throw new OutOfMemoryError({
        requestedBytes: size,
        reservedBytes: heap.os.reservedBytes,
        heapLimit: heap.os.heapLimit,
        allocatedBytes: c.bytesAllocated - c.bytesFreed,
        collector: this.name,
      });
    }
    if (this.live !== null) this.live.add(addr);
    return addr;
  }

  /** Adds one to the count of the object at `addr` (non-null). */
  protected increment(addr: number): void {
    this.heap.counters.rcIncrements++;
    this.heap.memory.words[(addr >> 2) + COUNT_SLOT]!++;
  }

  /** Subtracts one from the count of the object at `addr` (non-null); frees it at zero (cascade). */
  protected decrement(addr: number): void {
    this.heap.counters.rcDecrements++;
    const words = this.heap.memory.words;
    const i = (addr >> 2) + COUNT_SLOT;
    if (--words[i]! === 0) this.release(addr);
  }

  /**
   * Frees `addr`, whose count is zero, and then iteratively every object whose count the freeing
   * brings to zero. Loop invariant: every object on the worklist has count zero, is allocated, and
   * is on the worklist once. Outside a collection, a cascade is one pause (kind 'cascade', work =
   * objects freed); only cascades are timed, never single decrements.
   */
  protected release(addr: number): void {
    const heap = this.heap;
    const timed = !this.collecting;
    const start = timed ? heap.telemetry.startPause() : 0;
    const counters = heap.counters;
    const stack = this.cascade;
    const fieldOffset = this.fieldOffset;
    stack.push(addr);
    let freed = 0;
    while (stack.length > 0) {
      const obj = stack.pop();
      const words = heap.memory.words;
      const n = words[obj >> 2]! & NREFS_MASK;
      if (n > 0) {
        stack.reserve(n);
        const items = stack.items;
        let top = stack.length;
        // Fields last to first, so field 0's referent is popped next: a structure allocated depth
        // first (field 0 first) is freed in allocation order, walking memory forwards (a 4M-node
        // tree frees about 4 times faster than in the reverse order; see docs/performance.md).
        const first = (obj + fieldOffset) >> 2;
        for (let p = first + 2 * (n - 1); p >= first; p -= 2) {
          const ref = words[p]!;
          if (ref !== 0) {
            counters.rcDecrements++;
            if (--words[(ref >> 2) + COUNT_SLOT]! === 0) items[top++] = ref;
          }
        }
        stack.length = top;
      }
      this.freeObject(obj);
      freed++;
    }
    if (timed) {
      heap.telemetry.endPause(this.cascadeKind, start, freed);
      this.cascades++;
      if (freed > this.largestCascade) this.largestCascade = freed;
    }
  }

  /** Returns the block of a dead object to obmalloc and reports it (after `objectFreed`). */
  protected freeObject(addr: number): void {
    const heap = this.heap;
    const size = heap.model.size(heap.memory.words, addr);
    this.objectFreed(addr);
    this.space.free(addr);
    if (this.live !== null) this.live.delete(addr);
    heap.recordFree(addr, size);
  }

  /** Hook: the object at `addr` is about to be freed (its words are still intact). Default: nothing. */
  protected objectFreed(_addr: number): void {}

  override referenceCount(addr: number): number {
    return this.heap.memory.words[(addr >> 2) + COUNT_SLOT]!;
  }

  /** Checked mode: counts and the allocator's bookkeeping (see `verifyCounts`). */
  override verify(): void {
    this.verifyCounts(true);
    this.space.verify();
  }

  /**
   * Checked mode: recomputes every allocated object's incoming references by an independent scan of
   * all objects' fields (plus every root when `countRoots`) and compares them with the stored
   * counts; also checks that no field or root refers to a freed block. Throws `HeapIntegrityError`.
   * Outside checked mode the set of allocated objects is not kept and this does nothing.
   */
  protected verifyCounts(countRoots: boolean): void {
    const live = this.live;
    if (live === null) return;
    const heap = this.heap;
    const words = heap.memory.words;
    const incoming = new Map<number, number>();
    const hex = (a: number) => `0x${a.toString(16)}`;
    for (const addr of live) {
      const n = words[addr >> 2]! & NREFS_MASK;
      for (let i = 0; i < n; i++) {
        const ref = words[(addr + this.fieldOffset + 8 * i) >> 2]!;
        if (ref === 0) continue;
        if (!live.has(ref))
          this.fail(`field ${i} of the object at ${hex(addr)} refers to ${hex(ref)}, which is not allocated`);
        incoming.set(ref, (incoming.get(ref) ?? 0) + 1);
      }
    }
    if (countRoots) {
      const roots = heap.roots;
      const note = (ref: number, where: string) => {
        if (ref === 0) return;
        if (!live.has(ref)) this.fail(`${where} refers to ${hex(ref)}, which is not allocated`);
        incoming.set(ref, (incoming.get(ref) ?? 0) + 1);
      };
      for (let i = 0; i < roots.top; i++) note(roots.regs[i]!, `register slot ${i}`);
      for (let g = 0; g < roots.globalCount; g++) note(roots.globals[g]!, `global '${roots.globalNames[g]}'`);
    }
    for (const addr of live) {
      const expected = incoming.get(addr) ?? 0;
      const count = words[(addr >> 2) + COUNT_SLOT]!;
      if (count !== expected) {
        this.fail(
          `the object at ${hex(addr)} has reference count ${count} but ${expected} incoming references ` +
            `(heap fields${countRoots ? ' and roots' : ''})`,
        );
      }
    }
  }

  /** Throws `HeapIntegrityError` for the running operation. */
  protected fail(reason: string): never {
    throw new HeapIntegrityError(this.heap.opIndex, `${this.name}: ${reason}`);
  }

  override stats(): Record<string, number> {
    return { cascades: this.cascades, largestCascade: this.largestCascade };
  }
}
