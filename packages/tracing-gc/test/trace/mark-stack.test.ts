import { GC_BIT_0 } from '@gclab/core';
import { defaultSeed, ProgramRun, programArbitrary } from '@gclab/verify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Marker } from '../../src/trace/mark-stack.ts';
import { objectsOf, quietHeap } from './quiet-mark-sweep.ts';

const seed = defaultSeed();
/** Random programs of up to 150 steps without explicit collections. */
const programs = programArbitrary({ maxOps: 150, heapLimits: [null], generations: [], explicitGc: false });

describe('Marker', () => {
  it('marks exactly the objects reachable from the roots, cycles included', () => {
    const heap = quietHeap();
    const g = heap.global('g');
    // g -> A -> B -> C -> A (reachable cycle); r1 -> D; an unreachable cycle E <-> F; G -> D (G unreachable).
    heap.new(g, 2);
    heap.new(0, 1);
    heap.put(g, 0, 0);
    heap.new(2, 1);
    heap.put(0, 0, 2);
    heap.put(2, 0, g);
    heap.new(1, 0);
    heap.new(3, 1);
    heap.new(4, 1);
    heap.put(3, 0, 4);
    heap.put(4, 0, 3);
    heap.new(5, 1);
    heap.put(5, 0, 1);
    heap.del(0);
    heap.del(2);
    heap.del(3);
    heap.del(4);
    heap.del(5);
    const reachable = new Set<number>();
    heap.oracle.traverse((a) => reachable.add(a));
    expect(reachable.size).toBe(4);
    const marker = new Marker(heap, GC_BIT_0, 16);
    expect(marker.shadeRoots()).toBe(2);
    expect(marker.drain(Number.POSITIVE_INFINITY)).toBe(4);
    expect(marker.isEmpty).toBe(true);
    const all = objectsOf(heap);
    expect(all).toHaveLength(7);
    for (const a of all) expect(marker.isMarked(a)).toBe(reachable.has(a));
    expect(heap.counters.objectsTraced).toBe(4);
  });

  it('drain(budget) scans at most budget objects and resumes where it stopped', () => {
    const heap = quietHeap();
    const g = heap.global('list');
    heap.new(g, 1);
    heap.set(0, g);
    for (let i = 0; i < 99; i++) {
      heap.new(1, 1);
      heap.put(0, 0, 1);
      heap.set(0, 1);
    }
    const marker = new Marker(heap, GC_BIT_0, 16);
    marker.shadeRoots();
    let steps = 0;
    let total = 0;
    while (!marker.isEmpty) {
      const done = marker.drain(7);
      expect(done).toBeLessThanOrEqual(7);
      total += done;
      steps++;
    }
    expect(total).toBe(100);
    expect(steps).toBe(Math.ceil(100 / 7));
  });

  it('grows its stack for objects with many fields', () => {
    const heap = quietHeap();
    const g = heap.global('wide');
    heap.new(g, 500);
    for (let i = 0; i < 500; i++) {
      heap.new(0, 0);
      heap.put(g, i, 0);
    }
    const marker = new Marker(heap, GC_BIT_0, 16);
    marker.shadeRoots();
    expect(marker.drain(Number.POSITIVE_INFINITY)).toBe(501);
  });

  it('property: on random object graphs the marked set is the oracle reachable set', () => {
    fc.assert(
      fc.property(programs, (program) => {
        const heap = quietHeap();
        new ProgramRun(heap).run(program);
        const reachable = new Set<number>();
        heap.oracle.traverse((a) => reachable.add(a));
        const marker = new Marker(heap, GC_BIT_0);
        marker.shadeRoots();
        marker.drain(Number.POSITIVE_INFINITY);
        for (const a of objectsOf(heap)) expect(marker.isMarked(a)).toBe(reachable.has(a));
      }),
      { seed, numRuns: 100 },
    );
  });
});
