/**
 * `pyperf-gc-collect`: pyperformance's gc_collect benchmark, from python/pyperformance
 * `pyperformance/data-files/benchmarks/bm_gc_collect/run_benchmark.py` at commit
 * d5c8e422864540ed2459ec4d43f7c7257e3387d1 (2022-12-03). gclab's `rings` follows the same program in
 * rounds of its own sizes; this is the benchmark itself, step for step.
 *
 * One iteration (`benchamark_collection`): `gc.collect()`; `all_cycles = create_gc_cycles(CYCLES,
 * LINKS)`, a list of CYCLES rings of LINKS + 1 `Node`s linked `next`/`prev`; `del all_cycles`; the
 * timed `gc.collect()`, which finds every node unreachable. Size = CYCLES (the source's 100); LINKS is
 * the source's 20.
 *
 * Exact in the trace model: a `Node` instance is one GC object with two references (CPython 3.11's
 * instances keep their attributes inline, with no `__dict__` object until one is asked for), and the
 * list one GC object. Not expressed: `link_next` is a method call that allocates nothing (3.11 loads
 * the method without a bound method object), so it is two stores here; the list grows by `append`
 * in Python and is allocated at its final length here; CPython reuses a freed list from its free
 * list without counting it in generation 0's count, which the model does not do (see
 * docs/pyperformance.md).
 */
import { ObjectKind } from '@gclab/core';
import { buildRings } from '../rings.ts';
import { type PyperformanceProgram, pyperformanceWorkload } from './pyperformance-program.ts';

/** LINKS of the source. */
export const GC_COLLECT_LINKS = 20;

/** gc_collect as steps; size = CYCLES. */
export const gcCollectProgram: PyperformanceProgram = {
  name: 'gc_collect',
  pre: 1,
  post: 1,
  keeps: false,
  setup() {},
  body(heap, size) {
    const all = heap.global('all_cycles');
    buildRings(heap, all, size, GC_COLLECT_LINKS, ObjectKind.list, ObjectKind.object);
    heap.del(all);
  },
};

/** The `pyperf-gc-collect` workload. */
export const pyperfGcCollect = pyperformanceWorkload(gcCollectProgram, {
  name: 'pyperf-gc-collect',
  summary: 'pyperformance gc_collect: 100 rings of 21 nodes dropped, then a timed full collection',
  scales: {
    small: { size: 100, iterations: 50 },
    medium: { size: 100, iterations: 500 },
    large: { size: 1000, iterations: 500 },
  },
});
