/**
 * `gen-copy`: a generational collector with a copying nursery and a mark-sweep mature space.
 *
 * Sources: D. Ungar, "Generation Scavenging", SDE 1984 (nursery, remembered set, promotion);
 * A. Appel, "Simple generational garbage collection and fast allocation", SP&E 1989 (bump-allocated
 * nursery, en-masse promotion); C. J. Cheney, CACM 1970 (breadth-first copying); GC Handbook §9
 * (generational), §11.8 (remembered sets), §2 (mark-sweep).
 *
 * Spaces:
 * - nursery: a `BumpSpace` of `nurseryBytes` (default: a quarter of the heap limit, at most 4 MiB;
 *   4 MiB with no limit), mapped once;
 * - mature space: a `SegregatedFreeListSpace` (mark-sweep: objects never move once promoted), whose
 *   `LargeObjectSpace` also takes objects above `largeObjectBytes` (default 8192) directly at
 *   allocation: large objects are born mature and never copied.
 *
 * GC bits of the shape word (`trace/gc-bits.ts`): `FORWARDED_BIT` (nursery objects evacuated during
 * a collection, new address in the high slot: `trace/forwarding.ts`), `GEN_MARK_BIT`
 * (full-collection mark), `REMEMBERED_BIT` (mature object in the remembered set), `NURSERY_HOLE_BIT`
 * (a freed nursery object left in place after a failed evacuation). `headerWords` is 0.
 *
 * Write barrier (object-remembering, Handbook §11.8): after a store of a nursery address into a
 * mature object, the object is recorded once in the remembered set (`REMEMBERED_BIT` filters
 * duplicates; `counters.barrierHits` counts recordings). Root writes need no barrier: the roots are
 * scanned at every collection. Barrier invariant, checked by `verify`: every live mature object
 * holding a nursery address is in the remembered set.
 *
 * Minor collection (`gc 0`, or the nursery is full): the nursery objects reachable from the roots and
 * the remembered objects are copied into the mature space, breadth-first (the list of copies is the
 * Cheney queue). Promotion policy: en-masse, every survivor of its first minor collection is promoted
 * (no survivor spaces, no ages), so after a minor collection the nursery and the remembered set are
 * empty. Copying is two-phase so that a promotion failure (the heap limit refuses the mature space a
 * chunk) loses nothing: while tracing, only the copies are updated; the roots and remembered objects
 * are redirected at commit. On a failure every copy is discarded, the originals restored (the
 * collection is recorded as a pause but not as a collection) and a full collection runs instead.
 *
 * Full collection (`gc`, `gc 1`, the trigger, or a promotion failure): mark from the roots through
 * both generations (`Marker`), drop dead objects from the remembered set, sweep the mature space, then
 * evacuate the nursery as a minor collection does. If the evacuation still fails, the survivors stay in
 * the nursery (marks cleared, heap consistent), the dead nursery objects are reported freed and left
 * as holes (`NURSERY_HOLE_BIT`) until the next evacuation, and an allocation that still cannot be
 * satisfied raises `OutOfMemoryError`.
 *
 * Finalizers and weak references (trace format 2; the shared steps of `trace/finalization.ts`):
 * - full collection: after phase 1, weak references whose referent is unmarked are cleared (the
 *   callback of one that is itself marked runs), the unmarked registered objects are queued and marked
 *   from, and the tables keep the marked entries only; phase 4 evacuates the queued nursery objects
 *   like roots, and at its commit the tables (and the queue) take the copies' addresses;
 * - minor collection: old objects count as live (a weak reference to an old object is never cleared
 *   by it, and an old weak reference object counts as live for its callback, as in CPython's young
 *   collections). After phase A's closure, weak references whose nursery referent was not evacuated
 *   are cleared, the registered nursery objects not evacuated are queued, evacuated like roots and
 *   scanned from; at the commit the tables keep the entries of evacuated and old objects, at the
 *   copies' addresses (a weak reference object and its referent both move). If the promotion fails,
 *   the cleared weak references stay cleared (their referents are unreachable in the full collection
 *   that follows too), the queue is dropped and the full collection queues the same objects again.
 * In both, the queued finalizers run after the collection (registration order) at the objects'
 * current addresses; each queued object and everything it reaches survives that collection; a
 * finalized object still unreachable is freed by a later one; one stored into a global by its
 * finalizer lives on and is never finalized again.
 *
 * Full-collection trigger: before a minor collection (and before a large allocation), when the mature
 * space's bytes (blocks plus large objects) reach `max(minFullTriggerBytes, matureGrowthFactor x
 * mature bytes after the last full collection)`; defaults 1 MiB and 2. Also on promotion failure and
 * when the heap limit refuses a large object.
 *
 * Telemetry: pauses 'minor' (work = bytes copied) and 'full' (work = objects marked); collections are
 * recorded as generation 0 (minor) and 1 (full: both generations), like CPython's `gc.callbacks`.
 *
 * Invariants between operations: nursery objects and holes tile `[nursery.start, nursery.cursor)`
 * exactly; objects have no GC bit set, holes only `NURSERY_HOLE_BIT`; no live object carries `FORWARDED_BIT` or `GEN_MARK_BIT`; the barrier
 * invariant above; `REMEMBERED_BIT` is set exactly on the remembered set's entries.
 */

import {
  BumpSpace,
  LargeObjectSpace,
  SEGREGATED_SMALL_LIMIT,
  SegregatedFreeListSpace,
} from '@gclab/allocator';
import {
  type Collector,
  CollectorBase,
  type CollectorDescriptor,
  CollectorOptionError,
  type CollectorOptions,
  FULL_COLLECTION,
  GC_BITS_MASK,
  type Heap,
  HeapIntegrityError,
  hex,
  NREFS_MASK,
  numberOption,
  PAGE_SIZE,
  Worklist,
} from '@gclab/core';
import { ReferenceProcessor } from '../trace/finalization.ts';
import { FORWARDED_BIT, GEN_MARK_BIT, NURSERY_HOLE_BIT, REMEMBERED_BIT } from '../trace/gc-bits.ts';
import { Marker } from '../trace/mark-stack.ts';
import { outOfMemory } from '../trace/out-of-memory.ts';
import { RememberedSet } from '../trace/remembered-set.ts';

/** An empty finalization queue. */
const NO_OBJECTS: readonly number[] = [];

/** Nursery bytes with no heap limit, and the most the heap-limit default gives. */
export const DEFAULT_NURSERY_BYTES = 4 << 20;

/** Options of `gen-copy`. */
export interface GenCopyOptions extends CollectorOptions {
  /** Nursery bytes (page-rounded). Default: a quarter of the heap limit, at most 4 MiB; 4 MiB unlimited. */
  nurseryBytes?: number;
  /** Objects of more than this many bytes are allocated in the large object space. Default 8192. */
  largeObjectBytes?: number;
  /** Mature-space chunk bytes (a power of two, 16 KiB to 16 MiB). Default 16 KiB under a limit below 4 MiB, else 64 KiB. */
  chunkBytes?: number;
  /** A full collection runs when mature bytes reach this factor times those after the last one. Default 2. */
  matureGrowthFactor?: number;
  /** ... but never below this many mature bytes. Default 1 MiB. */
  minFullTriggerBytes?: number;
}

/** Generational copying collector: bump nursery, en-masse promotion, mark-sweep mature space. */
export class GenCopy extends CollectorBase {
  readonly name = 'gen-copy';
  /** The nursery. */
  readonly nursery: BumpSpace;
  /** The mature space (its `large` space holds the large objects). */
  readonly mature: SegregatedFreeListSpace;
  /** Large objects (the mature space's large object space). */
  readonly large: LargeObjectSpace;
  /** Mature objects that may point into the nursery. */
  readonly remembered = new RememberedSet();
  /** Objects of more than this many bytes are allocated in `large`. */
  readonly largeObjectBytes: number;
  /** Full-collection trigger factor. */
  readonly matureGrowthFactor: number;
  /** Full-collection trigger floor. */
  readonly minFullTriggerBytes: number;
  /** Mature bytes at which the next full collection is due. */
  fullTriggerBytes: number;
  /** Minor collections completed. */
  minorCollections = 0;
  /** Full collections run. */
  fullCollections = 0;
  /** Evacuations abandoned because the mature space could not take the survivors. */
  promotionFailures = 0;
  /** Bytes promoted into the mature space so far. */
  promotedBytes = 0;
  /** Unfreed objects in the nursery (holes excluded). */
  private nurseryObjects = 0;
  /** Bytes of the holes in the nursery (dead objects already reported freed). */
  private nurseryHoleBytes = 0;
  private readonly nurseryStart: number;
  private readonly nurserySize: number;
  private readonly marker: Marker;
  // Evacuation state: originals and their copies, in copy order (the copies list is the Cheney queue).
  private readonly originals = new Worklist(1024);
  private readonly copies = new Worklist(1024);
  private copiedBytes = 0;
  private readonly fieldIndex: number;
  private readonly minorKind: number;
  private readonly fullKind: number;
  /** Weak-reference clearing and the finalization queue. */
  readonly references: ReferenceProcessor;
  /** Full collection: marked (both generations). Made once, no closure per collection. */
  private readonly isMarked = (addr: number): boolean => this.marker.isMarked(addr);
  /** Evacuation: a nursery object is live when forwarded; an old one always. */
  private readonly isEvacuatedOrOld = (addr: number): boolean =>
    (addr - this.nurseryStart) >>> 0 >= this.nurserySize ||
    (this.heap.memory.words[addr >> 2]! & FORWARDED_BIT) !== 0;
  /** Evacuation: the copy's address of a forwarded nursery object; any other address stays. */
  private readonly forwardYoung = (addr: number): number => {
    const words = this.heap.memory.words;
    return (addr - this.nurseryStart) >>> 0 < this.nurserySize && (words[addr >> 2]! & FORWARDED_BIT) !== 0
      ? words[(addr >> 2) + 1]!
      : addr;
  };

  constructor(heap: Heap, options: GenCopyOptions = {}) {
    super(heap);
    const limit = heap.os.heapLimit;
    const finite = Number.isFinite(limit);
    const derived = finite
      ? Math.min(DEFAULT_NURSERY_BYTES, Math.floor(limit / 4 / PAGE_SIZE) * PAGE_SIZE)
      : DEFAULT_NURSERY_BYTES;
    const nurseryBytes = numberOption(options, this.name, 'nurseryBytes', derived, 1);
    // A heap limit below four pages leaves no room for the derived nursery: the heap is too small
    // (out of memory, as a minimum-heap search expects), not the user's option.
    if (options['nurseryBytes'] === undefined && nurseryBytes < PAGE_SIZE)
      throw outOfMemory(heap, this.name, PAGE_SIZE);
    if (nurseryBytes < PAGE_SIZE) {
      throw new CollectorOptionError(
        `gen-copy: the nursery needs at least one page (${PAGE_SIZE} bytes); the heap limit ${limit} leaves ${nurseryBytes}`,
      );
    }
    this.largeObjectBytes = numberOption(options, this.name, 'largeObjectBytes', SEGREGATED_SMALL_LIMIT, 8);
    const chunkBytes = numberOption(
      options,
      this.name,
      'chunkBytes',
      finite && limit < 4 << 20 ? 16384 : 65536,
      16384,
    );
    this.matureGrowthFactor = numberOption(options, this.name, 'matureGrowthFactor', 2, 1);
    this.minFullTriggerBytes = numberOption(options, this.name, 'minFullTriggerBytes', 1 << 20, 0);
    this.fullTriggerBytes = this.minFullTriggerBytes;
    const nursery = BumpSpace.map(heap.os, nurseryBytes);
    if (nursery === null) throw outOfMemory(heap, this.name, nurseryBytes);
    this.nursery = nursery;
    this.nurseryStart = nursery.start;
    this.nurserySize = nursery.capacity;
    this.large = new LargeObjectSpace(heap.os);
    this.mature = new SegregatedFreeListSpace(heap.os, { chunkBytes, large: this.large });
    this.marker = new Marker(heap, GEN_MARK_BIT);
    this.fieldIndex = heap.model.fieldOffset >> 2;
    this.minorKind = heap.telemetry.pauses.kindId('minor');
    this.fullKind = heap.telemetry.pauses.kindId('full');
    this.references = new ReferenceProcessor(heap);
  }

  // ---- allocation -------------------------------------------------------------------------------

  /** Bump allocation in the nursery; large objects go straight to the mature generation. */
  allocate(size: number): number {
    if (size > this.largeObjectBytes || size > this.nurserySize) return this.allocateLarge(size);
    const nursery = this.nursery;
    const addr = nursery.cursor;
    if (addr + size <= nursery.end) {
      nursery.cursor = addr + size;
      this.nurseryObjects++;
      return addr;
    }
    return this.allocateSlow(size);
  }

  /** The nursery is full: a minor collection, or a full one when due or when promotion fails. */
  private allocateSlow(size: number): number {
    if (this.mature.liveBytes >= this.fullTriggerBytes) this.fullCollection();
    else if (!this.minorCollection()) this.fullCollection();
    const addr = this.nursery.allocate(size);
    if (addr === 0) throw outOfMemory(this.heap, this.name, size);
    this.nurseryObjects++;
    return addr;
  }

  private allocateLarge(size: number): number {
    if (this.mature.liveBytes + size > this.fullTriggerBytes) this.fullCollection();
    let addr = this.large.allocate(size);
    if (addr === 0) {
      this.fullCollection();
      addr = this.large.allocate(size);
      // Empty chunks the mature space keeps for its size classes are memory this object may use.
      if (addr === 0 && this.mature.releaseEmptyChunks() > 0) addr = this.large.allocate(size);
      if (addr === 0) throw outOfMemory(this.heap, this.name, size);
    }
    return addr;
  }

  // ---- write barrier ----------------------------------------------------------------------------

  /** Records a mature object that now holds a nursery address (once: `REMEMBERED_BIT`). */
  override writeBarrierPost(obj: number, _slot: number, _oldValue: number, newValue: number): void {
    const start = this.nurseryStart;
    const size = this.nurserySize;
    if ((newValue - start) >>> 0 < size && (obj - start) >>> 0 >= size) {
      if (this.remembered.remember(this.heap.memory.words, obj)) this.heap.counters.barrierHits++;
    }
  }

  // ---- collections ------------------------------------------------------------------------------

  /** `gc 0`: a minor collection (a full one if promotion fails); any other generation: full. */
  override collect(generation: number = FULL_COLLECTION): number {
    const before = this.heap.counters.objectsFreed;
    if (generation !== 0 || !this.minorCollection()) this.fullCollection();
    return this.heap.counters.objectsFreed - before;
  }

  /**
   * Minor collection: evacuates the live nursery into the mature space. Returns false (after
   * recording the pause) when promotion failed and nothing changed.
   */
  private minorCollection(): boolean {
    const heap = this.heap;
    const clock = heap.counters.bytesAllocated;
    const start = heap.telemetry.startPause();
    const dead = this.evacuateNursery(null);
    heap.telemetry.endPause(this.minorKind, start, this.copiedBytes, clock);
    if (dead < 0) return false;
    this.minorCollections++;
    heap.telemetry.recordCollection(0, dead, 0);
    this.references.runFinalizers();
    return true;
  }

  /**
   * Full collection. Phase 1 marks everything reachable (both generations). Phase 2 drops dead
   * objects from the remembered set, so after it every entry is live. Phase 3 sweeps the mature space:
   * after it the mature space holds only marked objects, with their marks cleared. Phase 4 evacuates
   * the nursery (its objects still carry marks, which the copies do not inherit); if that fails the
   * nursery's marks are cleared and its objects stay where they are.
   */
  private fullCollection(): void {
    const heap = this.heap;
    const clock = heap.counters.bytesAllocated;
    const start = heap.telemetry.startPause();
    const marker = this.marker;
    marker.shadeRoots();
    let marked = marker.drain(Number.POSITIVE_INFINITY);
    // Format 2: weak references to unmarked referents cleared, unmarked finalizable objects queued
    // and marked from, tables pruned to the marked entries (before the sweep clears the marks).
    const references = this.references;
    let queued: readonly number[] = NO_OBJECTS;
    if (references.pending) {
      queued = references.afterRootClosure(this.isMarked);
      marker.shadeEach(queued);
      marked += marker.drain(Number.POSITIVE_INFINITY);
      references.retain(this.isMarked);
    }
    this.remembered.retainMarked(heap.memory.words, GEN_MARK_BIT);
    const swept = this.mature.sweep(heap, GEN_MARK_BIT);
    heap.counters.bytesSwept += swept.bytesSwept;
    let collected = swept.objectsFreed;
    const dead = this.evacuateNursery(queued);
    collected += dead >= 0 ? dead : this.freeNurseryInPlace();
    this.fullTriggerBytes = Math.max(
      this.minFullTriggerBytes,
      this.matureGrowthFactor * this.mature.liveBytes,
    );
    this.fullCollections++;
    heap.telemetry.endPause(this.fullKind, start, marked, clock);
    heap.telemetry.recordCollection(1, collected, 0);
    references.runFinalizers();
  }

  /**
   * Copies every nursery object reachable from the roots, the remembered objects or `queued` (a full
   * collection's finalization queue; null in a minor collection, which processes weak references and
   * finalizers itself) into the mature space and empties the nursery. Returns the number of dead
   * nursery objects reclaimed, or -1 when the mature space refused a block (then every copy is
   * discarded and the heap is as before, except weak references a minor collection cleared).
   *
   * Phase A (trace): roots and remembered objects are read, not written; their nursery referents are
   * copied. Loop invariant over the copies list: copies before `scan` have every field redirected to
   * a copy; copies from `scan` on may still hold nursery addresses. In a minor collection, once that
   * closure is complete, weak references are cleared and the finalization queue evacuated and
   * scanned from. Phase B (commit, only when phase A completed): roots and remembered objects' fields
   * are redirected through the forwarding addresses, the weak-reference and finalizer tables
   * forwarded, moves reported, the nursery reclaimed and the remembered set emptied.
   */
  private evacuateNursery(queued: readonly number[] | null): number {
    const heap = this.heap;
    const memory = heap.memory;
    const start = this.nurseryStart;
    const size = this.nurserySize;
    const fieldIndex = this.fieldIndex;
    const roots = heap.roots;
    const remembered = this.remembered;
    this.originals.clear();
    this.copies.clear();
    this.copiedBytes = 0;

    // Phase A: trace.
    let ok = true;
    const regs = roots.regs;
    for (let i = 0, n = roots.top; ok && i < n; i++) {
      const ref = regs[i]!;
      if ((ref - start) >>> 0 < size && this.evacuate(ref) === 0) ok = false;
    }
    const globals = roots.globals;
    for (let g = 0, n = roots.globalCount; ok && g < n; g++) {
      const ref = globals[g]!;
      if ((ref - start) >>> 0 < size && this.evacuate(ref) === 0) ok = false;
    }
    for (let k = 0; ok && k < remembered.length; k++) {
      const obj = remembered.entries[k]!;
      let words = memory.words;
      let p = (obj >> 2) + fieldIndex;
      const end = p + 2 * (words[obj >> 2]! & NREFS_MASK);
      for (; p < end; p += 2) {
        const ref = words[p]!;
        if ((ref - start) >>> 0 < size) {
          if (this.evacuate(ref) === 0) {
            ok = false;
            break;
          }
          words = memory.words;
        }
      }
    }
    if (ok && queued !== null) ok = this.evacuateEach(queued);
    if (ok) ok = this.scanCopies(0);
    const references = this.references;
    if (ok && queued === null && references.pending) {
      const scanned = this.copies.length;
      ok = this.evacuateEach(references.afterRootClosure(this.isEvacuatedOrOld));
      if (ok) ok = this.scanCopies(scanned);
    }
    if (!ok) {
      this.rollback();
      if (queued === null) references.dropQueue();
      return -1;
    }

    // Phase B: commit.
    const words = memory.words;
    for (let i = 0, n = roots.top; i < n; i++) {
      const ref = regs[i]!;
      if ((ref - start) >>> 0 < size) regs[i] = words[(ref >> 2) + 1]!;
    }
    for (let g = 0, n = roots.globalCount; g < n; g++) {
      const ref = globals[g]!;
      if ((ref - start) >>> 0 < size) globals[g] = words[(ref >> 2) + 1]!;
    }
    for (let k = 0; k < remembered.length; k++) {
      const obj = remembered.entries[k]!;
      let p = (obj >> 2) + fieldIndex;
      const end = p + 2 * (words[obj >> 2]! & NREFS_MASK);
      for (; p < end; p += 2) {
        const ref = words[p]!;
        if ((ref - start) >>> 0 < size) words[p] = words[(ref >> 2) + 1]!;
      }
    }
    remembered.clear(words);
    if (references.pending) references.retain(this.isEvacuatedOrOld, this.forwardYoung);
    const copies = this.copies;
    const survivors = copies.length;
    const originals = this.originals.items;
    const copyItems = copies.items;
    for (let k = 0; k < survivors; k++) heap.recordMove(originals[k]!, copyItems[k]!);
    const nursery = this.nursery;
    const dead = this.nurseryObjects - survivors;
    heap.recordBulkFree(dead, nursery.usedBytes - this.nurseryHoleBytes - this.copiedBytes);
    heap.recordFreeRange(nursery.start, nursery.cursor);
    nursery.reset();
    this.nurseryObjects = 0;
    this.nurseryHoleBytes = 0;
    const c = heap.counters;
    c.bytesCopied += this.copiedBytes;
    c.objectsTraced += survivors;
    this.promotedBytes += this.copiedBytes;
    return dead;
  }

  /** Evacuates the nursery objects of `addrs` (extra roots); false when the mature space refused a block. */
  private evacuateEach(addrs: readonly number[]): boolean {
    const start = this.nurseryStart;
    const size = this.nurserySize;
    for (const obj of addrs) if ((obj - start) >>> 0 < size && this.evacuate(obj) === 0) return false;
    return true;
  }

  /**
   * Cheney scan of the copies list from index `scan`: each copy's nursery referents are evacuated and
   * its fields redirected to their copies. False when the mature space refused a block.
   */
  private scanCopies(scan: number): boolean {
    const memory = this.heap.memory;
    const start = this.nurseryStart;
    const size = this.nurserySize;
    const fieldIndex = this.fieldIndex;
    const copies = this.copies;
    for (; scan < copies.length; scan++) {
      const copy = copies.items[scan]!;
      let words = memory.words;
      let p = (copy >> 2) + fieldIndex;
      const end = p + 2 * (words[copy >> 2]! & NREFS_MASK);
      for (; p < end; p += 2) {
        const ref = words[p]!;
        if ((ref - start) >>> 0 < size) {
          const to = this.evacuate(ref);
          if (to === 0) return false;
          words = memory.words;
          words[p] = to;
        }
      }
    }
    return true;
  }

  /**
   * Returns the mature copy of nursery object `ref`, copying it first if it has none yet; 0 when the
   * mature space refused a block. May map memory: callers re-read `heap.memory.words`.
   */
  private evacuate(ref: number): number {
    const memory = this.heap.memory;
    let words = memory.words;
    const i = ref >> 2;
    const shape = words[i]!;
    if ((shape & FORWARDED_BIT) !== 0) return words[i + 1]!;
    const size = (this.fieldIndex << 2) + 8 * (shape & NREFS_MASK) + ((words[i + 1]! + 7) & ~7);
    const to = this.mature.allocate(size);
    if (to === 0) return 0;
    words = memory.words;
    const j = to >> 2;
    const n = size >> 2;
    if (n <= 16) {
      for (let k = 1; k < n; k++) words[j + k] = words[i + k]!;
    } else {
      words.copyWithin(j + 1, i + 1, i + n);
    }
    words[j] = shape & ~GC_BITS_MASK;
    words[i] = shape | FORWARDED_BIT;
    words[i + 1] = to;
    this.originals.push(ref);
    this.copies.push(to);
    this.copiedBytes += size;
    return to;
  }

  /** Undoes phase A: restores each original's shape from its copy, then frees the copy. */
  private rollback(): void {
    const words = this.heap.memory.words;
    const originals = this.originals.items;
    const copies = this.copies.items;
    for (let k = 0; k < this.copies.length; k++) {
      const from = originals[k]!;
      const to = copies[k]!;
      words[from >> 2] = words[from >> 2]! & ~FORWARDED_BIT;
      words[(from >> 2) + 1] = words[(to >> 2) + 1]!;
      this.mature.free(to);
    }
    this.originals.clear();
    this.copies.clear();
    this.copiedBytes = 0;
    this.promotionFailures++;
  }

  /**
   * After a failed evacuation in a full collection: the nursery's marked objects lose their marks and
   * stay; the unmarked ones are reported freed and left in place as holes (`NURSERY_HOLE_BIT`), their
   * bytes reclaimed at the next successful evacuation. Returns the objects freed. After it, no
   * unreachable object of the nursery is unfreed, so a full collection leaves no garbage even when
   * the survivors could not be promoted.
   */
  private freeNurseryInPlace(): number {
    const heap = this.heap;
    const words = heap.memory.words;
    const model = heap.model;
    let freed = 0;
    for (let addr = this.nursery.start; addr < this.nursery.cursor; ) {
      const i = addr >> 2;
      const shape = words[i]!;
      const size = model.size(words, addr);
      if ((shape & GEN_MARK_BIT) !== 0) {
        words[i] = shape & ~GEN_MARK_BIT;
      } else if ((shape & NURSERY_HOLE_BIT) === 0) {
        heap.recordFree(addr, size);
        words[i] = shape | NURSERY_HOLE_BIT;
        this.nurseryHoleBytes += size;
        freed++;
      }
      addr += size;
    }
    this.nurseryObjects -= freed;
    return freed;
  }

  // ---- checked mode and figures ----------------------------------------------------------------

  /**
   * Checked mode: the nursery tiles exactly with no GC bits; no reachable object carries a mark or a
   * forwarding bit; every reachable mature object holding a nursery address is remembered (the
   * barrier invariant); `REMEMBERED_BIT` is set exactly on the entries; the mature space's own
   * bookkeeping adds up.
   */
  override verify(): void {
    const heap = this.heap;
    const words = heap.memory.words;
    const model = heap.model;
    const fail = (reason: string): never => {
      throw new HeapIntegrityError(heap.opIndex, `gen-copy: ${reason}`);
    };
    let addr = this.nursery.start;
    let objects = 0;
    let holeBytes = 0;
    while (addr < this.nursery.cursor) {
      const bits = words[addr >> 2]! & GC_BITS_MASK;
      const size = model.size(words, addr);
      if (bits === NURSERY_HOLE_BIT) holeBytes += size;
      else if (bits !== 0) fail(`nursery object ${hex(addr)} has GC bits set`);
      else objects++;
      addr += size;
    }
    if (
      addr !== this.nursery.cursor ||
      objects !== this.nurseryObjects ||
      holeBytes !== this.nurseryHoleBytes
    ) {
      fail(
        `the nursery parses as ${objects} objects and ${holeBytes} hole bytes ending at ${hex(addr)}, expected ` +
          `${this.nurseryObjects} and ${this.nurseryHoleBytes} ending at ${hex(this.nursery.cursor)}`,
      );
    }
    const entries = new Set<number>();
    for (let k = 0; k < this.remembered.length; k++) {
      const obj = this.remembered.entries[k]!;
      if (entries.has(obj)) fail(`${hex(obj)} is remembered twice`);
      if ((words[obj >> 2]! & REMEMBERED_BIT) === 0)
        fail(`remembered object ${hex(obj)} lacks REMEMBERED_BIT`);
      if (this.nursery.contains(obj)) fail(`nursery object ${hex(obj)} is in the remembered set`);
      entries.add(obj);
    }
    const start = this.nurseryStart;
    const size = this.nurserySize;
    heap.oracle.traverse((obj) => {
      const shape = words[obj >> 2]!;
      if ((shape & (FORWARDED_BIT | GEN_MARK_BIT | NURSERY_HOLE_BIT)) !== 0) {
        fail(`live object ${hex(obj)} has a mark, forwarding or hole bit`);
      }
      if ((shape & REMEMBERED_BIT) !== 0 && !entries.has(obj))
        fail(`${hex(obj)} has REMEMBERED_BIT but is not remembered`);
      if ((obj - start) >>> 0 < size) return;
      for (let f = 0, n = shape & NREFS_MASK; f < n; f++) {
        const ref = model.getField(words, obj, f);
        if ((ref - start) >>> 0 < size && !entries.has(obj)) {
          fail(
            `mature object ${hex(obj)} field ${f} points into the nursery (${hex(ref)}) but is not remembered`,
          );
        }
      }
    });
    this.mature.verify();
  }

  override stats(): Record<string, number> {
    return {
      minorCollections: this.minorCollections,
      fullCollections: this.fullCollections,
      promotionFailures: this.promotionFailures,
      promotedBytes: this.promotedBytes,
      nurseryBytes: this.nurserySize,
      nurseryUsedBytes: this.nursery.usedBytes,
      matureBytes: this.mature.liveBytes,
      matureReservedBytes: this.mature.reservedBytes,
      largeObjects: this.large.objects,
      rememberedObjects: this.remembered.length,
      fullTriggerBytes: this.fullTriggerBytes,
    };
  }
}

/** Descriptor of `gen-copy`. */
export const genCopy: CollectorDescriptor = {
  name: 'gen-copy',
  family: 'tracing',
  summary:
    'Generational: bump nursery copied into a mark-sweep mature space (en-masse promotion), remembered set.',
  constraints: {
    movesObjects: true,
    reclaimsCycles: true,
    countsReferences: false,
    generational: true,
    incremental: false,
    headerWords: 0,
  },
  create(heap: Heap, options: CollectorOptions = {}): Collector {
    return new GenCopy(heap, options as GenCopyOptions);
  },
  // Nurseries of one and four pages and a small full-collection trigger, so that promotion and
  // full collections interleave with the verifier's small programs.
  verifyOptionSets: [
    { nurseryBytes: 4096, minFullTriggerBytes: 16384 },
    { nurseryBytes: 16384, minFullTriggerBytes: 65536 },
  ],
};
