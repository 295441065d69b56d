"""CPython deleting a binary tree: the anchor of `npm run perf`'s cascade figure.

Usage: python3 tree_del.py
Reads one node count per line on stdin; for each, builds the tree and prints on stdout one line
`{"ms": M, "nodes": N}`, where M is the wall time of `del root` alone (perf_counter), which frees
every node by reference counting (subtype_dealloc, PyObject_GC_Del, obmalloc), as gclab's
`refcount` cascade does. Ends at end of input.

The tree is the one @gclab/verify's buildTree builds (packages/verify/src/builders/binary-tree.ts): nodes
numbered 1..N in heap order (node i has children 2i and 2i+1 when they exist), allocated in
preorder (a node, then its left subtree, then its right subtree), each a `__slots__` instance with
two reference fields. The cycle collector is disabled while the tree is built (a tree has no
cycles; this only spares the build the generation-0 collections) and while `del` runs (deallocation
never triggers a collection anyway).
"""

import gc
import json
import sys
import time


class Node:
    __slots__ = ("left", "right")

    def __init__(self):
        self.left = None
        self.right = None


def build(n):
    """The tree of n nodes in preorder; returns its root (the only reference to it)."""
    path = [None] * 64
    stack = [1]
    pop = stack.pop
    push = stack.append
    N = Node
    while stack:
        i = pop()
        d = i.bit_length() - 1
        o = N()
        path[d] = o
        if d:
            if i & 1:
                path[d - 1].right = o
            else:
                path[d - 1].left = o
        if 2 * i + 1 <= n:
            push(2 * i + 1)
        if 2 * i <= n:
            push(2 * i)
    return path[0]


def timed_del(n):
    """Builds the tree of n nodes, then times `del root`; returns milliseconds."""
    root = build(n)
    started = time.perf_counter()
    del root
    return (time.perf_counter() - started) * 1000


def main():
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"tree_del.py measures CPython 3.11, this is {sys.version.split()[0]}")
    gc.disable()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        n = int(line)
        ms = timed_del(n)
        sys.stdout.write(json.dumps({"ms": ms, "nodes": n}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
