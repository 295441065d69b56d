/**
 * `gclab run`: the comparison matrix of @gclab/bench (workloads x collectors x heap sizes x seeds,
 * each collector in its own worker processes), printed as a table per workload or as the results
 * JSON, and written to `--out FILE` (atomically) when asked.
 */
import {
  type CellResult,
  DEFAULT_WORKLOADS,
  type MatrixResults,
  parseHeapSpec,
  runMatrix,
  WORKLOAD_SIZES,
  type WorkloadSize,
  writeResults,
} from '@gclab/bench';
import { GclabError } from '@gclab/core';
import Table from 'cli-table3';
import { type Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { collectorEntries } from '../collector-refs.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';

/** Options of `gclab run`, as commander parses them. */
interface RunOptions {
  workloads: string;
  strategies: string;
  size: WorkloadSize;
  heap: string;
  seed: string;
  invocations: number;
  warmup: number;
  concurrency?: number;
  isolation: 'cell' | 'collector';
  format: 'table' | 'json';
  out?: string;
}

/** Adds `run` to the program. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run workloads under collectors and compare time, pauses, memory and garbage')
    .option(
      '--workloads <list>',
      `comma-separated workloads, trace:FILE, or all (${DEFAULT_WORKLOADS.join(', ')})`,
      'all',
    )
    .option('--strategies <list>', 'comma-separated collectors, or all', 'all')
    .addOption(new Option('--size <size>', 'workload size').choices([...WORKLOAD_SIZES]).default('small'))
    .option(
      '--heap <list>',
      'heap sizes: unlimited, multiples of the minimum heap (2x) or bytes (64MB)',
      'unlimited',
    )
    .option('--seed <list>', 'comma-separated seeds', '42')
    .option('--invocations <n>', 'timed invocations per cell', positiveInteger, 3)
    .option('--warmup <n>', 'untimed warm-up invocations per cell', nonNegativeInteger, 1)
    .option('--concurrency <n>', 'worker processes at once (default: 2, or fewer CPUs)', positiveInteger)
    .addOption(
      new Option('--isolation <mode>', 'a fresh process per collector, or per cell')
        .choices(['collector', 'cell'])
        .default('collector'),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--out <file>', 'also write the results JSON to FILE (atomically)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab run',
        '  $ gclab run --workloads rings,big-del --strategies refcount,cpython,mark-sweep',
        '  $ gclab run --workloads gcbench --heap 1.5x,2x,4x --format json --out results.json',
        '',
        'Exit codes: 0 every cell ran (out of memory is a result); 1 a cell failed; 2 usage error.',
      ].join('\n'),
    )
    .action(async (options: RunOptions) => {
      const results = await runCommand(options);
      if (options.out !== undefined) writeResults(options.out, results);
      process.stdout.write(
        options.format === 'json' ? `${JSON.stringify(results, null, 2)}\n` : resultsTable(results),
      );
      if (results.cells.some((c) => c.status === 'error')) process.exitCode = ExitCode.failure;
    });
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

async function runCommand(options: RunOptions): Promise<MatrixResults> {
  const workloads = options.workloads === 'all' ? [...DEFAULT_WORKLOADS] : list(options.workloads);
  const seeds = list(options.seed).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n)) throw new UsageError(`--seed: '${s}' is not an integer`);
    return n;
  });
  const collectors = await collectorEntries(list(options.strategies));
  try {
    const heaps = list(options.heap).map(parseHeapSpec);
    const tty = process.stderr.isTTY === true;
    return await runMatrix(
      {
        workloads,
        collectors,
        sizes: [options.size],
        heaps,
        seeds,
        invocations: options.invocations,
        warmup: options.warmup,
        isolation: options.isolation,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      },
      (event) => {
        if (tty && event.type === 'cell') process.stderr.write(`\r${event.done}/${event.total} cells`);
      },
    );
  } catch (error) {
    // Bad workload specs and heap sizes are the user's mistake.
    if (error instanceof GclabError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  } finally {
    if (process.stderr.isTTY === true) process.stderr.write('\r\x1b[K');
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

const ms = (x: number | null | undefined): string =>
  x === null || x === undefined ? '-' : x.toFixed(x < 10 ? 2 : 1);
const mib = (bytes: number | null | undefined): string =>
  bytes === null || bytes === undefined ? '-' : (bytes / 1048576).toFixed(1);

/** One table per workload: a row per collector and heap size. */
export function resultsTable(results: MatrixResults): string {
  const out: string[] = [];
  const byWorkload = new Map<string, CellResult[]>();
  for (const cell of results.cells) {
    const key = `${cell.cell.workload} (${cell.cell.size}, seed ${cell.cell.seed})`;
    byWorkload.set(key, [...(byWorkload.get(key) ?? []), cell]);
  }
  for (const [workload, cells] of byWorkload) {
    const table = new Table({
      head: [
        'collector',
        'heap',
        'wall ms',
        'overhead',
        'gc ms',
        'p50 ms',
        'p99 ms',
        'max ms',
        'MMU 10ms',
        'peak MiB',
        'leaked MiB',
      ].map((h) => pc.bold(h)),
      style: { head: [], border: [] },
    });
    for (const r of cells) {
      const s = r.summary;
      const m = r.measurement;
      const ok = r.status === 'ok';
      table.push([
        r.cell.collector,
        r.heapLimitBytes === null ? 'unlimited' : `${mib(r.heapLimitBytes)} MiB`,
        ok ? ms(s?.wallMs.median) : r.status === 'oom' ? pc.yellow('OOM') : pc.red('error'),
        ok && r.overheadVsNoGc !== null && r.overheadVsNoGc !== undefined
          ? `${(r.overheadVsNoGc * 100).toFixed(0)}%`
          : '-',
        ok ? ms(s?.gcMs.median) : '-',
        ok ? ms(s?.pauseP50Ms.median) : '-',
        ok ? ms(s?.pauseP99Ms.median) : '-',
        ok ? ms(s?.pauseMaxMs.median) : '-',
        ok ? (s?.mmu10ms?.median.toFixed(2) ?? '-') : '-',
        ok ? mib(m?.memory.peakReservedBytes) : '-',
        ok ? mib(m?.garbage.leakedBytes) : '-',
      ]);
    }
    out.push(`${pc.bold(workload)}\n${table.toString()}`);
    for (const r of cells)
      if (r.status === 'error') out.push(pc.red(`${r.cell.collector}: ${r.message ?? 'error'}`));
  }
  return `${out.join('\n\n')}\n`;
}
