/**
 * `--format table|json|csv|md`: the text forms of a results file, chosen by name.
 */
import type { MatrixResults } from '@gclab/bench';
import { formatCsv } from './csv-format.ts';
import { formatMarkdown } from './markdown-format.ts';
import { formatTable } from './table-format.ts';

/** The output formats, in the order help lists them. */
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'md'] as const;

/** An output format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Whether `text` names an output format. */
export function isOutputFormat(text: string): text is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(text);
}

/** `results` in `format`; `color` applies to the table only. */
export function formatResults(results: MatrixResults, format: OutputFormat, color?: boolean): string {
  switch (format) {
    case 'table':
      return formatTable(results, color === undefined ? {} : { color });
    case 'json':
      return `${JSON.stringify(results, null, 2)}\n`;
    case 'csv':
      return formatCsv(results);
    case 'md':
      return formatMarkdown(results);
  }
}
