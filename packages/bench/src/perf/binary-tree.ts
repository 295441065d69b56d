/**
 * The binary tree of `npm run perf`: `nodes` objects with two reference fields, numbered 1..nodes in
 * heap order (node i has children 2i and 2i + 1 when they are <= nodes), allocated in preorder (a
 * node, then its left subtree, then its right subtree), so a depth-first traversal that visits field
 * 0 first walks memory in allocation order. The same tree is built in the simulated heap
 * (`buildTree`), as plain JavaScript objects (`buildJsTree`, for V8's own collector) and in CPython
 * (packages/experiments/scripts/tree_del.py), with the same numbering and order.
 *
 * Building in the heap uses one register per depth: the node being built at depth d is held in
 * register r{d} and stored into field (i & 1) of its parent, held in r{d-1} (in preorder the parent
 * is the last node allocated one level up). Every allocation is a safepoint, and everything built so
 * far is reachable from r0 through the registers of the current path, so any collector may run in
 * between.
 */
import { type Heap, NULL_ROOT } from '@gclab/core';

/** Depth of node `i` (the root, node 1, has depth 0). */
export function nodeDepth(i: number): number {
  return 31 - Math.clz32(i);
}

/** Depth of the tree of `nodes` nodes (its deepest node's depth). */
export function treeDepth(nodes: number): number {
  return nodeDepth(nodes);
}

/**
 * Builds the tree of `nodes` (>= 1) in `heap`, rooted in register r0 of the outermost frame; the
 * registers r1.. used while building are cleared (`del`) before it returns. Returns the root's
 * address. Uses `new`, `put` and `del` only, so every collector's hooks see the build.
 */
export function buildTree(heap: Heap, nodes: number): number {
  if (!(Number.isInteger(nodes) && nodes >= 1 && nodes < 2 ** 30)) {
    throw new RangeError(`a perf tree has from 1 to 2^30 - 1 nodes, got ${nodes}`);
  }
  const stack = new Int32Array(2 * treeDepth(nodes) + 2);
  let sp = 0;
  stack[sp++] = 1;
  while (sp > 0) {
    const i = stack[--sp]!;
    const d = nodeDepth(i);
    heap.new(d, 2);
    if (d > 0) heap.put(d - 1, i & 1, d);
    // Right child first, so the left one is popped (and allocated) next: preorder.
    if (2 * i + 1 <= nodes) stack[sp++] = 2 * i + 1;
    if (2 * i <= nodes) stack[sp++] = 2 * i;
  }
  for (let d = treeDepth(nodes); d >= 1; d--) heap.set(d, NULL_ROOT);
  return heap.peekRoot(0);
}

/** A node of the JavaScript tree. */
export interface JsTreeNode {
  /** Field 0. */
  left: JsTreeNode | null;
  /** Field 1. */
  right: JsTreeNode | null;
}

/** The same tree as plain JavaScript objects (one shape, two fields), allocated in the same order. */
export function buildJsTree(nodes: number): JsTreeNode {
  const path: Array<JsTreeNode | null> = new Array(32).fill(null);
  const stack = new Int32Array(2 * treeDepth(nodes) + 2);
  let sp = 0;
  stack[sp++] = 1;
  while (sp > 0) {
    const i = stack[--sp]!;
    const d = nodeDepth(i);
    const node: JsTreeNode = { left: null, right: null };
    path[d] = node;
    if (d > 0) {
      const parent = path[d - 1]!;
      if ((i & 1) === 0) parent.left = node;
      else parent.right = node;
    }
    if (2 * i + 1 <= nodes) stack[sp++] = 2 * i + 1;
    if (2 * i <= nodes) stack[sp++] = 2 * i;
  }
  return path[0]!;
}
