/**
 * `mark-sweep`: stop-the-world mark-sweep (McCarthy 1960; GC Handbook ch. 2) over segregated
 * size-class free lists (`SegregatedFreeListSpace`, Handbook §7.4; objects above 8192 bytes go to its
 * large object space).
 *
 * Object layout: no header word and no GC bit in the object: the mark bits live in a side bitmap
 * (`MarkBitmap`, Handbook §2.3), one bit per 8-byte granule of the simulated memory, which lines up
 * word for word with the segregated space's allocation bitmap (chunks are aligned to their size):
 *
 * ```
 *  object    word 0  | shape: bits 0-23 nrefs (GC bits unused) | payload bytes |
 *            word 1..| reference fields, then payload                          |
 *  marks     bits[addr >>> 8], bit (addr >>> 3) & 31           (MarkBitmap, heap-wide)
 *  allocated chunk bitmap word (addr - chunk) >>> 8, same bit   (SegregatedFreeListSpace)
 * ```
 *
 * Phases of a collection (each says what holds when it returns):
 * 1. mark: `MarkBitmap.markFromRoots` (mark on pop, typed-array stack) from the roots. After it, an
 *    object's bit is set exactly when it is reachable from the roots.
 * 2. sweep: `SegregatedFreeListSpace.sweepBitmap` computes each chunk's dead blocks as
 *    `allocated & ~marked`, 32 granules at a time (an all-live word costs one compare; live objects are
 *    never read), puts them back on their size class's free list in address order (each reported
 *    with `heap.recordFree`), and frees unmarked large objects; then the bitmap is cleared with one
 *    `fill`. After it, no mark bit is set, and every allocated object is reachable (no garbage, cycles
 *    included: reachability never depended on counts).
 *
 * Finalizers and weak references (trace format 2; the shared steps of `trace/finalization.ts`):
 * after phase 1, weak references whose referent is unmarked are cleared (the callback of one that is
 * itself marked runs), then the registered objects left unmarked are queued and marked from, so each
 * and everything it reaches survives this collection; then the tables keep the marked entries only
 * (identity forwarding: nothing moves). After phase 2 the queued finalizers run (registration order);
 * a finalized object that is still unreachable is freed by the next collection, and one whose
 * finalizer stored it into a global lives on and is never finalized again.
 *
 * Collection trigger (`trace/growth-trigger.ts`; Handbook §2.4's "heap growth" policy, as in Boehm
 * GC's free-space divisor and Go's GOGC): after each collection the live bytes L (block sizes in use) fix a threshold
 * `T = max(minHeapBytes, L * growthFactor)`; an allocation collects first when L + the bytes
 * allocated since the collection would exceed T. Defaults: `minHeapBytes` 1 MiB, `growthFactor` 2
 * (GOGC=100). `growthFactor: Infinity` collects only when the OS refuses memory. Independently, an
 * allocation the OS refuses (heap limit) collects and retries; if the retry fails too,
 * `OutOfMemoryError` with the heap's figures.
 *
 * Pauses: one record per stop-the-world phase: `mark` (work = objects marked, from the roots and from
 * the finalization queue) then `sweep`
 * (work = bytes swept: the bytes of the allocated blocks and large objects the sweep accounts for,
 * as if it visited each one; the bitmap sweep reads none of the live ones, but the figure is the same
 * as a per-block sweep's, so it is comparable across collectors and versions). One
 * `recordCollection('full', ...)` each.
 */

import { SegregatedFreeListSpace } from '@gclab/allocator';
import {
  type Collector,
  CollectorBase,
  type CollectorDescriptor,
  type CollectorOptions,
  type Heap,
  HeapIntegrityError,
  hex,
} from '@gclab/core';
import { ReferenceProcessor } from '../trace/finalization.ts';
import {
  type GrowthTriggerOptions,
  growthBudget,
  readGrowthTriggerOptions,
} from '../trace/growth-trigger.ts';
import { MarkBitmap } from '../trace/mark-bitmap.ts';
import { outOfMemory } from '../trace/out-of-memory.ts';

/** Options of `mark-sweep`: the growth trigger's and its segregated space's chunk size. */
export type MarkSweepOptions = GrowthTriggerOptions;

/** The stop-the-world mark-sweep collector. */
export class MarkSweep extends CollectorBase {
  readonly name = 'mark-sweep';
  /** Where objects live. */
  readonly space: SegregatedFreeListSpace;
  /** The side mark bitmap and its mark stack. */
  readonly marks: MarkBitmap;
  /** Growth trigger floor. */
  readonly minHeapBytes: number;
  /** Growth trigger factor. */
  readonly growthFactor: number;
  /** Full collections run. */
  collections = 0;
  /** Collections started because the OS refused memory. */
  heapLimitCollections = 0;
  /** Live bytes (space block bytes) after the last collection. */
  liveBytesAfterLastGc = 0;
  /** Bytes allocated since the last collection (object sizes). */
  private allocatedSinceGc = 0;
  /** Bytes that may be allocated before the trigger fires. */
  private budget: number;
  private readonly markKind: number;
  private readonly sweepKind: number;
  /** Weak-reference clearing and the finalization queue. */
  readonly references: ReferenceProcessor;
  /** Liveness for the reference processor: marked (made once, no closure per collection). */
  private readonly isMarked = (addr: number): boolean => this.marks.isMarked(addr);

  constructor(heap: Heap, options: MarkSweepOptions = {}) {
    super(heap);
    const o = readGrowthTriggerOptions(options, this.name);
    this.minHeapBytes = o.minHeapBytes;
    this.growthFactor = o.growthFactor;
    this.space = new SegregatedFreeListSpace(heap.os, { chunkBytes: o.chunkBytes });
    this.marks = new MarkBitmap(heap);
    this.references = new ReferenceProcessor(heap);
    this.budget = growthBudget(0, this.minHeapBytes, this.growthFactor);
    this.markKind = heap.telemetry.pauses.kindId('mark');
    this.sweepKind = heap.telemetry.pauses.kindId('sweep');
  }

  allocate(size: number): number {
    const allocated = this.allocatedSinceGc + size;
    if (allocated <= this.budget) {
      const addr = this.space.allocate(size);
      if (addr !== 0) {
        this.allocatedSinceGc = allocated;
        return addr;
      }
    }
    return this.allocateSlow(size);
  }

  /** The trigger fired or the OS refused: collect, then retry once or raise `OutOfMemoryError`. */
  private allocateSlow(size: number): number {
    if (this.allocatedSinceGc + size <= this.budget) this.heapLimitCollections++;
    this.collectFull();
    const addr = this.space.allocate(size);
    if (addr === 0) throw outOfMemory(this.heap, this.name, size);
    this.allocatedSinceGc += size;
    return addr;
  }

  override collect(_generation: number): number {
    return this.collectFull();
  }

  /** One stop-the-world collection (mark, then sweep); returns the objects freed. */
  collectFull(): number {
    const heap = this.heap;
    const telemetry = heap.telemetry;
    let t = telemetry.startPause();
    const marks = this.marks;
    let marked = marks.markFromRoots();
    const references = this.references;
    if (references.pending) {
      marked += marks.markFrom(references.afterRootClosure(this.isMarked));
      references.retain(this.isMarked);
    }
    telemetry.endPause(this.markKind, t, marked);

    t = telemetry.startPause();
    const swept = this.space.sweepBitmap(heap, marks.bits);
    marks.clear();
    heap.counters.bytesSwept += swept.bytesSwept;
    telemetry.endPause(this.sweepKind, t, swept.bytesSwept);

    const live = this.space.liveBytes;
    this.liveBytesAfterLastGc = live;
    this.allocatedSinceGc = 0;
    this.budget = growthBudget(live, this.minHeapBytes, this.growthFactor);
    this.collections++;
    telemetry.recordCollection('full', swept.objectsFreed, 0);
    references.runFinalizers();
    return swept.objectsFreed;
  }

  /** Checked mode: the space's bookkeeping adds up, no mark bit is set, the mark stack is empty. */
  override verify(): void {
    this.space.verify();
    if (!this.marks.isEmpty) this.fail('the mark stack is not empty outside a collection');
    if (!this.marks.isClear()) {
      this.space.forEachObject((addr) => {
        if (this.marks.isMarked(addr)) this.fail(`object at ${hex(addr)} is still marked`);
      });
      this.fail('the mark bitmap has a bit set outside a collection');
    }
  }

  override stats(): Record<string, number> {
    return {
      collections: this.collections,
      heapLimitCollections: this.heapLimitCollections,
      liveBytesAfterLastGc: this.liveBytesAfterLastGc,
      spaceLiveBytes: this.space.liveBytes,
      spaceReservedBytes: this.space.reservedBytes,
      chunks: this.space.chunks,
      fragmentedBytes: this.space.fragmentedBytes,
    };
  }

  private fail(reason: string): never {
    throw new HeapIntegrityError(this.heap.opIndex, `mark-sweep: ${reason}`);
  }
}

/** Descriptor of `mark-sweep`. */
export const markSweep: CollectorDescriptor = {
  name: 'mark-sweep',
  family: 'tracing',
  summary: 'Stop-the-world mark-sweep: side mark bitmap, bitmap sweep into segregated size-class free lists.',
  constraints: {
    movesObjects: false,
    reclaimsCycles: true,
    countsReferences: false,
    generational: false,
    incremental: false,
    headerWords: 0,
  },
  create(heap: Heap, options: CollectorOptions = {}): Collector {
    return new MarkSweep(heap, options as MarkSweepOptions);
  },
};
