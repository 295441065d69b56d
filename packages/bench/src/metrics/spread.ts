/**
 * Medians and spread of repeated measurements (one value per invocation): the median, the extremes
 * and the interquartile range. Quartiles use linear interpolation between order statistics (the
 * "type 7" definition of R and NumPy's default), so the median of an even count is the mean of the
 * two middle values.
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
}

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

/** Median, extremes and quartiles of `values` (at least one). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread of no values');
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    median: quantileSorted(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
  };
}

/** Spread of the non-null values, or null when every value is null (e.g. an MMU window longer than the runs). */
export function spreadOrNull(values: ReadonlyArray<number | null>): Spread | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : spread(present);
}
