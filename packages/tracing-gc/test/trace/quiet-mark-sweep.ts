/**
 * A mark-sweep heap for the mark tests (mark stack and mark bitmap): it never collects on its own,
 * so the tests drive the phases, and lists every object it allocated.
 */
import { Heap } from '@gclab/core';
import { type MarkSweep, markSweep } from '../../src/plans/mark-sweep.ts';

/** A mark-sweep heap that never collects on its own (so tests drive the phases). */
export function quietHeap(): Heap {
  return new Heap(markSweep, { collectorOptions: { minHeapBytes: 1 << 30 } });
}

/** Every allocated object of a mark-sweep heap. */
export function objectsOf(heap: Heap): number[] {
  const out: number[] = [];
  (heap.collector as MarkSweep).space.forEachObject((a) => out.push(a));
  return out;
}
