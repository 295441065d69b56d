/**
 * `gclab experiment NAME [options]`: the named experiments the debate report assembles, each a
 * function in a strategy-free package that returns figures plus an explanation.
 *
 * - `gclab experiment list [--json]`: the experiments with a one-line summary.
 * - `gclab experiment memory-release [--count N] [--size BYTES] [--json]`: allocate N blocks of BYTES
 *   from CPython 3.11's obmalloc (simulated), free every other one, then all; print pools, arenas and
 *   reserved bytes after each phase and a paragraph explaining them (`@gclab/allocator`).
 * - `gclab experiment getrefcount [--json]`: the article's `sys.getrefcount` example replayed under
 *   the registered collectors in CPython 3.11's and 3.10's calling conventions (2, 3, 2 and 2, 4, 2).
 */
import { formatMemoryRelease, MEMORY_RELEASE_EXPERIMENT, runMemoryRelease } from '@gclab/allocator';
import { type Command, InvalidArgumentError } from 'commander';
import { formatGetrefcount, runGetrefcount } from '../debate/getrefcount.ts';
import { collectorNames } from '../registry.ts';

/** The `getrefcount` experiment's name and summary. */
export const GETREFCOUNT_EXPERIMENT = {
  name: 'getrefcount',
  summary:
    "The article's sys.getrefcount example under every collector, in CPython 3.11's and 3.10's calling conventions",
} as const;

/** Name and summary of every experiment, in the order `experiment list` prints them. */
export const EXPERIMENTS: ReadonlyArray<{ readonly name: string; readonly summary: string }> = [
  MEMORY_RELEASE_EXPERIMENT,
  GETREFCOUNT_EXPERIMENT,
];

/** Options of `gclab experiment memory-release`, as commander parses them. */
interface MemoryReleaseCommandOptions {
  count?: number;
  size?: number;
  json?: boolean;
}

/** Adds `experiment` and its subcommands to the program. */
export function registerExperimentCommand(program: Command): void {
  const experiment = program
    .command('experiment')
    .description('run a named experiment (gclab experiment list shows them)');

  experiment
    .command('list')
    .description('list the named experiments')
    .option('--json', 'print one JSON object instead of text')
    .action((options: { json?: boolean }) => {
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ experiments: EXPERIMENTS }, null, 2)}\n`);
        return;
      }
      const width = Math.max(...EXPERIMENTS.map((e) => e.name.length));
      process.stdout.write(EXPERIMENTS.map((e) => `${e.name.padEnd(width)}  ${e.summary}\n`).join(''));
    });

  experiment
    .command(MEMORY_RELEASE_EXPERIMENT.name)
    .description(MEMORY_RELEASE_EXPERIMENT.summary)
    .option('-n, --count <n>', 'blocks to allocate (1 to 10,000,000)', parseCount, 100_000)
    .option(
      '--size <bytes>',
      'request size in bytes handed to the allocator (1 to 1,048,576)',
      parseSize,
      416,
    )
    .option('--json', 'print one JSON object with every figure')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab experiment memory-release',
        '  $ gclab experiment memory-release --count 1000000 --size 64 --json',
      ].join('\n'),
    )
    .action((options: MemoryReleaseCommandOptions) => {
      const result = runMemoryRelease({ count: options.count, size: options.size });
      process.stdout.write(
        options.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatMemoryRelease(result),
      );
    });

  experiment
    .command(GETREFCOUNT_EXPERIMENT.name)
    .description(GETREFCOUNT_EXPERIMENT.summary)
    .option('--json', 'print one JSON object')
    .addHelpText('after', ['', 'Examples:', '  $ gclab experiment getrefcount'].join('\n'))
    .action((options: { json?: boolean }) => {
      const runs = runGetrefcount(collectorNames());
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify({ experiment: GETREFCOUNT_EXPERIMENT.name, runs }, null, 2)}\n`
          : formatGetrefcount(runs),
      );
    });
}

function parseCount(text: string): number {
  return parseInteger(text, 1, 10_000_000, 'a block count from 1 to 10000000');
}

function parseSize(text: string): number {
  return parseInteger(text, 1, 1 << 20, 'a size in bytes from 1 to 1048576');
}

function parseInteger(text: string, min: number, max: number, what: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${what}.`);
  return n;
}
