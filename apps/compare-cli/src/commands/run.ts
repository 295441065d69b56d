/**
 * `gclab run`: the comparison matrix of @gclab/bench (workloads x collectors x heap sizes x seeds,
 * each collector in its own worker processes), with a progress bar on a terminal, then a table per
 * workload (or CSV, Markdown, JSON); `--out` writes the results JSON atomically, `--html` the
 * report with charts, `--shard I/N` runs a slice of the matrix for `gclab merge`. `--host-memory`
 * caps the host memory of each cell's simulated heap (a budget per worker; see the help).
 *
 * With no option it runs every registered collector on the default workloads at size small, each
 * cell timed by at least 3 invocations and more until they took 200 ms (at most 30) after one
 * warm-up (`DEFAULT_TIMING`), so every timed figure has a measured spread, and sampled for the
 * garbage timelines: the one command that shows how the collectors compare.
 *
 * Before anything runs, the inputs and outputs are checked: the output files can be written, every
 * trace workload's file exists and parses, and duplicates in the lists (`--workloads rings,rings`,
 * `--seed 1,1`) are folded, so each cell runs once and the results file always merges.
 *
 * Ctrl-C, SIGTERM and SIGHUP (a batch scheduler's time limit, a closed terminal) stop the run:
 * running workers are stopped, the cells that completed are kept, printed and written to
 * `--out`/`--html` (marked interrupted), and the exit code is 128 + the signal (130, 143, 129). A
 * second Ctrl-C quits at once; a repeated SIGTERM or SIGHUP changes nothing (schedulers send them
 * to every process of a job).
 */
import {
  ALL_WORKLOADS,
  DEFAULT_WORKLOADS,
  defaultConcurrency,
  formatHeapSpec,
  type MatrixResults,
  parseHeapSpec,
  runMatrix,
  WORKLOAD_SIZES,
  type WorkloadSize,
  writeResults,
} from '@gclab/bench';
import { GclabError, TraceSyntaxError } from '@gclab/core';
import { type Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { collectorEntries } from '../collector-refs.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { defaultHostMemory, hostMemoryOption, matrixTiming, timingOptions } from '../option-parsers.ts';
import { checkOutputFiles } from '../output.ts';
import { formatResults, OUTPUT_FORMATS, type OutputFormat } from '../report/format.ts';
import { parseShard, resolveShard, type ShardOption } from '../report/shard.ts';
import { loadHtmlRenderer, writeHtmlReport } from '../report/write-html.ts';
import { runProgress } from '../run-progress.ts';

/**
 * The workloads of `gclab run` without `--workloads`: every built-in workload but binary-trees,
 * which repeats gcbench's pattern (trees built and dropped) and is the slowest at size small, so
 * that the default run fits in a minute on a busy 2-core machine; `--workloads all` adds it.
 */
export const DEFAULT_RUN_WORKLOADS: readonly string[] = DEFAULT_WORKLOADS.filter((w) => w !== 'binary-trees');

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** The signals that stop a run, and the exit code after each (128 + its number). */
export const STOP_SIGNALS = { SIGINT: INTERRUPTED_EXIT_CODE, SIGTERM: 143, SIGHUP: 129 } as const;

/** A signal that stops a run. */
type StopSignal = keyof typeof STOP_SIGNALS;

/** Options of `gclab run`, as commander parses them. */
interface RunOptions {
  workloads: string;
  strategies: string;
  size: WorkloadSize;
  heap: string;
  seed: string;
  invocations: number;
  minTime: number;
  maxInvocations: number;
  warmup: number;
  concurrency?: number;
  isolation: 'cell' | 'collector';
  sample: number | 'auto' | 0;
  format: OutputFormat;
  out?: string;
  html?: string;
  shard?: ShardOption;
  shardCount?: number;
  progress: boolean;
  verbose?: boolean;
  hostMemory?: number;
}

/** Adds `run` to the program. */
export function registerRunCommand(program: Command): void {
  const [invocations, minTime, maxInvocations] = timingOptions();
  program
    .command('run')
    .description('run workloads under collectors and compare time, pauses, memory and garbage')
    .option(
      '-w, --workloads <list>',
      `comma-separated workloads, trace:FILE, snapshot:FILE, or all (default: ${DEFAULT_RUN_WORKLOADS.join(',')})`,
      'default',
    )
    .option('-s, --strategies <list>', 'comma-separated collectors, or all (gclab list shows them)', 'all')
    .addOption(new Option('--size <size>', 'workload size').choices([...WORKLOAD_SIZES]).default('small'))
    .option(
      '--heap <list>',
      'heap sizes: unlimited, multiples of the minimum heap (2x) or bytes (64MB)',
      'unlimited',
    )
    .option('--seed <list>', 'comma-separated seeds', '42')
    .addOption(invocations)
    .addOption(minTime)
    .addOption(maxInvocations)
    .option('--warmup <n>', 'untimed warm-up invocations per cell', nonNegativeInteger, 1)
    .option('--concurrency <n>', 'worker processes at once (default: 2, or fewer CPUs)', positiveInteger)
    .addOption(
      hostMemoryOption(
        'per cell: each worker runs one heap at a time; default: a quarter of RAM divided by the concurrency, at most 2 GiB',
      ),
    )
    .addOption(
      new Option('--isolation <mode>', 'a fresh process per collector, or per cell')
        .choices(['collector', 'cell'])
        .default('collector'),
    )
    .option(
      '--sample <bytes>',
      'oracle samples for the garbage and memory timelines: every BYTES allocated, auto (~200 per run) or off',
      parseSample,
      'auto',
    )
    .addOption(new Option('--format <format>', 'what to print').choices([...OUTPUT_FORMATS]).default('table'))
    .option('--out <file>', 'write the results JSON to FILE (atomically; read by compare, merge, report)')
    .option('--html <file>', 'write the HTML report (self-contained, with charts) to FILE')
    .option(
      '--shard <i/n|auto>',
      'run shard I of N of the matrix (merge the shards with gclab merge); auto: from a Slurm job array or a Kubernetes Indexed Job',
      parseShard,
    )
    .option(
      '--shard-count <n>',
      'the number of shards for --shard auto under a Kubernetes Indexed Job (its completions)',
      positiveInteger,
    )
    .option('--no-progress', 'no progress bar (it is shown only on a terminal anyway)')
    .option('--verbose', 'log a line per finished cell on standard error instead of the bar (for CI logs)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab run',
        '  $ gclab run --html report.html',
        '  $ gclab run --workloads rings,big-del --strategies refcount,cpython,mark-sweep',
        '  $ gclab run --workloads gcbench --heap 1.5x,2x,4x --invocations 5 --out results.json',
        '  $ gclab run --invocations 1 --min-time 0   # one timed invocation a cell: fastest, no spread',
        '  $ gclab run --shard 1/4 --out shard-1.json   # then: gclab merge shard-*.json',
        '  $ gclab run --shard auto --out shard-$SLURM_ARRAY_TASK_ID.json   # in a Slurm job array',
        '',
        'Duplicates in --workloads, --strategies, --heap and --seed are folded (each cell runs once).',
        '',
        'Times are medians over the timed invocations with their spread (12.3 ms ±1.1: the half-width of',
        "the median's 95% interval, or the range below 6 invocations); a difference within the spread is",
        'marked ~ (noise, not a result). docs/methodology.md explains the rule.',
        '',
        '--host-memory is a budget per cell (per worker process): with --concurrency N, up to N budgets',
        'are in use at once, which is why the default divides a quarter of RAM by N. A cell that runs',
        'past it fails (it is a limit of the host, not a result of the collector).',
        '',
        'Exit codes: 0 every cell ran (out of memory under --heap is a result); 1 a cell failed (one',
        'past --host-memory too) or a file could not be written; 2 usage error (found before any cell',
        'runs); 130, 143, 129 stopped by Ctrl-C, SIGTERM, SIGHUP (the cells that completed are printed',
        'and written).',
      ].join('\n'),
    )
    .action(async (options: RunOptions) => {
      checkOutputFiles({ '--out': options.out, '--html': options.html });
      if (options.html !== undefined) await loadHtmlRenderer();
      const { results, stoppedBy } = await runCommand(options);
      // A file that cannot be written now (a full disk) still leaves the results on stdout.
      let unwritten: unknown = null;
      try {
        if (options.out !== undefined) writeResults(options.out, results);
        if (options.html !== undefined) await writeHtmlReport(options.html, results);
      } catch (error) {
        unwritten = error;
      }
      process.stdout.write(formatResults(results, options.format));
      if (unwritten !== null) throw unwritten;
      if (stoppedBy !== null) {
        const kept = results.cells.length;
        const written = [options.out, options.html].filter((f) => f !== undefined);
        process.stderr.write(
          `${interruptedBy(stoppedBy)}: ${kept} completed cell${kept === 1 ? '' : 's'} kept` +
            `${written.length > 0 ? `, written to ${written.join(' and ')}` : ''}\n`,
        );
        process.exitCode = STOP_SIGNALS[stoppedBy];
      } else if (results.cells.some((c) => c.status === 'error')) {
        process.exitCode = ExitCode.failure;
      }
    });
}

/** `interrupted` after Ctrl-C, `interrupted by SIGTERM` after another signal. */
function interruptedBy(signal: StopSignal): string {
  return pc.yellow(signal === 'SIGINT' ? 'interrupted' : `interrupted by ${signal}`);
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `values` with each value once, in the order first given (`key` says which values are the same). */
export function fold<T>(values: readonly T[], key: (value: T) => string = String): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (!seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

/** The workloads named by `--workloads`, each once. */
export function chooseWorkloads(text: string): string[] {
  if (text === 'default') return [...DEFAULT_RUN_WORKLOADS];
  if (text === 'all') return [...ALL_WORKLOADS];
  const names = fold(list(text));
  if (names.length === 0)
    throw new UsageError('--workloads: name at least one workload (gclab list shows them)');
  return names;
}

async function runCommand(
  options: RunOptions,
): Promise<{ results: MatrixResults; stoppedBy: StopSignal | null }> {
  const workloads = chooseWorkloads(options.workloads);
  const seeds = fold(
    list(options.seed).map((s) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n)) throw new UsageError(`--seed: '${s}' is not an integer`);
      return n;
    }),
  );
  const collectors = fold(await collectorEntries(fold(list(options.strategies))), (c) => c.name);
  let heaps: ReturnType<typeof parseHeapSpec>[];
  try {
    heaps = fold(list(options.heap).map(parseHeapSpec), formatHeapSpec);
  } catch (error) {
    throw new UsageError(`--heap: ${(error as Error).message}`);
  }
  const shard = resolveShard(options.shard, options.shardCount, process.env);

  // Ctrl-C, SIGTERM, SIGHUP: the first stops the matrix (completed cells are kept); a second Ctrl-C
  // quits now; a repeated SIGTERM or SIGHUP is the same request again.
  const controller = new AbortController();
  let stoppedBy: StopSignal | null = null;
  const onSignal = (signal: StopSignal): void => {
    if (stoppedBy !== null) {
      if (signal === 'SIGINT') process.exit(STOP_SIGNALS[signal]);
      return;
    }
    stoppedBy = signal;
    progress.stop();
    process.stderr.write(
      `${interruptedBy(signal)}: stopping the workers; completed cells are kept` +
        `${signal === 'SIGINT' ? ' (Ctrl-C again to quit now)' : ''}\n`,
    );
    controller.abort();
  };
  const progress = runProgress(
    options.verbose === true ? 'log' : options.progress && process.stderr.isTTY === true ? 'bar' : 'none',
  );
  for (const signal of Object.keys(STOP_SIGNALS) as StopSignal[]) process.on(signal, onSignal);
  try {
    const results = await runMatrix(
      {
        workloads,
        collectors,
        sizes: [options.size],
        heaps,
        seeds,
        ...matrixTiming(options),
        warmup: options.warmup,
        isolation: options.isolation,
        sampleEvery: options.sample,
        signal: controller.signal,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        hostMemoryLimit: options.hostMemory ?? defaultHostMemory(options.concurrency ?? defaultConcurrency()),
        ...(shard === undefined ? {} : { shard }),
      },
      (event) => progress.update(event),
    );
    return { results, stoppedBy };
  } catch (error) {
    // A malformed trace or snapshot workload (SnapshotSyntaxError is one): `file:line:col: reason`, exit 2.
    if (error instanceof TraceSyntaxError) throw error;
    // Bad workload specs, missing trace files and sizes are the user's mistake.
    if (error instanceof GclabError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  } finally {
    progress.stop();
    // Once stopped, the handlers stay until the process ends: the same signal often arrives twice
    // (the launcher passes on what its process group also got), and a second one without a handler
    // would end the process before the completed cells are written.
    if (stoppedBy === null) {
      for (const signal of Object.keys(STOP_SIGNALS) as StopSignal[]) process.off(signal, onSignal);
    }
  }
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

function nonNegativeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer.');
  return n;
}

function parseSample(text: string): number | 'auto' | 0 {
  const t = text.trim().toLowerCase();
  if (t === 'auto') return 'auto';
  if (t === 'off' || t === '0') return 0;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 64) {
    throw new InvalidArgumentError('expected auto, off, or a number of bytes (at least 64).');
  }
  return n;
}
