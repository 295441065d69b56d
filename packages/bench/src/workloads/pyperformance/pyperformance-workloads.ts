/**
 * pyperformance's GC benchmarks as workloads (python/pyperformance, the sources each module cites):
 * gc_collect, gc_traversal, btree_gc, the async_tree gather variants and deepcopy, in the order
 * `gclab list` shows them; and their programs, step by step, for the comparison with the real
 * interpreters (`gclab experiment pyperformance`).
 */
import type { Workload } from '../workload.ts';
import { asyncTreeProgram, pyperfAsyncTrees } from './async-tree.ts';
import { btreeProgram, pyperfBtree } from './btree.ts';
import { deepcopyProgram, pyperfDeepcopy } from './deepcopy.ts';
import { gcCollectProgram, pyperfGcCollect } from './gc-collect.ts';
import { gcTraversalProgram, pyperfGcTraversal } from './gc-traversal.ts';
import type { PyperformanceProgram } from './pyperformance-program.ts';

/** The pyperformance workloads. */
export const PYPERFORMANCE_WORKLOADS: readonly Workload[] = [
  pyperfGcCollect,
  pyperfGcTraversal,
  pyperfBtree,
  ...pyperfAsyncTrees,
  pyperfDeepcopy,
];

/** Their programs by the harness's benchmark name (`gc_collect`, `async_tree_io`, ...). */
export const PYPERFORMANCE_PROGRAMS: readonly PyperformanceProgram[] = [
  gcCollectProgram,
  gcTraversalProgram,
  btreeProgram,
  asyncTreeProgram('none'),
  asyncTreeProgram('io'),
  asyncTreeProgram('memoization'),
  asyncTreeProgram('cpu_io_mixed'),
  deepcopyProgram,
];
