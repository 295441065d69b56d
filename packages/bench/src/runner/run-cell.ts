/**
 * Runs one cell in the current process: warm-up invocations, then timed invocations, each on a
 * fresh heap, one after the other in this process (so the JIT has seen the collector's code before
 * the timed ones: steady-state figures, as DaCapo's later iterations). The timed invocations go on
 * until there are at least `invocations` of them and they took `minTimedMs` in all, but stop at
 * `maxInvocations` (`timedInvocationsDone`): a workload of a few milliseconds gets many samples, so
 * its spread is measured rather than one noisy sample taken for its time. Every sample is kept, with
 * the median and its confidence interval (`Spread`). Optionally one more, sampled invocation gives
 * the memory and garbage timeline; it is never timed.
 *
 * Deterministic figures (counters, frees, collections, pause count and work, memory and leak
 * figures) are compared across every invocation, warm-up and sampled included; a difference makes
 * the cell an error that names the first differing figure. An out-of-memory error makes the cell an
 * `oom` result; any other exception an `error` result; neither throws. Running out of the host-memory
 * budget (`HostMemoryExhaustedError`) is an `error`: a limit of the host, not a figure of the cell.
 */
import { type CollectorDescriptor, type CollectorOptions, OutOfMemoryError } from '@gclab/core';
import { deterministicFigures, measureRun, type RunMeasurement } from '../metrics/measure.ts';
import { type Spread, spread, spreadOrNull } from '../metrics/spread.ts';
import { resolveWorkload } from '../workloads/registry.ts';
import { type Cell, heapLimitBytes } from './cell.ts';
import { HostMemoryExhaustedError, hostMemoryOption } from './host-memory-budget.ts';

/** How to run a cell. */
export interface CellRunOptions {
  /** Timed invocations: exactly this many, or at least this many with `minTimedMs` (default 3). */
  invocations?: number;
  /** Go on with timed invocations until they took this many milliseconds in all (default 0: none). */
  minTimedMs?: number;
  /** The most timed invocations `minTimedMs` may ask for (default `DEFAULT_MAX_INVOCATIONS`). */
  maxInvocations?: number;
  /** Untimed warm-up invocations before them (default 1). */
  warmup?: number;
  /** Oracle sampling of the extra sampled invocation: bytes, 'auto' (about 200 samples) or 0 = none (default). */
  sampleEvery?: number | 'auto';
  /** The cell's minimum heap in bytes, when its heap is a multiple of it. */
  minHeapBytes?: number | null;
  /** Options for the collector's `create`. */
  collectorOptions?: CollectorOptions;
  /** Host-memory budget in bytes of each invocation's heap (none when absent). */
  hostMemoryLimit?: number;
}

/** Outcome of a cell. */
export type CellStatus = 'ok' | 'oom' | 'error';

/** The most timed invocations a minimum total time asks for, by default. */
export const DEFAULT_MAX_INVOCATIONS = 30;

/**
 * Whether the timed invocations of a cell are done after `count` of them took `timedMs` in all: at
 * least `invocations`, then on until `minTimedMs` is reached, never past `maxInvocations` (nor
 * below `invocations`).
 */
export function timedInvocationsDone(
  count: number,
  timedMs: number,
  plan: { invocations: number; minTimedMs: number; maxInvocations: number },
): boolean {
  if (count < plan.invocations) return false;
  return timedMs >= plan.minTimedMs || count >= plan.maxInvocations;
}

/** Medians, their confidence intervals and the samples over the timed invocations. */
export interface CellSummary {
  /** Wall time of the workload. */
  wallMs: Spread;
  /** Time in collector pauses. */
  gcMs: Spread;
  /** Wall time minus pauses. */
  mutatorMs: Spread;
  /** Pause percentiles and maximum. */
  pauseP50Ms: Spread;
  pauseP90Ms: Spread;
  pauseP99Ms: Spread;
  pauseMaxMs: Spread;
  /** MMU at 1, 10 and 100 ms (null when the runs are shorter than the window). */
  mmu1ms: Spread | null;
  mmu10ms: Spread | null;
  mmu100ms: Spread | null;
}

/** What running a cell produced. */
export interface CellResult {
  /** The cell. */
  cell: Cell;
  /** Ok, out of memory, or error. */
  status: CellStatus;
  /** Why it is not ok. */
  message?: string;
  /** The heap limit used (null = unlimited). */
  heapLimitBytes: number | null;
  /** The minimum heap the limit was derived from, when the heap is a multiple. */
  minHeapBytes: number | null;
  /** Timed invocations completed. */
  invocations: number;
  /** Wall time of each timed invocation, in order. */
  wallMs: number[];
  /** Medians and spread (null unless ok). */
  summary: CellSummary | null;
  /** Deterministic figures, identical across invocations (null when no invocation completed). */
  deterministic: Record<string, unknown> | null;
  /**
   * All figures of the invocation with the median wall time (its MMU curve among them), with the
   * timeline of the sampled invocation when there was one.
   */
  measurement: RunMeasurement | null;
  /** Wall time against the no-gc baseline on the same workload, minus 1 (filled in by the matrix). */
  overheadVsNoGc?: number | null;
  /** True for the cells the matrix added as the no-gc baseline. */
  baseline?: boolean;
}

/** Runs `cell` under `descriptor` in this process. Never throws for a failing run. */
export function runCellInProcess(
  descriptor: CollectorDescriptor,
  cell: Cell,
  options: CellRunOptions = {},
): CellResult {
  const invocations = options.invocations ?? 3;
  const warmup = options.warmup ?? 1;
  const minTimedMs = options.minTimedMs ?? 0;
  const maxInvocations = options.maxInvocations ?? DEFAULT_MAX_INVOCATIONS;
  const base: CellResult = {
    cell,
    status: 'ok',
    heapLimitBytes: null,
    minHeapBytes: options.minHeapBytes ?? null,
    invocations: 0,
    wallMs: [],
    summary: null,
    deterministic: null,
    measurement: null,
  };
  if (!(Number.isInteger(invocations) && invocations >= 1)) {
    return {
      ...base,
      status: 'error',
      message: `invocations must be a positive integer, got ${invocations}`,
    };
  }
  if (!(minTimedMs >= 0 && Number.isInteger(maxInvocations) && maxInvocations >= 1)) {
    return {
      ...base,
      status: 'error',
      message: `minTimedMs must be at least 0 and maxInvocations a positive integer, got ${minTimedMs} and ${maxInvocations}`,
    };
  }
  const plan = { invocations, minTimedMs, maxInvocations };
  const timed: RunMeasurement[] = [];
  let reference: Record<string, unknown> | null = null;
  let mismatch: string | null = null;
  const check = (m: RunMeasurement, label: string): void => {
    const figures = deterministicFigures(m);
    if (reference === null) {
      reference = figures;
      return;
    }
    if (mismatch === null) {
      const diff = firstDifference(reference, figures, '');
      if (diff !== null) mismatch = `nondeterministic: ${diff} (first invocation vs ${label})`;
    }
  };
  try {
    const { workload, options: workloadOptions } = resolveWorkload(cell.workload);
    const limit = heapLimitBytes(cell.heap, options.minHeapBytes);
    base.heapLimitBytes = limit;
    const params = { size: cell.size, seed: cell.seed, options: workloadOptions };
    const measure = (sampleEvery?: number): RunMeasurement =>
      measureRun(descriptor, workload, params, {
        ...(limit === null ? {} : { heapLimit: limit }),
        ...hostMemoryOption(options.hostMemoryLimit),
        ...(options.collectorOptions === undefined ? {} : { collectorOptions: options.collectorOptions }),
        ...(sampleEvery === undefined ? {} : { sampleEvery }),
      });
    for (let i = 0; i < warmup; i++) check(measure(), `warm-up ${i + 1}`);
    let timedMs = 0;
    while (!timedInvocationsDone(timed.length, timedMs, plan)) {
      const m = measure();
      timed.push(m);
      timedMs += m.time.wallMs;
      check(m, `invocation ${timed.length}`);
    }
    let sampled: RunMeasurement | null = null;
    const every = options.sampleEvery ?? 0;
    if (every !== 0) {
      const bytes = every === 'auto' ? autoSampleInterval(timed[0]!.counters.bytesAllocated) : every;
      sampled = measure(bytes);
      check(sampled, 'the sampled invocation');
    }
    return summarize(base, timed, sampled, reference, mismatch);
  } catch (error) {
    const partial = timed.length > 0 ? summarize(base, timed, null, reference, mismatch) : base;
    if (error instanceof OutOfMemoryError) {
      return { ...partial, status: 'oom', message: error.message, summary: null };
    }
    if (error instanceof HostMemoryExhaustedError) {
      return { ...partial, status: 'error', message: error.message, summary: null };
    }
    return { ...partial, status: 'error', message: errorText(error), summary: null };
  }
}

/** A sampling interval giving about 200 samples over `bytesAllocated`, at least 64 KiB. */
export function autoSampleInterval(bytesAllocated: number): number {
  return Math.max(65536, Math.ceil(bytesAllocated / 200 / 8) * 8);
}

function summarize(
  base: CellResult,
  timed: RunMeasurement[],
  sampled: RunMeasurement | null,
  reference: Record<string, unknown> | null,
  mismatch: string | null,
): CellResult {
  const wall = timed.map((m) => m.time.wallMs);
  // The invocation with the median wall time (the lower middle one for an even count).
  const order = wall.map((_, i) => i).sort((a, b) => wall[a]! - wall[b]!);
  const median = timed[order[Math.floor((order.length - 1) / 2)]!]!;
  const measurement: RunMeasurement =
    sampled === null
      ? median
      : {
          ...median,
          timeline: sampled.timeline,
          memory: { ...median.memory, peakLiveBytes: sampled.memory.peakLiveBytes },
          garbage: { ...median.garbage, peakOutstandingBytes: sampled.garbage.peakOutstandingBytes },
        };
  const summary: CellSummary = {
    wallMs: spread(wall),
    gcMs: spread(timed.map((m) => m.time.gcMs)),
    mutatorMs: spread(timed.map((m) => m.time.mutatorMs)),
    pauseP50Ms: spread(timed.map((m) => m.pauses.p50Ms)),
    pauseP90Ms: spread(timed.map((m) => m.pauses.p90Ms)),
    pauseP99Ms: spread(timed.map((m) => m.pauses.p99Ms)),
    pauseMaxMs: spread(timed.map((m) => m.pauses.maxMs)),
    mmu1ms: spreadOrNull(timed.map((m) => m.mmu.w1ms)),
    mmu10ms: spreadOrNull(timed.map((m) => m.mmu.w10ms)),
    mmu100ms: spreadOrNull(timed.map((m) => m.mmu.w100ms)),
  };
  return {
    ...base,
    status: mismatch === null ? 'ok' : 'error',
    ...(mismatch === null ? {} : { message: mismatch }),
    invocations: timed.length,
    wallMs: wall,
    summary,
    deterministic: reference,
    measurement,
  };
}

/** The first path at which two JSON-like values differ, with both values, or null when equal. */
export function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path === '' ? key : `${path}.${key}`,
      );
      if (d !== null) return d;
    }
    return null;
  }
  return `${path === '' ? 'value' : path} differs: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

/** An error's name, message and the top of its stack, for a result's message. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const stack = (error.stack ?? '').split('\n').slice(1, 6).join('\n');
    return `${error.name}: ${error.message}${stack === '' ? '' : `\n${stack}`}`;
  }
  return String(error);
}
