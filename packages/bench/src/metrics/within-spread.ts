/**
 * The within-spread rule: when two timed figures differ by more than the noise of their
 * invocations. Each figure carries its median's confidence interval ([lo, hi] of `Spread`, a
 * distribution-free order-statistic interval); two figures are told apart only when their intervals
 * do not overlap. Otherwise the difference lies within the spread of the invocations and is noise,
 * not a result. A figure of one invocation has no spread (its interval is a point), so nothing can
 * be said about it: `no-spread`, never a win.
 *
 * Every reader of timed figures judges with this one rule: the run's tables and HTML report (marks
 * on differences within the spread), `gclab compare` (regressions and improvements) and the
 * debate's "faster" and "slower".
 *
 * NOTE: a worked example. no-gc 10.0 ms [9.5, 11.0] and mark-sweep 12.0 ms [10.8, 15.0]: the
 * intervals overlap on [10.8, 11.0], so "+20%" is within the spread. With mark-sweep at 12.0 ms
 * [11.2, 13.1] they do not, and mark-sweep is slower beyond the noise. Two disjoint intervals of at
 * least 95% each make a conservative test: a difference is rarely called where there is none.
 */
import type { Spread } from './spread.ts';

/** The part of a spread the rule reads: the sample count and the median's interval. */
export type SpreadInterval = Pick<Spread, 'n' | 'median' | 'lo' | 'hi'>;

/**
 * How figure `a` stands against figure `b`: `lower` or `higher` beyond the spread (the intervals are
 * disjoint), `within-spread` (they overlap), or `no-spread` (either had fewer than two invocations).
 */
export type SpreadOrder = 'lower' | 'higher' | 'within-spread' | 'no-spread';

/** Compares two timed figures by the within-spread rule (see the file comment). */
export function compareSpreads(a: SpreadInterval, b: SpreadInterval): SpreadOrder {
  if (a.n < 2 || b.n < 2) return 'no-spread';
  if (a.hi < b.lo) return 'lower';
  if (b.hi < a.lo) return 'higher';
  return 'within-spread';
}

/** Whether `a` is lower than `b` beyond the spread of both (a shorter time, a shorter pause). */
export function lowerBeyondSpread(a: SpreadInterval, b: SpreadInterval): boolean {
  return compareSpreads(a, b) === 'lower';
}

/**
 * The interval of a ratio minus 1 (an overhead `a / b - 1`) from the intervals of `a` and `b`:
 * [a.lo / b.hi - 1, a.hi / b.lo - 1], or null when `b`'s interval reaches 0.
 */
export function ratioInterval(a: SpreadInterval, b: SpreadInterval): { lo: number; hi: number } | null {
  if (!(b.lo > 0)) return null;
  return { lo: a.lo / b.hi - 1, hi: a.hi / b.lo - 1 };
}

/**
 * The spread of a figure read from an older results file, which recorded no interval: its interval
 * is the range of the invocations (`min`-`max`, wider than the median's interval from 9 samples on,
 * so older files are judged no less cautiously), its samples unknown (empty).
 */
export function withInterval(
  s: Omit<Spread, 'lo' | 'hi' | 'confidence' | 'samples'> & Partial<Spread>,
): Spread {
  return {
    ...s,
    lo: s.lo ?? s.min,
    hi: s.hi ?? s.max,
    confidence: s.confidence ?? Math.max(0, 1 - 2 ** (1 - s.n)),
    samples: s.samples ?? [],
  };
}
