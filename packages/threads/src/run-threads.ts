/**
 * A threaded run, start to end: lay out the shared memory, build the singletons on the main thread,
 * run one job per mutator thread on a pool, then check the final graph and sum the figures.
 */

import { checkGraph, type GraphCheck } from './graph-check.ts';
import { FROZEN_BIT, MAIN_TID, SharedLayout, SINGLETONS, ThreadHeapConfigError } from './layout.ts';
import type { ProgramOptions } from './mutator.ts';
import { SWITCH_INTERVAL_MS } from './plans/gil-counting.ts';
import type { ThreadFigures, ThreadJob } from './thread-body.ts';
import type { ThreadPlan } from './thread-plan.ts';
import type { ThreadPool } from './thread-pool.ts';
import { createThreadPlan, type ThreadVariantName, threadVariant } from './variants.ts';

/** What to run. */
export interface ThreadRunOptions {
  readonly variant: ThreadVariantName;
  /** Mutator threads (1 to 63). */
  readonly threads: number;
  /** Operations per thread. */
  readonly opsPerThread: number;
  /** Share (0-1) of copies and loads whose source another thread owns. */
  readonly shared: number;
  /** Share (0-1) of copies that take a singleton. */
  readonly singletons: number;
  readonly seed: number;
  /** Bytes of heap (default 64 MiB). */
  readonly heapBytes?: number;
  /** The GIL's switch interval in ms (default 5, CPython's). */
  readonly switchIntervalMs?: number;
  /** How long the run may take before it is ended as hung (default 120 s). */
  readonly timeoutMs?: number;
}

/** The sums over every thread. */
export interface ThreadTotals {
  ops: number;
  increments: number;
  decrements: number;
  atomicUpdates: number;
  immortalSkips: number;
  queued: number;
  merged: number;
  gilAcquisitions: number;
  collections: number;
  allocations: number;
  frees: number;
  foreignSources: number;
  sources: number;
  useAfterFree: number;
  underflows: number;
  corruptFreeLists: number;
}

/** A run's figures. */
export interface ThreadRunResult {
  readonly options: Required<ThreadRunOptions>;
  /** From the first thread's start to the last thread's end of its program, in ms. */
  readonly elapsedMs: number;
  /** All threads' operations per second of `elapsedMs`. */
  readonly opsPerSecond: number;
  /** The longest stop of any thread in a collection (tracing), ms. */
  readonly pauseMaxMs: number;
  readonly totals: ThreadTotals;
  readonly threads: ThreadFigures[];
  readonly check: GraphCheck;
}

/** Checks `options`, filling in defaults; throws `ThreadHeapConfigError` naming the bad one. */
export function resolveRunOptions(options: ThreadRunOptions): Required<ThreadRunOptions> {
  threadVariant(options.variant);
  const share = (name: string, v: number): void => {
    if (!(v >= 0 && v <= 1)) throw new ThreadHeapConfigError(`${name} must be a share from 0 to 1, got ${v}`);
  };
  share('shared', options.shared);
  share('singletons', options.singletons);
  if (!Number.isSafeInteger(options.opsPerThread) || options.opsPerThread < 0) {
    throw new ThreadHeapConfigError(`ops per thread must be a whole number, got ${options.opsPerThread}`);
  }
  const resolved = {
    heapBytes: 64 << 20,
    switchIntervalMs: SWITCH_INTERVAL_MS,
    timeoutMs: 120_000,
    ...options,
  };
  new SharedLayout(resolved.threads, resolved.heapBytes);
  return resolved;
}

/** A shared memory ready for a run: the singletons built, one job per thread. */
export interface PreparedRun {
  readonly options: Required<ThreadRunOptions>;
  readonly layout: SharedLayout;
  readonly words: Int32Array;
  /** The main thread's plan (it built the singletons; the final check reads counts through it). */
  readonly main: ThreadPlan;
  readonly jobs: readonly ThreadJob[];
}

/** Lays out the shared memory for `options`, builds the singletons on this thread and the threads' jobs. */
export function prepareRun(options: ThreadRunOptions): PreparedRun {
  const o = resolveRunOptions(options);
  const variant = threadVariant(o.variant);
  const layout = new SharedLayout(o.threads, o.heapBytes);
  const buffer = new SharedArrayBuffer(layout.totalBytes);
  const words = new Int32Array(buffer);
  // The main thread builds the singletons (owned by it, as the interpreter's startup objects are).
  const main = createThreadPlan(variant, words, layout, MAIN_TID, o.switchIntervalMs);
  for (let k = 0; k < SINGLETONS; k++) {
    const obj = main.heap.allocate(1);
    main.initialize(obj);
    main.makeImmortal(obj);
    Atomics.or(words, obj >> 2, FROZEN_BIT);
    words[layout.global(layout.singleton(k))] = obj;
  }
  main.heap.retireChunk();
  // The main thread runs no program: anything queued to it for a merge is merged by the queuing thread.
  words[layout.queueExited(MAIN_TID)] = 1;
  const program: ProgramOptions = {
    ops: o.opsPerThread,
    shared: o.shared,
    singletons: o.singletons,
    seed: o.seed,
  };
  const jobs: ThreadJob[] = [];
  for (let tid = 0; tid < o.threads; tid++) {
    jobs.push({
      buffer,
      variant: o.variant,
      threads: o.threads,
      heapBytes: o.heapBytes,
      tid,
      program,
      switchIntervalMs: o.switchIntervalMs,
    });
  }
  return { options: o, layout, words, main, jobs };
}

/** Sums a run's thread figures and checks its final graph. */
export function finishRun(prepared: PreparedRun, threads: ThreadFigures[]): ThreadRunResult {
  const check = checkGraph(prepared.words, prepared.layout, prepared.main);
  const start = Math.min(...threads.map((t) => t.startMs));
  const end = Math.max(...threads.map((t) => t.endMs));
  const elapsedMs = Math.max(end - start, 1e-3);
  const totals = sumFigures(threads);
  return {
    options: prepared.options,
    elapsedMs,
    opsPerSecond: (totals.ops / elapsedMs) * 1000,
    pauseMaxMs: Math.max(...threads.map((t) => t.plan.pauseMaxMs)),
    totals,
    threads,
    check,
  };
}

/** Runs `options` on `pool` (one worker per thread; the pool grows to fit). */
export async function runThreads(options: ThreadRunOptions, pool: ThreadPool): Promise<ThreadRunResult> {
  const prepared = prepareRun(options);
  return finishRun(prepared, await pool.run(prepared.jobs, prepared.options.timeoutMs));
}

function sumFigures(threads: readonly ThreadFigures[]): ThreadTotals {
  const t: ThreadTotals = {
    ops: 0,
    increments: 0,
    decrements: 0,
    atomicUpdates: 0,
    immortalSkips: 0,
    queued: 0,
    merged: 0,
    gilAcquisitions: 0,
    collections: 0,
    allocations: 0,
    frees: 0,
    foreignSources: 0,
    sources: 0,
    useAfterFree: 0,
    underflows: 0,
    corruptFreeLists: 0,
  };
  for (const f of threads) {
    t.ops += f.mutator.ops;
    t.increments += f.plan.increments;
    t.decrements += f.plan.decrements;
    t.atomicUpdates += f.plan.atomicUpdates;
    t.immortalSkips += f.plan.immortalSkips;
    t.queued += f.plan.queued;
    t.merged += f.plan.merged;
    t.gilAcquisitions += f.plan.gilAcquisitions;
    t.collections = Math.max(t.collections, f.plan.collections);
    t.allocations += f.allocations;
    t.frees += f.frees;
    t.foreignSources += f.mutator.foreignSources;
    t.sources += f.mutator.sources;
    t.useAfterFree += f.plan.useAfterFree + f.mutator.useAfterFree;
    t.underflows += f.plan.underflows;
    t.corruptFreeLists += f.corruptFreeLists;
  }
  return t;
}
