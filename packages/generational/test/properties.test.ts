import { Heap } from '@gclab/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choicesArbitrary, runProgram, traceText } from '../../refcount/test/random-program.ts';
import { type CPythonCollector, cpython } from '../src/cpython.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);
const numRuns = 150;
/** Small thresholds, so random programs of ~100 operations run many collections of every generation. */
const collectorOptions = { threshold0: 3, threshold1: 2, threshold2: 2 };

describe('cpython properties (checked mode)', () => {
  it('counts equal incoming references and the GC lists are consistent after every op; nothing reachable is freed', () => {
    // Checked mode checks the graph against its shadow after every op and calls verify(): counts
    // recomputed by an independent scan, obmalloc's bookkeeping, every container in exactly one
    // consistent GC list.
    let collections = 0;
    fc.assert(
      fc.property(choicesArbitrary(), (choices) => {
        const heap = new Heap(cpython, { checked: true, collectorOptions });
        const run = runProgram(heap, choices, { gcBeforeRefcount: true, countFromReachable: true });
        collections += heap.telemetry.collections.length;
        for (const r of run.refcounts) {
          if (r.heap !== r.model)
            throw new Error(`refcount ${r.heap} != model ${r.model}\n${traceText(run.ops)}`);
        }
      }),
      { seed, numRuns },
    );
    expect(collections).toBeGreaterThan(numRuns * 5);
  });

  it('after gc no unreachable object remains', () => {
    fc.assert(
      fc.property(choicesArbitrary(120, 0), fc.boolean(), (choices, callback) => {
        const heap = new Heap(cpython, { checked: true, collectorOptions });
        if (callback) (heap.collector as CPythonCollector).gc.callbacks.push(() => {});
        const run = runProgram(heap, choices);
        const unreachableBefore = heap.oracle.traverse().garbageObjects;
        const collected = heap.gc();
        expect(heap.oracle.traverse().garbageObjects, traceText(run.ops)).toBe(0);
        // Collected counts the unreachable containers; non-containers they held go by counting.
        expect(collected).toBeLessThanOrEqual(unreachableBefore);
      }),
      { seed, numRuns },
    );
  });
});
