/**
 * The binary tree of `npm run perf` as plain JavaScript objects, for V8's own collector (the anchor
 * of figure 1): the same tree `buildTree` of `@gclab/verify` builds in the simulated heap and
 * scripts/tree_del.py builds in CPython, `nodes` nodes numbered 1..nodes in heap order (node i has
 * children 2i and 2i + 1 when they are <= nodes), allocated in the same preorder.
 */
import { nodeDepth, treeDepth } from '@gclab/verify';

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
