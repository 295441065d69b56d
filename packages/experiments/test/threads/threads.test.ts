// The threads experiment's small preset on real threads (one timed run per configuration): its
// structure, the one-thread count updates per operation equal to the same program run here on the
// test's thread (deterministic for a seed), every correct variant's final check passed; the text
// form; a run that cannot end is a ThreadRunError, not a hang.
import { finishRun, prepareRun, runThread, THREAD_VARIANTS, ThreadRunError } from '@gclab/threads';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_SINGLETONS,
  CONTENTION_POINTS,
  CONTENTION_VARIANTS,
  countedFaster,
  countedRatio,
  HEAP_PER_THREAD,
  runThreadsExperiment,
  THREADS_PRESETS,
  type ThreadsExperimentResult,
} from '../../src/threads/threads-experiment.ts';
import { formatThreadsExperiment } from '../../src/threads/threads-format.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);
let r: ThreadsExperimentResult;

beforeAll(async () => {
  r = await runThreadsExperiment({ size: 'small', threads: 2, invocations: 1, seed });
}, 120_000);

/** The same one-thread program, run on this thread. */
function oneThreadHere(variant: (typeof THREAD_VARIANTS)[number]['name']) {
  const prepared = prepareRun({
    variant,
    threads: 1,
    opsPerThread: THREADS_PRESETS.small.opsPerThread,
    shared: 0,
    singletons: BASE_SINGLETONS,
    seed,
    heapBytes: HEAP_PER_THREAD + 4 * 32 * 1024,
  });
  return finishRun(prepared, prepared.jobs.map(runThread)).totals;
}

describe('gclab experiment threads (small)', () => {
  it('measures every variant at 1 and 2 threads, the contention points and the demonstration', () => {
    expect(r.variants.map((v) => v.variant)).toEqual(THREAD_VARIANTS.map((v) => v.name));
    for (const v of r.variants) {
      expect(v.one.runs).toHaveLength(1);
      expect(v.many.runs).toHaveLength(1);
      expect(v.one.median).toBeGreaterThan(0);
      expect(v.scaling.median).toBeCloseTo(v.many.median / v.one.median, 9);
    }
    expect(r.variants[0]!.timeOverGil.median).toBe(1);
    expect(r.contention.map((c) => [c.variant, c.shared, c.singletons])).toEqual(
      CONTENTION_VARIANTS.flatMap((v) => CONTENTION_POINTS.map((p) => [v, p.shared, p.singletons])),
    );
    // Immortal singletons are never counted: with every copy a singleton, biased counting goes atomic, immortal not more.
    const all = (v: string) => r.contention.find((c) => c.variant === v && c.singletons === 1)!;
    expect(all('biased').atomicPerOp).toBeGreaterThan(all('biased-immortal').atomicPerOp);
    expect(r.demonstration?.runs).toHaveLength(1);
    expect(r.failures).toEqual([]);
    expect(r.machine.cores).toBeGreaterThanOrEqual(2);
  });

  it('counts the same updates per operation as the same one-thread program run here (deterministic)', () => {
    for (const v of r.variants) {
      if (v.perOp === null) continue;
      const t = oneThreadHere(v.variant);
      expect({ variant: v.variant, ...v.perOp }).toEqual({
        variant: v.variant,
        updates: (t.increments + t.decrements) / t.ops,
        atomic: t.atomicUpdates / t.ops,
        immortalSkips: t.immortalSkips / t.ops,
        queued: t.queued / t.ops,
      });
    }
    const by = (name: string) => r.variants.find((v) => v.variant === name)!.perOp!;
    expect(by('atomic').atomic).toBe(by('atomic').updates);
    expect(by('gil').atomic).toBe(0);
    expect(by('biased-immortal').atomic).toBe(0);
    expect(by('biased-immortal').immortalSkips).toBe(by('biased').atomic);
    if (seed === 42) {
      // 100,000 operations of seed 42, a quarter of copies singletons: 49,316 count updates, of
      // which 14,274 touch a singleton (the main thread's, so atomic under biased counting).
      expect(by('gil').updates).toBe(49_316 / 100_000);
      expect(by('biased').atomic).toBe(14_274 / 100_000);
    }
    expect(r.variants.find((v) => v.variant === 'tracing')!.collections).toBeGreaterThan(1);
  });

  it('writes the text form with the figures', () => {
    const text = formatThreadsExperiment(r);
    expect(text).toContain('size small: 100,000 operations per thread, 1 timed runs after 1 warm-up');
    expect(text).toMatch(/^biased-immortal +\d/m);
    expect(text).toContain('Contention at 2 threads');
    expect(text).toMatch(/updates lost in [01] of 1 runs\./);
    expect(text).toContain('Every run of a correct variant passed the final graph check.');
  });

  it('counts a difference only at 10% and beyond the spread', () => {
    const s = (median: number, min: number, max: number) => ({ runs: [], median, min, max });
    expect(countedRatio(s(1.12, 1.05, 1.2))).toBe(true);
    expect(countedRatio(s(1.12, 0.99, 1.2))).toBe(false);
    expect(countedRatio(s(1.08, 1.05, 1.1))).toBe(false);
    expect(countedRatio(s(0.5, 0.4, 0.9))).toBe(true);
    expect(countedFaster(s(20, 19, 21), s(17, 16, 18))).toBe(true);
    expect(countedFaster(s(20, 17.5, 21), s(17, 16, 18))).toBe(false);
  });

  it('ends a run that does not finish in time with ThreadRunError', async () => {
    await expect(runThreadsExperiment({ size: 'small', threads: 1, timeoutMs: 1 })).rejects.toThrow(
      ThreadRunError,
    );
  });
});
