import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { buildTree, nodeDepth, treeDepth } from '../../src/index.ts';

/** Node numbers of the simulated tree in address order, by walking it from the root. */
function numbersByAddress(heap: Heap, root: number): number[] {
  const found: Array<[number, number]> = [];
  const stack: Array<[number, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [addr, i] = stack.pop()!;
    found.push([addr, i]);
    for (let k = 0; k < 2; k++) {
      const child = heap.peekField(addr, k);
      if (child !== 0) stack.push([child, 2 * i + k]);
    }
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, i]) => i);
}

describe('buildTree', () => {
  it('numbers nodes in heap order and gives depths', () => {
    expect([1, 2, 3, 4, 7, 8].map(nodeDepth)).toEqual([0, 1, 1, 2, 2, 3]);
    expect(treeDepth(1_000_000)).toBe(19);
  });

  it('builds the tree in the heap in preorder, rooted in r0, with the path registers cleared', () => {
    const heap = new Heap(noGc);
    const root = buildTree(heap, 10);
    expect(heap.peekRoot(0)).toBe(root);
    for (let d = 1; d <= treeDepth(10); d++) expect(heap.peekRoot(d)).toBe(0);
    expect(heap.counters.objectsAllocated).toBe(10);
    // Preorder of the heap-numbered tree of 10 nodes.
    expect(numbersByAddress(heap, root)).toEqual([1, 2, 4, 8, 9, 5, 10, 3, 6, 7]);
    for (let a = root, n = 0; n < 10; n++, a += heap.model.sizeOf(2, 0)) expect(heap.fieldCount(a)).toBe(2);
  });

  it('refuses an empty tree', () => {
    expect(() => buildTree(new Heap(noGc), 0)).toThrow(RangeError);
  });

  it('builds a complete tree of k levels from 2^k - 1 nodes, whatever the registers held', () => {
    const heap = new Heap(noGc, { checked: true });
    heap.new(3, 0); // a register on the path is overwritten, then cleared
    const root = buildTree(heap, 2 ** 6 - 1);
    expect(treeDepth(2 ** 6 - 1)).toBe(5);
    const depthOf = (addr: number): number =>
      addr === 0 ? 0 : 1 + Math.max(depthOf(heap.peekField(addr, 0)), depthOf(heap.peekField(addr, 1)));
    expect(depthOf(root)).toBe(6);
    expect(heap.peekRoot(3)).toBe(0);
    expect(heap.oracle.traverse().reachableObjects).toBe(63);
  });
});
