/**
 * A figure of `npm run perf`: what gclab measured, the anchor it is measured beside (V8, CPython, the
 * bare loop), the judged quantity (usually the ratio gclab / anchor, paired run by run) with its
 * median, minimum and maximum, the target and a pass/fail mark. A figure that could not be measured
 * keeps its target and says why (`pass` null, `note`).
 */

/** Median and extremes of repeated runs, with the runs themselves. */
export interface RunSummary {
  /** The measurements, in the order they were made. */
  runs: number[];
  /** The median (the mean of the two middle values for an even count). */
  median: number;
  /** The smallest run. */
  min: number;
  /** The largest run. */
  max: number;
}

/** Median and extremes of `runs` (at least one). */
export function summarize(runs: readonly number[]): RunSummary {
  if (runs.length === 0) throw new RangeError('a summary needs at least one run');
  const sorted = Float64Array.from(runs).sort();
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { runs: [...runs], median, min: sorted[0]!, max: sorted[n - 1]! };
}

/** Run-by-run ratios `a[i] / b[i]` of runs made alternately (so machine drift cancels). */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length)
    throw new RangeError(`paired runs differ in number: ${a.length} and ${b.length}`);
  return a.map((x, i) => x / b[i]!);
}

/** A measured quantity: a name, a unit and its runs. */
export interface Measured {
  /** What was measured, e.g. 'gclab mark-sweep' or 'V8 gc()'. */
  name: string;
  /** Unit of the runs, e.g. 'ms' or 'B/object'. */
  unit: string;
  /** The runs. */
  summary: RunSummary;
}

/** One figure of the perf report. */
export interface PerfFigure {
  /** Figure number in the issue (1-7). */
  id: number;
  /** Stable key, e.g. 'full-collection-1M'. */
  key: string;
  /** What the figure is. */
  title: string;
  /** gclab's measurement (null when not measurable). */
  gclab: Measured | null;
  /** The anchor beside it (null for figures with no anchor, or not measurable). */
  anchor: Measured | null;
  /** The judged quantity (the paired ratio, or gclab's value itself); null when not measurable. */
  judged: Measured | null;
  /** The judged median must be at most this. */
  target: number;
  /** The target as text, e.g. 'ratio <= 0.35'. */
  targetText: string;
  /** Whether the judged median meets the target; null when not measurable. */
  pass: boolean | null;
  /** Why the figure is not measurable, or a remark. */
  note?: string;
}

/** Builds a figure whose judged quantity must be at most `target`. */
export function figure(fields: {
  id: number;
  key: string;
  title: string;
  gclab: Measured | null;
  anchor?: Measured | null;
  judged: Measured | null;
  target: number;
  targetText: string;
  note?: string;
}): PerfFigure {
  const judged = fields.judged;
  const out: PerfFigure = {
    id: fields.id,
    key: fields.key,
    title: fields.title,
    gclab: fields.gclab,
    anchor: fields.anchor ?? null,
    judged,
    target: fields.target,
    targetText: fields.targetText,
    pass: judged === null ? null : judged.summary.median <= fields.target,
  };
  if (fields.note !== undefined) out.note = fields.note;
  return out;
}

/** A figure that could not be measured, with the reason. */
export function unmeasured(
  fields: { id: number; key: string; title: string; target: number; targetText: string },
  reason: string,
): PerfFigure {
  return { ...fields, gclab: null, anchor: null, judged: null, pass: null, note: reason };
}

/** `median [min - max] unit` with a precision suited to the magnitude. */
export function formatMeasured(m: Measured | null): string {
  if (m === null) return '-';
  const s = m.summary;
  return `${formatNumber(s.median)} [${formatNumber(s.min)} - ${formatNumber(s.max)}] ${m.unit}`.trimEnd();
}

/** A number with 3 significant digits (no exponent below 1e6). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

/** The pass/fail mark of a figure. */
export function passMark(f: PerfFigure): string {
  if (f.pass === null) return 'not measured';
  return f.pass ? 'PASS' : 'FAIL';
}
