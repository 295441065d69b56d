/**
 * `gclab minheap`: the minimum heap of workloads under collectors, the smallest heap limit under
 * which each run completes (binary search in worker processes, @gclab/bench's `findMinHeap`), the
 * figure heap multiples such as `--heap 2x` refer to (the DaCapo/running-ng methodology). With
 * `--cache FILE` results are kept per code fingerprint, as `gclab run` keeps them.
 */
import {
  collectorFingerprint,
  MinHeapCache,
  type MinHeapResult,
  runTasks,
  WORKLOAD_SIZES,
  type WorkloadSize,
} from '@gclab/bench';
import Table from 'cli-table3';
import { type Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { collectorEntries } from '../collector-refs.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { formatCompactBytes } from '../report/figures.ts';
import { chooseWorkloads } from './run.ts';

/** Options of `gclab minheap`. */
interface MinHeapOptions {
  workloads: string;
  strategies: string;
  size: WorkloadSize;
  seed: number;
  tolerance: number;
  cache?: string;
  concurrency: number;
  json?: boolean;
}

/** One line of the output. */
export interface MinHeapLine {
  workload: string;
  collector: string;
  /** Minimum heap in bytes (null when the search failed). */
  bytes: number | null;
  /** Peak reserved bytes without a limit (null when cached or failed). */
  unlimitedPeakBytes: number | null;
  /** Runs the search made (0 when cached). */
  probes: number;
  cached: boolean;
  error?: string;
}

/** Adds `minheap` to the program. */
export function registerMinHeapCommand(program: Command): void {
  program
    .command('minheap')
    .description('measure the minimum heap of workloads under collectors (what --heap 2x multiplies)')
    .option('-w, --workloads <list>', 'comma-separated workloads, default or all', 'default')
    .option('-s, --strategies <list>', 'comma-separated collectors, or all', 'all')
    .addOption(new Option('--size <size>', 'workload size').choices([...WORKLOAD_SIZES]).default('small'))
    .option('--seed <n>', 'workload seed', integer, 42)
    .option(
      '--tolerance <fraction>',
      'stop when the bounds are this close (fraction of the answer)',
      fraction,
      0.01,
    )
    .option('--cache <file>', 'read and update a minimum-heap cache file (as gclab run does)')
    .option('--concurrency <n>', 'worker processes at once', integer, 2)
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab minheap --workloads gcbench,rings --strategies mark-sweep,gen-copy',
        '  $ gclab minheap --json > minheaps.json',
      ].join('\n'),
    )
    .action(async (options: MinHeapOptions) => {
      const lines = await searchMinHeaps(options);
      process.stdout.write(
        options.json === true ? `${JSON.stringify({ minHeaps: lines }, null, 2)}\n` : minHeapTable(lines),
      );
      if (lines.some((l) => l.error !== undefined)) process.exitCode = ExitCode.failure;
    });
}

async function searchMinHeaps(options: MinHeapOptions): Promise<MinHeapLine[]> {
  const workloads = chooseWorkloads(options.workloads);
  const collectors = await collectorEntries(options.strategies.split(',').map((s) => s.trim()));
  const cache = new MinHeapCache(options.cache ?? null);
  const lines: MinHeapLine[] = [];
  const tasks: Parameters<typeof runTasks>[0][number][] = [];
  const pending: Array<{ line: MinHeapLine; key: string }> = [];
  for (const workload of workloads) {
    for (const c of collectors) {
      const line: MinHeapLine = {
        workload,
        collector: c.name,
        bytes: null,
        unlimitedPeakBytes: null,
        probes: 0,
        cached: false,
      };
      lines.push(line);
      const key = MinHeapCache.key(workload, options.size, options.seed, c.name, collectorFingerprint(c.ref));
      const cached = cache.get(key);
      if (cached !== undefined) {
        line.bytes = cached;
        line.cached = true;
        continue;
      }
      tasks.push({
        kind: 'min-heap',
        ref: c.ref,
        workload,
        size: options.size,
        seed: options.seed,
        options: { tolerance: options.tolerance },
      });
      pending.push({ line, key });
    }
  }
  try {
    await runTasks(
      tasks,
      (i) => `task ${i}`,
      { concurrency: options.concurrency },
      (i, reply) => {
        const { line, key } = pending[i]!;
        if (reply.ok) {
          const r = reply.value as MinHeapResult;
          line.bytes = r.bytes;
          line.unlimitedPeakBytes = r.unlimitedPeakBytes;
          line.probes = r.probes;
          cache.set(key, r.bytes);
        } else {
          line.error = reply.message.split('\n')[0] ?? reply.message;
        }
      },
    );
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  cache.save();
  return lines;
}

/** The table form: a row per workload and collector. */
export function minHeapTable(lines: readonly MinHeapLine[]): string {
  const table = new Table({
    head: ['workload', 'collector', 'minimum heap', 'bytes', 'unlimited peak', 'probes'].map((h) =>
      pc.bold(h),
    ),
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  for (const l of lines) {
    if (l.bytes === null) {
      table.push([
        l.workload,
        pc.cyan(l.collector),
        { colSpan: 4, hAlign: 'left', content: pc.red(`failed: ${l.error ?? ''}`) },
      ]);
      continue;
    }
    table.push([
      l.workload,
      pc.cyan(l.collector),
      formatCompactBytes(l.bytes),
      String(l.bytes),
      l.unlimitedPeakBytes === null ? (l.cached ? 'cached' : '—') : formatCompactBytes(l.unlimitedPeakBytes),
      String(l.probes),
    ]);
  }
  return `${table.toString()}\n`;
}

function integer(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer.');
  return n;
}

function fraction(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n > 0 && n < 1))
    throw new InvalidArgumentError('expected a fraction such as 0.01.');
  return n;
}
