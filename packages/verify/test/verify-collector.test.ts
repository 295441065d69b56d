import { type CollectorDescriptor, noGc, parseTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { descriptor as tinyMarkSweep } from '../../../examples/collectors/tiny-mark-sweep.ts';
import {
  defaultCompleteness,
  probeHeapLimits,
  verifyCollector,
  verifyTrace,
} from '../src/verify-collector.ts';
import { brokenCollectors, MovingNoGC } from './fixtures/broken-collectors.ts';
import { tinyRefcount } from './fixtures/tiny-refcount.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);
const movingNoGc: CollectorDescriptor = {
  ...noGc,
  name: 'moving-no-gc',
  create: (heap) => new MovingNoGC(heap, true, true),
};

describe('verifyCollector on correct collectors', () => {
  // no-gc maps 1 MiB chunks, so its heaps are the largest to set up: fewer programs for it.
  it.each([
    { descriptor: noGc, runs: 120 },
    { descriptor: movingNoGc, runs: 120 },
    { descriptor: tinyMarkSweep, runs: 300 },
    { descriptor: tinyRefcount, runs: 300 },
  ])('passes $runs programs under $descriptor.name', ({ descriptor, runs }) => {
    let progress = 0;
    // moving-no-gc leaves every old copy behind, so it runs without a heap limit.
    const heapLimits = descriptor === movingNoGc ? [null] : undefined;
    const result = verifyCollector(descriptor, {
      seed,
      runs,
      heapLimits,
      onProgress: (done) => (progress = done),
    });
    expect(result.failure?.trace ?? null).toBeNull();
    expect(result.passed).toBe(true);
    // Two long programs in stress mode follow, for collectors that free.
    const stress = defaultCompleteness(descriptor) === 'none' ? 0 : 2;
    expect(result.figures.programs).toBe(runs + stress);
    expect(progress).toBe(runs + stress);
    expect(result.figures.operations).toBeGreaterThan(runs * 10);
    expect(result.figures.fullCollections).toBeGreaterThan(runs / 3);
  });

  it('derives completeness from the family and constraints', () => {
    expect(defaultCompleteness(noGc)).toBe('none');
    expect(defaultCompleteness(tinyMarkSweep)).toBe('full');
    expect(defaultCompleteness(tinyRefcount)).toBe('acyclic');
  });

  it('probes the smallest heap limit that holds a third of it live, and offers larger ones', () => {
    // tiny-mark-sweep maps 64 KiB chunks: 32 KiB cannot hold a chunk, 64 KiB can.
    expect(probeHeapLimits(tinyMarkSweep)).toEqual([65536, 262144, null]);
    // no-gc maps 1 MiB chunks.
    expect(probeHeapLimits(noGc)).toEqual([1 << 20, 4 << 20, null]);
  });

  it('checks completeness as told: no-gc fails when asked to be complete', () => {
    const result = verifyCollector(noGc, { seed, runs: 100, completeness: 'full' });
    expect(result.failure?.property).toBe('completeness');
  });
});

describe('verifyCollector catches every broken collector with a small counterexample', () => {
  for (const { descriptor, caughtBy } of brokenCollectors) {
    it(`${descriptor.name}: caught by ${caughtBy.join(' or ')}, with and without core checked mode`, () => {
      for (const coreChecks of [true, false]) {
        const result = verifyCollector(descriptor, { seed, runs: 300, coreChecks });
        expect(result.passed).toBe(false);
        const failure = result.failure!;
        expect(caughtBy).toContain(failure.property);
        // Out of memory needs the allocations that fill the heap; everything else is tiny.
        expect(failure.ops.length).toBeLessThanOrEqual(failure.property === 'out-of-memory' ? 20 : 12);
        expect(failure.ops.length).toBeLessThanOrEqual(failure.shrunkOps);
        // The trace text is the counterexample, and it reproduces the failure.
        expect(parseTrace(failure.trace)).toEqual(failure.ops);
        expect(failure.trace).toContain(`# property: ${failure.property}`);
        const again = verifyTrace(descriptor, parseTrace(failure.trace), {
          heapLimit: failure.heapLimit,
          coreChecks,
        });
        expect(again.violation?.property).toBe(failure.property);
      }
    });
  }

  it('reproduces a failure from its seed and path, and gives the same counterexample every time', () => {
    const descriptor = brokenCollectors.find((c) => c.descriptor.name === 'skips-last-field')!.descriptor;
    const first = verifyCollector(descriptor, { seed, runs: 300 });
    const second = verifyCollector(descriptor, { seed, runs: 300 });
    expect(second.failure?.trace).toBe(first.failure?.trace);
    const replayed = verifyCollector(descriptor, {
      seed: first.failure!.seed,
      path: first.failure!.path!,
      runs: 1,
    });
    expect(replayed.figures.programs).toBe(1);
    expect(replayed.failure?.property).toBe(first.failure?.property);
  });
});
