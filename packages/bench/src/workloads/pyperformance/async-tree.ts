/**
 * `pyperf-async-tree-*`: pyperformance's async_tree benchmarks (the gather variants none, io,
 * memoization and cpu_io_mixed), from python/pyperformance
 * `pyperformance/data-files/benchmarks/bm_async_tree/run_benchmark.py` at commit
 * 07298dac6a95e85d21c49813a7d78ca0e16617e7 (2024-10-15).
 *
 * One iteration: `asyncio.run(tree.run())`: `recurse_with_gather(level)` awaits
 * `asyncio.gather(*[recurse_with_gather(level - 1) for _ in range(6)])` down to level 0, where a leaf
 * awaits `workload_func()`: nothing (none); `asyncio.sleep` (io); for memoization, `random.randint(1,
 * 100)`, and the sleep only when the value is above 90 or not yet in the tree's cache; for
 * cpu_io_mixed, with `random.random() < 0.5` a factorial (no container), else memoization's work.
 * The random state is seeded once, at setup (`AsyncTree.__init__`), and carries over between
 * iterations, as in the source. Size = NUM_RECURSE_LEVELS (the source's 6).
 *
 * The task tree as objects, created level by level as the event loop runs the steps in order (all
 * tasks exist before the first leaf finishes) and freed by reference counting when the root
 * completes. Per task of a child: its coroutine, the Task, its copied Context, the Handle of its
 * first step and the bound method `__step` it holds, the task's callback list and the `(callback,
 * context)` tuple gather registers. Per gather: the comprehension's list and function object, the
 * `*args` tuple, the children list, the `_GatheringFuture` and the parent's wake-up callback (bound
 * method, tuple, list). Per leaf: the `workload_func` coroutine; per sleep: the `mock_io_call` and
 * `sleep` coroutines, the future, the TimerHandle and its arguments tuple, the wake-up bound method
 * and its tuple.
 *
 * Not expressed: these per-object counts are read from asyncio's Python and C sources, not measured;
 * each `asyncio.run` also builds and closes an event loop (the loop, its selector, self-pipe, ready
 * queue and a Runner), which is left out; the references are the ownership tree (root task ->
 * coroutine -> gathering future -> children list -> child tasks) without the cycles asyncio keeps
 * while tasks are pending (task <-> its step handle), which it breaks itself before the objects are
 * dropped; CPython's free lists (see docs/pyperformance.md). So the counts per iteration are
 * approximations, compared with CPython within stated tolerances.
 */
import { type Heap, ObjectKind } from '@gclab/core';
import { MersenneTwister } from '../mersenne-twister.ts';
import type { WorkloadSize } from '../workload.ts';
import { type PyperformanceProgram, type PyperformanceScale, pyperformanceWorkload } from './pyperformance-program.ts';

/** The variants modelled. */
export type AsyncTreeVariant = 'none' | 'io' | 'memoization' | 'cpu_io_mixed';

const BRANCHES = 6;
const MEMOIZABLE_PERCENTAGE = 90;
const CPU_PROBABILITY = 0.5;

/** The random state and cache of a run (seeded at setup, carried between iterations). */
interface TreeState {
  readonly rng: MersenneTwister;
  readonly cache: Uint8Array;
}
const states = new WeakMap<Heap, TreeState>();

// The frame of an iteration: r0..r5 scratch, r6.. one register per task.
const S0 = 0;
const S1 = 1;
const S2 = 2;
const COROUTINE = 0;
const TASK_FIELDS = 3;

/** Allocates an object of `kind` in `dst` whose field 0 refers to `src` (or no field when src < 0). */
function newRef(heap: Heap, dst: number, src: number, kind: ObjectKind): void {
  heap.new(dst, src < 0 ? 0 : 1, 0, kind);
  if (src >= 0) heap.put(dst, 0, src);
}

/** Creates the task of a child in register `task` (its coroutine, Context, step handle, callbacks). */
function createTask(heap: Heap, task: number): void {
  heap.new(S0, 1, 0, ObjectKind.object); // the coroutine
  heap.new(task, TASK_FIELDS, 0, ObjectKind.object);
  heap.put(task, COROUTINE, S0);
  heap.new(S1, 0, 0, ObjectKind.object); // the Context
  heap.put(task, 1, S1);
  newRef(heap, S1, task, ObjectKind.object); // bound method __step
  newRef(heap, S2, S1, ObjectKind.object); // the Handle (dropped when the step runs)
  heap.new(S1, 1, 0, ObjectKind.tuple); // (callback, context) of gather's done callback
  newRef(heap, S0, S1, ObjectKind.list); // the task's callback list
  heap.put(task, 2, S0);
  heap.del(S2);
  heap.del(S1);
  heap.del(S0);
}

/** The gather of the task in `parent`, whose children go to registers `first` .. first + 5. */
function gather(heap: Heap, parent: number, first: number): void {
  heap.new(S2, 0, 0, ObjectKind.object); // the comprehension's function object
  heap.new(S1, BRANCHES, 0, ObjectKind.list); // the comprehension's list
  heap.del(S2);
  for (let b = 0; b < BRANCHES; b++) createTask(heap, first + b);
  heap.new(S2, BRANCHES, 0, ObjectKind.tuple); // *args
  heap.del(S1);
  heap.new(S1, BRANCHES, 0, ObjectKind.list); // the children
  for (let b = 0; b < BRANCHES; b++) heap.put(S1, b, first + b);
  heap.del(S2);
  newRef(heap, S2, S1, ObjectKind.object); // the _GatheringFuture
  heap.get(S0, parent, COROUTINE);
  heap.put(S0, 0, S2);
  // The parent's wake-up callback on the future: bound method, tuple, callback list.
  newRef(heap, S0, parent, ObjectKind.object);
  newRef(heap, S1, S0, ObjectKind.tuple);
  newRef(heap, S0, S1, ObjectKind.list);
  heap.put(S2, 0, S0);
  heap.del(S2);
  heap.del(S1);
  heap.del(S0);
}

/** A sleep of the leaf task in `task`: its objects, held from the task until the timer fires. */
function sleep(heap: Heap, task: number): void {
  heap.new(S0, 2, 0, ObjectKind.object); // mock_io_call's coroutine
  heap.new(S1, 1, 0, ObjectKind.object); // sleep's coroutine
  heap.put(S0, 0, S1);
  heap.new(S2, 2, 0, ObjectKind.object); // the future
  heap.put(S1, 0, S2);
  newRef(heap, S1, task, ObjectKind.object); // the wake-up bound method
  newRef(heap, S1, S1, ObjectKind.tuple); // (callback, context)
  heap.put(S2, 0, S1);
  heap.new(S1, 0, 0, ObjectKind.tuple); // the TimerHandle's arguments
  newRef(heap, S1, S1, ObjectKind.object); // the TimerHandle, on the loop's heap
  heap.put(S2, 1, S1);
  heap.put(task, 2, S0);
  heap.del(S2);
  heap.del(S1);
  heap.del(S0);
}

/** Whether the leaf sleeps, drawing from the run's random state as `workload_func` does. */
function leafSleeps(variant: AsyncTreeVariant, state: TreeState): boolean {
  if (variant === 'none') return false;
  if (variant === 'io') return true;
  if (variant === 'cpu_io_mixed' && state.rng.random() < CPU_PROBABILITY) return false;
  const data = state.rng.randint(1, 100);
  if (data <= MEMOIZABLE_PERCENTAGE) {
    if (state.cache[data] === 1) return false;
    state.cache[data] = 1;
  }
  return true;
}

/** async_tree's `variant` as steps; size = NUM_RECURSE_LEVELS (up to 6: one register per task). */
export function asyncTreeProgram(variant: AsyncTreeVariant): PyperformanceProgram {
  return {
    name: `async_tree_${variant}`,
    pre: 0,
    post: 0,
    keeps: false,
    setup(heap) {
      // The AsyncTree instance; its cache dict holds ints only (untracked).
      const tree = heap.global('async_tree');
      heap.new(tree, 1, 0, ObjectKind.object);
      heap.new(S0, 0, 0, ObjectKind.dict);
      heap.put(tree, 0, S0);
      heap.del(S0);
      states.set(heap, { rng: new MersenneTwister(0), cache: new Uint8Array(101) });
    },
    body(heap, levels) {
      const state = states.get(heap);
      if (state === undefined) throw new Error(`async_tree_${variant}: body before setup`);
      let tasks = 1;
      for (let l = 1, width = 1; l <= levels; l++) tasks += width *= BRANCHES;
      const first = 3;
      heap.call(first + tasks);
      // The root task (asyncio.run's), then each level's gathers in the order the loop runs them.
      createTask(heap, first);
      let levelStart = first;
      let levelEnd = first + 1;
      let next = levelEnd;
      for (let l = 0; l < levels; l++) {
        for (let t = levelStart; t < levelEnd; t++) {
          gather(heap, t, next);
          next += BRANCHES;
        }
        levelStart = levelEnd;
        levelEnd = next;
      }
      // The leaves: each runs workload_func (a coroutine, dropped at once) and maybe sleeps.
      for (let t = levelStart; t < levelEnd; t++) {
        heap.new(0, 0, 0, ObjectKind.object);
        heap.del(0);
        if (leafSleeps(variant, state)) sleep(heap, t);
      }
      // Every task but the root is held by its parent's children list; the root by the frame.
      for (let t = first + 1; t < next; t++) heap.del(t);
      heap.ret();
    },
  };
}

const SCALES: Readonly<Record<WorkloadSize, PyperformanceScale>> = {
  small: { size: 4, iterations: 20 },
  medium: { size: 5, iterations: 20 },
  large: { size: 6, iterations: 20 },
};

/** The four async_tree workloads, `pyperf-async-tree-none` ... `-cpu-io-mixed`. */
export const pyperfAsyncTrees = (['none', 'io', 'memoization', 'cpu_io_mixed'] as const).map((variant) =>
  pyperformanceWorkload(asyncTreeProgram(variant), {
    name: `pyperf-async-tree-${variant.replaceAll('_', '-')}`,
    summary: `pyperformance async_tree_${variant}: a gather tree of tasks, 6 branches a level`,
    scales: SCALES,
  }),
);
