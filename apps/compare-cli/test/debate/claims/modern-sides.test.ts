/**
 * The two modern sides (issue 18) on hand-made figures: lxr against the fastest of immix,
 * sticky-immix and gen-copy in claim 2 (acyclic workloads), claim 7 (count operations per store) and
 * claim 9 (time-space curves), where beating CPython's counting is no longer enough for "supported".
 */
import type { CellResult, MatrixResults, TimeSpaceSeries } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/debate/claims/claim.ts';
import { efficient } from '../../../src/debate/claims/efficient.ts';
import { modernGc } from '../../../src/debate/claims/modern-gc.ts';
import { sidesRow, tally } from '../../../src/debate/claims/modern-sides.ts';
import { overhead } from '../../../src/debate/claims/overhead.ts';
import { collector, debateData, okCell } from './fixture.ts';

const COLLECTORS = [
  collector('refcount', 'reference-counting', true),
  collector('lxr', 'reference-counting'),
  collector('cpython', 'hybrid', true),
  collector('immix', 'tracing'),
  collector('sticky-immix', 'tracing'),
  collector('mark-sweep', 'tracing'),
];

/** A cell at `multiple` times the minimum heap, every invocation taking `wallMs`. */
function atMultiple(collector: string, multiple: number, wallMs: number): CellResult {
  const c = okCell('gcbench', collector, { wallMs });
  return { ...c, cell: { ...c.cell, heap: { kind: 'multiple', multiple } } } as CellResult;
}

const series = (collector: string, multiples: number[]): TimeSpaceSeries =>
  ({
    workload: 'gcbench',
    size: 'small',
    seed: 42,
    collector,
    minHeapBytes: 1 << 20,
    points: multiples.map((m) => ({
      multiple: m,
      heap: `${m}x`,
      heapLimitBytes: m << 20,
      status: 'ok',
      wallMs: 1,
    })),
  }) as unknown as TimeSpaceSeries;

/** Claim 9 on curves at 2x and 4x: times of cpython, immix and lxr at each. */
function claim9(times: Record<string, [number, number]>) {
  const names = Object.keys(times);
  const cells = names.flatMap((n) => [atMultiple(n, 2, times[n]![0]), atMultiple(n, 4, times[n]![1])]);
  const d = debateData([], COLLECTORS);
  const data = {
    ...d,
    plan: { ...d.plan, timeSpaceWorkload: 'gcbench' },
    timeSpace: { cells, timeSpace: names.map((n) => series(n, [2, 4])) } as unknown as MatrixResults,
  };
  return { figures: modernGc.measure(data), result: judge(modernGc, data) };
}

describe('the modern sides', () => {
  it('set lxr against the fastest modern tracing collector, beyond the noise or within it', () => {
    const lxr = okCell('churn', 'lxr', { wallMs: 10 });
    const row = sidesRow('churn', lxr, [
      okCell('churn', 'immix', { wallMs: 7 }),
      undefined,
      okCell('churn', 'gen-copy', { wallMs: 5 }),
    ]);
    expect(row?.tracing.cell.collector).toBe('gen-copy');
    expect(row?.winner).toBe('tracing');
    expect(sidesRow('churn', lxr, [okCell('churn', 'immix', { wallMs: 10 })])?.winner).toBe('tie');
    expect(sidesRow('churn', undefined, [okCell('churn', 'immix')])).toBeUndefined();
    expect(tally([row!])).toEqual({ counting: [], tracing: ['churn'], tie: [] });
  });

  it('claim 2 names lxr beside refcount and the fastest modern tracing collector', () => {
    const data = debateData(
      [
        okCell('churn', 'refcount', { wallMs: 30 }),
        okCell('churn', 'lxr', { wallMs: 8, garbagePeakBytes: 3 << 20 }),
        okCell('churn', 'immix', { wallMs: 12 }),
        okCell('churn', 'sticky-immix', { wallMs: 11 }),
        okCell('churn', 'mark-sweep', { wallMs: 20 }),
      ],
      COLLECTORS,
    );
    const f = efficient.measure(data);
    expect(f.modern.map((m) => [m.at, m.tracing.cell.collector, m.winner])).toEqual([
      ['churn', 'sticky-immix', 'counting'],
    ]);
    const c = judge(efficient, data);
    expect(c.paragraph).toContain('churn: lxr 8 ms, sticky-immix 11 ms');
    expect(c.paragraph).toContain('Beyond the noise, lxr was faster on churn.');
    expect(c.paragraph).toContain('garbage peak 3 MiB on churn');
    expect(c.table.rows.map((r) => r[1])).toEqual(['refcount', 'lxr', 'immix', 'sticky-immix', 'mark-sweep']);
  });

  it('claim 7 counts lxr operations per store though its counts are not exact', () => {
    const lxr = okCell('churn', 'lxr');
    lxr.measurement!.counters.rcIncrements = 300;
    lxr.measurement!.counters.rcDecrements = 200;
    const f = overhead.measure(debateData([lxr, okCell('churn', 'immix')], COLLECTORS));
    expect(f.costs.find((c) => c.name === 'lxr')?.rcPerStore).toBe(0.25);
    expect(f.costs.find((c) => c.name === 'immix')?.rcPerStore).toBeNull();
  });

  it('claim 9 is supported only when modern tracing beats lxr too', () => {
    const both = claim9({ cpython: [50, 40], immix: [10, 8], lxr: [20, 16] });
    expect(both.figures.modern.map((s) => s.collector)).toEqual(['immix']);
    expect(both.figures.sides.map((s) => s.winner)).toEqual(['tracing', 'tracing']);
    expect(both.result.verdict).toBe('supported');
    expect(both.result.paragraph).toContain('Modern tracing beat modern counting at most heap sizes too');

    const lxrWins = claim9({ cpython: [50, 40], immix: [10, 8], lxr: [5, 4] });
    expect(lxrWins.figures.wins).toBe(2);
    expect(lxrWins.result.verdict).toBe('partly supported');
    expect(lxrWins.result.paragraph).toContain('2x: lxr 5 ms, immix 10 ms');
    expect(lxrWins.result.paragraph).toContain('Modern counting beat modern tracing at most heap sizes');
  });
});
