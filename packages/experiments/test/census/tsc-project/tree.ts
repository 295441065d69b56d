// A small program the `tsc` capture test compiles: the compiler's heap is what is measured, so the
// program only needs to be valid TypeScript.
export interface TreeNode {
  parent: TreeNode | null;
  children: TreeNode[];
}

export function build(depth: number, parent: TreeNode | null = null): TreeNode {
  const node: TreeNode = { parent, children: [] };
  if (depth > 0) node.children.push(build(depth - 1, node), build(depth - 1, node));
  return node;
}
