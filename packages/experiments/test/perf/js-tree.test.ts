import { describe, expect, it } from 'vitest';
import { buildJsTree, type JsTreeNode } from '../../src/perf/js-tree.ts';

describe('the JavaScript perf tree', () => {
  it('builds the same shape as the heap tree, in heap-order numbering', () => {
    const count = (node: JsTreeNode | null): number =>
      node === null ? 0 : 1 + count(node.left) + count(node.right);
    const tree = buildJsTree(10);
    expect(count(tree)).toBe(10);
    expect(tree.left?.left?.right).not.toBeNull(); // node 9
    expect(tree.left?.right?.right).toBeNull(); // node 11 does not exist
    expect(tree.left?.right?.left).not.toBeNull(); // node 10
  });
});
