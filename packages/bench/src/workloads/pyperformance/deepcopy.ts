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

/** Containers one deepcopy makes and drops before it returns: [count, kind] pairs, in order. */
type Temporaries = readonly (readonly [number, ObjectKind])[];

/**
 * Of `a`: the memo, the items() view and iterator, `_keep_alive`, the tuple comprehension's function
 * and list, the subdict's view and iterator.
 */
const DICT_COPY_TEMPORARIES: Temporaries = [
  [1, ObjectKind.dict],
  [2, ObjectKind.object],
  [1, ObjectKind.list],
  [1, ObjectKind.object],
  [1, ObjectKind.list],
  [2, ObjectKind.object],
];

/**
 * Of `dc`: the memo, the reduce tuple and its arguments, the state's copy, its view and iterator,
 * `_keep_alive`.
 */
const DATACLASS_COPY_TEMPORARIES: Temporaries = [
  [1, ObjectKind.dict],
  [2, ObjectKind.tuple],
  [1, ObjectKind.dict],
  [2, ObjectKind.object],
  [1, ObjectKind.list],
];

/** Allocates and drops `temporaries` (a copy's own containers are allocated by the caller). */
function temporaries(heap: Heap, list: Temporaries): void {
  for (const [n, kind] of list) {
    for (let i = 0; i < n; i++) {
      heap.new(S0, 0, 0, kind);
      heap.del(S0);
    }
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
        // The copy of a: a dict holding the list's copy and the subdict's.
        heap.new(COPY, 2, 0, ObjectKind.dict);
        heap.new(S0, 0, 0, ObjectKind.list);
        heap.put(COPY, 0, S0);
        heap.new(S0, 0, 0, ObjectKind.dict);
        heap.put(COPY, 1, S0);
        temporaries(heap, DICT_COPY_TEMPORARIES);
        heap.set(UNDERSCORE, COPY);
        heap.del(COPY);
      }
      for (let k = 0; k < 30; k++) {
        // The copy of dc: a new instance, its __dict__ holding the list's copy.
        heap.new(COPY, 1, 0, ObjectKind.object);
        heap.new(S0, 1, 0, ObjectKind.dict);
        heap.put(COPY, 0, S0);
        heap.new(LIST, 0, 0, ObjectKind.list);
        heap.put(S0, 0, LIST);
        heap.del(LIST);
        heap.del(S0);
        temporaries(heap, DATACLASS_COPY_TEMPORARIES);
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
