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
 * tasks exist before the first leaf finishes) and freed by reference counting when the root task
 * completes. What each task, gather and sleep holds was measured, not guessed: a census by type of
 * `gc.get_objects()` in CPython 3.11.7 at the last leaf of a run (none and io variants, 3 and 4
 * levels) less the census before the run. Per task: its coroutine, the Task, two Contexts, the
 * weak reference of asyncio's task set and gather's `(callback, context)` tuple, and once it is done
 * the Handle of that callback; per gather: the `_GatheringFuture`, the `FutureIter` its parent
 * awaits, the `_done_callback` function with its seven cells, a dict, a list (the children) and a
 * builtin method; per sleeping leaf: the `workload_func`, `mock_io_call` and `sleep` coroutines, the
 * Future, its FutureIter, the TimerHandle and its Context, the task's wake-up builtin method and two
 * cells (10 objects, freed when the timer fires).
 *
 * Not expressed: the objects that live for one step only (step handles, bound methods, argument
 * tuples: each allocated and freed at once, they leave generation 0's count unchanged) are left out;
 * each `asyncio.run` also builds and closes an event loop (the loop, its selector, self-pipe
 * sockets, a Runner: a few dozen objects), left out; the references are the ownership tree (root
 * task -> coroutine -> FutureIter -> gathering future -> children list -> child tasks) without the
 * cycles asyncio keeps while tasks are pending (a task and its wake-up method), which it breaks
 * itself before they are dropped; objects are freed in one cascade at the end where CPython frees
 * each gather's subtree as it completes; and CPython's free lists (see docs/pyperformance.md). So the
 * counts per iteration are close to CPython's but not equal; the tests state the tolerance.
 */
import { type Heap, NULL_ROOT, ObjectKind } from '@gclab/core';
import { MersenneTwister } from '../mersenne-twister.ts';
import type { WorkloadSize } from '../workload.ts';
import {
  type PyperformanceProgram,
  type PyperformanceScale,
  pyperformanceWorkload,
} from './pyperformance-program.ts';

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

// The frame of an iteration: r0..r2 scratch, r3.. one register per task.
const S0 = 0;
const S1 = 1;
const S2 = 2;
const FIRST_TASK = 3;
// Fields of a Task: its coroutine, two Contexts, the weak reference, gather's callback tuple, the
// done callback's Handle, what it waits on (a sleep's objects).
const COROUTINE = 0;
const DONE_HANDLE = 5;
const WAITING = 6;
const TASK_FIELDS = 7;
/** Cells of gather's `_done_callback` closure (measured: 7 a gather). */
const CELLS = 7;
/** Objects a sleeping leaf holds besides its `mock_io_call` coroutine (measured: 10 in all). */
const SLEEP_OBJECTS = 9;

/** Allocates an object of `kind` with no fields into `dst`, and stores it into field `field` of `obj`. */
function attach(heap: Heap, obj: number, field: number, kind: ObjectKind, dst = S0): void {
  heap.new(dst, 0, 0, kind);
  heap.put(obj, field, dst);
}

/** Creates a task in register `task`: its coroutine, two Contexts, the weak reference, the tuple. */
function createTask(heap: Heap, task: number): void {
  heap.new(task, TASK_FIELDS, 0, ObjectKind.object);
  heap.new(S0, 1, 0, ObjectKind.object); // the coroutine (field 0: what it awaits)
  heap.put(task, COROUTINE, S0);
  attach(heap, task, 1, ObjectKind.object); // the Context
  attach(heap, task, 2, ObjectKind.object); // the Context of its callbacks
  attach(heap, task, 3, ObjectKind.object); // the weak reference in asyncio's task set
  attach(heap, task, 4, ObjectKind.tuple); // gather's (callback, context)
  heap.del(S0);
}

/** The gather of the task in `parent`, whose children go to registers `first` .. first + 5. */
function gather(heap: Heap, parent: number, first: number): void {
  for (let b = 0; b < BRANCHES; b++) createTask(heap, first + b);
  heap.new(S1, 4, 0, ObjectKind.object); // the _GatheringFuture
  heap.new(S0, BRANCHES, 0, ObjectKind.list); // the children
  for (let b = 0; b < BRANCHES; b++) heap.put(S0, b, first + b);
  heap.put(S1, 0, S0);
  heap.new(S0, CELLS, 0, ObjectKind.object); // _done_callback
  for (let c = 0; c < CELLS; c++) attach(heap, S0, c, ObjectKind.object, S2);
  heap.put(S1, 1, S0);
  attach(heap, S1, 2, ObjectKind.dict);
  attach(heap, S1, 3, ObjectKind.object); // the builtin method
  heap.new(S0, 1, 0, ObjectKind.object); // the FutureIter the parent awaits
  heap.put(S0, 0, S1);
  heap.get(S2, parent, COROUTINE);
  heap.put(S2, 0, S0);
  heap.del(S2);
  heap.del(S1);
  heap.del(S0);
}

/** A sleep of the leaf task in `task`: its objects, held by the task until the timer fires. */
function sleep(heap: Heap, task: number): void {
  heap.new(S1, SLEEP_OBJECTS, 0, ObjectKind.object); // mock_io_call's coroutine
  for (let i = 0; i < SLEEP_OBJECTS; i++) attach(heap, S1, i, ObjectKind.object);
  heap.put(task, WAITING, S1);
  heap.del(S1);
  heap.del(S0);
}

/** The task in `task` is done: the Handle of its done callback (with its Context) is scheduled. */
function done(heap: Heap, task: number): void {
  heap.new(S0, 1, 0, ObjectKind.object);
  heap.put(task, DONE_HANDLE, S0);
  attach(heap, S0, 0, ObjectKind.object, S1);
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
      heap.call(FIRST_TASK + tasks);
      // The root task (asyncio.run's), then each level's gathers in the order the loop runs them.
      createTask(heap, FIRST_TASK);
      let levelStart = FIRST_TASK;
      let levelEnd = FIRST_TASK + 1;
      let next = levelEnd;
      for (let l = 0; l < levels; l++) {
        for (let t = levelStart; t < levelEnd; t++) {
          gather(heap, t, next);
          next += BRANCHES;
        }
        levelStart = levelEnd;
        levelEnd = next;
      }
      // The leaves, in order: each runs workload_func and sleeps, or is done at once.
      const sleeping = new Uint8Array(next);
      for (let t = levelStart; t < levelEnd; t++) {
        if (leafSleeps(variant, state)) {
          sleep(heap, t);
          sleeping[t] = 1;
        } else {
          done(heap, t);
        }
      }
      // The timers fire in order: each sleeping leaf drops its sleep and is done.
      for (let t = levelStart; t < levelEnd; t++) {
        if (sleeping[t] === 0) continue;
        heap.put(t, WAITING, NULL_ROOT);
        done(heap, t);
      }
      // The gathers complete, deepest first; then the root task ends and frees the tree.
      for (let t = levelStart - 1; t >= FIRST_TASK; t--) done(heap, t);
      for (let t = FIRST_TASK + 1; t < next; t++) heap.del(t);
      heap.ret();
    },
  };
}

const SCALES: Readonly<Record<WorkloadSize, PyperformanceScale>> = {
  small: { size: 4, iterations: 5 },
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
