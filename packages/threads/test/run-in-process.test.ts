// One mutator thread run on the test's own thread (no worker): every figure is deterministic, so the
// same program must do the same work under every plan, and the same seed must give the same figures.
import { describe, expect, it } from 'vitest';
import { finishRun, prepareRun, runThread, THREAD_VARIANTS, type ThreadRunOptions } from '../src/index.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

function runHere(options: ThreadRunOptions) {
  const prepared = prepareRun(options);
  return finishRun(prepared, prepared.jobs.map(runThread));
}

const base = { threads: 1, opsPerThread: 60_000, shared: 0.3, singletons: 0.3, seed, heapBytes: 1 << 20 };

describe('a one-thread run', () => {
  const runs = THREAD_VARIANTS.map((v) => runHere({ ...base, variant: v.name }));

  it('passes the final check under every plan', () => {
    for (const r of runs)
      expect({ variant: r.options.variant, ...r.check }).toMatchObject({ ok: true, samples: [] });
  });

  it('does the same work under every plan: same allocations, same reference operations under every counting plan', () => {
    const allocations = new Set(runs.map((r) => r.totals.allocations));
    expect(allocations.size).toBe(1);
    const counting = runs.filter((r) => r.options.variant !== 'tracing');
    expect(new Set(counting.map((r) => r.totals.increments)).size).toBe(1);
    expect(new Set(counting.map((r) => r.totals.decrements)).size).toBe(1);
    expect(counting[0]!.totals.increments).toBeGreaterThan(base.opsPerThread / 4);
  });

  it('frees every object but the live ones: by count, or by the final collection', () => {
    for (const r of runs) expect(r.totals.allocations - r.totals.frees).toBe(r.check.objects - 8);
  });

  it('repeats its figures exactly for the same seed', () => {
    const again = runHere({ ...base, variant: 'biased' });
    const first = runs.find((r) => r.options.variant === 'biased')!;
    expect(again.totals).toEqual(first.totals);
  });

  it('uses no atomic update under gil, one per count update under atomic, none for its own objects under biased', () => {
    const by = (name: string) => runs.find((r) => r.options.variant === name)!.totals;
    expect(by('gil').atomicUpdates).toBe(0);
    expect(by('atomic').atomicUpdates).toBe(by('atomic').increments + by('atomic').decrements);
    // One thread owns everything but the singletons (the main thread's): only those go atomic.
    expect(by('biased').atomicUpdates).toBeGreaterThan(0);
    expect(by('biased').atomicUpdates).toBeLessThan(by('atomic').atomicUpdates / 2);
    expect(by('biased-immortal').atomicUpdates).toBe(0);
    expect(by('biased-immortal').immortalSkips).toBeGreaterThan(0);
  });

  it('collects at safepoints under tracing when the heap is small', () => {
    const r = runHere({ ...base, variant: 'tracing', heapBytes: 4 * 32 * 1024 });
    expect(r.totals.collections).toBeGreaterThan(3);
    expect(r.check.ok).toBe(true);
  });
});
