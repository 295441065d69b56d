/**
 * The `threads` experiment (issue 19): what reference counting costs without a GIL, measured on real
 * threads over @gclab/threads' shared heap, with tracing beside it for the same work.
 *
 * Four groups of runs, each configuration repeated (`invocations` timed runs after a warm-up), every
 * variant on its own pool of workers (one plan class per isolate: monomorphic call sites), the
 * repetitions interleaved across variants so that machine drift falls on all of them alike:
 * 1. every variant at 1 and N threads, no shared sources: throughput, the one-thread time of each
 *    variant over `gil` (paired run by run), scaling N/1; the count updates per operation of the
 *    one-thread runs (deterministic for a seed);
 * 2. contention, at N threads: atomic, biased and biased-immortal with 50% and 100% of copies and
 *    loads from another thread's objects, and with half and all copies taking a singleton (None,
 *    True, small ints), each relative to the same variant with nothing shared and no singleton;
 * 3. the non-atomic demonstration: N threads, every source shared, every copy a singleton, on a heap
 *    large enough to survive the leaks; the final graph check counts what the lost updates did;
 * 4. every run of a correct variant ends with that check; one that fails makes the experiment fail.
 *
 * A difference counts only when it is at least `COUNTED_DIFFERENCE` (10%) and beyond the spread of the
 * repeated runs (`countedRatio`); the text and claim 10 of `gclab debate` use the same rule.
 */
import { cpus, loadavg } from 'node:os';
import {
  CHUNK_BYTES,
  MAX_THREADS,
  machineThreads,
  runThreads,
  THREAD_VARIANTS,
  ThreadPool,
  ThreadRunError,
  type ThreadRunResult,
  type ThreadVariantName,
} from '@gclab/threads';
import { type RunSummary, summarize } from '../perf/perf-figure.ts';

/** Presets of `--size`. */
export const THREADS_SIZES = ['small', 'medium', 'large'] as const;
/** A preset name. */
export type ThreadsSize = (typeof THREADS_SIZES)[number];

/** What a preset runs. */
export interface ThreadsPreset {
  /** Operations per thread of every timed run. */
  opsPerThread: number;
  /** Timed runs per configuration, and untimed warm-up runs before them. */
  invocations: number;
  warmup: number;
  /** Operations per thread of a demonstration run. */
  demonstrationOps: number;
}

/** The presets: small runs in a few seconds (tests, the debate), medium and large for figures. */
export const THREADS_PRESETS: Readonly<Record<ThreadsSize, ThreadsPreset>> = {
  small: { opsPerThread: 100_000, invocations: 3, warmup: 1, demonstrationOps: 1_000_000 },
  medium: { opsPerThread: 1_000_000, invocations: 5, warmup: 1, demonstrationOps: 2_000_000 },
  large: { opsPerThread: 4_000_000, invocations: 7, warmup: 1, demonstrationOps: 4_000_000 },
};

/** Heap per mutator thread (8 chunks): small enough that tracing collects during every run. */
export const HEAP_PER_THREAD = 8 * CHUNK_BYTES;
/** Heap of the demonstration runs, which leak: lost decrements never free their objects. */
export const DEMONSTRATION_HEAP = 64 << 20;
/** Share of copies that take a singleton in the runs of group 1 (CPython's None, True, small ints). */
export const BASE_SINGLETONS = 0.25;
/** A non-atomic run that ends in an error is run again this many times, its seed moved by the step. */
const MAX_RETRIES = 2;
const RETRY_SEED_STEP = 1000;
/** A ratio counts as a difference from 1 when it is at least this far from 1, beyond the spread. */
export const COUNTED_DIFFERENCE = 0.1;
/** The variants of the contention runs. */
export const CONTENTION_VARIANTS: readonly ThreadVariantName[] = ['atomic', 'biased', 'biased-immortal'];
/**
 * The contention points: the share of sources another thread owns, the share of copies of a
 * singleton. The first, nothing shared and no singleton, is the reference of the others.
 */
export const CONTENTION_POINTS: readonly { shared: number; singletons: number }[] = [
  { shared: 0, singletons: 0 },
  { shared: 0.5, singletons: 0 },
  { shared: 1, singletons: 0 },
  { shared: 0, singletons: 0.5 },
  { shared: 0, singletons: 1 },
];

/** The most threads this machine runs: its cores, at most what a shared heap holds. */
export function threadLimit(): number {
  return Math.min(machineThreads(), MAX_THREADS);
}

/** Options of `runThreadsExperiment`. */
export interface ThreadsExperimentOptions {
  size?: ThreadsSize;
  /** Threads of the multi-threaded runs (default: `threadLimit()`). */
  threads?: number;
  /** Timed runs per configuration (default: the preset's). */
  invocations?: number;
  seed?: number;
  /** How long one run may take before it is ended as hung, ms (default 120 s). */
  timeoutMs?: number;
  /** Called before each group of runs (progress on stderr). */
  log?: (message: string) => void;
}

/** Count updates per operation of a one-thread run (deterministic for a seed). */
export interface UpdatesPerOp {
  /** Increments plus decrements per operation. */
  updates: number;
  /** Of which done with an atomic instruction. */
  atomic: number;
  /** Skipped because the object is immortal. */
  immortalSkips: number;
  /** Biased counting: objects queued to their owner for a merge. */
  queued: number;
}

/** The figures of one variant in group 1. */
export interface VariantFigures {
  variant: ThreadVariantName;
  /** False for the non-atomic demonstration. */
  correct: boolean;
  /** Throughput (millions of operations a second, all threads) at 1 and N threads. */
  one: RunSummary;
  many: RunSummary;
  /** One thread: run time over gil's, paired run by run (1.06 = 6% slower). */
  timeOverGil: RunSummary;
  /** Throughput at N threads over throughput at 1, paired run by run. */
  scaling: RunSummary;
  /** Counting: updates per operation at 1 thread (the same in every run); null for tracing. */
  perOp: UpdatesPerOp | null;
  /** Tracing: collections of a one-thread run, and the longest stop at N threads (median, ms). */
  collections: number;
  pauseMaxMs: number;
}

/** One contention configuration of group 2, at N threads. */
export interface ContentionFigures {
  variant: ThreadVariantName;
  shared: number;
  singletons: number;
  /** Throughput in millions of operations a second. */
  throughput: RunSummary;
  /** Throughput over the same variant's with nothing shared and no singleton, paired run by run. */
  relative: RunSummary;
  /** Atomic count updates per operation (summed over the runs; the interleaving changes them). */
  atomicPerOp: number;
}

/** What one demonstration run's final check found. */
export interface DemonstrationRun {
  /** Whether the final check found anything wrong: updates were lost. */
  lost: boolean;
  /** Objects whose count was below / above their references (lost increments / decrements). */
  countsTooLow: number;
  countsTooHigh: number;
  /** References to a freed cell, reachable objects freed, unreachable objects left (leaks). */
  danglingReferences: number;
  freedWhileReachable: number;
  unreachable: number;
  /** Uses of a freed object and decrements of a zero count the threads met while running. */
  useAfterFree: number;
  underflows: number;
  /** The run ended in an error (corrupted free lists can end it so); its message. */
  error: string | null;
}

/** Group 3: the non-atomic demonstration. */
export interface DemonstrationFigures {
  threads: number;
  opsPerThread: number;
  runs: DemonstrationRun[];
}

/** The figures of the `threads` experiment (what `--json` prints). */
export interface ThreadsExperimentResult {
  experiment: 'threads';
  size: ThreadsSize;
  /** Threads of the multi-threaded runs. */
  threads: number;
  seed: number;
  invocations: number;
  warmup: number;
  opsPerThread: number;
  heapPerThreadBytes: number;
  singletons: number;
  machine: { cores: number; cpuModel: string; node: string; loadBefore: number; loadAfter: number };
  /** Group 1, in `THREAD_VARIANTS` order. */
  variants: VariantFigures[];
  /** Group 2; empty with one thread (nothing to contend with). */
  contention: ContentionFigures[];
  /** Group 3; null with one thread. */
  demonstration: DemonstrationFigures | null;
  /** Runs of correct variants whose final check failed (each names the run and the first problem). */
  failures: string[];
  /** Timed runs of the non-atomic variant that ended in an error and were run again with another seed. */
  retried: string[];
  durationMs: number;
}

/** Whether `ratio` differs from 1 by at least `COUNTED_DIFFERENCE` with its whole range on that side. */
export function countedRatio(ratio: RunSummary): boolean {
  if (ratio.median >= 1 + COUNTED_DIFFERENCE) return ratio.min > 1;
  if (ratio.median <= 1 - COUNTED_DIFFERENCE) return ratio.max < 1;
  return false;
}

/** Whether throughput `a` beats `b` by a counted difference: ≥10% at the medians, `a`'s slowest above `b`'s fastest. */
export function countedFaster(a: RunSummary, b: RunSummary): boolean {
  return a.median >= (1 + COUNTED_DIFFERENCE) * b.median && a.min > b.max;
}

/** One timed configuration: its throughputs and run figures, in invocation order. */
interface Series {
  mops: number[];
  elapsed: number[];
  runs: ThreadRunResult[];
}

/** Runs the experiment. Throws `ThreadRunError` when a run crashes or hangs. */
export async function runThreadsExperiment(
  options: ThreadsExperimentOptions = {},
): Promise<ThreadsExperimentResult> {
  const started = performance.now();
  const size = options.size ?? 'small';
  const preset = THREADS_PRESETS[size];
  const threads = options.threads ?? threadLimit();
  const invocations = options.invocations ?? preset.invocations;
  const seed = options.seed ?? 42;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const log = options.log ?? (() => {});
  const ops = preset.opsPerThread;
  const loadBefore = loadavg()[0]!;
  const failures: string[] = [];
  const retried: string[] = [];
  const pools = new Map<ThreadVariantName, ThreadPool>(
    THREAD_VARIANTS.map((v) => [v.name, new ThreadPool()]),
  );
  const correct = new Set(THREAD_VARIANTS.filter((v) => v.correct).map((v) => v.name));

  const run = async (
    variant: ThreadVariantName,
    n: number,
    shared: number,
    singletons: number,
  ): Promise<ThreadRunResult> => {
    let r: ThreadRunResult;
    for (let attempt = 0; ; attempt++) {
      try {
        r = await runThreads(
          {
            variant,
            threads: n,
            opsPerThread: ops,
            shared,
            singletons,
            seed: seed + attempt * RETRY_SEED_STEP,
            heapBytes: heapFor(n),
            timeoutMs,
          },
          pools.get(variant)!,
        );
        break;
      } catch (error) {
        // The demonstration's lost updates can corrupt its heap enough to end a thread: run it again
        // with another program, a few times. A correct variant's error ends the experiment.
        if (correct.has(variant) || !(error instanceof ThreadRunError) || attempt === MAX_RETRIES)
          throw error;
        retried.push(`${variant}, ${n} threads: ${error.message}`);
      }
    }
    if (correct.has(variant) && !r.check.ok) {
      failures.push(
        `${variant}, ${n} thread${n === 1 ? '' : 's'}, shared ${shared}, singletons ${singletons}: ` +
          `the final check failed (${r.check.samples[0] ?? 'see the figures'})`,
      );
    }
    return r;
  };
  /** Runs each configuration `warmup` times untimed, then `invocations` times, interleaved. */
  const measure = async (
    configs: readonly { variant: ThreadVariantName; n: number; shared: number; singletons: number }[],
  ): Promise<Series[]> => {
    const series = configs.map((): Series => ({ mops: [], elapsed: [], runs: [] }));
    for (let i = 0; i < preset.warmup + invocations; i++) {
      for (const [k, c] of configs.entries()) {
        const r = await run(c.variant, c.n, c.shared, c.singletons);
        if (i < preset.warmup) continue;
        series[k]!.mops.push(r.opsPerSecond / 1e6);
        series[k]!.elapsed.push(r.elapsedMs);
        series[k]!.runs.push(r);
      }
    }
    return series;
  };

  try {
    log(`every variant at 1 and ${threads} threads (${invocations} runs each)`);
    const counts = threads === 1 ? [1] : [1, threads];
    const baseConfigs = THREAD_VARIANTS.flatMap((v) =>
      counts.map((n) => ({ variant: v.name, n, shared: 0, singletons: BASE_SINGLETONS })),
    );
    const base = await measure(baseConfigs);
    const seriesOf = (variant: ThreadVariantName, n: number): Series =>
      base[baseConfigs.findIndex((c) => c.variant === variant && c.n === n)]!;
    const gilOne = seriesOf('gil', 1);
    const variants = THREAD_VARIANTS.map((v): VariantFigures => {
      const one = seriesOf(v.name, 1);
      const many = seriesOf(v.name, threads);
      const first = one.runs[0]!.totals;
      return {
        variant: v.name,
        correct: v.correct,
        one: summarize(one.mops),
        many: summarize(many.mops),
        timeOverGil: summarize(one.elapsed.map((e, i) => e / gilOne.elapsed[i]!)),
        scaling: summarize(many.mops.map((m, i) => m / one.mops[i]!)),
        perOp:
          v.name === 'tracing'
            ? null
            : {
                updates: (first.increments + first.decrements) / first.ops,
                atomic: first.atomicUpdates / first.ops,
                immortalSkips: first.immortalSkips / first.ops,
                queued: first.queued / first.ops,
              },
        collections: first.collections,
        pauseMaxMs: summarize(many.runs.map((r) => r.pauseMaxMs)).median,
      };
    });

    const contention: ContentionFigures[] = [];
    if (threads > 1) {
      log(`contention at ${threads} threads: shared sources and singletons`);
      const configs = CONTENTION_VARIANTS.flatMap((variant) =>
        CONTENTION_POINTS.map((p) => ({ variant, n: threads, ...p })),
      );
      const series = await measure(configs);
      for (const [k, c] of configs.entries()) {
        const s = series[k]!;
        const unshared = series[configs.findIndex((r) => r.variant === c.variant)]!.mops;
        let atomic = 0;
        let total = 0;
        for (const r of s.runs) {
          atomic += r.totals.atomicUpdates;
          total += r.totals.ops;
        }
        contention.push({
          variant: c.variant,
          shared: c.shared,
          singletons: c.singletons,
          throughput: summarize(s.mops),
          relative: summarize(s.mops.map((m, i) => m / unshared[i]!)),
          atomicPerOp: atomic / total,
        });
      }
    }

    let demonstration: DemonstrationFigures | null = null;
    if (threads > 1) {
      log(`the non-atomic demonstration: ${threads} threads, every source shared`);
      const runs: DemonstrationRun[] = [];
      for (let i = 0; i < invocations; i++)
        runs.push(await demonstrate(threads, preset, seed + i, pools, timeoutMs));
      demonstration = { threads, opsPerThread: preset.demonstrationOps, runs };
    }

    return {
      experiment: 'threads',
      size,
      threads,
      seed,
      invocations,
      warmup: preset.warmup,
      opsPerThread: ops,
      heapPerThreadBytes: HEAP_PER_THREAD,
      singletons: BASE_SINGLETONS,
      machine: {
        cores: machineThreads(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.versions.node,
        loadBefore,
        loadAfter: loadavg()[0]!,
      },
      variants,
      contention,
      demonstration,
      failures,
      retried,
      durationMs: performance.now() - started,
    };
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
}

/** The heap of a run of `n` threads: `HEAP_PER_THREAD` each, and the main thread's chunks. */
function heapFor(n: number): number {
  return n * HEAP_PER_THREAD + 4 * CHUNK_BYTES;
}

/** One demonstration run; an error of the corrupted heap is recorded, not thrown. */
async function demonstrate(
  threads: number,
  preset: ThreadsPreset,
  seed: number,
  pools: ReadonlyMap<ThreadVariantName, ThreadPool>,
  timeoutMs: number,
): Promise<DemonstrationRun> {
  try {
    const r = await runThreads(
      {
        variant: 'non-atomic',
        threads,
        opsPerThread: preset.demonstrationOps,
        shared: 1,
        singletons: 1,
        seed,
        heapBytes: DEMONSTRATION_HEAP,
        timeoutMs,
      },
      pools.get('non-atomic')!,
    );
    const c = r.check;
    return {
      lost: !c.ok,
      countsTooLow: c.countsTooLow,
      countsTooHigh: c.countsTooHigh,
      danglingReferences: c.danglingReferences,
      freedWhileReachable: c.freedWhileReachable,
      unreachable: c.unreachable,
      useAfterFree: r.totals.useAfterFree,
      underflows: r.totals.underflows,
      error: null,
    };
  } catch (error) {
    // Lost updates can corrupt the heap enough to end a thread (out of memory from leaks, a free
    // list through a reused cell): that is the demonstration too. Anything else is a real failure.
    if (!(error instanceof ThreadRunError)) throw error;
    return {
      lost: true,
      countsTooLow: 0,
      countsTooHigh: 0,
      danglingReferences: 0,
      freedWhileReachable: 0,
      unreachable: 0,
      useAfterFree: 0,
      underflows: 0,
      error: error.message,
    };
  }
}
