/**
 * Promptness: outstanding garbage (allocated, unreachable, not yet freed) and live bytes over the
 * allocation clock, sampled by the oracle every K allocated bytes.
 *
 * The sampler wraps the collector instance's `allocate` (only when sampling is asked for, so
 * unsampled runs pay nothing): before an allocation that finds the clock past the next sample point
 * it runs an oracle traversal. At that moment the previous operation is complete and the new one has
 * not changed anything yet, so the figures are those between two operations. A traversal costs time
 * proportional to the live heap, which is why timed runs are never sampled.
 */
import type { Heap } from '@gclab/core';

/** Memory and garbage over the allocation clock. */
export interface Timeline {
  /** Bytes allocated between samples (K). */
  every: number;
  /** Allocation clock (bytes allocated so far) at each sample. */
  clock: number[];
  /** Bytes mapped from the simulated OS. */
  reservedBytes: number[];
  /** Bytes in reachable objects. */
  liveBytes: number[];
  /** Bytes in unreachable objects not yet freed (outstanding garbage). */
  garbageBytes: number[];
}

/** Samples the oracle every `every` allocated bytes during a run. */
export class GarbageSampler {
  /** The samples so far. */
  readonly timeline: Timeline;
  private next: number;

  constructor(
    private readonly heap: Heap,
    readonly every: number,
  ) {
    if (!(Number.isFinite(every) && every > 0))
      throw new RangeError(`sampling interval must be positive bytes, got ${every}`);
    this.timeline = { every, clock: [], reservedBytes: [], liveBytes: [], garbageBytes: [] };
    this.next = every;
  }

  /** Wraps the heap's collector so that allocations take samples when the clock passes a sample point. */
  install(): void {
    const collector = this.heap.collector;
    const allocate = collector.allocate;
    const counters = this.heap.counters;
    collector.allocate = (size: number, nrefs: number, payload: number): number => {
      if (counters.bytesAllocated >= this.next) {
        this.sample();
        this.next = counters.bytesAllocated + this.every;
      }
      return allocate.call(collector, size, nrefs, payload);
    };
  }

  /** Takes one sample now. */
  sample(): void {
    const r = this.heap.oracle.traverse();
    const t = this.timeline;
    t.clock.push(this.heap.counters.bytesAllocated);
    t.reservedBytes.push(this.heap.os.reservedBytes);
    t.liveBytes.push(r.reachableBytes);
    t.garbageBytes.push(r.garbageBytes);
  }

  /** Largest live bytes sampled (0 before any sample). */
  peakLiveBytes(): number {
    return maxOf(this.timeline.liveBytes);
  }

  /** Largest outstanding garbage sampled (0 before any sample). */
  peakGarbageBytes(): number {
    return maxOf(this.timeline.garbageBytes);
  }
}

function maxOf(values: readonly number[]): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}
