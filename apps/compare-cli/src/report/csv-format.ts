/**
 * The CSV form of a results file (`--format csv`): one row per cell, one column per metric of the
 * catalogue in raw units (milliseconds, bytes, counts, ratios), so a spreadsheet or pandas reads
 * it without parsing units. Measured metrics also give their spread: min and max over the timed
 * invocations, and lo and hi, the median's confidence interval (`Spread`); the overhead says how it
 * stands against the baseline by the within-spread rule (`overheadVsNoGcJudgement`: lower, higher,
 * within-spread or no-spread; empty without a baseline). Quoting follows RFC 4180.
 */
import type { MatrixResults } from '@gclab/bench';
import { formatHeapSpec } from '@gclab/bench';
import { METRICS } from './figures.ts';
import { overheadOrder } from './timed-figures.ts';

/** The CSV header fields, in order. */
export function csvHeader(): string[] {
  const fields = ['workload', 'size', 'seed', 'collector', 'heap', 'heapLimitBytes', 'status', 'invocations'];
  for (const m of METRICS) {
    fields.push(m.key);
    if (m.spread !== undefined) fields.push(`${m.key}Min`, `${m.key}Max`, `${m.key}Lo`, `${m.key}Hi`);
    if (m.key === 'overheadVsNoGc') fields.push('overheadVsNoGcJudgement');
  }
  fields.push('baseline', 'message');
  return fields;
}

/** The CSV form of `results`, with a header line. */
export function formatCsv(results: MatrixResults): string {
  const lines = [csvHeader().join(',')];
  for (const r of results.cells) {
    const fields: Array<string | number | null> = [
      r.cell.workload,
      r.cell.size,
      r.cell.seed,
      r.cell.collector,
      formatHeapSpec(r.cell.heap),
      r.heapLimitBytes,
      r.status,
      r.invocations,
    ];
    for (const m of METRICS) {
      fields.push(m.value(r));
      if (m.spread !== undefined) {
        const s = m.spread(r);
        fields.push(s?.min ?? null, s?.max ?? null, s?.lo ?? null, s?.hi ?? null);
      }
      if (m.key === 'overheadVsNoGc') fields.push(overheadOrder(results.cells, r, results.options.baseline));
    }
    fields.push(r.baseline === true ? 'true' : 'false', r.message ?? null);
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** One CSV field: empty for null, quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
