/**
 * Timed figures as every report shows them: the median with the half-width of its confidence
 * interval (`12.3 ms ±1.1`), and relative differences marked by the within-spread rule of
 * @gclab/bench (`compareSpreads`): `~` when the difference lies within the spread of the
 * invocations, `?` when a figure had one invocation and so no spread. A marked difference is
 * noise, not a result; the table, Markdown and HTML forms share this module so they mark alike.
 */
import {
  baselineCellOf,
  type CellResult,
  compareSpreads,
  type MatrixResults,
  type Spread,
  type SpreadInterval,
  type SpreadOrder,
} from '@gclab/bench';
import { formatMetric, formatMs, type Metric } from './figures.ts';

/** A cell's figure for display: its text and, for a relative difference, how it stands against its reference. */
export interface FigureText {
  /** `12.3 ms ±1.1`, `~+561%`, `3.2 MiB`. */
  readonly text: string;
  /** For a difference (the overhead against the baseline): the within-spread judgement; else null. */
  readonly order: SpreadOrder | null;
}

/** The mark before a relative difference: none beyond the spread, `~` within it, `?` without one. */
export function spreadMark(order: SpreadOrder | null): string {
  return order === 'within-spread' ? '~' : order === 'no-spread' ? '?' : '';
}

/** Whether a difference so judged is noise (within the spread, or of figures without one). */
export function isNoise(order: SpreadOrder | null): boolean {
  return order === 'within-spread' || order === 'no-spread';
}

/** The legend of spreads and marks, in lines for the foot of a table (joined by a space elsewhere). */
export const SPREAD_LEGEND: readonly string[] = [
  'times: median ± half-width of its 95% confidence interval over the timed invocations (their range',
  'below 6); ~ a difference within that spread (the intervals overlap: noise, not a result); ? a',
  'difference of a figure with one invocation (no spread).',
];

/**
 * The timed invocations of a run: `7-30 timed invocations a cell (at least 5, until 200 ms, at
 * most 30) after 1 warm-up`, or `3 timed invocations a cell after 1 warm-up` for a fixed count.
 */
export function invocationsText(results: MatrixResults): string {
  const o = results.options;
  const counts = results.cells.filter((c) => c.status === 'ok').map((c) => c.invocations);
  const warm = `after ${o.warmup} warm-up`;
  if ((o.minTimedMs ?? 0) === 0 || counts.length === 0) {
    return `${o.invocations} timed invocation${o.invocations === 1 ? '' : 's'} a cell ${warm}`;
  }
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  const range = lo === hi ? String(lo) : `${lo}-${hi}`;
  const most = o.maxInvocations === undefined ? '' : `, at most ${o.maxInvocations}`;
  return `${range} timed invocations a cell (at least ${o.invocations}, until ${o.minTimedMs} ms${most}) ${warm}`;
}

/** The larger distance from a spread's median to a bound of its interval. */
export function halfWidth(s: Spread): number {
  return Math.max(s.median - s.lo, s.hi - s.median);
}

/** A number with two significant digits (integers from 10 on): `1.1`, `0.043`, `13`. */
function twoDigits(x: number): string {
  return x >= 10 ? Math.round(x).toString() : Number(x.toPrecision(2)).toString();
}

/**
 * A measured figure with its spread: `12.3 ms ±1.1` (the half-width in the median's unit), `171 µs
 * ±8.2 ms` when the half-width needs a larger unit; the median alone for a single invocation or
 * when every invocation gave the same value.
 */
export function formatWithSpread(m: Metric, s: Spread): string {
  const text = formatMetric(m, s.median);
  const half = halfWidth(s);
  if (s.n < 2 || !(half > 0)) return text;
  if (m.unit !== 'ms') return `${text} ±${twoDigits(half)}`;
  const unit = (ms: number): string => formatMs(ms).replace(/^[\d.]+ ?/, '');
  if (s.median === 0 || unit(half) !== unit(s.median))
    return `${text} ±${formatMs(Number(half.toPrecision(2)))}`;
  const scale = s.median < 1 ? 1000 : s.median < 1000 ? 1 : 1 / 1000;
  return `${text} ±${twoDigits(half * scale)}`;
}

/**
 * The spread that judges metric `m` of cell `r` against another cell's: its own, or for the
 * overhead against the baseline (one baseline per program) the wall time's. Null for figures
 * without one (deterministic figures, failed cells).
 */
export function judgingSpread(m: Metric, r: CellResult): Spread | null {
  if (m.key === 'overheadVsNoGc') return r.summary?.wallMs ?? null;
  return m.spread?.(r) ?? null;
}

/**
 * How cell `r`'s wall time stands against its baseline cell's (in `cells`), by the within-spread
 * rule: null when there is no baseline cell or `r` is one.
 */
export function overheadOrder(
  cells: readonly CellResult[],
  r: CellResult,
  baseline: string | null,
): SpreadOrder | null {
  const base = baselineCellOf(cells, r, baseline);
  if (base === undefined || base === r || r.summary === null || base.summary === null) return null;
  return compareSpreads(r.summary.wallMs, base.summary.wallMs);
}

/** The text of metric `m` for cell `r`, with its spread or its within-spread mark. */
export function figureText(
  m: Metric,
  r: CellResult,
  cells: readonly CellResult[],
  baseline: string | null,
): FigureText {
  if (m.key === 'overheadVsNoGc') {
    const v = m.value(r);
    const order = v === null ? null : overheadOrder(cells, r, baseline);
    return { text: `${spreadMark(order)}${formatMetric(m, v)}`, order };
  }
  const s = m.spread?.(r) ?? null;
  return { text: s === null ? formatMetric(m, m.value(r)) : formatWithSpread(m, s), order: null };
}

/**
 * Whether `best` (an interval of the best value of a column) is better than every other interval
 * in `others` beyond the spread, in the metric's direction: only then is a best value marked.
 */
export function bestBeyondSpread(
  m: Metric,
  best: SpreadInterval,
  others: readonly SpreadInterval[],
): boolean {
  const want = m.better === 'lower' ? 'lower' : 'higher';
  return others.every((o) => compareSpreads(best, o) === want);
}
