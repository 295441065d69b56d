import { describe, expect, it } from 'vitest';
import { pauseDistribution } from '../../src/metrics/pause-distribution.ts';

describe('pauseDistribution', () => {
  it('gives count, total, mean, percentiles within 0.1% and the exact max', () => {
    // Pauses of 1, 2, ..., 100 ms: p50 = 50 ms, p90 = 90 ms, p99 = 99 ms (nearest rank).
    const nanos = Float64Array.from({ length: 100 }, (_, i) => (i + 1) * 1e6);
    const d = pauseDistribution(nanos);
    expect(d.count).toBe(100);
    expect(d.totalMs).toBeCloseTo(5050, 9);
    expect(d.meanMs).toBeCloseTo(50.5, 9);
    expect(Math.abs(d.p50Ms - 50) / 50).toBeLessThan(0.001);
    expect(Math.abs(d.p90Ms - 90) / 90).toBeLessThan(0.001);
    expect(Math.abs(d.p99Ms - 99) / 99).toBeLessThan(0.001);
    expect(d.maxMs).toBe(100);
  });

  it('puts the tail in the high percentiles: 98 short pauses and 2 long ones', () => {
    const nanos = new Float64Array(100).fill(1e5);
    nanos[10] = 5e7;
    nanos[90] = 8e7;
    const d = pauseDistribution(nanos);
    expect(Math.abs(d.p50Ms - 0.1) / 0.1).toBeLessThan(0.001);
    expect(Math.abs(d.p90Ms - 0.1) / 0.1).toBeLessThan(0.001);
    expect(Math.abs(d.p99Ms - 50) / 50).toBeLessThan(0.001);
    expect(d.maxMs).toBe(80);
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
