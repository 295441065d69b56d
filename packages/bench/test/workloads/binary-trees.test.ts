import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { binaryTrees } from '../../src/workloads/binary-trees.ts';

const treeSize = (d: number) => 2 ** (d + 1) - 1;

describe('binary-trees', () => {
  it('allocates at size small (n = 12) what the Benchmarks Game program defines', () => {
    const heap = new Heap(noGc);
    const result = binaryTrees.run(heap, { size: 'small', seed: 42 });
    // Stretch tree of depth 13, long-lived tree of depth 12, 2^(12 - d + 4) trees of each depth d = 4, 6, ..., 12.
    let nodes = treeSize(13) + treeSize(12);
    let internalChecked = 2 ** 13 - 1 + (2 ** 12 - 1);
    for (let d = 4; d <= 12; d += 2) {
      nodes += 2 ** (12 - d + 4) * treeSize(d);
      internalChecked += 2 ** (12 - d + 4) * (2 ** d - 1);
    }
    expect(heap.counters.objectsAllocated).toBe(nodes);
    expect(heap.counters.bytesAllocated).toBe(24 * nodes);
    // Every tree is checked: the checks add up to the node count; each internal node costs two loads.
    expect(result).toBe(nodes);
    expect(heap.counters.pointerLoads).toBe(2 * internalChecked);
    expect(heap.oracle.traverse().reachableObjects).toBe(treeSize(12));
  });
});
