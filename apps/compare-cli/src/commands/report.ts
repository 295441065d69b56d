/**
 * `gclab report FILE`: a results file shown again, as a table, CSV, Markdown or the HTML report,
 * without running anything (for results made elsewhere, e.g. by CI).
 */
import { writeFileAtomic } from '@gclab/bench';
import { type Command, Option } from 'commander';
import { checkOutputFiles } from '../output.ts';
import { formatResults, OUTPUT_FORMATS, type OutputFormat } from '../report/format.ts';
import { readResultsInput } from '../report/results-input.ts';
import { writeHtmlReport } from '../report/write-html.ts';

/** Options of `gclab report`. */
interface ReportOptions {
  format?: OutputFormat;
  html?: string;
  out?: string;
}

/** Adds `report` to the program. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('show a results file again: a table, CSV, Markdown, or the HTML report')
    .argument('<file>', 'results file (gclab run --format json --out FILE)')
    .addOption(
      new Option('--format <format>', 'print the results (default: table, or nothing with --html)').choices(
        OUTPUT_FORMATS,
      ),
    )
    .option('--out <file>', 'write the --format output to FILE instead of standard output')
    .option('--html <file>', 'write the HTML report (self-contained, charts included) to FILE')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab report results.json',
        '  $ gclab report results.json --html report.html',
      ].join('\n'),
    )
    .action(async (file: string, options: ReportOptions) => {
      checkOutputFiles({ '--out': options.out, '--html': options.html });
      const results = readResultsInput(file);
      if (options.html !== undefined) await writeHtmlReport(options.html, results);
      const format = options.format ?? (options.html === undefined ? 'table' : undefined);
      if (format === undefined) return;
      const text = formatResults(results, format, options.out === undefined ? undefined : false);
      if (options.out === undefined) process.stdout.write(text);
      else writeFileAtomic(options.out, text);
    });
}
