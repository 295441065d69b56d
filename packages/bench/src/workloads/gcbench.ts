/**
 * `gcbench`: Hans Boehm's GCBench (after John Ellis and Pete Kovac's Java original), operation for
 * operation.
 *
 * What it stresses: allocation throughput of small short-lived binary trees, with a long-lived tree
 * and a large pointer-free array kept alive all along (so tracing collectors re-trace old data), and
 * two construction orders: top-down (`Populate`: stores of young children into older parents) and
 * bottom-up (`MakeTree`: children allocated before their parent).
 *
 * The program at size `large`, as in GCBench.java:
 * 1. Stretch: `MakeTree(18)`, dropped at once.
 * 2. A long-lived tree: `new Node()` then `Populate(16, it)`; a long-lived array of 500,000 doubles
 *    (one object with a 4,000,000-byte payload, no references).
 * 3. For depth d = 4, 6, ..., 16, `TimeConstruction(d)`: NumIters(d) = 2 * TreeSize(18) / TreeSize(d)
 *    trees built top-down, each dropped (`tempTree = null`), then NumIters(d) trees built bottom-up,
 *    each dropped. TreeSize(d) = 2^(d+1) - 1.
 *
 * A Node is two references and two 32-bit ints (an 8-byte payload). Smaller sizes scale the depths
 * down by a shift s (stretch 18 - s, long-lived 16 - s, largest temporary 16 - s, smallest still 4)
 * and the array by 2^s: s = 2 at `medium`, s = 4 at `small`. The seed is not used.
 *
 * NOTE: the recursion of `MakeTree`/`Populate` is JavaScript recursion over registers of one frame:
 * level k of the recursion keeps its left and right children in two registers of its own, cleared
 * when the level returns (as a Java frame's locals die), so every node is always reachable from a
 * root or from its parent. `TimeConstruction` is a simulated `call`/`ret`.
 */
import type { Heap } from '@gclab/core';
import { bySize, NO_ARGS, type Workload, type WorkloadParams, type WorkloadSize } from './workload.ts';

/** Depths and sizes of one GCBench configuration. */
export interface GcBenchShape {
  /** Depth of the stretch tree (18 at full size). */
  readonly stretchDepth: number;
  /** Depth of the long-lived tree (16). */
  readonly longLivedDepth: number;
  /** Smallest temporary tree depth (4). */
  readonly minDepth: number;
  /** Largest temporary tree depth (16). */
  readonly maxDepth: number;
  /** Doubles in the long-lived array (500,000). */
  readonly arraySize: number;
}

/** The GCBench shape for a depth shift `s` (0 = Boehm's original). */
export function gcbenchShape(shift: number): GcBenchShape {
  return {
    stretchDepth: 18 - shift,
    longLivedDepth: 16 - shift,
    minDepth: 4,
    maxDepth: 16 - shift,
    arraySize: Math.floor(500_000 / 2 ** shift),
  };
}

const SHIFT: Record<WorkloadSize, number> = { small: 4, medium: 2, large: 0 };

/** Nodes in a complete binary tree of depth `d`: 2^(d+1) - 1. */
export function treeSize(d: number): number {
  return 2 ** (d + 1) - 1;
}

/** GCBench's NumIters(d) = 2 * TreeSize(stretch) / TreeSize(d), integer division. */
export function numIters(shape: GcBenchShape, d: number): number {
  return Math.floor((2 * treeSize(shape.stretchDepth)) / treeSize(d));
}

/** Reference fields and payload bytes of a GCBench Node. */
const NODE_REFS = 2;
const NODE_PAYLOAD = 8;

// Registers of the outer frame: r0 = tempTree, r1 = longLivedTree, r2 = array, then two per level.
const TEMP = 0;
const LONG_LIVED = 1;
const ARRAY = 2;
const LEVELS = 3;

/** Register holding level `k`'s left child (its right child is the next register). */
function left(k: number): number {
  return LEVELS + 2 * k;
}

/** `MakeTree(depth)` into register `dst`: children first, then their parent (bottom-up). */
function makeTree(heap: Heap, depth: number, dst: number): void {
  if (depth <= 0) {
    heap.new(dst, NODE_REFS, NODE_PAYLOAD);
    return;
  }
  const l = left(depth);
  makeTree(heap, depth - 1, l);
  makeTree(heap, depth - 1, l + 1);
  heap.new(dst, NODE_REFS, NODE_PAYLOAD);
  heap.put(dst, 0, l);
  heap.put(dst, 1, l + 1);
  heap.del(l);
  heap.del(l + 1);
}

/** `Populate(depth, node in register src)`: children allocated and stored into the parent (top-down). */
function populate(heap: Heap, depth: number, src: number): void {
  if (depth <= 0) return;
  const l = left(depth);
  heap.new(l, NODE_REFS, NODE_PAYLOAD);
  heap.put(src, 0, l);
  heap.new(l + 1, NODE_REFS, NODE_PAYLOAD);
  heap.put(src, 1, l + 1);
  populate(heap, depth - 1, l);
  populate(heap, depth - 1, l + 1);
  heap.del(l);
  heap.del(l + 1);
}

/** Registers a frame needs to build a tree of `depth` (plus the three fixed ones). */
function frameRegisters(depth: number): number {
  return LEVELS + 2 * (depth + 1);
}

/** Runs GCBench with `shape`; returns the number of nodes allocated. */
export function runGcBench(heap: Heap, shape: GcBenchShape): number {
  let nodes = 0;
  // Stretch the memory space quickly.
  makeTree(heap, shape.stretchDepth, TEMP);
  heap.del(TEMP);
  nodes += treeSize(shape.stretchDepth);
  // A long-lived tree and a long-lived array of doubles.
  heap.new(LONG_LIVED, NODE_REFS, NODE_PAYLOAD);
  populate(heap, shape.longLivedDepth, LONG_LIVED);
  nodes += treeSize(shape.longLivedDepth);
  heap.new(ARRAY, 0, 8 * shape.arraySize);
  for (let d = shape.minDepth; d <= shape.maxDepth; d += 2) {
    // TimeConstruction(d): a call whose frame holds tempTree and the recursion's registers.
    heap.call(frameRegisters(d), NO_ARGS);
    const iters = numIters(shape, d);
    for (let i = 0; i < iters; i++) {
      heap.new(TEMP, NODE_REFS, NODE_PAYLOAD);
      populate(heap, d, TEMP);
      heap.del(TEMP);
    }
    for (let i = 0; i < iters; i++) {
      makeTree(heap, d, TEMP);
      heap.del(TEMP);
    }
    heap.ret();
    nodes += 2 * iters * treeSize(d);
  }
  if (heap.peekRoot(LONG_LIVED) === 0 || heap.peekRoot(ARRAY) === 0) {
    throw new Error('gcbench: the long-lived tree or array was lost');
  }
  return nodes;
}

/** The `gcbench` workload. */
export const gcbench: Workload = {
  name: 'gcbench',
  summary:
    "Boehm's GCBench: short-lived binary trees built top-down and bottom-up beside a long-lived tree and a 4 MB array",
  seeded: false,
  run(heap: Heap, params: WorkloadParams): number {
    return runGcBench(heap, gcbenchShape(bySize(params.size, SHIFT)));
  },
};
