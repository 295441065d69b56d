/**
 * The growth trigger of the plans that sweep into segregated free lists (`mark-sweep`, `incremental`):
 * GC Handbook §2.4's "heap growth" policy, as in Boehm GC's free-space divisor and Go's GOGC. After
 * each collection the live bytes L (block sizes in use) fix a threshold
 * `T = max(minHeapBytes, L * growthFactor)`; the next collection (or incremental cycle) starts when
 * L + the bytes allocated since exceed T. A plan keeps the budget `T - L` (`growthBudget`) and
 * compares the bytes it allocated since the last collection with it on the allocation fast path.
 * Defaults: `minHeapBytes` 1 MiB, `growthFactor` 2 (GOGC=100); `growthFactor: Infinity` never fires.
 */
import { type CollectorOptions, numberOption } from '@gclab/core';

/** Default `minHeapBytes` of the growth trigger. */
export const DEFAULT_MIN_HEAP_BYTES = 1 << 20;
/** Default `growthFactor` of the growth trigger. */
export const DEFAULT_GROWTH_FACTOR = 2;

/** Options of the growth trigger and of the segregated free-list space whose live bytes it measures. */
export interface GrowthTriggerOptions extends CollectorOptions {
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

/** Reads the trigger and space options of `collector` (raising `CollectorOptionError` on a bad value). */
export function readGrowthTriggerOptions(
  options: GrowthTriggerOptions,
  collector: string,
): { minHeapBytes: number; growthFactor: number; chunkBytes: number } {
  return {
    minHeapBytes: numberOption(options, collector, 'minHeapBytes', DEFAULT_MIN_HEAP_BYTES, 0),
    growthFactor: numberOption(options, collector, 'growthFactor', DEFAULT_GROWTH_FACTOR, 1),
    chunkBytes: numberOption(options, collector, 'chunkBytes', 64 * 1024, 16 * 1024),
  };
}
