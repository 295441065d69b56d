import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { nestedLists } from '../../src/workloads/nested-lists.ts';

describe('nested-lists', () => {
  it('builds levels + 1 lists with levels (levels - 1) / 2 references, all live but the first', () => {
    const heap = new Heap(noGc);
    const levels = 1000;
    expect(nestedLists.run(heap, { size: 'small', seed: 42 })).toBe((levels * (levels - 1)) / 2);
    expect(heap.counters.objectsAllocated).toBe(levels + 1);
    // The empty list (8 bytes) and list k of k references (8 + 8k bytes).
    expect(heap.counters.bytesAllocated).toBe(8 + 8 * levels + (8 * levels * (levels - 1)) / 2);
    expect(heap.counters.pointerStores).toBe((levels * (levels - 1)) / 2);
    const r = heap.oracle.traverse();
    // List 0 has no slot, so the initial empty list (8 bytes) is garbage at once, as in Python.
    expect(r.reachableObjects).toBe(levels);
    expect(r.garbageBytes).toBe(8);
  });
});
