/**
 * Builds a complete binary tree through the heap API (`new`, `put`, `call`, `ret`), depth first, so
 * the nodes lie in memory in allocation order (preorder). Used by tests and by the mark-rate bench.
 */
import type { Heap } from '@gclab/core';

/**
 * Builds a tree of `levels` levels (`2^levels - 1` nodes of two reference fields and `payload`
 * bytes) whose root is stored in root `dst` (a register of the current frame or a global code).
 * Uses call frames of two registers (r0 = the node being filled, r1 = its new child) and leaves the
 * frame stack as it found it. Returns the number of nodes.
 */
export function buildBinaryTree(heap: Heap, dst: number, levels: number, payload = 0): number {
  heap.new(dst, 2, payload);
  if (levels <= 1) return 1;
  const args = new Int32Array([dst]);
  // nextChild[d] = the next child index to build in the frame at level d (1 = the root's frame).
  const nextChild = new Int32Array(levels + 1);
  const argR1 = new Int32Array([1]);
  heap.call(2, args);
  let level = 1;
  nextChild[1] = 0;
  let nodes = 1;
  while (level > 0) {
    const next = nextChild[level]!;
    if (level < levels && next < 2) {
      heap.new(1, 2, payload);
      heap.put(0, next, 1);
      nodes++;
      nextChild[level] = next + 1;
      heap.call(2, argR1);
      level++;
      nextChild[level] = 0;
    } else {
      heap.ret();
      level--;
    }
  }
  return nodes;
}
