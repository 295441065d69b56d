/**
 * `gclab verify --coverage`: the shapes each collector's campaign reached, as a table of programs
 * per shape (one column a collector).
 */

import { COVERAGE_SHAPES, type VerifyResult } from '@gclab/verify';

/** The coverage of the results as a text table: a row per shape, a column per collector. */
export function coverageTable(results: readonly VerifyResult[]): string {
  const labelWidth = Math.max(...COVERAGE_SHAPES.map((s) => s.label.length), 'shape'.length);
  const widths = results.map((r) => Math.max(r.collector.length, 5));
  const row = (label: string, cells: readonly string[]): string =>
    `  ${label.padEnd(labelWidth)}  ${cells.map((c, i) => c.padStart(widths[i]!)).join('  ')}\n`;
  let text = `coverage (programs that reached each shape)\n${row(
    'shape',
    results.map((r) => r.collector),
  )}`;
  for (const s of COVERAGE_SHAPES)
    text += row(
      s.label,
      results.map((r) => String(r.coverage[s.shape])),
    );
  return text;
}
