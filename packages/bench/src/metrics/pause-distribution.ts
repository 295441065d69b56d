/**
 * The distribution of pause durations: count, total, mean, p50/p90/p99 and max, from an HDR
 * histogram (hdr-histogram-js, its plain JavaScript build: no WebAssembly) with 3 significant digits,
 * so every percentile is within 0.1% of the exact order statistic. HdrHistogram's percentile is the
 * smallest recorded value v such that at least p% of the values are <= v (reported as the highest
 * value equivalent to v at that precision); the maximum is exact.
 */
import * as hdr from 'hdr-histogram-js';

/** Percentiles and totals of pause durations, in milliseconds. */
export interface PauseDistribution {
  /** Number of pauses. */
  count: number;
  /** Sum of the durations. */
  totalMs: number;
  /** Mean duration (0 when there is no pause). */
  meanMs: number;
  /** Median. */
  p50Ms: number;
  /** 90th percentile. */
  p90Ms: number;
  /** 99th percentile. */
  p99Ms: number;
  /** Longest pause. */
  maxMs: number;
}

/** The distribution of `nanos` (pause durations in nanoseconds). All zero when empty. */
export function pauseDistribution(nanos: ArrayLike<number>): PauseDistribution {
  const count = nanos.length;
  if (count === 0) return { count: 0, totalMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0 };
  const histogram = hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    autoResize: true,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  let total = 0;
  let max = 0;
  for (let i = 0; i < count; i++) {
    const ns = nanos[i]!;
    total += ns;
    if (ns > max) max = ns;
    histogram.recordValue(Math.max(1, Math.round(ns)));
  }
  const at = (p: number): number => Math.min(histogram.getValueAtPercentile(p), max) / 1e6;
  const result = {
    count,
    totalMs: total / 1e6,
    meanMs: total / count / 1e6,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    maxMs: max / 1e6,
  };
  histogram.destroy();
  return result;
}
