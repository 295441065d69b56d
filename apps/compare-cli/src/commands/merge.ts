/**
 * `gclab merge FILES...`: one results file from the shards of a run (`gclab run --shard I/N`) or
 * from compatible runs; the rules are in `report/merge.ts`. The merged results can be printed in
 * any format and rendered as the HTML report.
 */
import { writeResults } from '@gclab/bench';
import { type Command, Option } from 'commander';
import { checkOutputFiles } from '../output.ts';
import { formatResults, OUTPUT_FORMATS, type OutputFormat } from '../report/format.ts';
import { mergeResults } from '../report/merge.ts';
import { readResultsInput } from '../report/results-input.ts';
import { writeHtmlReport } from '../report/write-html.ts';

/** Options of `gclab merge`. */
interface MergeOptions {
  out?: string;
  format?: OutputFormat;
  html?: string;
}

/** Adds `merge` to the program. */
export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('merge results files (the shards of a run) into one')
    .argument('<files...>', 'results files, e.g. the shards written by gclab run --shard I/N --out FILE')
    .option('--out <file>', 'write the merged results (JSON) to FILE')
    .addOption(
      new Option(
        '--format <format>',
        'print the merged results (default: table, or nothing with --out)',
      ).choices(OUTPUT_FORMATS),
    )
    .option('--html <file>', 'also write the HTML report of the merged results')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab run --shard 1/2 --format json --out shard-1.json   # on one machine or CI job',
        '  $ gclab run --shard 2/2 --format json --out shard-2.json   # on another',
        '  $ gclab merge shard-1.json shard-2.json --out all.json --html report.html',
      ].join('\n'),
    )
    .action(async (files: string[], options: MergeOptions) => {
      checkOutputFiles({ '--out': options.out, '--html': options.html });
      const merged = mergeResults(files.map((file) => ({ file, results: readResultsInput(file) })));
      if (options.out !== undefined) writeResults(options.out, merged);
      if (options.html !== undefined) await writeHtmlReport(options.html, merged);
      const format = options.format ?? (options.out === undefined ? 'table' : undefined);
      if (format !== undefined) process.stdout.write(formatResults(merged, format));
    });
}
