/**
 * Claim 10 on hand-made threads-experiment figures (no threads run): the verdict follows the 10%-and-
 * beyond-the-spread rule, the table, chart and paragraph quote the measured figures, and the published
 * figures stay beside them as sources.
 */
import { describe, expect, it } from 'vitest';
import { renderClaimChart } from '../../../src/debate/claims/chart.ts';
import { judge } from '../../../src/debate/claims/claim.ts';
import { GIL_SOURCES, gil } from '../../../src/debate/claims/gil.ts';
import type { DebateData } from '../../../src/debate/debate-data.ts';
import { ChartRenderer } from '../../../src/report/charts.ts';
import { collectorPalette } from '../../../src/report/palette.ts';
import { contentionRun, debateData, threadsResult, threadVariant } from './fixture.ts';

type Variants = DebateData['threads']['variants'];

/** gil flat at 2 threads; atomic 12% slower on one thread (counted); biased and immortal within 10%, scaling. */
function measured(over: Partial<Record<string, Variants[number]>> = {}): Variants {
  const all = [
    threadVariant('gil', 20, 18, [1, 1, 1]),
    threadVariant('atomic', 17.9, 34, [1.12, 1.11, 1.14], { updates: 0.5, atomic: 0.5, immortalSkips: 0 }),
    threadVariant('biased', 19, 36, [1.05, 1.0, 1.08], { updates: 0.5, atomic: 0.14, immortalSkips: 0 }),
    threadVariant('biased-immortal', 19.5, 37, [1.03, 0.98, 1.06], {
      updates: 0.5,
      atomic: 0,
      immortalSkips: 0.14,
    }),
    threadVariant('non-atomic', 21, 40, [0.95, 0.94, 0.97]),
    threadVariant('tracing', 20, 38, [1.0, 0.97, 1.02], null),
  ];
  return all.map((v) => over[v.variant] ?? v);
}

function claimOn(threads: DebateData['threads']) {
  const d = debateData([], []);
  d.threads = threads;
  return judge(gil, d);
}

describe('claim 10: reference counting and the GIL, from the threaded runs', () => {
  it('is partly supported when the adopted design is within 10% and scales but plain atomic counting costs', () => {
    const c = claimOn(threadsResult(measured()));
    expect(c.verdict).toBe('partly supported');
    expect(c.table.rows.map((r) => r[0])).toEqual([
      'gil',
      'atomic',
      'biased',
      'biased-immortal',
      'non-atomic',
      'tracing',
    ]);
    expect(c.table.rows[1]).toEqual([
      'atomic',
      '17.90 [17.90 - 17.90]',
      '34.00 [34.00 - 34.00]',
      '1.12 [1.11 - 1.14]x *',
      '1.90 [1.90 - 1.90]x *',
      '0.500',
      '0.500',
      '0.000',
    ]);
    expect(c.table.rows[5]!.slice(5)).toEqual(['—', '—', '—']);
    expect(c.table.rows[3]![3]).toBe('1.03 [0.98 - 1.06]x');
    expect(c.paragraph).toContain('plain atomic counting took 1.12 [1.11 - 1.14]x the GIL');
    expect(c.paragraph).toContain('One thread, time over gil: atomic 1.12 [1.11 - 1.14]x, biased 1.05');
    expect(c.paragraph).toContain('updates were lost in 1 of 1 runs, the first with 6 counts too low');
    expect(c.paragraph).not.toMatch(/modelled|cost model/);
    expect(c.sources).toEqual(GIL_SOURCES);
    const svg = renderClaimChart(new ChartRenderer(collectorPalette([])), c.chart!);
    expect(svg).toContain('2 threads');
  });

  it('is partly supported by contention alone: sharing objects costs a counted difference', () => {
    const cheapAtomic = threadVariant('atomic', 19, 35, [1.04, 1.0, 1.07]);
    const c = claimOn(
      threadsResult(measured({ atomic: cheapAtomic }), [
        contentionRun('biased', 1, 0, [0.6, 0.55, 0.7]),
        contentionRun('biased-immortal', 0, 1, [0.98, 0.9, 1.05]),
      ]),
    );
    expect(c.verdict).toBe('partly supported');
    expect(c.paragraph).toContain(
      'sharing objects cost biased 40% of its throughput (100% of sources shared)',
    );
    expect(c.paragraph).not.toContain('plain atomic counting took');
  });

  it('is supported when the adopted design costs 10% beyond the spread on one thread, or does not scale', () => {
    const slow = threadVariant('biased-immortal', 16, 30, [1.25, 1.2, 1.3]);
    expect(claimOn(threadsResult(measured({ 'biased-immortal': slow }))).verdict).toBe('supported');
    // 19 against the GIL's 18 at 2 threads: not 10% faster.
    const flat = threadVariant('biased-immortal', 19.5, 19, [1.03, 0.98, 1.06]);
    const c = claimOn(threadsResult(measured({ 'biased-immortal': flat })));
    expect(c.verdict).toBe('supported');
    expect(c.paragraph).toContain("did not beat the GIL's throughput at 2 threads");
    // 12% at the median but one run within: not beyond the spread, so not counted.
    const noisy = threadVariant('biased-immortal', 19.5, 37, [1.12, 0.99, 1.3]);
    expect(claimOn(threadsResult(measured({ 'biased-immortal': noisy }))).verdict).toBe('partly supported');
  });

  it('is refuted when no counting scheme costs a counted difference', () => {
    const cheapAtomic = threadVariant('atomic', 19, 35, [1.04, 1.0, 1.07]);
    const c = claimOn(
      threadsResult(measured({ atomic: cheapAtomic }), [contentionRun('biased', 1, 0, [0.95, 0.9, 1.0])]),
    );
    expect(c.verdict).toBe('refuted');
    expect(c.paragraph).toContain('(none a counted difference)');
  });

  it('is not measured with one thread, or when a correct variant failed its final check', () => {
    const one = claimOn(threadsResult(measured(), [], 1));
    expect(one.verdict).toBe('not measured');
    expect(one.paragraph).toContain('1 thread, so nothing could run in parallel');
    const failed = threadsResult(measured());
    failed.failures = ['atomic, 2 threads, shared 0, singletons 0.25: the final check failed (object 8 ...)'];
    const c = claimOn(failed);
    expect(c.verdict).toBe('not measured');
    expect(c.paragraph).toContain('failed the final graph check');
  });
});
