import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { RINGS_SHAPES, rings } from '../../src/workloads/rings.ts';

describe('rings', () => {
  it('builds rounds x cycles rings of links + 1 nodes and leaves them all as garbage', () => {
    expect(RINGS_SHAPES.small).toEqual({ rounds: 5, cycles: 1000, links: 20 });
    const heap = new Heap(noGc);
    expect(rings.run(heap, { size: 'small', seed: 42 })).toBe(5 * 1000 * 21);
    // Per round: the list (1000 references) and 21,000 nodes of two references.
    expect(heap.counters.objectsAllocated).toBe(5 * (1 + 21_000));
    expect(heap.counters.bytesAllocated).toBe(5 * (8 + 8 * 1000 + 21_000 * 24));
    // Each ring: 2 stores per added link, 2 to close it, 1 into the list.
    expect(heap.counters.pointerStores).toBe(5 * 1000 * (2 * 20 + 2 + 1));
    const r = heap.oracle.traverse();
    expect(r.reachableObjects).toBe(0);
    expect(r.garbageBytes).toBe(heap.counters.bytesAllocated);
  });
});
