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
 * Pauses (a methodology decision): a reference-counting free of ONE object is not a pause. Outside
 * a collection, `release` frees a lone object without reading the clock (`singleFrees` counts these);
 * a cascade becomes a pause of kind 'cascade' only when it frees a second object, timed from the
 * moment the first object's first referent reaches zero (before the first block is returned) to its
 * end, with work units = every object it freed, the first included (`cascades` counts these pauses;
 * `largestCascade` is the most objects one release freed). So a cascade that frees a large
 * structure is still a pause (DESIGN.md), while the ~358,000 one-object frees per million steps of
 * the differential mix cost no clock reads. Inside a collection (`collecting`: CPython's
 * delete_garbage, a ZCT reconciliation) nothing is timed here; the collection is the pause.
 *
 * Finalizers and weak references (trace format 2), at count zero as CPython's `subtype_dealloc`
 * does: the finalizer runs first, with the count temporarily 1 (`PyObject_CallFinalizerFromDealloc`);
 * if the count is above zero afterwards the finalizer resurrected the object, which is not freed (its
 * finalizer never runs again: the table drops it once run). Otherwise the weak references to it are
 * cleared, their callbacks run (newest weak reference first), and the object is freed and its
 * referents released. A legacy finalizer (`tp_del`) runs at count zero too. A heap without
 * finalizers or weak references takes the typed-array cascade below unchanged (two size checks);
 * one with them takes `releaseFinalizing`.
 *
 * Invariants (checked by `verifyCounts` in checked mode): every allocated object's count equals its
 * incoming references from heap fields, plus roots for collectors that count root writes; no freed
 * object is referenced. A subclass hears of every freed object through `objectFreed` (CPython's cycle
 * collector unlinks it from its generation list there), called before the block is returned.
 */
import { ObmallocSpace } from '@gclab/allocator';
import { CollectorBase, type Heap, HeapIntegrityError, hex, NREFS_MASK, Worklist } from '@gclab/core';

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
  /** Set while a collection runs: cascades inside it are not pauses of their own and not counted. */
  protected collecting = false;
  /** Byte offset from an object to its first reference field. */
  protected readonly fieldOffset: number;
  /**
   * Cascades that freed more than one object outside collections; each is one pause of kind
   * 'cascade' (see `release`).
   */
  cascades = 0;
  /** Frees of a single object outside collections (not pauses: see `release`). */
  singleFrees = 0;
  /** The most objects one cascade freed outside collections (1 after a single free). */
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
    if (addr === 0) throw this.heap.outOfMemory(this.name, size);
    if (this.live !== null) this.live.add(addr);
    return addr;
  }

  /** Adds one to the count of the object at `addr` (non-null). */
  protected increment(addr: number): void {
    this.heap.counters.rcIncrements++;
    this.heap.memory.words[(addr >> 2) + COUNT_SLOT]!++;
  }

  /**
   * Subtracts one from the count of the object at `addr` (non-null); frees it at zero (cascade). A
   * count left above zero is reported to `survived` when `watchesSurvivors` is set.
   */
  protected decrement(addr: number): void {
    this.heap.counters.rcDecrements++;
    const words = this.heap.memory.words;
    const i = (addr >> 2) + COUNT_SLOT;
    if (--words[i]! === 0) this.release(addr);
    else if (this.watchesSurvivors) this.survived(addr);
  }

  /**
   * Whether every decrement that leaves a count above zero (in `decrement` and inside cascades) is
   * reported to `survived`: trial deletion's candidate roots (Bacon & Rajan's PossibleRoot). False
   * here: such a decrement then costs one test of this constant field.
   */
  protected readonly watchesSurvivors: boolean = false;

  /**
   * Hook (only while `watchesSurvivors`): the count of the object at `addr` was decremented and is
   * still above zero. It may be called inside a cascade, so it must not change counts or free objects.
   */
  protected survived(_addr: number): void {}

  /**
   * Frees `addr`, whose count is zero, and then iteratively every object whose count the freeing
   * brings to zero (the cascade).
   *
   * Timing (methodology: a free of ONE object is not a pause). The first object's referents are
   * decremented at once, while its fields are scanned. If none reaches zero, the object is freed
   * untimed: a single free (`singleFrees`, outside collections). When the first one reaches zero
   * the cascade has a second object: the clock is read at that moment, before the first object's
   * block is returned, and the whole cascade is one pause of kind 'cascade' whose work units are
   * all the objects it freed, the first included (`cascades` counts these). Inside a collection
   * (`collecting`) nothing is timed or counted here: the collection is the pause.
   *
   * Order (decrement on pop). After the first object, a freed object's non-null referents are
   * pushed undecremented, fields last to first, and each is decremented when popped; one reaching
   * zero is freed there and its own referents pushed. This is CPython's recursive order (a
   * referent is touched when its turn comes, not when its parent is freed): a tree allocated depth
   * first, field 0 first, is freed in allocation order and each count is decremented just before
   * the object is freed, walking memory forwards (docs/performance.md). Which objects a cascade
   * frees and every count are independent of the order; only which freed block obmalloc hands out
   * next can differ.
   *
   * Worklist entries: `~ref` (negative) for a referent of the first object, already decremented to
   * zero; `ref` (positive) for a referent still to decrement. Loop invariant: every entry is an
   * allocated object; a positive entry stands for one reference from an already freed object, so an
   * object's count is at least its number of positive entries and reaches zero at its last one;
   * a negative entry is an allocated object with count zero, on the worklist once.
   */
  protected release(addr: number): void {
    const heap = this.heap;
    if (heap.finalizers.size !== 0 || heap.weakRefs.size !== 0) {
      this.releaseFinalizing(addr);
      return;
    }
    // Freeing never maps memory, so `words` stays valid through the cascade.
    const words = heap.memory.words;
    const counters = heap.counters;
    const fieldOffset = this.fieldOffset;
    const stack = this.cascade;
    const watch = this.watchesSurvivors;
    const base = stack.length;
    let top = base;
    const n0 = words[addr >> 2]! & NREFS_MASK;
    if (n0 > 0) {
      stack.reserve(n0);
      const items = stack.items;
      const first = (addr + fieldOffset) >> 2;
      for (let p = first + 2 * (n0 - 1); p >= first; p -= 2) {
        const ref = words[p]!;
        if (ref !== 0) {
          counters.rcDecrements++;
          if (--words[(ref >> 2) + COUNT_SLOT]! === 0) items[top++] = ~ref;
          else if (watch) this.survived(ref);
        }
      }
    }
    if (top === base) {
      // A single free: no clock.
      const size = fieldOffset + 8 * n0 + ((words[(addr >> 2) + 1]! + 7) & ~7);
      this.freeBlock(addr);
      heap.recordFree(addr, size);
      if (!this.collecting) {
        this.singleFrees++;
        if (this.largestCascade === 0) this.largestCascade = 1;
      }
      return;
    }
    const timed = !this.collecting;
    const start = timed ? heap.telemetry.startPause() : 0;
    // Unless each freed address is listened to, the cascade's frees are reported as one batch.
    const each = heap.freesObserved;
    let size = fieldOffset + 8 * n0 + ((words[(addr >> 2) + 1]! + 7) & ~7);
    this.freeBlock(addr);
    if (each) heap.recordFree(addr, size);
    let bytes = size;
    let freed = 1;
    let items = stack.items;
    let capacity = items.length;
    while (top > base) {
      let obj = items[--top]!;
      if (obj < 0) {
        obj = ~obj;
      } else {
        counters.rcDecrements++;
        if (--words[(obj >> 2) + COUNT_SLOT]! !== 0) {
          if (watch) this.survived(obj);
          continue;
        }
      }
      const n = words[obj >> 2]! & NREFS_MASK;
      if (n > 0) {
        if (top + n > capacity) {
          stack.length = top;
          stack.reserve(n);
          items = stack.items;
          capacity = items.length;
        }
        // Fields last to first, so field 0's referent is popped next.
        const first = (obj + fieldOffset) >> 2;
        for (let p = first + 2 * (n - 1); p >= first; p -= 2) {
          const ref = words[p]!;
          if (ref !== 0) items[top++] = ref;
        }
      }
      size = fieldOffset + 8 * n + ((words[(obj >> 2) + 1]! + 7) & ~7);
      this.freeBlock(obj);
      if (each) heap.recordFree(obj, size);
      bytes += size;
      freed++;
    }
    stack.length = base;
    if (!each) heap.recordBulkFree(freed, bytes);
    if (timed) {
      heap.telemetry.endPause(this.cascadeKind, start, freed);
      this.cascades++;
      if (freed > this.largestCascade) this.largestCascade = freed;
    }
  }

  /**
   * `release` of a heap with finalizers or weak references (trace format 2), in
   * `subtype_dealloc`'s order for each object whose count reaches zero:
   *
   * 1. its finalizer, if it has one that has not run (`PyObject_CallFinalizerFromDealloc`): the count
   *    is set to 1 while it runs (a temporary resurrection), then decremented; if it is still above
   *    zero the finalizer resurrected the object, which is not freed (`finalized(addr, true)`);
   * 2. the weak references to it are cleared and their callbacks run (`PyObject_ClearWeakRefs`);
   *    if it is a weak reference object itself, it is dropped without its callback running;
   * 3. its referents are released (decrement on pop, as in `release`) and its block freed.
   *
   * A finalizer may write roots, so counts change and nested releases happen while this runs: each
   * call keeps its own stack. Loop invariant: as in `release`, a positive entry stands for one
   * not yet decremented reference from a freed object, so no nested release can free it first.
   * Timing: a pause of kind 'cascade' when it frees more than one object, from its start.
   */
  private releaseFinalizing(addr: number): void {
    const heap = this.heap;
    const counters = heap.counters;
    const fieldOffset = this.fieldOffset;
    const timed = !this.collecting;
    const start = timed ? heap.telemetry.startPause() : 0;
    const stack: number[] = [~addr];
    let freed = 0;
    while (stack.length > 0) {
      let obj = stack.pop()!;
      if (obj < 0) {
        obj = ~obj;
      } else {
        counters.rcDecrements++;
        if (--heap.memory.words[(obj >> 2) + COUNT_SLOT]! !== 0) {
          if (this.watchesSurvivors) this.survived(obj);
          continue;
        }
      }
      if (heap.finalizers.has(obj)) {
        const i = (obj >> 2) + COUNT_SLOT;
        heap.memory.words[i] = 1;
        heap.runFinalizer(obj);
        const resurrected = --heap.memory.words[i]! > 0;
        this.finalized(obj, resurrected);
        if (resurrected) continue;
      }
      heap.weakRefs.objectFreed(obj);
      // Neither finalizers nor callbacks allocate, so `words` stays valid from here to the free.
      const words = heap.memory.words;
      const n = words[obj >> 2]! & NREFS_MASK;
      const first = (obj + fieldOffset) >> 2;
      for (let p = first + 2 * (n - 1); p >= first; p -= 2) {
        const ref = words[p]!;
        if (ref !== 0) stack.push(ref);
      }
      const size = fieldOffset + 8 * n + ((words[(obj >> 2) + 1]! + 7) & ~7);
      this.freeBlock(obj);
      heap.recordFree(obj, size);
      freed++;
    }
    if (this.collecting) return;
    if (freed > 1) {
      heap.telemetry.endPause(this.cascadeKind, start, freed);
      this.cascades++;
    } else if (freed === 1) {
      this.singleFrees++;
    }
    if (freed > this.largestCascade) this.largestCascade = freed;
  }

  /**
   * Hook: the finalizer of the object at `addr` ran when its count reached zero (format 2);
   * `resurrected` says whether it is still alive (its count is above zero). Default: nothing. CPython
   * sets the FINALIZED flag and re-tracks a resurrected object in generation 0.
   */
  protected finalized(_addr: number, _resurrected: boolean): void {}

  /**
   * Frees one dead object outside a cascade (a collector's own reclamation: trial deletion's
   * collect-white): `objectFreed`, its block back to obmalloc, the free reported. What happens to
   * its referents' counts is the caller's business. Returns its size in bytes.
   */
  protected freeObject(addr: number): number {
    const size = this.heap.model.size(this.heap.memory.words, addr);
    this.freeBlock(addr);
    this.heap.recordFree(addr, size);
    return size;
  }

  /**
   * Returns the block of a dead object to obmalloc, after `objectFreed`; `release` reports the free
   * (each object, or the cascade's batch while `heap.freesObserved` is false).
   */
  private freeBlock(addr: number): void {
    this.objectFreed(addr);
    this.space.free(addr);
    if (this.live !== null) this.live.delete(addr);
  }

  /**
   * Hook: the object at `addr` is about to be freed (its words are still intact). Default: nothing.
   * It runs inside the cascade, so it must not change counts or free objects itself.
   */
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
   * counts; also checks that no field or root refers to a freed block. `extra`: references the
   * collector itself holds (CPython's gc.garbage), counted like roots. `exempt`: a stored count it
   * accepts whatever the references (CPython's immortal objects, PEP 683). Throws `HeapIntegrityError`.
   * Outside checked mode the set of allocated objects is not kept and this does nothing.
   */
  protected verifyCounts(
    countRoots: boolean,
    extra: readonly number[] = [],
    exempt?: (count: number) => boolean,
  ): void {
    const live = this.live;
    if (live === null) return;
    const heap = this.heap;
    const words = heap.memory.words;
    const incoming = new Map<number, number>();
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
      for (const ref of extra) note(ref, 'a reference the collector holds');
    }
    for (const addr of live) {
      const expected = incoming.get(addr) ?? 0;
      const count = words[(addr >> 2) + COUNT_SLOT]!;
      if (count !== expected && exempt?.(count) !== true) {
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
    return { cascades: this.cascades, singleFrees: this.singleFrees, largestCascade: this.largestCascade };
  }
}
