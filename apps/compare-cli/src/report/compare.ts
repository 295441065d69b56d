/**
 * `gclab compare OLD.json NEW.json`: the differences between two results files, cell by cell
 * (cells match by workload, size, seed, collector and heap), with regressions and improvements
 * marked.
 *
 * How a change is judged:
 * - Deterministic figures (counts and bytes of the simulated machine) are compared exactly: they
 *   are identical on every run of the same program, so any difference is a real change: better or
 *   worse by the metric's direction. The whole deterministic record of each cell is compared too;
 *   differences outside the catalogue (a counter, frees by operation) are listed as `changed`.
 * - Measured figures (wall-clock) are noisy. A change counts only when it lies beyond the spread
 *   of both runs by the within-spread rule of @gclab/bench (`compareSpreads`: the medians' 95%
 *   confidence intervals do not overlap; older files' intervals are their ranges), and also beyond
 *   a floor of `threshold` (default 5%) of the old value. When a run had one invocation (no spread),
 *   the floor alone judges, with a warning. Otherwise it is `within noise`.
 * - A cell that completed in OLD and ran out of memory or failed in NEW is a regression; the
 *   reverse an improvement.
 *
 * NOTE: a worked example. Old time median 100 ms, interval [95, 108]; new 120 ms over [110, 125]:
 * the intervals are disjoint and |20| > 5 ms, so a regression. New 110 ms over [96, 118]: the
 * intervals overlap, within noise, as the tables mark it with `~`.
 */
import type { CellResult, MatrixResults, Spread } from '@gclab/bench';
import { compareSpreads, formatHeapSpec } from '@gclab/bench';
import { cellKey, METRICS, type Metric } from './figures.ts';

/** How one figure changed. */
export type Verdict = 'regression' | 'improvement' | 'within-noise' | 'same' | 'changed';

/** One figure of one cell in both files. */
export interface FigureChange {
  /** Metric key (`wallMs`) or, for other deterministic figures, their path (`counters.pointerStores`). */
  metric: string;
  /** Label for tables. */
  label: string;
  /** Whether the figure is deterministic (compared exactly). */
  deterministic: boolean;
  /** Old value (null when absent). */
  old: number | null;
  /** New value. */
  new: number | null;
  /** (new - old) / |old| (null when either is absent or old is 0). */
  relative: number | null;
  /** The floor a measured change had to exceed besides the spread (null for deterministic figures). */
  noise: number | null;
  /** The old and new spreads of a measured figure (null for deterministic figures). */
  oldSpread: Spread | null;
  newSpread: Spread | null;
  /** The judgement. */
  verdict: Verdict;
}

/** One cell in both files. */
export interface CellComparison {
  /** `workload|size|seed|collector|heap`. */
  key: string;
  workload: string;
  size: string;
  seed: number;
  collector: string;
  heap: string;
  oldStatus: CellResult['status'];
  newStatus: CellResult['status'];
  /** Verdict on the status (`same` when both are equal). */
  statusVerdict: Verdict;
  /** Every figure compared. */
  changes: FigureChange[];
}

/** The comparison of two results files. */
export interface Comparison {
  old: { file: string; timestamp: string; gitCommit: string | null };
  new: { file: string; timestamp: string; gitCommit: string | null };
  /** The relative noise floor used. */
  threshold: number;
  /** Cells present in both. */
  cells: CellComparison[];
  /** Keys of cells only in OLD, and only in NEW. */
  onlyInOld: string[];
  onlyInNew: string[];
  /** Totals over every cell and figure (status changes included). */
  counts: Record<Verdict, number>;
  /** Differences in how the runs were made that make timings less comparable. */
  warnings: string[];
}

/** Options of `compareResults`. */
export interface CompareOptions {
  /** Relative noise floor for measured figures (default 0.05). */
  threshold?: number;
  /** File names, for the report. */
  oldFile?: string;
  newFile?: string;
}

/** Compares two results files (see the file comment for the rules). */
export function compareResults(
  oldResults: MatrixResults,
  newResults: MatrixResults,
  options: CompareOptions = {},
): Comparison {
  const threshold = options.threshold ?? 0.05;
  const oldCells = new Map(oldResults.cells.map((r) => [cellKey(r), r]));
  const newCells = new Map(newResults.cells.map((r) => [cellKey(r), r]));
  const counts: Record<Verdict, number> = {
    regression: 0,
    improvement: 0,
    'within-noise': 0,
    same: 0,
    changed: 0,
  };
  const cells: CellComparison[] = [];
  for (const [key, o] of oldCells) {
    const n = newCells.get(key);
    if (n === undefined) continue;
    const statusVerdict = judgeStatus(o, n);
    counts[statusVerdict]++;
    const changes = o.status === 'ok' && n.status === 'ok' ? compareCell(o, n, threshold) : [];
    for (const c of changes) counts[c.verdict]++;
    cells.push({
      key,
      workload: o.cell.workload,
      size: o.cell.size,
      seed: o.cell.seed,
      collector: o.cell.collector,
      heap: formatHeapSpec(o.cell.heap),
      oldStatus: o.status,
      newStatus: n.status,
      statusVerdict,
      changes,
    });
  }
  return {
    old: { file: options.oldFile ?? 'OLD', timestamp: oldResults.timestamp, gitCommit: oldResults.gitCommit },
    new: { file: options.newFile ?? 'NEW', timestamp: newResults.timestamp, gitCommit: newResults.gitCommit },
    threshold,
    cells,
    onlyInOld: [...oldCells.keys()].filter((k) => !newCells.has(k)),
    onlyInNew: [...newCells.keys()].filter((k) => !oldCells.has(k)),
    counts,
    warnings: runWarnings(oldResults, newResults),
  };
}

function judgeStatus(o: CellResult, n: CellResult): Verdict {
  if (o.status === n.status) return 'same';
  if (o.status === 'ok') return 'regression';
  if (n.status === 'ok') return 'improvement';
  return 'changed';
}

/** The figure changes of two ok cells. */
export function compareCell(o: CellResult, n: CellResult, threshold: number): FigureChange[] {
  const out: FigureChange[] = [];
  for (const m of METRICS) {
    if (!m.deterministic && m.spread === undefined) continue; // derived figures (overhead) are not judged
    out.push(compareMetric(m, o, n, threshold));
  }
  // Deterministic figures outside the catalogue, compared exactly.
  const covered = new Set(METRICS.flatMap((m) => m.paths ?? []));
  for (const d of leafDifferences(o.deterministic, n.deterministic, '')) {
    if (covered.has(d.path)) continue;
    out.push({
      metric: d.path,
      label: d.path,
      deterministic: true,
      old: typeof d.old === 'number' ? d.old : null,
      new: typeof d.new === 'number' ? d.new : null,
      relative: relative(d.old, d.new),
      noise: null,
      oldSpread: null,
      newSpread: null,
      verdict: 'changed',
    });
  }
  return out;
}

function compareMetric(m: Metric, o: CellResult, n: CellResult, threshold: number): FigureChange {
  const a = m.value(o);
  const b = m.value(n);
  const base = {
    metric: m.key,
    label: m.label,
    deterministic: m.deterministic,
    old: a,
    new: b,
    relative: relative(a, b),
  };
  const so = m.deterministic ? null : (m.spread?.(o) ?? null);
  const sn = m.deterministic ? null : (m.spread?.(n) ?? null);
  const spreads = { oldSpread: so, newSpread: sn };
  if (a === null || b === null) {
    return { ...base, noise: null, ...spreads, verdict: a === b ? 'same' : 'changed' };
  }
  if (m.deterministic) {
    return { ...base, noise: null, ...spreads, verdict: a === b ? 'same' : direction(m, b - a) };
  }
  const noise = threshold * Math.abs(a);
  const delta = b - a;
  if (delta === 0) return { ...base, noise, ...spreads, verdict: 'same' };
  const order = so === null || sn === null ? 'no-spread' : compareSpreads(sn, so);
  const beyond = order !== 'within-spread' && Math.abs(delta) > noise;
  return { ...base, noise, ...spreads, verdict: beyond ? direction(m, delta) : 'within-noise' };
}

function direction(m: Metric, delta: number): Verdict {
  const worse = m.better === 'lower' ? delta > 0 : delta < 0;
  return worse ? 'regression' : 'improvement';
}

function relative(a: unknown, b: unknown): number | null {
  if (typeof a !== 'number' || typeof b !== 'number' || a === 0) return null;
  return (b - a) / Math.abs(a);
}

/** Every leaf path at which two JSON-like values differ. */
export function leafDifferences(
  a: unknown,
  b: unknown,
  path: string,
): Array<{ path: string; old: unknown; new: unknown }> {
  if (Object.is(a, b)) return [];
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const out: Array<{ path: string; old: unknown; new: unknown }> = [];
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      out.push(
        ...leafDifferences(
          (a as Record<string, unknown>)[key],
          (b as Record<string, unknown>)[key],
          path === '' ? key : `${path}.${key}`,
        ),
      );
    }
    return out;
  }
  return [{ path: path === '' ? 'value' : path, old: a, new: b }];
}

function runWarnings(a: MatrixResults, b: MatrixResults): string[] {
  const out: string[] = [];
  if (a.machine.cpuModel !== b.machine.cpuModel || a.machine.cpus !== b.machine.cpus) {
    out.push(
      `different machines (${a.machine.cpus} CPU ${a.machine.cpuModel} vs ${b.machine.cpus} CPU ${b.machine.cpuModel}): timings compare poorly`,
    );
  }
  if (a.node !== b.node) out.push(`different Node versions (${a.node} vs ${b.node})`);
  if (a.options.invocations === 1 || b.options.invocations === 1) {
    out.push(
      'a run had one invocation per cell (no spread): measured changes are judged by the noise floor alone',
    );
  }
  return out;
}
