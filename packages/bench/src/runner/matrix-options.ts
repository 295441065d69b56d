/**
 * The options of a matrix run (`runMatrix`), its progress events, and the settings the stages of a
 * run share: the options with their defaults applied.
 */
import os from 'node:os';
import type { CollectorOptions } from '@gclab/core';
import type { WorkloadSize } from '../workloads/workload.ts';
import type { CollectorEntry, HeapSpec } from './cell.ts';
import { hostMemoryOption } from './host-memory-budget.ts';
import type { MinHeapRecord } from './results.ts';
import { type CellResult, DEFAULT_MAX_INVOCATIONS } from './run-cell.ts';
import type { PoolOptions } from './worker-pool.ts';

/** The default baseline: `noGc` from @gclab/core. */
export const NO_GC_BASELINE: CollectorEntry = {
  name: 'no-gc',
  ref: { module: '@gclab/core', exportName: 'noGc' },
};

/** Options of a matrix run. */
export interface MatrixOptions {
  /** Workload specs. */
  workloads: readonly string[];
  /** Collectors, by name and reference. */
  collectors: readonly CollectorEntry[];
  /** Sizes (default small). */
  sizes?: readonly WorkloadSize[];
  /** Heap sizes, as specs or text (`unlimited`, `2x`, `64MB`; default unlimited). */
  heaps?: ReadonlyArray<HeapSpec | string>;
  /** Seeds (default 42). */
  seeds?: readonly number[];
  /** Timed invocations per cell: exactly, or at least with `minTimedMs` (default 3). */
  invocations?: number;
  /** More timed invocations per cell until they took this many milliseconds (default 0: none). */
  minTimedMs?: number;
  /** The most timed invocations per cell `minTimedMs` may ask for (default 30). */
  maxInvocations?: number;
  /** Warm-up invocations per cell (default 1). */
  warmup?: number;
  /** Oracle sampling for timelines: bytes, 'auto' or 0 = off (default). */
  sampleEvery?: number | 'auto';
  /** Worker processes at once (default min(2, available parallelism)). */
  concurrency?: number;
  /** A fresh process per cell (default), or one per collector running all its cells in turn. */
  isolation?: 'cell' | 'collector';
  /** The overhead baseline, run unlimited per workload (default no-gc; null = none). */
  baseline?: CollectorEntry | null;
  /** Minimum-heap cache file (default none). */
  minHeapCacheFile?: string | null;
  /** Minimum-heap search tolerance (default 0.01). */
  minHeapTolerance?: number;
  /** Collector options by collector name. */
  collectorOptions?: Readonly<Record<string, CollectorOptions>>;
  /** Per-task timeout in milliseconds (default 0 = none). */
  timeoutMs?: number;
  /** Stops the run: completed cells are kept and the results say `interrupted`. */
  signal?: AbortSignal;
  /** Run one shard of the planned cells (see `selectShard`); default all cells. */
  shard?: MatrixShard;
  /**
   * Host-memory budget in bytes of every heap a cell or minimum-heap search creates (each worker
   * has one heap at a time, so with `concurrency` N up to N budgets are in use at once); default
   * none. A run past it fails the cell (`HostMemoryExhaustedError`), it is not an `oom` result.
   */
  hostMemoryLimit?: number;
}

/** Shard `index` (1-based) of `count`, for spreading a matrix over several machines or CI jobs. */
export interface MatrixShard {
  readonly index: number;
  readonly count: number;
}

/** Progress of a matrix run. */
export type MatrixProgress =
  | { readonly type: 'plan'; readonly cells: number; readonly minHeapSearches: number }
  | {
      readonly type: 'min-heap';
      readonly record: MinHeapRecord;
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'cell'; readonly result: CellResult; readonly done: number; readonly total: number };

/** Default worker concurrency: 2, or fewer when the machine has fewer CPUs. */
export function defaultConcurrency(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/** The baseline collector of a run: the one given, no-gc by default, or null for none. */
export function baselineOf(options: MatrixOptions): CollectorEntry | null {
  return options.baseline === undefined ? NO_GC_BASELINE : options.baseline;
}

/** A run's options with their defaults applied, as its stages use them. */
export interface MatrixSettings {
  readonly invocations: number;
  readonly minTimedMs: number;
  readonly maxInvocations: number;
  readonly warmup: number;
  readonly sampleEvery: number | 'auto';
  readonly concurrency: number;
  readonly isolation: 'cell' | 'collector';
  /** The baseline collector, or null for none. */
  readonly baseline: CollectorEntry | null;
  /** Every collector the run loads by name: the matrix's, then the baseline when it is not one of them. */
  readonly entries: ReadonlyMap<string, CollectorEntry>;
  /** How the worker pool runs the tasks. */
  readonly pool: PoolOptions;
}

/** The settings of a run of `options`. */
export function matrixSettings(options: MatrixOptions): MatrixSettings {
  const baseline = baselineOf(options);
  const entries = new Map<string, CollectorEntry>();
  for (const c of options.collectors) entries.set(c.name, c);
  if (baseline !== null && !entries.has(baseline.name)) entries.set(baseline.name, baseline);
  const concurrency = options.concurrency ?? defaultConcurrency();
  return {
    invocations: options.invocations ?? 3,
    minTimedMs: options.minTimedMs ?? 0,
    maxInvocations: options.maxInvocations ?? DEFAULT_MAX_INVOCATIONS,
    warmup: options.warmup ?? 1,
    sampleEvery: options.sampleEvery ?? 0,
    concurrency,
    isolation: options.isolation ?? 'cell',
    baseline,
    entries,
    pool: {
      concurrency,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  };
}

/**
 * The options every task of the run gives its heaps (the host-memory budget) and the collector
 * options it gives collector `name`, ready to spread into a task's options.
 */
export function taskOptionsOf(
  options: MatrixOptions,
  name: string,
): { collectorOptions?: CollectorOptions; hostMemoryLimit?: number } {
  const o = options.collectorOptions?.[name];
  return {
    ...(o === undefined ? {} : { collectorOptions: o }),
    ...hostMemoryOption(options.hostMemoryLimit),
  };
}
