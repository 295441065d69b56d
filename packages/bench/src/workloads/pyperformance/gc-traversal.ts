/**
 * `pyperf-gc-traversal`: pyperformance's gc_traversal benchmark, from python/pyperformance
 * `pyperformance/data-files/benchmarks/bm_gc_traversal/run_benchmark.py` at commit
 * d5c8e422864540ed2459ec4d43f7c7257e3387d1 (2022-12-03).
 *
 * Setup: `create_recursive_containers(N_LEVELS)`: list n (n = 0 .. N_LEVELS - 1) has n items, each a
 * reference to list n - 1, so the last list reaches every other through n(n-1)/2 references and the
 * first list (`[]`) dies when list 0 replaces it. One iteration: `gc.collect()` twice, the second
 * timed; both traverse every list and collect nothing. Size = N_LEVELS (the source's 1000).
 *
 * Exact in the trace model: every list is one GC object with its n references as fields. Not
 * expressed: `[None] * n` then n stores into it (here a list of n null fields, then the same n
 * stores).
 */
import { ObjectKind } from '@gclab/core';
import type { PyperformanceProgram } from './pyperformance-program.ts';
import { pyperformanceWorkload } from './pyperformance-program.ts';

const NEW_LIST = 0;

/** gc_traversal as steps; size = N_LEVELS. */
export const gcTraversalProgram: PyperformanceProgram = {
  name: 'gc_traversal',
  pre: 1,
  post: 1,
  keeps: false,
  setup(heap, size) {
    const current = heap.global('all_cycles');
    heap.new(current, 0, 0, ObjectKind.list);
    for (let n = 0; n < size; n++) {
      heap.new(NEW_LIST, n, 0, ObjectKind.list);
      for (let index = 0; index < n; index++) heap.put(NEW_LIST, index, current);
      heap.set(current, NEW_LIST);
    }
    heap.del(NEW_LIST);
  },
  body() {},
};

/** The `pyperf-gc-traversal` workload. */
export const pyperfGcTraversal = pyperformanceWorkload(gcTraversalProgram, {
  name: 'pyperf-gc-traversal',
  summary:
    'pyperformance gc_traversal: 1,000 nested lists (499,500 references) traversed by full collections',
  scales: {
    small: { size: 1000, iterations: 10 },
    medium: { size: 1000, iterations: 100 },
    large: { size: 3000, iterations: 100 },
  },
});
