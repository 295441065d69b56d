/**
 * The `snapshot:FILE` workload under every registered collector, on the committed example (a
 * CPython json.loads heap): the same objects built under each, nothing reachable once every stage
 * is dropped, everything freed by the collectors that reclaim cycles, and exactly what the cycles
 * reach left by counting alone.
 */
import { loadSnapshotGraph, resolveWorkload } from '@gclab/bench';
import { Heap } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { collectors } from '../src/registry.ts';
import { ROOT } from './run-cli.ts';

const EXAMPLE = `${ROOT}examples/snapshots/json-loads.pyheap`;
// The example's objects, the index (1 + 9 chunks of 4096) and the 4 stage holders.
const BUILT = 33637 + 1 + 9 + 4;
/** Objects counting alone never frees: the cycles and everything only they reach (the census's figure). */
const LEFT_BY_COUNTING = 28571;

describe('the snapshot workload under every collector', () => {
  const { workload, options } = resolveWorkload(`snapshot:${EXAMPLE}`);
  loadSnapshotGraph(EXAMPLE);
  for (const descriptor of collectors) {
    it(descriptor.name, () => {
      const heap = new Heap(descriptor);
      try {
        expect(workload.run(heap, { size: 'small', seed: 1, options })).toBe(33637);
        expect(heap.counters.objectsAllocated).toBe(BUILT);
        expect(heap.oracle.traverse().reachableObjects).toBe(0);
        const { constraints } = descriptor;
        const unfreed = heap.stats().unfreedObjects;
        if (descriptor.name === 'no-gc') expect(unfreed).toBe(BUILT);
        else if (constraints.reclaimsCycles) expect(unfreed).toBe(0);
        else expect(unfreed).toBe(LEFT_BY_COUNTING);
      } finally {
        heap.release();
      }
    });
  }
});
