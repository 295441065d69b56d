/**
 * `gclab bench`: the tinybench micro-benchmarks of @gclab/bench (allocate, field store through the
 * write barrier, root store, full collection of a fixed heap) for the chosen collectors, each
 * collector in its own process (one collector per isolate, so V8 sees monomorphic call sites), then
 * one table of nanoseconds per operation, task by collector. The same suite as `npm run bench`.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import { type Command, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import { collectorEntries } from '../collector-refs.ts';
import { ExitCode } from '../exit-codes.ts';

/** Options of `gclab bench`. */
interface BenchOptions {
  strategies: string;
  time: number;
  json?: boolean;
}

/** One task's figure for one collector. */
export interface BenchRow {
  task: string;
  nsPerOp: number;
  rmePercent: number;
  samples: number;
}

/** What the micro-benchmark script prints with --json. */
export interface BenchResult {
  collector: string;
  rows: BenchRow[];
}

/** Adds `bench` to the program. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run the tinybench micro-benchmarks (allocate, field store, root store, full collection)')
    .option('-s, --strategies <list>', 'comma-separated collectors, or all', 'all')
    .option('--time <ms>', 'time per task in milliseconds', positiveInteger, 500)
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab bench',
        '  $ gclab bench --strategies refcount,mark-sweep --time 1000',
      ].join('\n'),
    )
    .action(async (options: BenchOptions) => {
      const entries = await collectorEntries(options.strategies.split(',').map((s) => s.trim()));
      const results: BenchResult[] = [];
      const failures: string[] = [];
      for (const e of entries) {
        if (process.stderr.isTTY === true) process.stderr.write(`${pc.dim(`bench: ${e.name} ...`)}\n`);
        const r = await benchOne(e.ref.module, e.ref.exportName, options.time);
        if (typeof r === 'string') failures.push(`${e.name}: ${r}`);
        else results.push(r);
      }
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify({ timeMs: options.time, results }, null, 2)}\n`
          : benchTable(results),
      );
      for (const f of failures) process.stderr.write(`${pc.red('failed')} ${f}\n`);
      if (failures.length > 0) process.exitCode = ExitCode.failure;
    });
}

/** The micro-benchmark script of @gclab/bench. */
function microBenchScript(): string {
  const index = import.meta.resolve('@gclab/bench');
  return fileURLToPath(new URL('../bench/micro.bench.ts', index));
}

/** Runs the suite for one collector in a fresh process; the result, or why it failed. */
function benchOne(module: string, exportName: string, timeMs: number): Promise<BenchResult | string> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const args = [
    '--conditions=@gclab/source',
    '--import',
    tsx,
    microBenchScript(),
    '--module',
    module,
    '--export',
    exportName,
    '--json',
    '--time',
    String(timeMs),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        resolve(
          `exit ${code}${stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').slice(-3).join(' ')}`}`,
        );
        return;
      }
      resolve(JSON.parse(line) as BenchResult);
    });
  });
}

/** Nanoseconds per operation, a row per task and a column per collector. */
export function benchTable(results: readonly BenchResult[]): string {
  const tasks = [...new Set(results.flatMap((r) => r.rows.map((row) => row.task)))];
  const table = new Table({
    head: ['ns per operation', ...results.map((r) => r.collector)].map((h) => pc.bold(h)),
    colAligns: ['left', ...results.map(() => 'right' as const)],
    style: { head: [], border: [], compact: true },
  });
  for (const task of tasks) {
    table.push([
      task,
      ...results.map((r) => {
        const row = r.rows.find((x) => x.task === task);
        return row === undefined
          ? '—'
          : `${row.nsPerOp.toFixed(1)} ${pc.dim(`±${row.rmePercent.toFixed(1)}%`)}`;
      }),
    ]);
  }
  return `${table.toString()}\n`;
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}
