/**
 * `pyperf-deepcopy`: pyperformance's deepcopy benchmark (`benchmark(n)`, not its reduce and memo
 * variants), from python/pyperformance `pyperformance/data-files/benchmarks/bm_deepcopy/run_benchmark.py`
 * at commit 259edeed995fdad44c4f35f0945d68ec933eb763 (2022-06-07).
 *
 * Setup: the dict `a` (`'list': [1, 2, 3, 43]`, `'t': (1, 2, 3)`, `'str'`, `'subdict': {'a': True}`)
 * and the dataclass instance `dc = A('hello', [1, 2, 3], True)`, kept in a tuple `(a, dc)`. One iteration (one `ii` of the loop):
 * 30 `copy.deepcopy(a)`, then 30 `copy.deepcopy(dc)` (3 strings x 5 list values x 2 booleans), each
 * copy kept in `_` until the next replaces it. Size = repetitions of that body per iteration.
 *
 * The containers one deepcopy makes, read from CPython 3.11's Lib/copy.py: of `a`, the memo dict,
 * the new dict and the `items()` view and iterator `_deepcopy_dict` walks, the list copy, the
 * `_keep_alive` list in the memo, the list and the function object of `_deepcopy_tuple`'s
 * comprehension (which returns the original tuple: its items are atomic), and for the subdict a dict,
 * a view and an iterator; of `dc` (through `__reduce_ex__(4)` and `_reconstruct`), the memo dict, the
 * reduce tuple and its arguments tuple, the new instance and its `__dict__`, the state dict's copy with
 * its view and iterator, the list copy and the `_keep_alive` list. All but the copy itself die when
 * `deepcopy` returns; the copy when `_` is rebound.
 *
 * Not expressed: the per-copy counts are read from the sources, not measured; CPython takes most of
 * these dicts, lists and tuples from its free lists, which do not count in generation 0's count,
 * and returns them there (see docs/pyperformance.md), so its count of generation 0 drifts by a few
 * objects per iteration where the model's returns to where it was; no object here is cyclic garbage.
 */
import { type Heap, ObjectKind } from '@gclab/core';
import { type PyperformanceProgram, pyperformanceWorkload } from './pyperformance-program.ts';

// Registers: the copy being built, scratch, the kept copy `_`.
const COPY = 0;
const S0 = 1;
const UNDERSCORE = 2;
const LIST = 3;

/** Allocates `n` objects of `kind` and drops each at once. */
function temporaries(heap: Heap, n: number, kind: ObjectKind): void {
  for (let i = 0; i < n; i++) {
    heap.new(S0, 0, 0, kind);
    heap.del(S0);
  }
}

/** deepcopy as steps; size = repetitions of the loop body per iteration. */
export const deepcopyProgram: PyperformanceProgram = {
  name: 'deepcopy',
  pre: 0,
  post: 0,
  keeps: false,
  setup(heap) {
    const a = heap.global('a');
    heap.new(a, 2, 0, ObjectKind.dict);
    heap.new(S0, 0, 0, ObjectKind.list);
    heap.put(a, 0, S0);
    heap.new(S0, 0, 0, ObjectKind.dict);
    heap.put(a, 1, S0);
    const dc = heap.global('dc');
    heap.new(dc, 1, 0, ObjectKind.object);
    heap.new(S0, 0, 0, ObjectKind.list);
    heap.put(dc, 0, S0);
    // The tuple (a, dc) the harness keeps them in.
    heap.new(S0, 2, 0, ObjectKind.tuple);
    heap.put(S0, 0, a);
    heap.put(S0, 1, dc);
    heap.set(heap.global('state'), S0);
    heap.del(S0);
  },
  body(heap, size) {
    for (let rep = 0; rep < size; rep++) {
      for (let jj = 0; jj < 30; jj++) {
        heap.new(COPY, 2, 0, ObjectKind.dict);
        temporaries(heap, 1, ObjectKind.dict); // memo
        temporaries(heap, 2, ObjectKind.object); // items() view and iterator
        heap.new(S0, 0, 0, ObjectKind.list);
        heap.put(COPY, 0, S0);
        temporaries(heap, 1, ObjectKind.list); // _keep_alive
        temporaries(heap, 1, ObjectKind.object); // the tuple comprehension's function
        temporaries(heap, 1, ObjectKind.list); // its list
        heap.new(S0, 0, 0, ObjectKind.dict);
        heap.put(COPY, 1, S0);
        temporaries(heap, 2, ObjectKind.object); // the subdict's view and iterator
        heap.set(UNDERSCORE, COPY);
        heap.del(COPY);
      }
      for (let k = 0; k < 30; k++) {
        temporaries(heap, 1, ObjectKind.dict); // memo
        temporaries(heap, 2, ObjectKind.tuple); // the reduce tuple, its arguments
        heap.new(COPY, 1, 0, ObjectKind.object);
        temporaries(heap, 1, ObjectKind.dict); // the state's copy (merged into the new __dict__)
        temporaries(heap, 2, ObjectKind.object); // its view and iterator
        temporaries(heap, 1, ObjectKind.list); // _keep_alive
        heap.new(S0, 1, 0, ObjectKind.dict); // the instance's __dict__
        heap.put(COPY, 0, S0);
        heap.new(LIST, 0, 0, ObjectKind.list); // the list copy, in the __dict__
        heap.put(S0, 0, LIST);
        heap.del(LIST);
        heap.del(S0);
        heap.set(UNDERSCORE, COPY);
        heap.del(COPY);
      }
    }
    heap.del(UNDERSCORE);
  },
};

/** The `pyperf-deepcopy` workload. */
export const pyperfDeepcopy = pyperformanceWorkload(deepcopyProgram, {
  name: 'pyperf-deepcopy',
  summary: 'pyperformance deepcopy: 30 deep copies of a nested dict and 30 of a dataclass per iteration',
  scales: {
    small: { size: 1, iterations: 200 },
    medium: { size: 1, iterations: 10_000 },
    large: { size: 1, iterations: 100_000 },
  },
});
