/**
 * Writing the HTML report to a file. The renderer (Observable Plot and jsdom, about a second to
 * load) is imported only when a report is asked for, so commands that print tables start fast.
 */
import { type MatrixResults, writeFileAtomic } from '@gclab/bench';
import type { HtmlReportOptions } from './html-report.ts';

/** Renders the HTML report of `results` and writes it to `file` atomically. */
export async function writeHtmlReport(
  file: string,
  results: MatrixResults,
  options: HtmlReportOptions = {},
): Promise<void> {
  const { renderHtmlReport } = await import('./html-report.ts');
  writeFileAtomic(file, renderHtmlReport(results, options));
}
