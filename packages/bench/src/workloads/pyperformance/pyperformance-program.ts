/**
 * What a pyperformance benchmark is as a gclab program: the steps of one of its iterations, in the
 * order that pyperformance's timed loop runs them and that gclab's Python harness
 * (packages/experiments/src/pyperformance/pyperformance_gc.py) measures them: `setup` (what the
 * benchmark builds before its loop), then per iteration `pre` explicit full collections, the `body`
 * (the mutator part; what it keeps until the iteration ends is held by the global `kept`, for
 * programs that keep something), `post`
 * explicit full collections, and the end of the iteration (`del kept`). One `size` number scales
 * each program as the harness scales the Python one (the meaning is the program's: cycles, levels,
 * nodes, repetitions).
 *
 * Python objects become objects of the matching kind (trace format 2: instances are `object`, lists
 * `list`, tuples `tuple`, dicts `dict`), so `cpython`'s tracking rules apply to them as CPython's
 * do. Ints, strs, bytes and floats are not GC objects: they never count in CPython's generation
 * counts and are left out (references to them are not fields).
 */
import type { Heap } from '@gclab/core';
import { bySize, type Workload, type WorkloadParams, type WorkloadSize } from '../workload.ts';

/** One pyperformance benchmark as heap operations, step by step. */
export interface PyperformanceProgram {
  /** The benchmark's name in gclab's Python harness (`gc_collect`, `async_tree_io`). */
  readonly name: string;
  /** Explicit full collections before the body of each iteration. */
  readonly pre: number;
  /** Explicit full collections after the body of each iteration. */
  readonly post: number;
  /** Whether the body leaves something in the global `kept` (released when the iteration ends). */
  readonly keeps: boolean;
  /** Builds what the benchmark builds before its loop (held by globals). */
  setup(heap: Heap, size: number): void;
  /** The mutator part of one iteration; what survives it until the iteration ends is held by `kept`. */
  body(heap: Heap, size: number): void;
}

/** The global that holds what an iteration's body keeps until the iteration ends. */
export const KEPT = 'kept';

/** Runs one iteration of `program` (after its setup): pre collections, body, post collections, `del kept`. */
export function runIteration(heap: Heap, program: PyperformanceProgram, size: number): void {
  for (let i = 0; i < program.pre; i++) heap.gc();
  program.body(heap, size);
  for (let i = 0; i < program.post; i++) heap.gc();
  if (program.keeps) heap.del(heap.global(KEPT));
}

/** The size and iteration count of a pyperformance workload at one workload size. */
export interface PyperformanceScale {
  /** The program's size parameter. */
  readonly size: number;
  /** Iterations after the setup. */
  readonly iterations: number;
}

/**
 * The workload of `program`: setup, then `iterations` iterations, at the scale of the workload size.
 * Its result is the number of objects allocated.
 */
export function pyperformanceWorkload(
  program: PyperformanceProgram,
  spec: { name: string; summary: string; scales: Readonly<Record<WorkloadSize, PyperformanceScale>> },
): Workload {
  return {
    name: spec.name,
    summary: spec.summary,
    seeded: false,
    run(heap: Heap, params: WorkloadParams): number {
      const scale = bySize(params.size, spec.scales);
      const before = heap.counters.objectsAllocated;
      program.setup(heap, scale.size);
      for (let i = 0; i < scale.iterations; i++) runIteration(heap, program, scale.size);
      return heap.counters.objectsAllocated - before;
    },
  };
}
