/**
 * `binary-trees`: the Computer Language Benchmarks Game program of that name.
 *
 * What it stresses: raw allocation and reclamation of many small trees of pointer-only nodes (the
 * generational hypothesis at its purest), the traversal of each tree by loads (`itemCheck`), and one
 * long-lived tree that survives throughout.
 *
 * The program for n (maxDepth = max(minDepth + 2, n), minDepth = 4):
 * 1. A stretch tree of depth maxDepth + 1, built bottom-up, checked, dropped.
 * 2. A long-lived tree of depth maxDepth.
 * 3. For depth d = minDepth, minDepth + 2, ..., maxDepth: iterations = 2^(maxDepth - d + minDepth)
 *    trees of depth d, each built bottom-up inside a call, checked (`itemCheck` counts its nodes with
 *    field loads) and dropped when the call returns.
 * 4. The long-lived tree is checked.
 *
 * A TreeNode is two references and no payload. n = 12 (`small`), 14 (`medium`), 16 (`large`); the
 * Benchmarks Game runs n = 21. The seed is not used. The result is the sum of every check.
 */
import type { Heap } from '@gclab/core';
import { bySize, NO_ARGS, type Workload, type WorkloadParams, type WorkloadSize } from './workload.ts';

/** The smallest tree depth of the benchmark. */
export const BINARY_TREES_MIN_DEPTH = 4;

/** n by size. */
const N: Record<WorkloadSize, number> = { small: 12, medium: 14, large: 16 };

/** Register of the tree under construction/check, then two registers per level. */
const TREE = 0;
const LONG_LIVED = 1;
const LEVELS = 2;

function left(k: number): number {
  return LEVELS + 2 * k;
}

/** `bottomUpTree(depth)` into register `dst`. */
function bottomUpTree(heap: Heap, depth: number, dst: number): void {
  if (depth <= 0) {
    heap.new(dst, 2, 0);
    return;
  }
  const l = left(depth);
  bottomUpTree(heap, depth - 1, l);
  bottomUpTree(heap, depth - 1, l + 1);
  heap.new(dst, 2, 0);
  heap.put(dst, 0, l);
  heap.put(dst, 1, l + 1);
  heap.del(l);
  heap.del(l + 1);
}

/** `itemCheck` of the tree of `depth` in register `src`: its node count, read through field loads. */
function itemCheck(heap: Heap, depth: number, src: number): number {
  if (depth <= 0) return 1;
  const l = left(depth);
  heap.get(l, src, 0);
  heap.get(l + 1, src, 1);
  const n = 1 + itemCheck(heap, depth - 1, l) + itemCheck(heap, depth - 1, l + 1);
  heap.del(l);
  heap.del(l + 1);
  return n;
}

/** Registers a frame needs for trees up to `depth`. */
function frameRegisters(depth: number): number {
  return LEVELS + 2 * (depth + 1);
}

/** Iterations at depth `d` for `maxDepth`: 2^(maxDepth - d + minDepth). */
export function binaryTreesIterations(maxDepth: number, d: number): number {
  return 2 ** (maxDepth - d + BINARY_TREES_MIN_DEPTH);
}

/** Runs the benchmark for `n`; returns the sum of all checks. */
export function runBinaryTrees(heap: Heap, n: number): number {
  const minDepth = BINARY_TREES_MIN_DEPTH;
  const maxDepth = Math.max(minDepth + 2, n);
  const stretchDepth = maxDepth + 1;
  let total = 0;
  heap.call(frameRegisters(stretchDepth), NO_ARGS);
  bottomUpTree(heap, stretchDepth, TREE);
  total += itemCheck(heap, stretchDepth, TREE);
  heap.ret();
  bottomUpTree(heap, maxDepth, LONG_LIVED);
  for (let d = minDepth; d <= maxDepth; d += 2) {
    const iterations = binaryTreesIterations(maxDepth, d);
    for (let i = 0; i < iterations; i++) {
      heap.call(frameRegisters(d), NO_ARGS);
      bottomUpTree(heap, d, TREE);
      total += itemCheck(heap, d, TREE);
      heap.ret();
    }
  }
  total += itemCheck(heap, maxDepth, LONG_LIVED);
  return total;
}

/** The `binary-trees` workload. */
export const binaryTrees: Workload = {
  name: 'binary-trees',
  summary: 'Benchmarks Game binary-trees: many short-lived pointer-only trees, one long-lived tree',
  seeded: false,
  run(heap: Heap, params: WorkloadParams): number {
    return runBinaryTrees(heap, bySize(params.size, N));
  },
};
