/**
 * The measurements behind `gclab debate`: every figure a verdict quotes comes from here, made by
 * the command itself, never typed in.
 *
 * What runs:
 * 1. The main matrix: the workloads the claims need (acyclic trees and temporaries, cyclic rings,
 *    a big structure dropped at once, notebook globals, CPython's operation mix) under every
 *    registered collector, unlimited heap, timed as `gclab run` times (at least three invocations,
 *    more for short cells: medians with their spread) and one sampled invocation (the garbage and memory timelines).
 * 2. The time-space matrix: one workload under CPython's collector and the modern tracing ones at
 *    heap sizes from 1.5 to 6 times each collector's minimum heap.
 * 3. In-process experiments (@gclab/experiments): CPython's obmalloc memory release, the
 *    getrefcount example in three calling conventions and in each real CPython (3.11 native,
 *    3.12-3.15 in WebAssembly) beside that version's model, and finalization latency.
 * 4. The heap census of real programs' heaps (claims 3, 6 and 7): the committed example snapshot
 *    (`examples/snapshots/json-loads.pyheap`) and those captured by `gclab census --capture` into
 *    `snapshots/` when present, with refcount and CPython's collector run on each.
 * 5. The `threads` experiment's small preset: counting without a GIL on real worker threads, at 1
 *    thread and at the machine's cores (claim 10).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadSnapshotGraph,
  type MatrixProgress,
  type MatrixResults,
  runMatrix,
  type WorkloadSize,
} from '@gclab/bench';
import type { CollectorConstraints, CollectorFamily } from '@gclab/core';
import {
  CAPTURE_PROGRAMS,
  type Census,
  captureFileName,
  DEFAULT_SNAPSHOT_DIR,
  type FinalizationResult,
  type GetrefcountRun,
  type GetrefcountVersionRow,
  type MemoryReleaseResult,
  PYTHON_VERSIONS,
  type PythonVersion,
  REPOSITORY_ROOT,
  runFinalization,
  runGetrefcount,
  runGetrefcountVersions,
  runMemoryRelease,
  runThreadsExperiment,
  type ThreadsExperimentResult,
  takeCensus,
} from '@gclab/experiments';
import { collectorEntries } from '../collector-refs.ts';
import { DEFAULT_TIMING, matrixTiming } from '../option-parsers.ts';
import { collectorNames, findCollector } from '../registry.ts';

/** Workloads of the main matrix. */
export const DEBATE_WORKLOADS: readonly string[] = [
  'binary-trees',
  'gcbench',
  'churn',
  'rings',
  'big-del',
  'jupyter-globals',
  'cpython-mix',
];

/** The workloads without reference cycles (claim 2 compares promptness on these). */
export const ACYCLIC_WORKLOADS: readonly string[] = ['binary-trees', 'gcbench', 'churn'];

/** The workload of the time-space curves (claim 9). */
export const TIME_SPACE_WORKLOAD = 'gcbench';

/** Heap sizes of the time-space curves, as multiples of each collector's minimum heap. */
export const TIME_SPACE_HEAPS: readonly string[] = ['1.5x', '2x', '3x', '4x', '6x'];

/**
 * Collectors of the time-space curves, when registered: CPython's (3.11's, and 3.13's generational
 * beside 3.14's incremental), the tracing ones (the classic mark-sweep and incremental, the modern
 * immix, sticky-immix and gen-copy) and modern counting (lxr).
 */
export const TIME_SPACE_COLLECTORS: readonly string[] = [
  'cpython',
  'cpython-3.13',
  'cpython-3.14',
  'lxr',
  'immix',
  'sticky-immix',
  'gen-copy',
  'incremental',
  'mark-sweep',
];

/** What the debate runs: the defaults above, or a smaller plan (tests). */
export interface DebatePlan {
  /** Workloads of the main matrix. */
  workloads: string[];
  /** Collectors of the main matrix (`all` = every registered one). */
  collectors: string[];
  /** The acyclic workloads among them. */
  acyclic: string[];
  /** Workload, collectors and heap sizes of the time-space curves. */
  timeSpaceWorkload: string;
  timeSpaceCollectors: string[];
  timeSpaceHeaps: string[];
  /** The real CPython versions claim 4 runs (default: all of them). */
  pythonVersions?: PythonVersion[];
  /** The snapshots of the real-heap census (default: `realHeapSnapshots()`). */
  realHeapSnapshots?: string[];
}

/** The plan of `gclab debate`. */
export function defaultDebatePlan(): DebatePlan {
  const registered = collectorNames();
  return {
    workloads: [...DEBATE_WORKLOADS],
    collectors: registered,
    acyclic: [...ACYCLIC_WORKLOADS],
    timeSpaceWorkload: TIME_SPACE_WORKLOAD,
    timeSpaceCollectors: TIME_SPACE_COLLECTORS.filter((n) => registered.includes(n)),
    timeSpaceHeaps: [...TIME_SPACE_HEAPS],
  };
}

/** A registered collector as the claims see it. */
export interface DebateCollector {
  name: string;
  family: CollectorFamily;
  constraints: CollectorConstraints;
}

/** Everything the claims are judged on. */
export interface DebateData {
  /** Workload size of the matrices. */
  size: WorkloadSize;
  /** Seed of the workloads. */
  seed: number;
  /** What was run. */
  plan: DebatePlan;
  /** The collectors of the main matrix. */
  collectors: DebateCollector[];
  /** The main matrix. */
  main: MatrixResults;
  /** The time-space matrix. */
  timeSpace: MatrixResults;
  /** obmalloc's memory release with small blocks (416 bytes). */
  memoryRelease: MemoryReleaseResult;
  /** The getrefcount example under the counting collectors and one tracing collector. */
  getrefcount: GetrefcountRun[];
  /** The getrefcount example in each real CPython of the plan, beside its model. */
  getrefcountVersions: GetrefcountVersionRow[];
  /** Finalization latency under every collector of the main matrix (claim 11). */
  finalization: FinalizationResult;
  /** The heap census of real programs' snapshots (claims 3, 6 and 7). */
  realHeaps: Census[];
  /** The threads experiment, small preset (claim 10). */
  threads: ThreadsExperimentResult;
  /** Wall time of all the runs. */
  durationMs: number;
}

/** Options of the debate's runs. */
export interface DebateRunOptions {
  size: WorkloadSize;
  seed?: number;
  /** How each cell is timed, and how many invocations each configuration of the threaded runs gets (default `DEFAULT_TIMING`, as `gclab run`). */
  timing?: { invocations: number; minTimedMs: number; maxInvocations: number };
  /** Warm-up invocations per cell (default 1). */
  warmup?: number;
  /** Stops the matrices. */
  signal?: AbortSignal;
  /** Progress of the matrices: which one, and its event. */
  onProgress?: (matrix: 'main' | 'time-space', event: MatrixProgress) => void;
  /** What to run (default: `defaultDebatePlan()`). */
  plan?: DebatePlan;
}

/** Runs every experiment of the debate. */
export async function runDebateExperiments(options: DebateRunOptions): Promise<DebateData> {
  const started = performance.now();
  const seed = options.seed ?? 42;
  const plan = options.plan ?? defaultDebatePlan();
  const collectors = plan.collectors.map((name) => {
    const d = findCollector(name);
    return { name, family: d.family, constraints: { ...d.constraints } };
  });
  // First, so a malformed captured snapshot stops the debate before the long runs.
  const realHeaps = realHeapCensuses(plan.realHeapSnapshots ?? realHeapSnapshots(), plan.collectors);
  const common = {
    sizes: [options.size],
    seeds: [seed],
    ...(options.timing ?? matrixTiming(DEFAULT_TIMING)),
    warmup: options.warmup ?? 1,
    isolation: 'collector' as const,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const main = await runMatrix(
    {
      ...common,
      workloads: plan.workloads,
      collectors: await collectorEntries(plan.collectors),
      sampleEvery: 'auto',
    },
    (event) => options.onProgress?.('main', event),
  );
  const timeSpace = await runMatrix(
    {
      ...common,
      workloads: [plan.timeSpaceWorkload],
      collectors: await collectorEntries(plan.timeSpaceCollectors),
      heaps: plan.timeSpaceHeaps,
      baseline: null,
    },
    (event) => options.onProgress?.('time-space', event),
  );
  const counting = collectors.filter((c) => c.constraints.countsReferences).map((c) => c.name);
  const tracing = collectors.find((c) => c.family === 'tracing')?.name;
  return {
    size: options.size,
    seed,
    plan,
    collectors,
    main,
    timeSpace,
    memoryRelease: runMemoryRelease(),
    getrefcount: runGetrefcount(
      (tracing === undefined ? counting : [...counting, tracing]).map((name) => findCollector(name)),
    ),
    getrefcountVersions: await runGetrefcountVersions(
      collectorNames().map((name) => findCollector(name)),
      plan.pythonVersions ?? PYTHON_VERSIONS,
    ),
    finalization: runFinalization(plan.collectors.map((name) => findCollector(name))),
    realHeaps,
    threads: await runThreadsExperiment({
      size: 'small',
      seed,
      ...(options.timing === undefined ? {} : { invocations: options.timing.invocations }),
    }),
    durationMs: performance.now() - started,
  };
}

/** The committed example snapshot, relative to the repository's root. */
export const EXAMPLE_SNAPSHOT = 'examples/snapshots/json-loads.pyheap';

/** The collectors the real-heap census runs, when in the plan: counting alone, and counting with CPython's cycle collector. */
export const REAL_HEAP_RUNS: readonly string[] = ['refcount', 'cpython'];

/**
 * The snapshots the debate takes the census of: the committed example, then every program
 * captured into `snapshots/` (`gclab census --capture PROGRAM`) that is there.
 */
export function realHeapSnapshots(): string[] {
  const captured = CAPTURE_PROGRAMS.map((p) => join(DEFAULT_SNAPSHOT_DIR, captureFileName(p)));
  return [join(REPOSITORY_ROOT, EXAMPLE_SNAPSHOT), ...captured.filter((f) => existsSync(f))];
}

/** The census of each snapshot: header figures for every collector of the plan, refcount and cpython run. */
function realHeapCensuses(files: readonly string[], collectors: readonly string[]): Census[] {
  const descriptors = collectors.map((name) => findCollector(name));
  return files.map((file) =>
    takeCensus(
      file.startsWith(REPOSITORY_ROOT) ? file.slice(REPOSITORY_ROOT.length) : file,
      loadSnapshotGraph(file),
      descriptors,
      { run: REAL_HEAP_RUNS },
    ),
  );
}
