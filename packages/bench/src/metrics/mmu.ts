/**
 * Minimum mutator utilization (Cheng and Blelloch, PLDI 2001): for a window of w milliseconds, the
 * smallest fraction of any w-long interval of the run left to the mutator,
 *
 *   MMU(w) = min over t in [start, end - w] of (w - paused(t, t + w)) / w,
 *
 * where paused(a, b) is the pause time inside [a, b]. paused(t, t + w) is piecewise linear in t; it
 * is largest where the window starts at a pause's start or ends at a pause's end (moving a window
 * that starts inside a pause left, or one that ends inside a pause right, never lowers the pause
 * time it holds), so those positions, clamped to the run, are the only ones evaluated. Candidate
 * positions are visited in increasing order with two monotone cursors, so one window costs O(n)
 * after sorting. Overlapping pauses are merged first. A window longer than the run has no MMU (null).
 *
 * NOTE: a worked example. Run [0, 10] ms, pauses [2, 3] and [4, 6]: MMU(2) = 0 (the window [4, 6]
 * is all pause); MMU(4) = 1/4 (the window [2, 6] holds 3 ms of pause); MMU(10) = 7/10.
 */

/** Pauses as intervals on the wall clock, in milliseconds. */
export interface PauseIntervals {
  /** Start of each pause. */
  readonly starts: ArrayLike<number>;
  /** Duration of each pause. */
  readonly durations: ArrayLike<number>;
  /** Start of the run. */
  readonly runStart: number;
  /** End of the run. */
  readonly runEnd: number;
}

/** One point of an MMU curve. */
export interface MmuPoint {
  /** Window in milliseconds. */
  windowMs: number;
  /** Minimum mutator utilization at that window, 0 to 1. */
  mmu: number;
}

/** Pauses sorted, clipped to the run and merged where they overlap. */
interface Merged {
  starts: Float64Array;
  ends: Float64Array;
  /** cum[i] = total pause time of intervals 0 .. i-1. */
  cum: Float64Array;
  n: number;
}

function merge(p: PauseIntervals): Merged {
  const count = p.starts.length;
  if (p.durations.length !== count) throw new RangeError('pause starts and durations differ in length');
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => p.starts[a]! - p.starts[b]!);
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  let n = 0;
  for (const i of order) {
    const s = Math.max(p.starts[i]!, p.runStart);
    const e = Math.min(p.starts[i]! + p.durations[i]!, p.runEnd);
    if (!(e > s)) continue;
    if (n > 0 && s <= ends[n - 1]!) {
      if (e > ends[n - 1]!) ends[n - 1] = e;
    } else {
      starts[n] = s;
      ends[n] = e;
      n++;
    }
  }
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + (ends[i]! - starts[i]!);
  return { starts, ends, cum, n };
}

/**
 * Total pause time before `x`, for nondecreasing `x` across calls: `cursor[0]` is the number of
 * pauses starting at or before the previous `x` and only moves forward.
 */
function pausedBefore(m: Merged, x: number, cursor: Int32Array): number {
  let k = cursor[0]!;
  while (k < m.n && m.starts[k]! <= x) k++;
  cursor[0] = k;
  if (k === 0) return 0;
  return m.cum[k - 1]! + Math.min(x - m.starts[k - 1]!, m.ends[k - 1]! - m.starts[k - 1]!);
}

function mmuMerged(m: Merged, runStart: number, runEnd: number, w: number): number | null {
  if (!(w > 0)) throw new RangeError(`MMU window must be positive, got ${w}`);
  const last = runEnd - w;
  if (last < runStart) return null;
  let worst = 0;
  const lo = new Int32Array(1);
  const hi = new Int32Array(1);
  const evaluate = (t: number): void => {
    const paused = pausedBefore(m, t + w, hi) - pausedBefore(m, t, lo);
    if (paused > worst) worst = paused;
  };
  // Candidates in increasing order: runStart, each starts[i] and ends[i] - w (both ascending, merged
  // like two sorted lists), then last; each clamped to [runStart, last].
  let i = 0;
  let j = 0;
  let prev = runStart;
  evaluate(runStart);
  while (i < m.n || j < m.n) {
    const a = i < m.n ? m.starts[i]! : Number.POSITIVE_INFINITY;
    const b = j < m.n ? m.ends[j]! - w : Number.POSITIVE_INFINITY;
    let t: number;
    if (a <= b) {
      t = a;
      i++;
    } else {
      t = b;
      j++;
    }
    if (t > last) break;
    if (t > prev) {
      evaluate(t);
      prev = t;
    }
  }
  evaluate(last);
  return Math.max(0, (w - worst) / w);
}

/** MMU at window `windowMs`, or null when the window is longer than the run. */
export function mmu(pauses: PauseIntervals, windowMs: number): number | null {
  return mmuMerged(merge(pauses), pauses.runStart, pauses.runEnd, windowMs);
}

/** MMU at each of `windowsMs` (null for windows longer than the run). */
export function mmuAt(pauses: PauseIntervals, windowsMs: readonly number[]): Array<number | null> {
  const m = merge(pauses);
  return windowsMs.map((w) => mmuMerged(m, pauses.runStart, pauses.runEnd, w));
}

/** Windows of MMU curves: 1, 2, 5 steps from 0.1 ms to 100 s. */
export const MMU_CURVE_WINDOWS: readonly number[] = (() => {
  const out: number[] = [];
  for (let decade = 0.1; decade < 1e5 * 1.5; decade *= 10) {
    for (const k of [1, 2, 5]) out.push(Number((decade * k).toPrecision(3)));
  }
  return out;
})();

/** The MMU curve: every standard window no longer than the run, then the whole run. */
export function mmuCurve(pauses: PauseIntervals): MmuPoint[] {
  const m = merge(pauses);
  const duration = pauses.runEnd - pauses.runStart;
  const out: MmuPoint[] = [];
  if (!(duration > 0)) return out;
  for (const w of MMU_CURVE_WINDOWS) {
    if (w >= duration) break;
    out.push({ windowMs: w, mmu: mmuMerged(m, pauses.runStart, pauses.runEnd, w)! });
  }
  out.push({ windowMs: duration, mmu: mmuMerged(m, pauses.runStart, pauses.runEnd, duration)! });
  return out;
}
