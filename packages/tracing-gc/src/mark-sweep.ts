/**
 * `mark-sweep`: stop-the-world mark-sweep (McCarthy 1960; GC Handbook ch. 2) over segregated
 * size-class free lists (`SegregatedFreeListSpace`, Handbook §7.4; objects above 8192 bytes go to its
 * large object space).
 *
 * Object layout: no header word. The mark bit is `GC_BIT_0` of the shape word, where real VMs keep
 * it (in the object header):
 *
 * ```
 *  word 0  | shape: bits 0-23 nrefs, bit 24 = MARK | payload bytes |
 *  word 1..| reference fields, then payload                        |
 * ```
 *
 * Phases of a collection (each says what holds when it returns):
 * 1. mark: the shared `Marker` shades the roots' referents, then drains its typed-array mark stack.
 *    After it, an allocated object has its mark bit set exactly when it is reachable from the roots.
 * 2. sweep: `SegregatedFreeListSpace.sweep` visits every allocated block; unmarked ones go back on
 *    their size class's free list (each reported with `heap.recordFree`) and survivors have their
 *    mark bit cleared. After it, no allocated object has its mark bit set, and every allocated object
 *    is reachable (no garbage, cycles included: reachability never depended on counts).
 *
 * Collection trigger (Handbook §2.4's "heap growth" policy, as in Boehm GC's free-space divisor and
 * Go's GOGC): after each collection the live bytes L (block sizes in use) fix a threshold
 * `T = max(minHeapBytes, L * growthFactor)`; an allocation collects first when L + the bytes
 * allocated since the collection would exceed T. Defaults: `minHeapBytes` 1 MiB, `growthFactor` 2
 * (GOGC=100). `growthFactor: Infinity` collects only when the OS refuses memory. Independently, an
 * allocation the OS refuses (heap limit) collects and retries; if the retry fails too,
 * `OutOfMemoryError` with the heap's figures.
 *
 * Pauses: one record per stop-the-world phase: `mark` (work = objects marked) then `sweep`
 * (work = bytes swept: the block bytes the sweep visited). One `recordCollection('full', ...)` each.
 */

import { SegregatedFreeListSpace } from '@gclab/allocator';
import {
  type Collector,
  CollectorBase,
  type CollectorDescriptor,
  type CollectorOptions,
  GC_BIT_0,
  type Heap,
  HeapIntegrityError,
} from '@gclab/core';
import { numberOption } from './collector-option.ts';
import { Marker } from './mark.ts';
import { outOfMemory } from './out-of-memory.ts';

/** The mark bit of the non-moving marking collectors (first GC bit of the shape word). */
export const MARK_BIT = GC_BIT_0;

/** Default `minHeapBytes` of the growth trigger. */
export const DEFAULT_MIN_HEAP_BYTES = 1 << 20;
/** Default `growthFactor` of the growth trigger. */
export const DEFAULT_GROWTH_FACTOR = 2;

/** Options of `mark-sweep` (and of `incremental`, which shares its space and trigger). */
export interface MarkSweepOptions extends CollectorOptions {
  /** The growth trigger never collects below this many live + allocated bytes (default 1 MiB). */
  minHeapBytes?: number;
  /** Collect when live + allocated exceeds `live after the last collection * growthFactor` (default 2). */
  growthFactor?: number;
  /** Chunk size of the segregated free-list space (power of two, 16 KiB to 16 MiB; default 64 KiB). */
  chunkBytes?: number;
}

/**
 * The allocation budget after a collection that left `liveBytes` live: the bytes that may be allocated
 * before the growth trigger collects again, `max(minHeapBytes, liveBytes * growthFactor) - liveBytes`.
 */
export function growthBudget(liveBytes: number, minHeapBytes: number, growthFactor: number): number {
  if (growthFactor === Number.POSITIVE_INFINITY) return growthFactor;
  return Math.max(minHeapBytes, liveBytes * growthFactor) - liveBytes;
}

/** Reads the space and trigger options shared by `mark-sweep` and `incremental`. */
export function readMarkSweepOptions(
  options: MarkSweepOptions,
  collector: string,
): { minHeapBytes: number; growthFactor: number; chunkBytes: number } {
  return {
    minHeapBytes: numberOption(options, collector, 'minHeapBytes', DEFAULT_MIN_HEAP_BYTES, 0),
    growthFactor: numberOption(options, collector, 'growthFactor', DEFAULT_GROWTH_FACTOR, 1),
    chunkBytes: numberOption(options, collector, 'chunkBytes', 64 * 1024, 16 * 1024),
  };
}

/** The stop-the-world mark-sweep collector. */
export class MarkSweep extends CollectorBase {
  readonly name = 'mark-sweep';
  /** Where objects live. */
  readonly space: SegregatedFreeListSpace;
  /** The mark stack. */
  readonly marker: Marker;
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

  constructor(heap: Heap, options: MarkSweepOptions = {}) {
    super(heap);
    const o = readMarkSweepOptions(options, this.name);
    this.minHeapBytes = o.minHeapBytes;
    this.growthFactor = o.growthFactor;
    this.space = new SegregatedFreeListSpace(heap.os, { chunkBytes: o.chunkBytes });
    this.marker = new Marker(heap, MARK_BIT);
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
    const marker = this.marker;
    marker.shadeRoots();
    const marked = marker.drain(Number.POSITIVE_INFINITY);
    telemetry.endPause(this.markKind, t, marked);

    t = telemetry.startPause();
    const swept = this.space.sweep(heap, MARK_BIT);
    heap.counters.bytesSwept += swept.bytesSwept;
    telemetry.endPause(this.sweepKind, t, swept.bytesSwept);

    const live = this.space.liveBytes;
    this.liveBytesAfterLastGc = live;
    this.allocatedSinceGc = 0;
    this.budget = growthBudget(live, this.minHeapBytes, this.growthFactor);
    this.collections++;
    telemetry.recordCollection('full', swept.objectsFreed, 0);
    return swept.objectsFreed;
  }

  /** Checked mode: the space's bookkeeping adds up, no object keeps a mark bit, the mark stack is empty. */
  override verify(): void {
    this.space.verify();
    if (!this.marker.isEmpty) this.fail('the mark stack is not empty outside a collection');
    const words = this.heap.memory.words;
    this.space.forEachObject((addr) => {
      if ((words[addr >> 2]! & MARK_BIT) !== 0)
        this.fail(`object at 0x${addr.toString(16)} still has its mark bit set`);
    });
  }

  override stats(): Record<string, number> {
    return {
      collections: this.collections,
      heapLimitCollections: this.heapLimitCollections,
      liveBytesAfterLastGc: this.liveBytesAfterLastGc,
      spaceLiveBytes: this.space.liveBytes,
      spaceReservedBytes: this.space.reservedBytes,
      chunks: this.space.chunks,
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
  summary: 'Stop-the-world mark-sweep: mark bit in the header, sweep into segregated size-class free lists.',
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
