import { type CellResult, type MatrixResults, spread } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { compareCell, compareResults, leafDifferences } from '../../src/report/compare.ts';
import {
  comparisonSummary,
  formatComparisonMarkdown,
  formatComparisonTable,
} from '../../src/report/compare-format.ts';
import { loadResultsFixture } from './fixture.ts';

/** A copy of `r` whose wall time has the given invocations. */
function withWall(r: CellResult, values: number[]): CellResult {
  const copy = structuredClone(r);
  copy.summary!.wallMs = spread(values);
  copy.wallMs = values;
  return copy;
}

function cellOf(results: MatrixResults, workload: string, collector: string): CellResult {
  return results.cells.find((c) => c.cell.workload === workload && c.cell.collector === collector)!;
}

describe('compareCell', () => {
  const base = cellOf(loadResultsFixture(), 'rings', 'mark-sweep');

  it('marks a wall-time change beyond both spreads and the floor as a regression, or improvement', () => {
    const old = withWall(base, [95, 100, 108]);
    const slower = compareCell(old, withWall(base, [110, 120, 125]), 0.05).find(
      (c) => c.metric === 'wallMs',
    )!;
    expect(slower.verdict).toBe('regression');
    expect(slower.noise).toBe(5); // the 5% floor; the intervals [95, 108] and [110, 125] are disjoint
    expect(slower.relative).toBeCloseTo(0.2);
    const faster = compareCell(old, withWall(base, [70, 75, 78]), 0.05).find((c) => c.metric === 'wallMs')!;
    expect(faster.verdict).toBe('improvement');
  });

  it('calls a change within either run’s spread noise', () => {
    const old = withWall(base, [95, 100, 108]);
    // The intervals [95, 108] and [96, 118] overlap.
    const c = compareCell(old, withWall(base, [96, 110, 118]), 0.05).find((x) => x.metric === 'wallMs')!;
    expect(c.verdict).toBe('within-noise');
    // [103, 105] lies inside [95, 108].
    expect(
      compareCell(old, withWall(base, [103, 104, 105]), 0.05).find((x) => x.metric === 'wallMs')!.verdict,
    ).toBe('within-noise');
  });

  it('needs the floor too: disjoint intervals 3% apart are within noise at 5%', () => {
    const old = withWall(base, [99.9, 100, 100.1]);
    const next = withWall(base, [102.9, 103, 103.1]);
    const c = compareCell(old, next, 0.05).find((x) => x.metric === 'wallMs')!;
    expect(c.verdict).toBe('within-noise');
    expect(compareCell(old, next, 0.01).find((x) => x.metric === 'wallMs')!.verdict).toBe('regression');
  });

  it('shows measured figures with their spread and marks a change within it with ~', () => {
    const results = loadResultsFixture();
    const next = loadResultsFixture();
    const o = cellOf(results, 'rings', 'mark-sweep');
    const n = cellOf(next, 'rings', 'mark-sweep');
    o.summary!.wallMs = spread([95, 100, 108]);
    n.summary!.wallMs = spread([96, 110, 118]);
    const table = formatComparisonTable(compareResults(results, next), { color: false, all: true });
    expect(table).toMatch(/mark-sweep .*│ time\s+│\s+100 ms ±8 │\s+110 ms ±14 │ ~\+10\.0% │ within noise/);
  });

  it('with one invocation (no spread) only the threshold separates noise', () => {
    const old = withWall(base, [100]);
    expect(compareCell(old, withWall(base, [104]), 0.05).find((x) => x.metric === 'wallMs')!.verdict).toBe(
      'within-noise',
    );
    expect(compareCell(old, withWall(base, [106]), 0.05).find((x) => x.metric === 'wallMs')!.verdict).toBe(
      'regression',
    );
    expect(compareCell(old, withWall(base, [106]), 0.1).find((x) => x.metric === 'wallMs')!.verdict).toBe(
      'within-noise',
    );
  });

  it('compares deterministic figures exactly: one byte more peak memory is a regression', () => {
    const changed = structuredClone(base);
    changed.measurement!.memory.peakReservedBytes += 1;
    const memory = changed.deterministic!.memory as Record<string, number>;
    memory.peakReservedBytes = memory.peakReservedBytes! + 1;
    const counters = changed.deterministic!.counters as Record<string, number>;
    counters.pointerStores = counters.pointerStores! + 3;
    const changes = compareCell(base, changed, 0.05);
    const peak = changes.find((c) => c.metric === 'peakReservedBytes')!;
    expect(peak.verdict).toBe('regression');
    expect(peak.noise).toBeNull();
    // A deterministic figure outside the catalogue is listed as changed, by its path.
    const stores = changes.find((c) => c.metric === 'counters.pointerStores')!;
    expect(stores.verdict).toBe('changed');
    expect(stores.new! - stores.old!).toBe(3);
    // The catalogue's own figures are not listed twice.
    expect(changes.filter((c) => c.metric.includes('peakReservedBytes'))).toHaveLength(1);
    // More RC operations is a regression, fewer an improvement.
    const more = structuredClone(base);
    more.measurement!.counters.rcIncrements += 5;
    expect(compareCell(base, more, 0.05).find((c) => c.metric === 'rcOps')!.verdict).toBe('regression');
    expect(compareCell(more, base, 0.05).find((c) => c.metric === 'rcOps')!.verdict).toBe('improvement');
  });

  it('finds every differing leaf', () => {
    expect(leafDifferences({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 5, d: 3, e: 1 } }, '')).toEqual([
      { path: 'b.c', old: 2, new: 5 },
      { path: 'b.e', old: undefined, new: 1 },
    ]);
  });
});

describe('compareResults', () => {
  it('a file compared with itself has no regression, improvement or change', () => {
    const results = loadResultsFixture();
    const c = compareResults(results, loadResultsFixture());
    expect(c.cells.length).toBe(results.cells.length);
    expect(c.counts.regression + c.counts.improvement + c.counts.changed + c.counts['within-noise']).toBe(0);
    expect(comparisonSummary(c)).toMatch(
      /^0 regressions, 0 improvements, 0 changed, 0 within noise, \d+ unchanged$/,
    );
  });

  it('marks status changes, lists cells only in one file, and formats the result', () => {
    const old = loadResultsFixture();
    const next = loadResultsFixture();
    const victim = next.cells.find((c) => c.cell.collector === 'gen-copy')!;
    victim.status = 'oom';
    victim.summary = null;
    victim.measurement = null;
    const slow = next.cells.find((c) => c.cell.collector === 'cpython')!;
    const s = slow.summary!.wallMs;
    slow.summary!.wallMs = spread([s.max * 2.5, s.max * 3, s.max * 3.5]);
    next.cells.pop();
    const c = compareResults(old, next, { oldFile: 'old.json', newFile: 'new.json' });
    const status = c.cells.find(
      (x) =>
        x.key ===
        `${victim.cell.workload}|small|42|gen-copy|${victim.cell.heap.kind === 'multiple' ? `${victim.cell.heap.multiple}x` : 'unlimited'}`,
    )!;
    expect(status.statusVerdict).toBe('regression');
    expect(status.changes).toEqual([]);
    expect(c.onlyInOld).toHaveLength(1);
    expect(c.counts.regression).toBeGreaterThanOrEqual(2);
    const table = formatComparisonTable(c, { color: false });
    expect(table).toMatch(/gen-copy\s+│ \S+\s+│ status\s+│\s+ok │\s+oom │\s+│ regression/);
    expect(table).toMatch(/cpython .*│ time .*│\s+\+\d+(\.\d)?% │ regression/);
    expect(table).toContain('only in old.json: big-del small 42 gen-copy 4x');
    expect(table.trimEnd().split('\n').at(-1)).toBe(comparisonSummary(c));
    const md = formatComparisonMarkdown(c);
    expect(md).toContain('**regression**');
    expect(md).toMatch(/^\| collector \| heap \| figure \| old \| new \| change \| verdict \|$/m);
  });

  it('warns when runs had one invocation or came from different machines', () => {
    const old = loadResultsFixture();
    const next = loadResultsFixture();
    next.options.invocations = 1;
    next.machine.cpuModel = 'Other CPU';
    const c = compareResults(old, next);
    expect(c.warnings.some((w) => w.includes('different machines'))).toBe(true);
    expect(c.warnings.some((w) => w.includes('one invocation'))).toBe(true);
  });
});
