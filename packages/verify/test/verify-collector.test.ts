import { type CollectorDescriptor, noGc, parseTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { descriptor as tinyMarkSweep } from '../../../examples/collectors/tiny-mark-sweep.ts';
import { corpusHeapLimit, regressionCorpus, traceHeapLimit } from '../src/regression-corpus.ts';
import {
  defaultCompleteness,
  probeHeapLimits,
  verifyCollector,
  verifyTrace,
} from '../src/verify-collector.ts';
import { brokenCollectors, MovingNoGC, movingNoGc as movingBase } from './fixtures/broken-collectors.ts';
import { tinyRefcount } from './fixtures/tiny-refcount.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);
const movingNoGc: CollectorDescriptor = {
  ...movingBase,
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
    // Without the regression corpus, which would catch it before any random program.
    const first = verifyCollector(descriptor, { seed, runs: 300, corpus: [] });
    const second = verifyCollector(descriptor, { seed, runs: 300, corpus: [] });
    expect(second.failure?.trace).toBe(first.failure?.trace);
    const replayed = verifyCollector(descriptor, {
      seed: first.failure!.seed,
      path: first.failure!.path!,
      runs: 1,
      corpus: [],
    });
    expect(replayed.figures.programs).toBe(1);
    expect(replayed.failure?.property).toBe(first.failure?.property);
  });
});

describe('the regression corpus', () => {
  it('runs every corpus trace first under a correct collector, and reports how many ran', () => {
    const corpus = regressionCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    for (const trace of corpus) expect(trace.ops.length).toBeGreaterThan(0);
    const result = verifyCollector(tinyMarkSweep, { seed, runs: 20 });
    expect(result.failure?.trace ?? null).toBeNull();
    expect(result.figures.corpusTraces).toBe(corpus.length);
    expect(result.figures.programs).toBe(20 + 2); // and 2 long programs in stress mode
  });

  it('fails the run on a failing corpus trace before any random program runs', () => {
    const descriptor = brokenCollectors.find((c) => c.descriptor.name === 'forgets-root')!.descriptor;
    const corpus = [
      { name: 'passes', ops: parseTrace('gclab-trace 1\nnew g:a 0\ngc\n'), heapLimit: null },
      {
        name: 'catches-it',
        ops: parseTrace('gclab-trace 1\nnew g:a 1\nnew r0 0 8\ngc\n'),
        heapLimit: 1 << 20,
      },
      { name: 'never-runs', ops: parseTrace('gclab-trace 1\ngc\n'), heapLimit: null },
    ];
    let progress = 0;
    const result = verifyCollector(descriptor, { seed, runs: 50, corpus, onProgress: () => progress++ });
    expect(result.passed).toBe(false);
    expect(result.figures.programs).toBe(0);
    expect(progress).toBe(0);
    expect(result.figures.corpusTraces).toBe(2);
    const failure = result.failure!;
    expect(failure.corpusTrace).toBe('catches-it');
    expect(failure.path).toBeNull();
    expect(failure.property).toBe('safety');
    // Shrunk like any counterexample, and the heap limit it did not need dropped.
    expect(failure.ops).toEqual(parseTrace('gclab-trace 1\nnew r0 0\ngc\n'));
    expect(failure.shrunkOps).toBe(3);
    expect(failure.heapLimit).toBeNull();
    expect(failure.trace).toContain('# regression corpus trace catches-it');
  });

  it('catches the broken collectors it was seeded from before any random program', () => {
    const descriptor = brokenCollectors.find((c) => c.descriptor.name === 'forgets-root')!.descriptor;
    const result = verifyCollector(descriptor, { seed, runs: 50 });
    expect(result.failure?.corpusTrace).not.toBeNull();
    expect(result.figures.programs).toBe(0);
  });

  it("raises a corpus trace to the collector's smallest heap limit, and runs one without a limit without one", () => {
    const trace = { name: 't', ops: [], heapLimit: 1024 };
    expect(corpusHeapLimit(trace, [65536, 262144, null])).toBe(65536);
    expect(corpusHeapLimit({ ...trace, heapLimit: 1 << 20 }, [65536, null])).toBe(1 << 20);
    expect(corpusHeapLimit({ ...trace, heapLimit: null }, [65536, null])).toBeNull();
    expect(traceHeapLimit('gclab-trace 1\n# heap limit: 4096 bytes\ngc\n')).toBe(4096);
    expect(traceHeapLimit('gclab-trace 1\n# heap limit: none\ngc\n')).toBeNull();
  });
});
