/**
 * `gclab debate [--out DIR] [--size S]`: the article's claims about reference counting and tracing,
 * each tested by an experiment this command runs (see `debate/debate-data.ts` and `debate/claims/`,
 * one module per claim), written as Markdown and HTML into DIR with the results files behind them.
 * Prints the verdicts. Ctrl-C stops the runs and writes nothing (half a debate would mislead):
 * exit 130. The debate modules (Observable Plot, jsdom) load only when the command runs.
 */
import { resolve } from 'node:path';
import { WORKLOAD_SIZES, type WorkloadSize } from '@gclab/bench';
import { type Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import type { DebateData } from '../debate/debate-data.ts';
import { matrixTiming, type TimingOptions, timingOptions } from '../option-parsers.ts';
import { runProgress } from '../run-progress.ts';
import { INTERRUPTED_EXIT_CODE } from './run.ts';

/** Options of `gclab debate`. */
interface DebateOptions extends TimingOptions {
  out: string;
  size: WorkloadSize;
  seed: number;
  progress: boolean;
  verbose?: boolean;
}

/** Adds `debate` to the program. */
export function registerDebateCommand(program: Command): void {
  const [invocations, minTime, maxInvocations] = timingOptions();
  program
    .command('debate')
    .description("test the article's claims on reference counting versus tracing; write Markdown and HTML")
    .option(
      '--out <dir>',
      'directory for debate.md, debate.html, the charts and the results files',
      'out/debate',
    )
    .addOption(
      new Option('--size <size>', 'workload size (small runs in about a minute)')
        .choices([...WORKLOAD_SIZES])
        .default('small'),
    )
    .option('--seed <n>', 'workload seed', integer, 42)
    .addOption(invocations)
    .addOption(minTime)
    .addOption(maxInvocations)
    .option('--no-progress', 'no progress bar')
    .option('--verbose', 'log a line per finished cell on standard error')
    .addHelpText(
      'after',
      [
        '',
        'The claims: 1 memory release to the OS; 2 RC efficiency; 3 cycles; 4 counts on assignment and calls',
        '(getrefcount); 5 globals and del; 6 frees at function end; 7 RC overheads; 8 cascade pauses;',
        '9 modern tracing GC across heap sizes; 10 RC and the GIL (counting without a GIL on real threads:',
        'gclab experiment threads, small preset); 11 prompt finalization.',
        '',
        'Examples:',
        '  $ gclab debate',
        '  $ gclab debate --out debate --size medium',
      ].join('\n'),
    )
    .action(async (options: DebateOptions) => {
      const { runDebateExperiments } = await import('../debate/debate-data.ts');
      const { evaluateClaims } = await import('../debate/claims/index.ts');
      const { DEBATE_FILES, writeDebate } = await import('../debate/debate-report.ts');
      const controller = new AbortController();
      const progress = runProgress(
        options.verbose === true ? 'log' : options.progress && process.stderr.isTTY === true ? 'bar' : 'none',
      );
      const onInterrupt = (): void => {
        if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
        progress.stop();
        process.stderr.write(`${pc.yellow('interrupted')}: stopping; no report is written\n`);
        controller.abort();
      };
      process.on('SIGINT', onInterrupt);
      let data: DebateData;
      try {
        data = await runDebateExperiments({
          size: options.size,
          seed: options.seed,
          timing: matrixTiming(options),
          signal: controller.signal,
          onProgress: (_, event) => progress.update(event),
        });
      } finally {
        progress.stop();
        process.off('SIGINT', onInterrupt);
      }
      if (controller.signal.aborted) {
        process.exitCode = INTERRUPTED_EXIT_CODE;
        return;
      }
      const claims = evaluateClaims(data);
      writeDebate(options.out, data, claims);
      const width = String(claims.length).length;
      const colour = (v: string): string =>
        v === 'supported'
          ? pc.green(v)
          : v === 'refuted'
            ? pc.red(v)
            : v === 'partly supported'
              ? pc.yellow(v)
              : pc.dim(v);
      process.stdout.write(
        [
          ...claims.map(
            (c) => `${String(c.number).padStart(width)}. ${c.claim} ${pc.bold(colour(c.verdict))}`,
          ),
          '',
          `written: ${resolve(options.out, DEBATE_FILES.markdown)}`,
          `         ${resolve(options.out, DEBATE_FILES.html)}`,
          `(runs took ${(data.durationMs / 1000).toFixed(0)} s)`,
          '',
        ].join('\n'),
      );
    });
}

function integer(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected an integer.');
  return n;
}
