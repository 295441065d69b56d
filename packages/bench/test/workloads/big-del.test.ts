import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { BIG_DEL_SHAPES, bigDel } from '../../src/workloads/big-del.ts';

describe('big-del', () => {
  it('builds a list of N tuples of 16-byte strings per round and drops it', () => {
    const { elements: n, rounds } = BIG_DEL_SHAPES.small;
    expect(n).toBe(100_000);
    const heap = new Heap(noGc);
    expect(bigDel.run(heap, { size: 'small', seed: 42 })).toBe(n * rounds);
    expect(heap.counters.objectsAllocated).toBe(rounds * (1 + 2 * n));
    // The list 8 + 8N, each tuple 16, each string 8 + 16.
    expect(heap.counters.bytesAllocated).toBe(rounds * (8 + 8 * n + 16 * n + 24 * n));
    expect(heap.oracle.traverse().garbageBytes).toBe(heap.counters.bytesAllocated);
  });

  it('is a million elements at size medium', () => {
    expect(BIG_DEL_SHAPES.medium.elements).toBe(1_000_000);
  });
});
