/**
 * The distribution of pause durations: count, total, mean, exact p50/p90/p99 and max.
 *
 * A percentile is the nearest-rank order statistic: the smallest recorded duration v such that at
 * least p% of the durations are <= v (for n pauses, the ceil(p/100 x n)-th smallest). The durations
 * are sorted (a copy, in a Float64Array), so every figure is exact.
 *
 * NOTE (why not hdr-histogram-js, which this used to build on): under tsx, `require`-ing a CommonJS
 * module from node_modules has esbuild transform it synchronously, and esbuild's synchronous API
 * transfers (detaches) an ArrayBuffer. The first detach anywhere in a process invalidates V8's
 * ArrayBuffer-detaching protector, after which every optimised typed-array access checks for a
 * detached buffer: the simulated heap's loops ran 35-80% slower in every process that imported
 * @gclab/bench (the perf children and `gclab run`'s workers). Sorting is exact and needs no module.
 */

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

/** The nearest-rank `p`th percentile of `sorted` (ascending, non-empty). */
function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The distribution of `nanos` (pause durations in nanoseconds). All zero when empty. */
export function pauseDistribution(nanos: ArrayLike<number>): PauseDistribution {
  const count = nanos.length;
  if (count === 0) return { count: 0, totalMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0 };
  const sorted = Float64Array.from(nanos);
  let total = 0;
  for (let i = 0; i < count; i++) total += sorted[i]!;
  sorted.sort();
  return {
    count,
    totalMs: total / 1e6,
    meanMs: total / count / 1e6,
    p50Ms: percentile(sorted, 50) / 1e6,
    p90Ms: percentile(sorted, 90) / 1e6,
    p99Ms: percentile(sorted, 99) / 1e6,
    maxMs: sorted[count - 1]! / 1e6,
  };
}
