import { describe, expect, it } from 'vitest';
import { spread } from '../../src/metrics/spread.ts';
import {
  compareSpreads,
  lowerBeyondSpread,
  ratioInterval,
  withInterval,
} from '../../src/metrics/within-spread.ts';

describe('the within-spread rule', () => {
  it('tells two figures apart only when their intervals are disjoint (the worked example)', () => {
    const noGc = { n: 5, median: 10, lo: 9.5, hi: 11 };
    const overlapping = { n: 5, median: 12, lo: 10.8, hi: 15 };
    const disjoint = { n: 5, median: 12, lo: 11.2, hi: 13.1 };
    expect(compareSpreads(overlapping, noGc)).toBe('within-spread');
    expect(compareSpreads(noGc, overlapping)).toBe('within-spread');
    expect(compareSpreads(disjoint, noGc)).toBe('higher');
    expect(compareSpreads(noGc, disjoint)).toBe('lower');
    expect(lowerBeyondSpread(noGc, disjoint)).toBe(true);
    expect(lowerBeyondSpread(disjoint, noGc)).toBe(false);
    // Touching intervals overlap.
    expect(compareSpreads({ n: 3, median: 2, lo: 1, hi: 2 }, { n: 3, median: 3, lo: 2, hi: 4 })).toBe(
      'within-spread',
    );
  });

  it('says nothing of a figure with one invocation, however far apart the medians', () => {
    const one = spread([10]);
    expect(compareSpreads(one, spread([100, 101, 102]))).toBe('no-spread');
    expect(compareSpreads(spread([1, 2]), one)).toBe('no-spread');
    expect(lowerBeyondSpread(one, spread([100, 101, 102]))).toBe(false);
  });

  it('judges samples by their medians’ intervals, not their ranges, from 9 samples on', () => {
    // An outlier widens the range of a but not the interval of its median (x(2)..x(9) of 10).
    const a = spread([10, 10.1, 10.2, 10.3, 10.1, 10.2, 10.0, 10.3, 10.2, 30]);
    const b = spread([11, 11.1, 11.2, 11.3, 11.1, 11.2, 11.0, 11.3, 11.2, 11.1]);
    expect(a.max).toBeGreaterThan(b.min);
    expect(compareSpreads(a, b)).toBe('lower');
  });

  it('bounds a ratio minus 1 from both intervals', () => {
    expect(ratioInterval({ n: 5, median: 12, lo: 11, hi: 15 }, { n: 5, median: 10, lo: 10, hi: 11 })).toEqual(
      {
        lo: 0,
        hi: 0.5,
      },
    );
    expect(ratioInterval({ n: 5, median: 1, lo: 1, hi: 1 }, { n: 5, median: 0, lo: 0, hi: 1 })).toBeNull();
  });

  it('gives a spread of an older file its range as the interval', () => {
    const old = withInterval({ n: 3, median: 20, min: 10, max: 30, q1: 15, q3: 25 });
    expect(old).toMatchObject({ lo: 10, hi: 30, confidence: 0.75, samples: [] });
    const current = spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(withInterval(current)).toEqual(current);
  });
});
