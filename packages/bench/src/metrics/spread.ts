/**
 * Medians and spread of repeated measurements (one value per invocation): the median, the extremes,
 * the interquartile range, a distribution-free confidence interval of the median, and the samples
 * themselves. Quartiles use linear interpolation between order statistics (the "type 7" definition
 * of R and NumPy's default), so the median of an even count is the mean of the two middle values.
 *
 * The median's interval is the order-statistic interval [x(k), x(n+1-k)] of the sorted samples
 * (Hollander, Wolfe and Chicken, "Nonparametric Statistical Methods", the sign-test interval): each
 * sample lies below the true median with probability 1/2, so the interval misses it with probability
 * 2 P(B <= k-1) for B ~ Binomial(n, 1/2), whatever the distribution of the times. k is the largest
 * that keeps that at most 5%. Below 6 samples no k reaches 95% and the interval is the whole range
 * (n = 5: 93.8%, n = 3: 75%, n = 1: a point, 0%); `confidence` says what it reached.
 *
 * NOTE: a worked example. n = 10: P(B <= 1) = 11/1024, so k = 2 misses with 2.1% and k = 3 (P(B <= 2)
 * = 56/1024, 10.9%) would miss too often: the interval is [x(2), x(9)], confidence 97.9%.
 */

/** Median and spread of a set of measurements. */
export interface Spread {
  /** Number of measurements. */
  n: number;
  /** The median. */
  median: number;
  /** The smallest value. */
  min: number;
  /** The largest value. */
  max: number;
  /** First quartile. */
  q1: number;
  /** Third quartile. */
  q3: number;
  /** Lower bound of the median's confidence interval (an order statistic; `min` below 6 samples). */
  lo: number;
  /** Upper bound of the median's confidence interval (`max` below 6 samples). */
  hi: number;
  /** The probability that [lo, hi] holds the true median (at least 0.95 from 6 samples on). */
  confidence: number;
  /** The measurements, in the order they were taken. */
  samples: number[];
}

/** The confidence the median's interval aims for. */
export const MEDIAN_INTERVAL_CONFIDENCE = 0.95;

/** The `q`-quantile (0 <= q <= 1) of ascending `sorted` values, interpolated linearly. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be from 0 to 1, got ${q}`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The rank k (1-based) of the lower bound of the median's interval for `n` samples, and the
 * interval's confidence, 1 - 2 P(B <= k-1) for B ~ Binomial(n, 1/2) (see the file comment).
 */
export function medianIntervalRank(n: number): { k: number; confidence: number } {
  if (!(Number.isInteger(n) && n >= 1))
    throw new RangeError(`sample count must be a positive integer, got ${n}`);
  // cdf = P(B <= i), accumulated from P(B = 0) = 2^-n in logarithms (no underflow before it matters).
  let logTerm = -n * Math.LN2;
  let cdf = Math.exp(logTerm);
  let k = 1;
  let confidence = 1 - 2 * cdf;
  // Invariant: confidence = 1 - 2 P(B <= k-1) and cdf = P(B <= k-1).
  while (k < Math.floor((n + 1) / 2)) {
    logTerm += Math.log((n - k + 1) / k);
    const next = cdf + Math.exp(logTerm);
    if (1 - 2 * next < MEDIAN_INTERVAL_CONFIDENCE) break;
    cdf = next;
    k++;
    confidence = 1 - 2 * cdf;
  }
  return { k, confidence: Math.max(0, confidence) };
}

/** Median, extremes, quartiles and the median's interval of `values` (at least one), with the values. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread of no values');
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const { k, confidence } = medianIntervalRank(n);
  return {
    n,
    median: quantileSorted(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
    lo: sorted[k - 1]!,
    hi: sorted[n - k]!,
    confidence,
    samples: [...values],
  };
}

/** Spread of the non-null values, or null when every value is null (e.g. an MMU window longer than the runs). */
export function spreadOrNull(values: ReadonlyArray<number | null>): Spread | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : spread(present);
}
