import { describe, expect, it } from 'vitest';
import {
  figure,
  formatMeasured,
  formatPerfMarkdown,
  gclabRunFigure,
  type PerfReport,
  pairedRatios,
  summarize,
} from '../../src/index.ts';

describe('perf figures', () => {
  it('summarizes runs by median, min and max', () => {
    expect(summarize([3, 1, 2])).toMatchObject({ median: 2, min: 1, max: 3, runs: [3, 1, 2] });
    expect(summarize([4, 1, 2, 3]).median).toBe(2.5);
    expect(() => summarize([])).toThrow(RangeError);
  });

  it('pairs ratios run by run', () => {
    expect(pairedRatios([2, 9], [4, 3])).toEqual([0.5, 3]);
    expect(() => pairedRatios([1], [1, 2])).toThrow(RangeError);
  });

  it('passes a figure whose judged median is at most the target', () => {
    const judged = (runs: number[]) => ({ name: 'r', unit: '', summary: summarize(runs) });
    const base = { id: 1, key: 'k', title: 't', gclab: null, target: 0.35, targetText: 'ratio <= 0.35' };
    expect(figure({ ...base, judged: judged([0.3, 0.35, 0.9]) }).pass).toBe(true);
    expect(figure({ ...base, judged: judged([0.3, 0.36, 0.9]) }).pass).toBe(false);
    expect(formatMeasured(judged([0.3, 0.36, 0.9]))).toBe('0.360 [0.300 - 0.900]');
  });

  it('formats the report with a mark per figure and counts them', () => {
    const judged = { name: 'wall', unit: 's', summary: summarize([40]) };
    const report: PerfReport = {
      schema: 'gclab-perf/1',
      started: '2026-01-01T00:00:00.000Z',
      seconds: 12,
      commit: 'abc',
      machine: { cpus: 2, cpuModel: 'cpu', node: 'v20', python: 'Python 3.11.7', loadStart: 1, loadEnd: 2 },
      runs: 5,
      figures: [
        gclabRunFigure([40, 41, 39, 42, 38]),
        gclabRunFigure('gclab run is not there'),
        figure({ id: 2, key: 'x', title: 'x', gclab: judged, judged, target: 30, targetText: '<= 30 s' }),
      ],
    };
    const text = formatPerfMarkdown(report);
    expect(text).toContain('| 7 | the default `npx gclab run`, wall time |');
    expect(text).toContain('wall: 40.0 [38.0 - 42.0] s | <= 60 s | PASS |');
    expect(text).toContain('not measured (gclab run is not there)');
    expect(text).toContain('| FAIL |');
    expect(text).toContain('1 passed, 1 failed, 1 not measured.');
  });
});
