import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { gcbench, gcbenchShape } from '../../src/workloads/gcbench.ts';

// GCBench's definitions, restated: TreeSize(d) = 2^(d+1) - 1; NumIters(d) = 2 TreeSize(stretch) / TreeSize(d).
const treeSize = (d: number) => 2 ** (d + 1) - 1;

/** Nodes allocated by GCBench with stretch depth S, long-lived depth L, temporaries from 4 to M. */
function gcbenchNodes(S: number, L: number, M: number): number {
  let nodes = treeSize(S) + treeSize(L);
  for (let d = 4; d <= M; d += 2) nodes += 2 * Math.floor((2 * treeSize(S)) / treeSize(d)) * treeSize(d);
  return nodes;
}

describe('gcbench', () => {
  it("keeps Boehm's constants at full size and scales depths down by 2 and 4", () => {
    expect(gcbenchShape(0)).toEqual({
      stretchDepth: 18,
      longLivedDepth: 16,
      minDepth: 4,
      maxDepth: 16,
      arraySize: 500_000,
    });
    expect(gcbenchShape(2)).toEqual({
      stretchDepth: 16,
      longLivedDepth: 14,
      minDepth: 4,
      maxDepth: 14,
      arraySize: 125_000,
    });
    expect(gcbenchShape(4)).toEqual({
      stretchDepth: 14,
      longLivedDepth: 12,
      minDepth: 4,
      maxDepth: 12,
      arraySize: 31_250,
    });
  });

  it('allocates at size small what the formula gives (nodes of 32 bytes plus the array)', () => {
    const heap = new Heap(noGc);
    const result = gcbench.run(heap, { size: 'small', seed: 1 });
    const nodes = gcbenchNodes(14, 12, 12);
    expect(result).toBe(nodes);
    expect(heap.counters.objectsAllocated).toBe(nodes + 1);
    // A Node: shape word + 2 references + 8 bytes (two ints); the array: shape word + 31,250 doubles.
    expect(heap.counters.bytesAllocated).toBe(32 * nodes + 8 + 8 * 31_250);
    // Every node is stored into its parent once, except the roots of trees.
    const trees =
      1 + 1 + [4, 6, 8, 10, 12].reduce((n, d) => n + 2 * Math.floor((2 * treeSize(14)) / treeSize(d)), 0);
    expect(heap.counters.pointerStores).toBe(nodes - trees);
    // What stays live: the long-lived tree and the array.
    expect(heap.oracle.traverse().reachableBytes).toBe(32 * treeSize(12) + 8 + 8 * 31_250);
  });

  it('ignores the seed', () => {
    const a = new Heap(noGc);
    const b = new Heap(noGc);
    gcbench.run(a, { size: 'small', seed: 1 });
    gcbench.run(b, { size: 'small', seed: 2 });
    expect(b.counters).toEqual(a.counters);
  });
});
