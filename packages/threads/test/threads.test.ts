// Runs on real threads (worker_threads over one SharedArrayBuffer): every correct plan's final graph
// checks out whatever the sharing, the plain-count demonstration loses updates, and a run that
// cannot end is ended with a typed error instead of hanging.
import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  runThreads,
  THREAD_VARIANTS,
  ThreadPool,
  ThreadRunError,
  UnknownThreadVariantError,
} from '../src/index.ts';
import { ThreadHeapConfigError } from '../src/layout.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);
const pool = new ThreadPool();
afterAll(() => pool.close());
const correct = THREAD_VARIANTS.filter((v) => v.correct).map((v) => v.name);

describe('threaded runs', () => {
  it('keep every count equal to the references and free nothing reachable, for random programs and sharing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...correct),
        fc.integer({ min: 2, max: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        async (variant, threads, shared, singletons, programSeed) => {
          const r = await runThreads(
            {
              variant,
              threads,
              opsPerThread: 40_000,
              shared,
              singletons,
              seed: programSeed,
              // Small enough that tracing collects during the run.
              heapBytes: 16 * 32 * 1024,
            },
            pool,
          );
          expect({ variant, ...r.check }).toMatchObject({ ok: true, samples: [] });
          expect(r.totals.useAfterFree).toBe(0);
          expect(r.totals.ops).toBe(40_000 * threads);
        },
      ),
      { seed, numRuns: 14 },
    );
  });

  it('checks biased counting where objects cross threads: queued decrements are merged by their owner', async () => {
    const r = await runThreads(
      { variant: 'biased', threads: 2, opsPerThread: 300_000, shared: 1, singletons: 0.5, seed },
      pool,
    );
    expect(r.check.ok).toBe(true);
    expect(r.totals.queued).toBeGreaterThan(0);
    expect(r.totals.merged).toBeGreaterThan(0);
    expect(r.totals.foreignSources).toBeGreaterThan(0);
  });

  it('tracing stops every thread at a safepoint for each collection', async () => {
    const r = await runThreads(
      {
        variant: 'tracing',
        threads: 2,
        opsPerThread: 200_000,
        shared: 0.5,
        singletons: 0.5,
        seed,
        heapBytes: 8 * 32 * 1024,
      },
      pool,
    );
    expect(r.check.ok).toBe(true);
    // Every collection is joined by both threads: they count the same number.
    expect(r.threads[0]!.plan.collections).toBe(r.threads[1]!.plan.collections);
    expect(r.totals.collections).toBeGreaterThan(2);
  });

  it('the non-atomic demonstration loses updates that the final check finds', async () => {
    // Lost updates need two threads on two cores at the same instant; CI has two. On a loaded machine
    // a run sometimes gets no such instant (2 of 8 runs under a load average of 8 here): try again.
    expect(availableParallelism()).toBeGreaterThanOrEqual(2);
    let lost = false;
    for (let attempt = 0; attempt < 12 && !lost; attempt++) {
      const r = await runThreads(
        {
          variant: 'non-atomic',
          threads: 2,
          opsPerThread: 2_000_000,
          shared: 1,
          singletons: 1,
          seed: seed + attempt,
        },
        pool,
      );
      lost = !r.check.ok;
      if (lost)
        expect(r.check.countsTooLow + r.check.countsTooHigh + r.check.danglingReferences).toBeGreaterThan(0);
    }
    expect(lost).toBe(true);
  });

  it('ends a run that does not finish in time with ThreadRunError, and the pool works afterwards', async () => {
    await expect(
      runThreads(
        { variant: 'gil', threads: 2, opsPerThread: 1e9, shared: 0, singletons: 0, seed, timeoutMs: 300 },
        pool,
      ),
    ).rejects.toThrow(ThreadRunError);
    const r = await runThreads(
      { variant: 'atomic', threads: 2, opsPerThread: 1000, shared: 0, singletons: 0, seed },
      pool,
    );
    expect(r.check.ok).toBe(true);
  });

  it('rejects bad options with typed errors naming them', async () => {
    const ok = { variant: 'gil' as const, threads: 1, opsPerThread: 10, shared: 0, singletons: 0, seed };
    await expect(runThreads({ ...ok, variant: 'rc' as never }, pool)).rejects.toThrow(
      UnknownThreadVariantError,
    );
    await expect(runThreads({ ...ok, shared: 1.5 }, pool)).rejects.toThrow(
      /shared must be a share from 0 to 1/,
    );
    await expect(runThreads({ ...ok, threads: 0 }, pool)).rejects.toThrow(ThreadHeapConfigError);
    await expect(runThreads({ ...ok, heapBytes: 1000 }, pool)).rejects.toThrow(/heap must be/);
  });
});
