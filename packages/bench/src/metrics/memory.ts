/**
 * Memory figures derived from the heap's counters, and the overhead against no-gc.
 *
 * - Header bytes: every object pays its shape word (8 bytes) plus the collector's declared header
 *   words (8 bytes each): objectsAllocated * 8 * (1 + headerWords). This is "reference counting's
 *   memory overhead" made a number: `refcount` pays one word more per object than `mark-sweep`.
 * - Fragmentation: the share of reserved memory (mapped from the simulated OS) that does not hold a
 *   live object, (reserved - live) / reserved, measured at the end of a run after a final full
 *   collection. It counts free blocks, unused pages, copy reserves and the collector's own tables
 *   alike: everything a process holds beyond its live data. 0 when nothing is reserved.
 * - Overhead (the lower-bound-overhead method): time with a collector over time with no-gc on the
 *   same workload, minus 1; 0.25 means 25% slower than never collecting.
 */

/** Bytes of object headers: the shape word plus `headerWords` words per object. */
export function headerBytes(objectsAllocated: number, headerWords: number): number {
  return objectsAllocated * 8 * (1 + headerWords);
}

/** (reserved - live) / reserved, or 0 when nothing is reserved. */
export function fragmentation(reservedBytes: number, liveBytes: number): number {
  if (reservedBytes <= 0) return 0;
  return (reservedBytes - liveBytes) / reservedBytes;
}

/** Time over the no-gc baseline's time, minus 1 (null when the baseline is unknown or zero). */
export function overhead(time: number, baselineTime: number | null | undefined): number | null {
  if (baselineTime === null || baselineTime === undefined || !(baselineTime > 0)) return null;
  return time / baselineTime - 1;
}
