import { describe, expect, it } from 'vitest';
import {
  MEDIAN_INTERVAL_CONFIDENCE,
  medianIntervalRank,
  quantileSorted,
  spread,
  spreadOrNull,
} from '../../src/metrics/spread.ts';

describe('spread', () => {
  it('gives the median, extremes and type-7 quartiles of hand-computed cases', () => {
    expect(spread([4, 1, 3, 2])).toEqual({
      n: 4,
      median: 2.5,
      min: 1,
      max: 4,
      q1: 1.75,
      q3: 3.25,
      lo: 1,
      hi: 4,
      confidence: 0.875,
      samples: [4, 1, 3, 2],
    });
    expect(spread([10, 30, 20])).toMatchObject({ n: 3, median: 20, min: 10, max: 30, q1: 15, q3: 25 });
    expect(spread([7])).toEqual({
      n: 1,
      median: 7,
      min: 7,
      max: 7,
      q1: 7,
      q3: 7,
      lo: 7,
      hi: 7,
      confidence: 0,
      samples: [7],
    });
  });

  it('interpolates quantiles linearly between order statistics', () => {
    const sorted = [0, 10, 20, 30, 40];
    expect(quantileSorted(sorted, 0)).toBe(0);
    expect(quantileSorted(sorted, 0.1)).toBeCloseTo(4, 12);
    expect(quantileSorted(sorted, 0.9)).toBeCloseTo(36, 12);
    expect(quantileSorted(sorted, 1)).toBe(40);
  });

  it('gives the order-statistic interval of the median (the sign-test interval) with its confidence', () => {
    // Hand-computed from Binomial(n, 1/2): 1 - 2 P(B <= k-1), k the largest keeping at least 95%.
    expect(medianIntervalRank(1)).toEqual({ k: 1, confidence: 0 });
    expect(medianIntervalRank(5)).toEqual({ k: 1, confidence: 1 - 2 / 32 });
    expect(medianIntervalRank(6)).toEqual({ k: 1, confidence: 1 - 2 / 64 });
    expect(medianIntervalRank(8)).toEqual({ k: 1, confidence: 1 - 2 / 256 });
    expect(medianIntervalRank(9)).toEqual({ k: 2, confidence: 1 - (2 * 10) / 512 });
    expect(medianIntervalRank(10)).toEqual({ k: 2, confidence: 1 - (2 * 11) / 1024 });
    // n = 20: x(6) and x(15), the textbook interval.
    expect(medianIntervalRank(20).k).toBe(6);
    expect(medianIntervalRank(20).confidence).toBeCloseTo(1 - (2 * 21700) / 2 ** 20, 12);
    expect(medianIntervalRank(30).k).toBe(10);
    // Large counts stay above 95% without underflow.
    const large = medianIntervalRank(5000);
    expect(large.confidence).toBeGreaterThanOrEqual(MEDIAN_INTERVAL_CONFIDENCE);
    expect(large.k).toBeGreaterThan(2400);
    expect(() => medianIntervalRank(0)).toThrow(RangeError);
  });

  it('takes the interval from the sorted samples and keeps the samples in their order', () => {
    const values = [9, 3, 7, 1, 5, 10, 2, 8, 4, 6]; // 1..10 shuffled
    const s = spread(values);
    expect([s.lo, s.hi]).toEqual([2, 9]); // x(2), x(9)
    expect(s.confidence).toBeCloseTo(0.978515625, 12);
    expect(s.samples).toEqual(values);
  });

  it('rejects empty input and ignores nulls when asked', () => {
    expect(() => spread([])).toThrow(RangeError);
    expect(spreadOrNull([null, null])).toBeNull();
    expect(spreadOrNull([null, 3, 1])?.median).toBe(2);
  });
});
