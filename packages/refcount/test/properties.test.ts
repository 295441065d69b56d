import { type CollectorDescriptor, Heap } from '@gclab/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refcountDeferred } from '../src/plans/deferred-refcount.ts';
import { type ImmediateReferenceCounting, refcount } from '../src/plans/refcount.ts';
import { choicesArbitrary, type RunOptions, runProgram, traceText } from './random-program.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);
const numRuns = 150;

const collectors: Array<[string, CollectorDescriptor, Record<string, unknown>, RunOptions]> = [
  ['refcount', refcount, {}, {}],
  ['refcount-deferred', refcountDeferred, { zctThreshold: 3 }, { gcBeforeRefcount: true }],
];

describe.each(collectors)(
  '%s properties (checked mode)',
  (_name, descriptor, collectorOptions, runOptions) => {
    it('counts equal incoming references after every op, and no reachable object is freed', () => {
      // Checked mode compares the graph with its shadow after every operation and calls verify(),
      // which recomputes every count from an independent scan of all objects (and roots).
      fc.assert(
        fc.property(choicesArbitrary(), (choices) => {
          const heap = new Heap(descriptor, { checked: true, collectorOptions });
          const run = runProgram(heap, choices, runOptions);
          for (const r of run.refcounts) {
            if (r.heap !== r.model)
              throw new Error(`refcount ${r.heap} != model ${r.model}\n${traceText(run.ops)}`);
          }
        }),
        { seed, numRuns },
      );
    });

    it('leaks exactly the cyclic garbage and what only it reaches', () => {
      fc.assert(
        fc.property(choicesArbitrary(120, 0), (choices) => {
          const heap = new Heap(descriptor, { checked: true, collectorOptions });
          const run = runProgram(heap, choices);
          heap.gc(); // reconciles the deferred ZCT; nothing for immediate counting
          const garbage = heap.oracle.traverse().garbageObjects;
          expect(garbage, traceText(run.ops)).toBe(run.model.expectedLeak());
        }),
        { seed, numRuns },
      );
    });
  },
);

describe('refcount pauses (a single free is not a pause)', () => {
  it('every freed object is in a single free or in exactly one cascade pause of at least 2 objects', () => {
    fc.assert(
      fc.property(choicesArbitrary(), (choices) => {
        const heap = new Heap(refcount);
        runProgram(heap, choices);
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
    const run = runProgram(heap, [
      [0, 0, 1, 1],
      [3, 0, 0, 0],
      [2, 0, 0, 0],
    ]);
    expect(run.model.expectedLeak()).toBe(1);
    expect(heap.oracle.traverse().garbageObjects).toBe(1);
  });
});
