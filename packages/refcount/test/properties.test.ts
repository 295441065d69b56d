import { type CollectorDescriptor, Heap } from '@gclab/core';
import {
  bigUnit,
  defaultSeed,
  ProgramRun,
  type ProgramRunOptions,
  programArbitrary,
  type Step,
} from '@gclab/verify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refcountDeferred } from '../src/plans/deferred-refcount.ts';
import { type ImmediateReferenceCounting, refcount } from '../src/plans/refcount.ts';

const seed = defaultSeed();
const numRuns = 150;
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

const collectors: Array<[string, CollectorDescriptor, Record<string, unknown>, ProgramRunOptions]> = [
  ['refcount', refcount, {}, {}],
  ['refcount-deferred', refcountDeferred, { zctThreshold: 3 }, { gcBeforeRefcount: true }],
];

describe.each(collectors)(
  '%s properties (checked mode)',
  (_name, descriptor, collectorOptions, runOptions) => {
    it('counts equal incoming references after every op, and no reachable object is freed', () => {
      // Checked mode compares the graph with its shadow after every operation and calls verify(),
      // which recomputes every count from an independent scan of all objects (and roots).
      let samples = 0;
      fc.assert(
        fc.property(withGc, (program) => {
          const heap = new Heap(descriptor, { checked: true, collectorOptions });
          const run = new ProgramRun(heap, { ...runOptions, countFrom: 'kept' }).run(program);
          for (const r of run.refcounts) {
            if (r.heap !== r.model) throw new Error(`refcount ${r.heap} != model ${r.model}\n${run.trace()}`);
          }
          samples += run.refcounts.length;
        }),
        { seed, numRuns },
      );
      expect(samples).toBeGreaterThan(numRuns);
    });

    it('leaks exactly the cyclic garbage and what only it reaches', () => {
      fc.assert(
        fc.property(withoutGc, (program) => {
          const heap = new Heap(descriptor, { checked: true, collectorOptions });
          const run = new ProgramRun(heap).run(program);
          heap.gc(); // reconciles the deferred ZCT; nothing for immediate counting
          const garbage = heap.oracle.traverse().garbageObjects;
          expect(garbage, run.trace()).toBe(run.expectedLeak());
        }),
        { seed, numRuns },
      );
    });
  },
);

describe('refcount pauses (a single free is not a pause)', () => {
  it('every freed object is in a single free or in exactly one cascade pause of at least 2 objects', () => {
    fc.assert(
      fc.property(withGc, (program) => {
        const heap = new Heap(refcount);
        new ProgramRun(heap).run(program);
        const collector = heap.collector as ImmediateReferenceCounting;
        const pauses = heap.telemetry.pauses.toArray();
        expect(pauses.every((p) => p.kind === 'cascade' && p.work >= 2)).toBe(true);
        expect(pauses.length).toBe(collector.cascades);
        const inPauses = pauses.reduce((sum, p) => sum + p.work, 0);
        expect(inPauses + collector.singleFrees).toBe(heap.counters.objectsFreed);
        const largest = pauses.reduce((m, p) => Math.max(m, p.work), collector.singleFrees > 0 ? 1 : 0);
        expect(collector.largestCascade).toBe(largest);
      }),
      { seed, numRuns },
    );
  });
});

describe('the leak property can fail', () => {
  it('a model that forgets a cycle disagrees with the heap', () => {
    const heap = new Heap(refcount, { checked: true });
    // new r0 1; put r0 0 r0 (self-cycle); del r0.
    const steps: Step[] = [
      { k: 'new', dst: { r: 0 }, refs: 1, bytes: 0 },
      { k: 'put', obj: { r: 0 }, index: 0, src: { r: 0 }, mode: 'given' },
      { k: 'del', dst: { r: 0 } },
    ];
    const run = new ProgramRun(heap).run({ steps, bigUnit: bigUnit(null) });
    expect(run.trace()).toContain('put r0 0 r0');
    expect(run.expectedLeak()).toBe(1);
    expect(heap.oracle.traverse().garbageObjects).toBe(1);
  });
});
