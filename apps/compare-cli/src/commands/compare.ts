/**
 * `gclab compare OLD.json NEW.json`: what changed between two results files, with regressions and
 * improvements marked (noise-aware for wall-clock figures, exact for deterministic ones; the rules
 * are in `report/compare.ts`).
 */
import { writeFileAtomic } from '@gclab/bench';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ExitCode } from '../exit-codes.ts';
import { checkOutputFiles } from '../output.ts';
import { compareResults } from '../report/compare.ts';
import { formatComparisonMarkdown, formatComparisonTable } from '../report/compare-format.ts';
import { readResultsInput } from '../report/results-input.ts';

/** Options of `gclab compare`, as commander parses them. */
interface CompareOptions {
  format: 'table' | 'json' | 'md';
  threshold: number;
  all?: boolean;
  out?: string;
  failOnRegression?: boolean;
}

/** Adds `compare` to the program. */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare two results files: regressions and improvements, noise-aware')
    .argument('<old>', 'results file of the reference run (gclab run --format json --out FILE)')
    .argument('<new>', 'results file of the run to judge')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'md']).default('table'),
    )
    .option(
      '--threshold <fraction>',
      'noise floor for measured figures, as a fraction of the old value',
      parseThreshold,
      0.05,
    )
    .option('--all', 'list every figure, unchanged and within-noise ones included')
    .option('--out <file>', 'write the comparison to FILE instead of standard output')
    .option('--fail-on-regression', 'exit with code 1 when any figure regressed (for CI)')
    .addHelpText(
      'after',
      [
        '',
        'A measured (wall-clock) figure counts as changed only when the difference exceeds the spread',
        '(max - min over the timed invocations) of both runs and the threshold; deterministic figures',
        '(bytes, counts) compare exactly.',
        '',
        'Examples:',
        '  $ gclab compare main.json branch.json',
        '  $ gclab compare main.json branch.json --format md --out comparison.md',
        '  $ gclab compare main.json branch.json --fail-on-regression',
      ].join('\n'),
    )
    .action((oldFile: string, newFile: string, options: CompareOptions) => {
      checkOutputFiles({ '--out': options.out });
      const comparison = compareResults(readResultsInput(oldFile), readResultsInput(newFile), {
        threshold: options.threshold,
        oldFile,
        newFile,
      });
      const all = options.all === true;
      const text =
        options.format === 'json'
          ? `${JSON.stringify(comparison, null, 2)}\n`
          : options.format === 'md'
            ? formatComparisonMarkdown(comparison, { all })
            : formatComparisonTable(comparison, {
                all,
                ...(options.out === undefined ? {} : { color: false }),
              });
      if (options.out === undefined) process.stdout.write(text);
      else writeFileAtomic(options.out, text);
      if (options.failOnRegression === true && comparison.counts.regression > 0)
        process.exitCode = ExitCode.failure;
    });
}

function parseThreshold(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value < 10)) {
    throw new InvalidArgumentError('expected a fraction such as 0.05 (5%).');
  }
  return value;
}
