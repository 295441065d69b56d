import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MMU_CURVE_WINDOWS, mmu, mmuAt, mmuCurve, type PauseIntervals } from '../../src/metrics/mmu.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

/** Pause time inside [a, b], summing overlaps directly (overlapping pauses merged by marking). */
function pausedNaive(p: PauseIntervals, a: number, b: number): number {
  const n = p.starts.length;
  const intervals = Array.from(
    { length: n },
    (_, i) => [p.starts[i]!, p.starts[i]! + p.durations[i]!] as const,
  ).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let covered = a;
  for (const [s, e] of intervals) {
    const lo = Math.max(s, covered);
    const hi = Math.min(e, b);
    if (hi > lo) {
      total += hi - lo;
      covered = hi;
    }
  }
  return total;
}

/** MMU by evaluating every breakpoint of the piecewise-linear pause function (all four families). */
function mmuNaive(p: PauseIntervals, w: number): number | null {
  const last = p.runEnd - w;
  if (last < p.runStart) return null;
  const candidates = [p.runStart, last];
  for (let i = 0; i < p.starts.length; i++) {
    const s = p.starts[i]!;
    const e = s + p.durations[i]!;
    candidates.push(s, e, s - w, e - w);
  }
  let worst = 0;
  for (const c of candidates) {
    const t = Math.min(Math.max(c, p.runStart), last);
    worst = Math.max(worst, pausedNaive(p, t, t + w));
  }
  return Math.max(0, (w - worst) / w);
}

describe('minimum mutator utilization', () => {
  // Run [0, 10] ms; pauses [2, 3] and [4, 6].
  const log: PauseIntervals = { starts: [2, 4], durations: [1, 2], runStart: 0, runEnd: 10 };

  it('matches the worked example', () => {
    expect(mmu(log, 2)).toBe(0); // [4, 6] is all pause
    expect(mmu(log, 4)).toBeCloseTo(0.25, 12); // [2, 6] holds 3 ms of pause
    expect(mmu(log, 1)).toBe(0);
    expect(mmu(log, 3)).toBeCloseTo(1 / 3, 12); // [3, 6] or [4, 7]: 2 ms
    expect(mmu(log, 10)).toBeCloseTo(0.7, 12);
    expect(mmu(log, 11)).toBeNull();
    expect(mmuAt(log, [2, 4, 11])).toEqual([0, expect.closeTo(0.25, 12), null]);
  });

  it('is 1 without pauses and merges overlapping pauses', () => {
    expect(mmu({ starts: [], durations: [], runStart: 0, runEnd: 5 }, 1)).toBe(1);
    // [1, 3] and [2, 4] overlap: 3 ms of pause in [1, 4], not 4.
    const overlapping: PauseIntervals = { starts: [1, 2], durations: [2, 2], runStart: 0, runEnd: 10 };
    expect(mmu(overlapping, 10)).toBeCloseTo(0.7, 12);
    expect(mmu(overlapping, 4)).toBeCloseTo(0.25, 12);
  });

  it('gives a curve over the standard windows ending with the whole run', () => {
    const curve = mmuCurve(log);
    expect(curve.map((p) => p.windowMs)).toEqual([...MMU_CURVE_WINDOWS.filter((w) => w < 10), 10]);
    expect(curve.at(-1)!.mmu).toBeCloseTo(0.7, 12);
    for (let i = 1; i < curve.length; i++) {
      // Over whole multiples of a window, MMU cannot fall: MMU(2w) >= MMU(w).
      const w = curve[i]!.windowMs;
      const half = curve.find((p) => p.windowMs === w / 2);
      if (half !== undefined) expect(curve[i]!.mmu).toBeGreaterThanOrEqual(half.mmu - 1e-12);
    }
  });

  it('equals a brute-force evaluation at every breakpoint on random pause logs', () => {
    const pause = fc.record({
      start: fc.integer({ min: 0, max: 1000 }),
      duration: fc.integer({ min: 1, max: 60 }),
    });
    fc.assert(
      fc.property(fc.array(pause, { maxLength: 30 }), fc.integer({ min: 1, max: 1200 }), (pauses, w) => {
        const p: PauseIntervals = {
          starts: pauses.map((x) => x.start),
          durations: pauses.map((x) => x.duration),
          runStart: 0,
          runEnd: 1100,
        };
        const fast = mmu(p, w);
        const naive = mmuNaive(p, w);
        if (naive === null) expect(fast).toBeNull();
        else expect(fast).toBeCloseTo(naive, 9);
      }),
      { seed, numRuns: 300 },
    );
  });
});
