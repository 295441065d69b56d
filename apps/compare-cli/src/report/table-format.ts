/**
 * The terminal form of a results file (`--format table`, the default): a line of provenance, then a
 * table per program (workload, size, seed) with a row per collector and heap size. The best value
 * of each column is shown in bold green when colours are on (picocolors honours NO_COLOR and
 * FORCE_COLOR, and colours only terminals); a timed figure is best only when it is better than
 * every other beyond the spread of the invocations. Timed figures carry their spread (`12.3 ms
 * ±1.1`) and the overhead against the baseline is marked (`~`, dimmed) when it lies within it
 * (`timed-figures.ts`). Cells that ran out of memory or failed say so across their row; failure
 * messages follow the table.
 */
import type { CellResult, MatrixResults } from '@gclab/bench';
import Table from 'cli-table3';
import pc from 'picocolors';
import { formatCompactBytes, heapLabel, METRICS, type Metric } from './figures.ts';
import { hasSeveralHeaps, programGroups } from './groups.ts';
import {
  bestBeyondSpread,
  figureText,
  invocationsText,
  isNoise,
  judgingSpread,
  SPREAD_LEGEND,
} from './timed-figures.ts';

/** The metrics of the terminal table, in order (the others are in CSV, Markdown and JSON). */
export const TABLE_METRIC_KEYS: readonly string[] = [
  'wallMs',
  'overheadVsNoGc',
  'pauseP50Ms',
  'pauseP99Ms',
  'pauseMaxMs',
  'mmu10ms',
  'peakReservedBytes',
  'leakedBytes',
  'peakGarbageBytes',
  'rcOps',
  'objectsTraced',
];

/** Column headers on two lines, to keep tables narrow. */
const HEADERS: Record<string, string> = {
  wallMs: 'time',
  overheadVsNoGc: 'vs\nno-gc',
  pauseP50Ms: 'pause\np50',
  pauseP99Ms: 'pause\np99',
  pauseMaxMs: 'pause\nmax',
  mmu10ms: 'MMU\n10ms',
  peakReservedBytes: 'peak\nreserved',
  leakedBytes: 'leaked',
  peakGarbageBytes: 'garbage\npeak',
  rcOps: 'RC ops',
  objectsTraced: 'objects\ntraced',
};

/** Options of the table format. */
export interface TableFormatOptions {
  /** Colours (default: picocolors' decision for this process). */
  color?: boolean;
}

/** The table form of `results`. */
export function formatTable(results: MatrixResults, options: TableFormatOptions = {}): string {
  const c = pc.createColors(options.color ?? pc.isColorSupported);
  const metrics = TABLE_METRIC_KEYS.map((k) => METRICS.find((m) => m.key === k)!);
  const out: string[] = [provenanceLine(results)];
  if (results.interrupted) out.push(c.yellow('interrupted: only the cells that completed are shown'));
  for (const group of programGroups(results)) {
    const heaps = hasSeveralHeaps(group.cells);
    const head = ['collector', ...(heaps ? ['heap'] : []), ...metrics.map((m) => HEADERS[m.key] ?? m.label)];
    const table = new Table({
      head: head.map((h) =>
        h
          .split('\n')
          .map((line) => c.bold(line))
          .join('\n'),
      ),
      style: { head: [], border: [], compact: true },
      colAligns: ['left', ...(heaps ? (['left'] as const) : []), ...metrics.map(() => 'right' as const)],
    });
    const baseline = results.options.baseline;
    const best = bestValues(group.cells, metrics, baseline);
    const failures: string[] = [];
    for (const r of group.cells) {
      const name = r.baseline === true ? `${r.cell.collector} ${c.dim('(baseline)')}` : r.cell.collector;
      const lead = [c.cyan(name), ...(heaps ? [heapLabel(r)] : [])];
      if (r.status !== 'ok') {
        const what = r.status === 'oom' ? c.yellow('out of memory') : c.red('error');
        const limit =
          r.status === 'oom' && r.heapLimitBytes !== null
            ? ` (heap limit ${formatCompactBytes(r.heapLimitBytes)})`
            : '';
        table.push([...lead, { colSpan: metrics.length, hAlign: 'left', content: `${what}${limit}` }]);
        if (r.status === 'error' && r.message !== undefined) {
          failures.push(`${r.cell.collector}: ${firstLine(r.message)}`);
        }
        continue;
      }
      table.push([
        ...lead,
        ...metrics.map((m, i) => {
          const v = m.value(r);
          const { text, order } = figureText(m, r, results.cells, baseline);
          if (v !== null && v === best[i] && !isBaselineCell(r, baseline)) return c.bold(c.green(text));
          return isNoise(order) ? c.dim(text) : text;
        }),
      ]);
    }
    out.push('', c.bold(group.title), table.toString());
    for (const f of failures) out.push(c.red(f));
  }
  out.push('', c.dim(legend()));
  return `${out.join('\n')}\n`;
}

/** One line: when, where and how the results were made. */
export function provenanceLine(r: MatrixResults): string {
  const o = r.options;
  const cells = r.cells.length;
  return [
    `${cells} cell${cells === 1 ? '' : 's'}`,
    `size ${o.sizes.join(',')}`,
    `seed ${o.seeds.join(',')}`,
    `heap ${o.heaps.join(',')}`,
    invocationsText(r),
    `${(r.durationMs / 1000).toFixed(1)} s`,
    `${r.machine.cpus} CPU ${r.machine.cpuModel}`,
    `Node ${r.node}`,
    r.gitCommit === null ? 'no git commit' : `commit ${r.gitCommit.slice(0, 10)}`,
  ].join(' · ');
}

/** Whether `r` is a cell of the baseline collector (never marked best). */
export function isBaselineCell(r: CellResult, baseline: string | null): boolean {
  return r.baseline === true || r.cell.collector === baseline;
}

/**
 * The best value of each metric among the ok cells (null when fewer than two have one). The
 * baseline is left out: never collecting trivially wins on pauses and collector time. A timed
 * figure is best only when it beats every other beyond the spread of the invocations
 * (`bestBeyondSpread`); otherwise its column has no best (null).
 */
export function bestValues(
  cells: readonly CellResult[],
  metrics: readonly Metric[],
  baseline: string | null,
): Array<number | null> {
  return metrics.map((m) => {
    let best: CellResult | null = null;
    let bestValue = 0;
    const candidates: CellResult[] = [];
    for (const r of cells) {
      if (r.status !== 'ok' || isBaselineCell(r, baseline)) continue;
      const v = m.value(r);
      if (v === null) continue;
      candidates.push(r);
      if (best === null || (m.better === 'lower' ? v < bestValue : v > bestValue)) {
        best = r;
        bestValue = v;
      }
    }
    if (best === null || candidates.length < 2) return null;
    if (m.deterministic) return bestValue;
    const own = judgingSpread(m, best);
    const others = candidates.filter((r) => r !== best).map((r) => judgingSpread(m, r));
    if (own === null || others.some((o) => o === null)) return null;
    return bestBeyondSpread(m, own, others as NonNullable<(typeof others)[number]>[]) ? bestValue : null;
  });
}

function legend(): string {
  return [
    'time: median wall time of the workload; vs no-gc: time over the no-gc baseline, minus 1;',
    ...SPREAD_LEGEND,
    'pause p50/p99/max: pause durations (a refcount cascade freeing 2+ objects is a pause; a single',
    'free is not); MMU 10ms: minimum mutator utilization over 10 ms windows; peak reserved: most',
    'memory mapped from the simulated OS;',
    'leaked: unreachable bytes never freed (after a final collection); garbage peak: most unreachable',
    'unfreed bytes at any sample (— when not sampled); RC ops: count increments plus decrements.',
  ].join('\n');
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}
