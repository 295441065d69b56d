/**
 * Writing the HTML report to a file. The renderer (Observable Plot and jsdom, about a second to
 * load) is imported only when a report is asked for, so commands that print tables start fast.
 */
import { type MatrixResults, writeFileAtomic } from '@gclab/bench';
import type { HtmlReportOptions } from './html-report.ts';

let renderer: Promise<typeof import('./html-report.ts')> | undefined;

/**
 * Loads the renderer. `gclab run --html` calls it before the run starts: after a Ctrl-C the signal
 * has also stopped tsx's compiler service (same process group), so no module can be loaded then.
 */
export function loadHtmlRenderer(): Promise<typeof import('./html-report.ts')> {
  renderer ??= import('./html-report.ts');
  return renderer;
}

/** Renders the HTML report of `results` and writes it to `file` atomically. */
export async function writeHtmlReport(
  file: string,
  results: MatrixResults,
  options: HtmlReportOptions = {},
): Promise<void> {
  const { renderHtmlReport } = await loadHtmlRenderer();
  writeFileAtomic(file, renderHtmlReport(results, options));
}
