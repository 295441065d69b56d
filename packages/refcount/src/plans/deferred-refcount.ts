/**
 * `refcount-deferred`: deferred reference counting (Deutsch and Bobrow 1976; GC Handbook §5.6).
 *
 * Root writes (registers, globals, arguments, `ret`) are not counted: only field stores change
 * counts, so a count is the number of references from heap fields alone. An object whose heap count
 * falls to zero may still be held by a root, so instead of being freed it enters the zero-count
 * table (ZCT); new objects start there too. The ZCT is reconciled when it holds `zctThreshold`
 * entries (checked at allocation, the safepoint), when an allocation fails under the heap limit
 * (then the allocation is tried once more), or on an explicit `gc`:
 *
 * 1. increment the referent of every root (after this, count = heap + root references);
 * 2. drop from the ZCT every entry whose count is now above zero (it is referenced somewhere);
 * 3. free every remaining entry: its count is zero, so nothing refers to it, and the cascade frees
 *    what only it kept alive (no root holds those either: step 1 counted the roots);
 * 4. decrement the referent of every root again; those back at zero (held by roots only) form the
 *    new ZCT.
 *
 * Finalizers and weak references (trace format 2) act when the ZCT is processed (step 3), not when
 * a count first reaches zero: each freed object's finalizer runs first, with roots counted (step 1),
 * so a finalizer that stores the object into a global resurrects it (root writes made during a
 * reconciliation are counted until step 4 uncounts every root); then the weak references to it are
 * cleared and their callbacks run (`ReferenceCounting.releaseFinalizing`). Weak reference objects
 * among the entries are freed before the other entries: one that dies in the same reconciliation
 * as its referent was already garbage, so its callback does not run (CPython's rule for weak
 * references that are garbage themselves). So a finalizer runs up
 * to `zctThreshold` allocations after the object became unreachable, or at an explicit `gc`.
 *
 * The ZCT is a typed-array worklist; membership is the first GC bit of the shape word (`ZCT_BIT`),
 * so an object enters at most once. Entries whose count rose again stay until step 2 drops them.
 *
 * Invariants after every operation (checked mode): each allocated object's count equals its
 * incoming references from heap fields (roots excluded); every object with count zero is in the ZCT.
 * Cycles are never reclaimed, as with `refcount`.
 *
 * NOTE on `referenceCount` (the `refcount` op): a stored count leaves roots out, so the op reports
 * the heap count plus the root slots holding the object, computed on demand by scanning the roots.
 * It therefore prints what `refcount` prints (2, 3, 2 for the getrefcount example) while the hot
 * path never counts a root.
 *
 * Figures: `rootOpsDeferred` is the increments and decrements immediate counting would have done
 * for root writes; `reconcileRootOps` is what reconciliations spent counting roots instead;
 * `rcOpsSaved` is the difference.
 */
import {
  type Collector,
  type CollectorDescriptor,
  type CollectorOptions,
  GC_BIT_0,
  type Heap,
  hex,
  integerOption,
  OutOfMemoryError,
  Worklist,
} from '@gclab/core';
import { COUNT_SLOT, ReferenceCounting } from '../reference-counting.ts';

/** The shape-word bit meaning "this object is in the zero-count table". */
export const ZCT_BIT = GC_BIT_0;

/** Default number of ZCT entries that triggers a reconciliation. */
export const DEFAULT_ZCT_THRESHOLD = 4096;

/** Options of `refcount-deferred`. */
export interface DeferredReferenceCountingOptions extends CollectorOptions {
  /** Reconcile when this many entries joined the zero-count table since the last reconciliation (default 4096; at least 1). */
  zctThreshold?: number;
}

/** Deutsch-Bobrow deferred reference counting with a zero-count table. */
export class DeferredReferenceCounting extends ReferenceCounting {
  readonly name: string = 'refcount-deferred';
  /** The zero-count table: objects whose heap count reached zero since the last reconciliation. */
  readonly zct = new Worklist(1024);
  /** New ZCT entries (since the last reconciliation) that trigger a reconciliation. */
  readonly zctThreshold: number;
  /** ZCT length at which the next allocation reconciles: entries left by the last one + threshold. */
  private trigger: number;
  /** Reconciliations run so far. */
  reconciliations = 0;
  /** Root-write count operations not performed (one per non-null old or new value). */
  rootOpsDeferred = 0;
  /** Count operations reconciliations spent on roots (an increment and a decrement per root). */
  reconcileRootOps = 0;
  private readonly reconcileKind: number;

  constructor(heap: Heap, options: DeferredReferenceCountingOptions = {}) {
    super(heap);
    this.zctThreshold = integerOption(options, 'refcount-deferred', 'zctThreshold', DEFAULT_ZCT_THRESHOLD, 1);
    this.reconcileKind = heap.telemetry.pauses.kindId('reconcile');
    this.trigger = this.zctThreshold;
  }

  allocate(size: number): number {
    if (this.zct.length >= this.trigger) this.reconcile();
    try {
      return this.allocateBlock(size);
    } catch (error) {
      // The heap limit refused: the ZCT may hold garbage, so reconcile and try once more.
      if (!(error instanceof OutOfMemoryError) || this.zct.length === 0) throw error;
      this.reconcile();
      return this.allocateBlock(size);
    }
  }

  /** A new object has heap count zero: it starts in the ZCT. */
  override postAlloc(addr: number): void {
    this.heap.memory.words[addr >> 2]! |= ZCT_BIT;
    this.zct.push(addr);
  }

  override rootWritten(oldValue: number, newValue: number): void {
    if (this.collecting) {
      // A finalizer resurrecting into a global during step 3: roots are counted now (step 1).
      if (newValue !== 0) this.increment(newValue);
      if (oldValue !== 0) this.decrement(oldValue);
      return;
    }
    if (newValue !== 0) this.rootOpsDeferred++;
    if (oldValue !== 0) this.rootOpsDeferred++;
  }

  /** A resurrected ZCT entry leaves the table (step 4 puts it back if only roots hold it). */
  protected override finalized(addr: number, resurrected: boolean): void {
    if (resurrected) this.heap.memory.words[addr >> 2]! &= ~ZCT_BIT;
  }

  override writeBarrierPost(_obj: number, _slot: number, oldValue: number, newValue: number): void {
    if (newValue !== 0) this.increment(newValue);
    if (oldValue !== 0) {
      this.heap.counters.rcDecrements++;
      const words = this.heap.memory.words;
      if (--words[(oldValue >> 2) + COUNT_SLOT]! === 0 && (words[oldValue >> 2]! & ZCT_BIT) === 0) {
        words[oldValue >> 2]! |= ZCT_BIT;
        this.zct.push(oldValue);
      }
    }
  }

  /** Explicit `gc`: reconciles the ZCT; returns the number of objects freed. */
  override collect(_generation: number): number {
    return this.reconcile();
  }

  /** Reconciles the zero-count table (steps 1-4 above); returns the number of objects freed. */
  reconcile(): number {
    const heap = this.heap;
    const start = heap.telemetry.startPause();
    const counters = heap.counters;
    const freedBefore = counters.objectsFreed;
    this.collecting = true;
    const roots = heap.roots;
    // 1. Count the roots. After this, count = heap + root references for every object.
    let words = heap.memory.words;
    for (let i = 0; i < roots.top; i++) {
      const ref = roots.regs[i]!;
      if (ref !== 0) words[(ref >> 2) + COUNT_SLOT]!++;
    }
    for (let g = 0; g < roots.globalCount; g++) {
      const ref = roots.globals[g]!;
      if (ref !== 0) words[(ref >> 2) + COUNT_SLOT]!++;
    }
    // 2. Keep only the entries nothing refers to. After this, every kept entry has count zero and
    //    its ZCT bit; every dropped entry has its bit cleared.
    const zct = this.zct;
    const items = zct.items;
    let kept = 0;
    for (let k = 0; k < zct.length; k++) {
      const addr = items[k]!;
      if (words[(addr >> 2) + COUNT_SLOT] === 0) items[kept++] = addr;
      else words[addr >> 2]! &= ~ZCT_BIT;
    }
    // 3. Free them. No cascade reaches a kept entry (nothing refers to one), and every object a
    //    cascade frees is unreferenced by roots (step 1 counted them).
    //    Weak reference objects first: one that dies in the same reconciliation as its referent
    //    was garbage when the referent died, so its callback must not run.
    if (heap.weakRefs.size !== 0) {
      const weakRefs = heap.weakRefs;
      let rest = 0;
      for (let k = 0; k < kept; k++) {
        const addr = items[k]!;
        if (weakRefs.isWeakReference(addr)) this.release(addr);
        else items[rest++] = addr;
      }
      kept = rest;
    }
    for (let k = 0; k < kept; k++) this.release(items[k]!);
    zct.clear();
    // 4. Uncount the roots; objects held by roots only go back into the ZCT.
    words = heap.memory.words;
    let rootRefs = 0;
    for (let i = 0; i < roots.top; i++) {
      const ref = roots.regs[i]!;
      if (ref !== 0) {
        rootRefs++;
        this.uncountRoot(words, ref);
      }
    }
    for (let g = 0; g < roots.globalCount; g++) {
      const ref = roots.globals[g]!;
      if (ref !== 0) {
        rootRefs++;
        this.uncountRoot(words, ref);
      }
    }
    counters.rcIncrements += rootRefs;
    counters.rcDecrements += rootRefs;
    this.reconcileRootOps += 2 * rootRefs;
    this.collecting = false;
    this.reconciliations++;
    this.trigger = this.zct.length + this.zctThreshold;
    const freed = counters.objectsFreed - freedBefore;
    heap.telemetry.endPause(this.reconcileKind, start, freed);
    heap.telemetry.recordCollection('reconcile', freed, 0);
    return freed;
  }

  private uncountRoot(words: Int32Array, ref: number): void {
    if (--words[(ref >> 2) + COUNT_SLOT]! === 0 && (words[ref >> 2]! & ZCT_BIT) === 0) {
      words[ref >> 2]! |= ZCT_BIT;
      this.zct.push(ref);
    }
  }

  /** The heap count plus the number of root slots holding `addr` (roots are scanned on demand). */
  override referenceCount(addr: number): number {
    const roots = this.heap.roots;
    let count = this.heap.memory.words[(addr >> 2) + COUNT_SLOT]!;
    for (let i = 0; i < roots.top; i++) if (roots.regs[i] === addr) count++;
    for (let g = 0; g < roots.globalCount; g++) if (roots.globals[g] === addr) count++;
    return count;
  }

  /** Checked mode: heap counts, ZCT membership of every zero-count object, allocator bookkeeping. */
  override verify(): void {
    this.verifyCounts(false);
    const live = this.live;
    if (live !== null) {
      const words = this.heap.memory.words;
      const inTable = new Set<number>();
      for (let k = 0; k < this.zct.length; k++) inTable.add(this.zct.items[k]!);
      for (const addr of live) {
        const flagged = (words[addr >> 2]! & ZCT_BIT) !== 0;
        if (flagged !== inTable.has(addr)) {
          this.fail(
            `the object at ${hex(addr)} has ZCT bit ${flagged ? 'set' : 'clear'} but is ${flagged ? 'not ' : ''}in the table`,
          );
        }
        if (words[(addr >> 2) + COUNT_SLOT] === 0 && !flagged) {
          this.fail(`the object at ${hex(addr)} has heap count zero but is not in the zero-count table`);
        }
      }
    }
    this.space.verify();
  }

  override stats(): Record<string, number> {
    return {
      ...super.stats(),
      zctEntries: this.zct.length,
      zctThreshold: this.zctThreshold,
      reconciliations: this.reconciliations,
      rootOpsDeferred: this.rootOpsDeferred,
      reconcileRootOps: this.reconcileRootOps,
      rcOpsSaved: this.rootOpsDeferred - this.reconcileRootOps,
    };
  }
}

/** Descriptor of `refcount-deferred`. */
export const refcountDeferred: CollectorDescriptor = {
  name: 'refcount-deferred',
  family: 'reference-counting',
  summary:
    'Deutsch-Bobrow deferred reference counting: root writes uncounted, zero-count table reconciled by a root scan.',
  constraints: {
    movesObjects: false,
    reclaimsCycles: false,
    countsReferences: true,
    generational: false,
    incremental: false,
    headerWords: 1,
  },
  create(heap: Heap, options?: CollectorOptions): Collector {
    return new DeferredReferenceCounting(heap, options);
  },
};
