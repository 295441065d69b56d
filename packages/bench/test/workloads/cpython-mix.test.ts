import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { CPYTHON_MIX_STEPS, CPYTHON_MIX_WEIGHTS, cpythonMix } from '../../src/workloads/cpython-mix.ts';

describe('cpython-mix', () => {
  it('allocates only one-reference objects, as many as the weights predict', () => {
    const heap = new Heap(noGc);
    const result = cpythonMix.run(heap, { size: 'small', seed: 42 });
    const objects = heap.counters.objectsAllocated;
    expect(result).toBe(objects);
    expect(heap.counters.bytesAllocated).toBe(16 * objects);
    // Allocations per step: keep 1, ring m ~ U{2..8} (kept or dropped), pair 2, self-cycle 1,
    // temporary 1, drop 0, chain m ~ U{1..8}, link 0.
    const w = CPYTHON_MIX_WEIGHTS;
    const ringMean = 5;
    const ringSquare = [2, 3, 4, 5, 6, 7, 8].reduce((s, m) => s + m * m, 0) / 7;
    const chainMean = 4.5;
    const chainSquare = [1, 2, 3, 4, 5, 6, 7, 8].reduce((s, m) => s + m * m, 0) / 8;
    const mean =
      (w.keep +
        (w.cycleKept + w.cycleDropped) * ringMean +
        2 * w.pairGarbage +
        w.selfCycle +
        w.temporary +
        w.chain * chainMean) /
      100;
    const square =
      (w.keep +
        (w.cycleKept + w.cycleDropped) * ringSquare +
        4 * w.pairGarbage +
        w.selfCycle +
        w.temporary +
        w.chain * chainSquare) /
      100;
    expect(mean).toBe(1.6);
    const steps = CPYTHON_MIX_STEPS.small;
    const sd = Math.sqrt(steps * (square - mean * mean));
    expect(Math.abs(objects - mean * steps)).toBeLessThan(5 * sd);
  });

  it('is the same program for a seed and a different one for another seed', () => {
    const a = new Heap(noGc);
    const b = new Heap(noGc);
    const c = new Heap(noGc);
    cpythonMix.run(a, { size: 'small', seed: 1 });
    cpythonMix.run(b, { size: 'small', seed: 1 });
    cpythonMix.run(c, { size: 'small', seed: 2 });
    expect(b.counters).toEqual(a.counters);
    expect(c.counters.ops).not.toBe(a.counters.ops);
  });

  it('adds exactly N long-lived objects with longLived=N, kept alive in a chain', () => {
    const plain = new Heap(noGc);
    const withOld = new Heap(noGc);
    cpythonMix.run(plain, { size: 'small', seed: 3 });
    cpythonMix.run(withOld, { size: 'small', seed: 3, options: { longLived: '1000' } });
    expect(withOld.counters.objectsAllocated - plain.counters.objectsAllocated).toBe(1000);
    expect(withOld.oracle.traverse().reachableObjects - plain.oracle.traverse().reachableObjects).toBe(1000);
  });
});
