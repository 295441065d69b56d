import { describe, expect, it } from 'vitest';
import { pauseDistribution } from '../../src/metrics/pause-distribution.ts';

describe('pauseDistribution', () => {
  it('gives count, total, mean, exact nearest-rank percentiles and the max', () => {
    // Pauses of 1, 2, ..., 100 ms: p50 = 50 ms, p90 = 90 ms, p99 = 99 ms (nearest rank).
    const nanos = Float64Array.from({ length: 100 }, (_, i) => (i + 1) * 1e6);
    const d = pauseDistribution(nanos);
    expect(d.count).toBe(100);
    expect(d.totalMs).toBeCloseTo(5050, 9);
    expect(d.meanMs).toBeCloseTo(50.5, 9);
    expect(d.p50Ms).toBe(50);
    expect(d.p90Ms).toBe(90);
    expect(d.p99Ms).toBe(99);
    expect(d.maxMs).toBe(100);
  });

  it('puts the tail in the high percentiles: 98 short pauses and 2 long ones', () => {
    const nanos = new Float64Array(100).fill(1e5);
    nanos[10] = 5e7;
    nanos[90] = 8e7;
    const d = pauseDistribution(nanos);
    expect(d.p50Ms).toBe(0.1);
    expect(d.p90Ms).toBe(0.1);
    expect(d.p99Ms).toBe(50);
    expect(d.maxMs).toBe(80);
  });

  it('takes the ceil(p/100 x n)-th smallest: 3 pauses, and one pause', () => {
    const d = pauseDistribution([3e6, 1e6, 2e6]);
    expect([d.p50Ms, d.p90Ms, d.p99Ms, d.maxMs]).toEqual([2, 3, 3, 3]);
    const one = pauseDistribution([7e6]);
    expect([one.p50Ms, one.p90Ms, one.p99Ms, one.maxMs]).toEqual([7, 7, 7, 7]);
  });

  it('is all zero without pauses', () => {
    expect(pauseDistribution(new Float64Array(0))).toEqual({
      count: 0,
      totalMs: 0,
      meanMs: 0,
      p50Ms: 0,
      p90Ms: 0,
      p99Ms: 0,
      maxMs: 0,
    });
  });
});
