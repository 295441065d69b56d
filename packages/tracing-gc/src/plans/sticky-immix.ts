/**
 * `sticky-immix`: generational mark-region collection with sticky mark bits, MMTk's `StickyImmix`
 * (sticky mark bits: P. R. Wilson, "Uniprocessor Garbage Collection Techniques", IWMM 1992, §4.4;
 * Demers et al., "Combining Generational and Conservative Garbage Collection", POPL 1990; on Immix:
 * Blackburn & McKinley, PLDI 2008, and MMTk's `plan/sticky/immix`). Generational behaviour without a
 * copying nursery: young and old objects share the line/block space, and age is the mark bit.
 *
 * Object layout: immix's (`trace/mark-region.ts`; `headerWords` 0): the side mark bitmap, line marks
 * in the space, `FORWARDED_BIT` during a full collection, plus `LOGGED_BIT` (shape word bit 28):
 *
 * ```
 *  object     word 0 | nrefs, GC bits: 24 FORWARDED_BIT (full collection), 28 LOGGED_BIT | payload / new address |
 *  marks      MarkBitmap.bits[addr >>> 8] bit (addr >>> 3) & 31: set = old (survived a collection)
 *  lines      space.lineMarks: set for every line an old object overlaps (cleared only by a full collection)
 *  modified   RememberedSet(LOGGED_BIT).entries: the logged old objects (MMTk's modbuf)
 * ```
 *
 * Invariants between collections (checked by `verify`):
 * 1. sticky marks: an object is old iff it is marked; the marks are set only on allocated objects
 *    (a freed object is never marked, so a new object allocated at its address is young);
 * 2. the lines of every old object in a block are marked;
 * 3. the log: `LOGGED_BIT` is set exactly on the entries of the modified-objects buffer, each once,
 *    each old;
 * 4. the barrier invariant: every field of an old object that is not logged is null or refers to an
 *    old object.
 *
 * Barrier (object-remembering, MMTk's `ObjectBarrier`): after a field store into an old object whose
 * `LOGGED_BIT` is clear, the object is logged: the bit set, the address appended to the buffer
 * (`counters.barrierHits` and `objectsLogged` count it). Later stores into it cost one bit test until
 * the next collection clears the bit. Stores into young objects and root writes need nothing: young
 * objects and the roots are traced by every collection. Whatever value is stored, the object is
 * logged (MMTk logs the object, not the edge).
 *
 * Nursery collection (`gc 0`, or the nursery budget is spent), one `nursery` pause (work = objects
 * marked). Its trace is immix's non-evacuating trace (`markInPlace` from the roots, then the slot
 * loop `drain`), which stops at marked objects: from the roots and from the
 * fields of every logged object (their bits then cleared and the buffer emptied), it marks exactly
 * the young objects reachable, with their lines; then the finalization steps (an old object counts as
 * live: young unreachable finalizable objects are queued and traced from, old ones wait for a full
 * collection; weak references to young unreachable objects are cleared); then immix's line sweep: the
 * unmarked objects (exactly the young unreachable ones) are freed and reported, lines only they used
 * become free, blocks are reclassified. Marks stay set: the survivors are old now, and an old object
 * that died since it became old is kept until a full collection. Recorded as collection 'minor'.
 * A nursery collection does not move objects.
 *
 * Full collection (`gc`, `gc 1`, `gc 2`, or the triggers below): immix's (`collectFull`:
 * defragmentation decision, marks and line marks cleared, mark from the roots with opportunistic
 * evacuation, line sweep), after dropping the log (bits cleared: every live object is traced anyway).
 * Afterwards every live object is marked: all are old. Pauses `mark` and `sweep`; recorded as 'full'.
 *
 * Trigger: after a full collection leaving L live bytes, the full trigger is immix's growth trigger,
 * `max(minHeapBytes, L x growthFactor)` bytes in the space (young and old). The mutator allocates
 * `min(nurseryBytes, full trigger - bytes in the space)` bytes between collections; then, or when the
 * OS refuses a block, the collection is full if the space (with the request) would pass the full
 * trigger or (with option `minNurseryYield` above 0; default 0, off) the previous nursery collection
 * freed less than that share of the bytes allocated before it, else a nursery collection (followed
 * by a full one if the allocation still fails).
 *
 * What it keeps from MMTk's StickyImmix: sticky mark bits and line marks, the object-remembering
 * barrier with a log bit and a modified-objects buffer, nursery collections that trace only young
 * objects from the roots and the logged objects, immix's full collection with defragmentation, a
 * nursery-size trigger beside the full-heap one. What it drops: young survivors are not evacuated
 * (MMTk copies them opportunistically; here a nursery collection never moves an object, and
 * `movesObjects` is true for the full collection's defragmentation), the nursery sweep visits every
 * block (as immix's sweep does) where MMTk reuses lines lazily, no parallel or concurrent work.
 */
import {
  type Collector,
  type CollectorDescriptor,
  CollectorOptionError,
  type CollectorOptions,
  FULL_COLLECTION,
  type Heap,
  hex,
  NREFS_MASK,
  numberOption,
} from '@gclab/core';
import { LOGGED_BIT } from '../trace/gc-bits.ts';
import { MarkRegionCollector, type MarkRegionOptions } from '../trace/mark-region.ts';
import { RememberedSet } from '../trace/remembered-set.ts';

/** Default `nurseryBytes`: a quarter of the default `minHeapBytes`. */
export const DEFAULT_STICKY_NURSERY_BYTES = 256 * 1024;
/**
 * Default `minNurseryYield`: 0, off. Measured at size small over the eight default workloads, 0.1
 * made full collections of nursery collections that merely kept young data alive (gcbench's trees,
 * big-del's list) and traced 2,345,128 objects in all against 1,307,294 with the rule off, where
 * the growth trigger alone decides when the space is full (as MMTk's StickyImmix decides on space).
 */
export const DEFAULT_MIN_NURSERY_YIELD = 0;

/** Options of `sticky-immix`: immix's, and the nursery's. */
export interface StickyImmixOptions extends MarkRegionOptions {
  /** Bytes allocated between two collections at most (default 256 KiB). */
  nurseryBytes?: number;
  /**
   * A nursery collection that frees less than this share of the bytes allocated since the previous
   * collection makes the next collection full (0 to 1; default 0: off).
   */
  minNurseryYield?: number;
}

/** Sticky-mark-bits Immix: nursery collections in place, immix's full collections. */
export class StickyImmix extends MarkRegionCollector {
  readonly name: string = 'sticky-immix';
  /** Bytes the mutator may allocate between collections at most. */
  readonly nurseryBytes: number;
  /** Yield below which a nursery collection makes the next collection full. */
  readonly minNurseryYield: number;
  /** The modified-objects buffer: old objects logged by the barrier since the last collection. */
  readonly modified = new RememberedSet(256, LOGGED_BIT);

  /** Nursery collections run. */
  nurseryCollections = 0;
  /** Objects logged by the barrier so far. */
  objectsLogged = 0;
  /** Objects freed by nursery collections. */
  nurseryObjectsFreed = 0;
  /** Objects freed by full collections. */
  fullObjectsFreed = 0;
  /** Young objects that survived a nursery collection (and became old). */
  youngSurvivors = 0;
  /** Full collections chosen because the previous nursery collection freed too little. */
  lowYieldFullCollections = 0;

  /** Bytes in the space (young and old) at which the next collection is full. */
  protected fullTriggerBytes: number;
  /** Whether the next collection is full (the last nursery collection freed too little). */
  protected fullNext = false;
  /** Whether a nursery collection is running (`nextBudget` keeps the full trigger then). */
  private inNursery = false;
  private readonly nurseryKind: number;

  constructor(heap: Heap, options: StickyImmixOptions = {}) {
    super(heap, options, 'sticky-immix');
    this.nurseryBytes = numberOption(
      options,
      'sticky-immix',
      'nurseryBytes',
      DEFAULT_STICKY_NURSERY_BYTES,
      1,
    );
    this.minNurseryYield = numberOption(
      options,
      'sticky-immix',
      'minNurseryYield',
      DEFAULT_MIN_NURSERY_YIELD,
      0,
    );
    if (this.minNurseryYield > 1) {
      throw new CollectorOptionError(
        `sticky-immix: option minNurseryYield must be a number from 0 to 1, got ${this.minNurseryYield}`,
      );
    }
    this.fullTriggerBytes = this.budget;
    this.budget = Math.min(this.nurseryBytes, this.budget);
    this.nurseryKind = heap.telemetry.pauses.kindId('nursery');
  }

  // ---- barrier ------------------------------------------------------------------------------------

  /** The log barrier: the first store into an old object since the last collection logs it. */
  override writeBarrierPost(obj: number, _slot: number, _oldValue: number, _newValue: number): void {
    const words = this.heap.memory.words;
    if ((words[obj >> 2]! & LOGGED_BIT) !== 0) return;
    const bits = this.marks.bits;
    const w = obj >>> 8;
    if (w < bits.length && (bits[w]! & (1 << ((obj >>> 3) & 31))) !== 0) {
      this.modified.remember(words, obj);
      this.objectsLogged++;
      this.heap.counters.barrierHits++;
    }
  }

  // ---- collections --------------------------------------------------------------------------------

  /** `gc 0`: a nursery collection; any other generation: a full one. Returns the objects freed. */
  override collect(generation: number = FULL_COLLECTION): number {
    return generation === 0 ? this.collectNursery() : this.collectFull();
  }

  /** The trigger: full past the full trigger or after a low-yield nursery collection, else nursery. */
  protected override collectForAllocation(size: number): boolean {
    if (this.fullNext || this.space.liveBytes + size > this.fullTriggerBytes) {
      if (this.fullNext) this.lowYieldFullCollections++;
      this.collectFull();
      return true;
    }
    this.collectNursery();
    return false;
  }

  /**
   * A nursery collection (see the file comment). After the trace, the marked objects are the old ones
   * and the young ones reachable from the roots, the logged objects' fields or the finalization
   * queue; after the sweep, every unmarked object is freed. Returns the objects freed.
   */
  collectNursery(): number {
    const heap = this.heap;
    const telemetry = heap.telemetry;
    const t = telemetry.startPause();
    const young = this.allocatedSinceGc;
    this.space.retireAllocators();
    this.marks.cover();
    this.marked = 0;
    // Nothing moves: the address loop from the roots, then the slot loop from the logged objects' fields.
    this.markInPlace();
    this.traceExtraRoots();
    this.drain();
    this.processReferences();
    const marked = this.marked;
    heap.counters.objectsTraced += marked;
    this.inNursery = true;
    const swept = this.sweepSpace();
    this.inNursery = false;
    telemetry.endPause(this.nurseryKind, t, marked);
    this.nurseryCollections++;
    this.youngSurvivors += marked;
    this.nurseryObjectsFreed += swept.objectsFreed;
    this.fullNext = swept.bytesFreed < this.minNurseryYield * young;
    telemetry.recordCollection('minor', swept.objectsFreed, 0);
    this.references.runFinalizers();
    return swept.objectsFreed;
  }

  /** Immix's full collection; afterwards every live object is old. */
  override collectFull(): number {
    this.fullNext = false;
    const freed = super.collectFull();
    this.fullObjectsFreed += freed;
    return freed;
  }

  /** A full trace traces every live object: the log is dropped. */
  protected override beginFullTrace(): void {
    this.unlogAll();
  }

  /** Traces from the fields of the logged objects (a nursery collection's extra roots), then empties the log. */
  protected override traceExtraRoots(): void {
    const modified = this.modified;
    const entries = modified.entries;
    for (let k = 0, n = modified.length; k < n; k++) this.scanLogged(entries[k]!);
    this.unlogAll();
  }

  /** Pushes the fields of the logged (old, marked) object at `obj` for the trace. */
  protected scanLogged(obj: number): void {
    this.pushFields(obj);
  }

  /** Empties the modified-objects buffer and clears its objects' `LOGGED_BIT`. */
  protected unlogAll(): void {
    this.modified.clear(this.heap.memory.words);
  }

  /** Marks stay set after every collection: they say which objects are old. */
  protected override afterSweep(): void {}

  /**
   * The bytes to the next collection: the nursery, capped by the full trigger (which a full
   * collection sets from the live bytes, immix's growth trigger).
   */
  protected override nextBudget(live: number): number {
    if (!this.inNursery) this.fullTriggerBytes = live + super.nextBudget(live);
    return Math.max(0, Math.min(this.nurseryBytes, this.fullTriggerBytes - live));
  }

  // ---- checked mode and figures -------------------------------------------------------------------

  /** Checked mode: the shared checks and invariants 1-4 of the file comment. */
  override verify(): void {
    super.verify();
    const heap = this.heap;
    const words = heap.memory.words;
    const space = this.space;
    const marks = this.marks;
    const bits = marks.bits;
    for (let w = 0; w < bits.length; w++) {
      let m = bits[w]!;
      while (m !== 0) {
        const low = m & -m;
        m ^= low;
        const addr = (w << 8) + ((31 - Math.clz32(low)) << 3);
        if (!space.isAllocated(addr)) this.fail(`the mark bit of ${hex(addr)} is set, which holds no object`);
      }
    }
    const logged = new Set<number>();
    const entries = this.modified.entries;
    for (let k = 0; k < this.modified.length; k++) {
      const obj = entries[k]!;
      if (logged.has(obj)) this.fail(`object ${hex(obj)} is in the modified-objects buffer twice`);
      if ((words[obj >> 2]! & LOGGED_BIT) === 0)
        this.fail(`object ${hex(obj)} is in the modified-objects buffer without LOGGED_BIT`);
      if (!marks.isMarked(obj)) this.fail(`young object ${hex(obj)} is in the modified-objects buffer`);
      logged.add(obj);
    }
    const model = heap.model;
    const lines = space.lineMarks;
    const large = space.largeObjectBytes;
    space.forEachObject((addr) => {
      const shape = words[addr >> 2]!;
      const isLogged = (shape & LOGGED_BIT) !== 0;
      if (isLogged && !logged.has(addr))
        this.fail(`object ${hex(addr)} has LOGGED_BIT but is not in the modified-objects buffer`);
      if (!marks.isMarked(addr)) return;
      const size = model.size(words, addr);
      if (size <= large) {
        for (let l = addr >>> 8, last = (addr + size - 1) >>> 8; l <= last; l++)
          if (lines[l] !== 1) this.fail(`old object ${hex(addr)} lies on unmarked line ${hex(l << 8)}`);
      }
      if (isLogged) return;
      for (let k = 0, n = shape & NREFS_MASK; k < n; k++) {
        const ref = model.getField(words, addr, k);
        if (ref !== 0 && !marks.isMarked(ref))
          this.fail(
            `old object ${hex(addr)} is not logged but field ${k} refers to young object ${hex(ref)} (write barrier invariant)`,
          );
      }
    });
  }

  override stats(): Record<string, number> {
    return {
      nurseryCollections: this.nurseryCollections,
      objectsLogged: this.objectsLogged,
      loggedObjects: this.modified.length,
      nurseryObjectsFreed: this.nurseryObjectsFreed,
      fullObjectsFreed: this.fullObjectsFreed,
      youngSurvivors: this.youngSurvivors,
      lowYieldFullCollections: this.lowYieldFullCollections,
      ...super.stats(),
    };
  }
}

/** Descriptor of `sticky-immix`. */
export const stickyImmix: CollectorDescriptor = {
  name: 'sticky-immix',
  family: 'tracing',
  summary:
    "Sticky-mark-bits Immix (MMTk's StickyImmix): nursery collections trace only young objects in place, from the roots and the objects a log barrier recorded; full collections are immix's.",
  constraints: {
    movesObjects: true,
    reclaimsCycles: true,
    countsReferences: false,
    generational: true,
    incremental: false,
    headerWords: 0,
  },
  create(heap: Heap, options: CollectorOptions = {}): Collector {
    return new StickyImmix(heap, options as StickyImmixOptions);
  },
  // Small programs never fill a 256 KiB nursery: collect every 2 KiB, fully past 8 KiB, and defragment every time.
  verifyOptionSets: [{ nurseryBytes: 2048, minHeapBytes: 8192, defragThreshold: 0 }],
};
