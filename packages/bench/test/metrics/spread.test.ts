import { describe, expect, it } from 'vitest';
import { quantileSorted, spread, spreadOrNull } from '../../src/metrics/spread.ts';

describe('spread', () => {
  it('gives the median, extremes and type-7 quartiles of hand-computed cases', () => {
    expect(spread([4, 1, 3, 2])).toEqual({ n: 4, median: 2.5, min: 1, max: 4, q1: 1.75, q3: 3.25 });
    expect(spread([10, 30, 20])).toEqual({ n: 3, median: 20, min: 10, max: 30, q1: 15, q3: 25 });
    expect(spread([7])).toEqual({ n: 1, median: 7, min: 7, max: 7, q1: 7, q3: 7 });
  });

  it('interpolates quantiles linearly between order statistics', () => {
    const sorted = [0, 10, 20, 30, 40];
    expect(quantileSorted(sorted, 0)).toBe(0);
    expect(quantileSorted(sorted, 0.1)).toBeCloseTo(4, 12);
    expect(quantileSorted(sorted, 0.9)).toBeCloseTo(36, 12);
    expect(quantileSorted(sorted, 1)).toBe(40);
  });

  it('rejects empty input and ignores nulls when asked', () => {
    expect(() => spread([])).toThrow(RangeError);
    expect(spreadOrNull([null, null])).toBeNull();
    expect(spreadOrNull([null, 3, 1])?.median).toBe(2);
  });
});
