import { Heap } from '@gclab/core';
import { defaultSeed, ProgramRun, programArbitrary } from '@gclab/verify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CPythonCollector, cpython } from '../src/cpython.ts';

const seed = defaultSeed();
const numRuns = 150;
/** Small thresholds, so random programs of ~100 operations run many collections of every generation. */
const collectorOptions = { threshold0: 3, threshold1: 2, threshold2: 2 };
/**
 * Random programs of 30 to 120 steps, with `gc` and `gc N` steps and many `refcount` steps, or
 * without explicit collections. (The 64 KiB limit only sizes `big` payloads: 512 bytes to 2 KiB,
 * above obmalloc's small-object limit; the heaps have no limit.)
 */
const withGc = programArbitrary({
  maxOps: 120,
  minOps: 30,
  heapLimits: [64 * 1024],
  generations: [0, 1, 2],
  weights: { refcount: 6 },
});
const withoutGc = programArbitrary({
  maxOps: 120,
  minOps: 30,
  heapLimits: [64 * 1024],
  generations: [],
  explicitGc: false,
});

describe('cpython properties (checked mode)', () => {
  it('counts equal incoming references and the GC lists are consistent after every op; nothing reachable is freed', () => {
    // Checked mode checks the graph against its shadow after every op and calls verify(): counts
    // recomputed by an independent scan, obmalloc's bookkeeping, every container in exactly one
    // consistent GC list.
    let collections = 0;
    let samples = 0;
    fc.assert(
      fc.property(withGc, (program) => {
        const heap = new Heap(cpython, { checked: true, collectorOptions });
        const run = new ProgramRun(heap, { gcBeforeRefcount: true, countFrom: 'reachable' }).run(program);
        collections += heap.telemetry.collections.length;
        for (const r of run.refcounts) {
          if (r.heap !== r.model) throw new Error(`refcount ${r.heap} != model ${r.model}\n${run.trace()}`);
        }
        samples += run.refcounts.length;
      }),
      { seed, numRuns },
    );
    expect(collections).toBeGreaterThan(numRuns * 5);
    expect(samples).toBeGreaterThan(numRuns);
  });

  it('after gc no unreachable object remains', () => {
    fc.assert(
      fc.property(withoutGc, fc.boolean(), (program, callback) => {
        const heap = new Heap(cpython, { checked: true, collectorOptions });
        if (callback) (heap.collector as CPythonCollector).gc.callbacks.push(() => {});
        const run = new ProgramRun(heap).run(program);
        const unreachableBefore = heap.oracle.traverse().garbageObjects;
        const collected = heap.gc();
        expect(heap.oracle.traverse().garbageObjects, run.trace()).toBe(0);
        // Collected counts the unreachable containers; non-containers they held go by counting.
        expect(collected).toBeLessThanOrEqual(unreachableBefore);
      }),
      { seed, numRuns },
    );
  });
});
