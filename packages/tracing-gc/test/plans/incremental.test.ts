import { type CollectorDescriptor, Heap, type HeapOptions, OutOfMemoryError } from '@gclab/core';
import { buildTree, defaultSeed, type Program, ProgramRun, programArbitrary } from '@gclab/verify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Incremental, IncrementalState, incremental } from '../../src/plans/incremental.ts';
import { markSweep } from '../../src/plans/mark-sweep.ts';
import { checkRandomMutators, exampleTraces, replayWithoutLeak } from '../conformance.ts';

const seed = defaultSeed();
/** Random programs of 66 to 200 steps without explicit collections. */
const programs = programArbitrary({
  maxOps: 200,
  minOps: 66,
  heapLimits: [null],
  generations: [],
  explicitGc: false,
});

function collectorOf(heap: Heap): Incremental {
  return heap.collector as Incremental;
}

/** `incremental` with its field barrier, root barrier or both removed: the invariant must break. */
function withoutBarriers(field: boolean, root: boolean): CollectorDescriptor {
  class Broken extends Incremental {
    override writeBarrierPost(obj: number, slot: number, oldValue: number, newValue: number): void {
      if (!field) super.writeBarrierPost(obj, slot, oldValue, newValue);
    }
    override rootWritten(oldValue: number, newValue: number): void {
      if (!root) super.rootWritten(oldValue, newValue);
    }
  }
  return { ...incremental, create: (heap, options) => new Broken(heap, options ?? {}) };
}

/** Tiny steps at every allocation and a tiny trigger: marking is in progress most of the time. */
const busy: HeapOptions = {
  collectorOptions: { minHeapBytes: 256, budget: 2, stepBytes: 0, sweepBudgetBytes: 1, chunkBytes: 16384 },
};

/**
 * Runs random mutators and, after every operation while marking, looks for a black (or scanned-root)
 * to white edge. Returns the number of operations that ran while marking.
 */
function invariantProperty(
  descriptor: CollectorDescriptor,
  checked: boolean,
): fc.IPropertyWithHooks<[Program]> {
  return fc.property(programs, (program) => {
    const heap = new Heap(descriptor, { ...busy, checked });
    const inc = collectorOf(heap);
    new ProgramRun(heap, {
      afterOp: () => {
        const violation = inc.findBlackToWhite();
        if (violation !== null) throw new Error(violation);
      },
    }).run(program);
  });
}

describe('incremental: the strong tri-colour invariant', () => {
  it('property: after every barrier while marking, no black object or scanned root refers to a white object', () => {
    let opsWhileMarking = 0;
    fc.assert(
      fc.property(programs, (program) => {
        const heap = new Heap(incremental, { ...busy, checked: true });
        const inc = collectorOf(heap);
        new ProgramRun(heap, {
          afterOp: () => {
            if (inc.state === IncrementalState.marking) opsWhileMarking++;
            expect(inc.findBlackToWhite()).toBeNull();
          },
        }).run(program);
      }),
      { seed, numRuns: 100 },
    );
    expect(opsWhileMarking).toBeGreaterThan(1000);
  });

  it('the same property fails without the field barrier, and without the root barrier', () => {
    for (const broken of [withoutBarriers(true, false), withoutBarriers(false, true)]) {
      const result = fc.check(invariantProperty(broken, false), { seed, numRuns: 200, endOnFailure: true });
      expect(result.failed).toBe(true);
    }
    expect(fc.check(invariantProperty(incremental, false), { seed, numRuns: 50 }).failed).toBe(false);
  });

  it('keeps an object hidden behind a black object alive (the lost-object scenario), and loses it without barriers', () => {
    for (const barriers of [true, false]) {
      const descriptor = barriers ? incremental : withoutBarriers(true, true);
      const heap = new Heap(descriptor, { checked: barriers, collectorOptions: { minHeapBytes: 1 << 30 } });
      const inc = collectorOf(heap);
      // g -> A, A.0 -> B, B.0 -> C; registers r0, r1 end up null.
      const g = heap.global('g');
      heap.new(0, 1);
      heap.new(1, 0);
      heap.put(0, 0, 1);
      heap.new(g, 2);
      heap.put(g, 0, 0);
      heap.del(0);
      heap.del(1);
      inc.startCycle();
      // 4 units: registers r0 and r1 (null), global g (shades A), then A is scanned (B becomes grey).
      inc.step(4);
      expect(inc.state).toBe(IncrementalState.marking);
      expect(inc.findBlackToWhite()).toBeNull();
      heap.get(0, g, 0); // r0 = B
      heap.get(1, 0, 0); // r1 = C: the root barrier shades C
      const c = heap.peekRoot(1);
      heap.put(g, 1, 1); // A.1 = C: the field barrier shades C
      heap.put(0, 0, 0x7fff_ffff); // B.0 = null: C is now reachable only through A
      heap.del(0);
      heap.del(1);
      if (barriers) {
        expect(inc.findBlackToWhite()).toBeNull();
      } else {
        expect(inc.findBlackToWhite()).toMatch(/black object .* refers to white object/);
      }
      while (inc.step(100)) {}
      expect(heap.oracle.traverse().reachableObjects).toBe(3);
      expect(inc.space.isAllocated(c)).toBe(barriers);
    }
  });
});

describe('incremental: bounded pauses', () => {
  /** A live binary tree of 2^13 - 1 nodes, then 60 000 garbage allocations. */
  function workload(heap: Heap): void {
    buildTree(heap, 2 ** 13 - 1);
    heap.set(heap.global('tree'), 0);
    for (let i = 0; i < 60_000; i++) heap.new(0, 2, 8 * (i % 4));
  }

  function maxWork(heap: Heap, kind: string): { pauses: number; max: number } {
    let pauses = 0;
    let max = 0;
    for (const p of heap.telemetry.pauses.toArray()) {
      if (p.kind !== kind) continue;
      pauses++;
      max = Math.max(max, p.work);
    }
    return { pauses, max };
  }

  it('mark steps never exceed the budget, where mark-sweep marks the whole live tree in one pause', () => {
    const options = { minHeapBytes: 256 * 1024, chunkBytes: 16384 };
    const ms = new Heap(markSweep, { collectorOptions: options });
    workload(ms);
    const budget = 64;
    const inc = new Heap(incremental, {
      collectorOptions: { ...options, budget, stepBytes: 512, sweepBudgetBytes: 16384 },
    });
    workload(inc);
    const stw = maxWork(ms, 'mark');
    const steps = maxWork(inc, 'mark-step');
    // Same deterministic workload: mark-sweep's mark pauses each scan the whole tree (8191 objects);
    // every incremental step does at most `budget` units, and marking needed no stop-the-world pause.
    expect(stw.pauses).toBeGreaterThan(0);
    expect(stw.max).toBeGreaterThanOrEqual(8191);
    expect(steps.pauses).toBeGreaterThan(8191 / budget);
    expect(steps.max).toBeLessThanOrEqual(budget);
    expect(maxWork(inc, 'mark').pauses).toBe(0);
    // Sweep steps stop at the first chunk boundary past the byte budget.
    const sweeps = maxWork(inc, 'sweep-step');
    expect(sweeps.pauses).toBeGreaterThan(0);
    expect(sweeps.max).toBeLessThan(16384 + 16384);
    const collector = collectorOf(inc);
    expect(collector.cycles).toBeGreaterThan(0);
    expect(collector.forcedFinishes).toBe(0);
    // Both keep the tree and free the garbage after a final gc.
    for (const heap of [ms, inc]) {
      heap.gc();
      const r = heap.oracle.traverse();
      expect(r.reachableObjects).toBe(8191 + 1);
      expect(r.garbageObjects).toBe(0);
    }
  });

  it('step(budget) advances the cycle in progress and reports whether work remains', () => {
    const heap = new Heap(incremental, { collectorOptions: { minHeapBytes: 1 << 30 } });
    buildTree(heap, 2 ** 8 - 1);
    heap.set(heap.global('tree'), 0);
    for (let i = 0; i < 100; i++) heap.new(0, 1);
    const inc = collectorOf(heap);
    expect(inc.step(10)).toBe(false);
    inc.startCycle();
    let steps = 0;
    while (inc.step(10)) steps++;
    // 255 tree nodes, the garbage object r0 holds, the root slots: about 27 mark steps and sweep steps.
    expect(steps).toBeGreaterThan(255 / 10);
    expect(inc.state).toBe(IncrementalState.idle);
    expect(inc.cycles).toBe(1);
    expect(heap.telemetry.collections).toMatchObject([{ generation: 'full', collected: 99 }]);
    for (const p of heap.telemetry.pauses.toArray())
      if (p.kind === 'mark-step') expect(p.work).toBeLessThanOrEqual(10);
  });
});

describe('incremental: heap limit and explicit collections', () => {
  it('finishes the cycle stop-the-world when the heap limit refuses memory, then raises OutOfMemoryError', () => {
    const limit = 256 * 1024;
    const heap = new Heap(incremental, {
      heapLimit: limit,
      collectorOptions: { minHeapBytes: 32 * 1024, chunkBytes: 16384, budget: 1, stepBytes: 1 << 20 },
    });
    const g = heap.global('keep');
    heap.new(g, 1);
    heap.set(0, g);
    let error: unknown;
    try {
      for (let i = 0; i < 100_000; i++) {
        heap.new(1, 1);
        heap.put(0, 0, 1);
        heap.set(0, 1);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as OutOfMemoryError).figures).toMatchObject({
      collector: 'incremental',
      heapLimit: limit,
      requestedBytes: 16,
    });
    expect(collectorOf(heap).forcedFinishes).toBeGreaterThan(0);
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
  });

  it('gc finishes the cycle in progress and runs a whole one: floating garbage included, nothing is left', () => {
    const heap = new Heap(incremental, { checked: true, collectorOptions: { minHeapBytes: 1 << 30 } });
    buildTree(heap, 2 ** 6 - 1);
    const inc = collectorOf(heap);
    inc.startCycle();
    inc.step(20);
    heap.del(0); // the tree dies while marking: floating garbage for this cycle
    while (inc.step(20)) {}
    expect(heap.oracle.traverse().garbageObjects).toBeGreaterThan(0);
    inc.startCycle();
    inc.step(3);
    expect(heap.gc()).toBeGreaterThanOrEqual(63);
    expect(heap.oracle.traverse()).toMatchObject({ reachableObjects: 0, garbageObjects: 0 });
    expect(inc.state).toBe(IncrementalState.idle);
  });
});

describe('incremental conformance', () => {
  it('runs random mutators in checked mode with cycles in progress most of the time', () => {
    const collections = checkRandomMutators(incremental, busy, {
      numRuns: 150,
      maxOps: 300,
      explicitGc: false,
    });
    expect(collections).toBeGreaterThan(150);
  });

  it('runs random mutators in checked mode with explicit gc operations interrupting cycles', () => {
    let forced = 0;
    checkRandomMutators(incremental, busy, {
      numRuns: 100,
      maxOps: 300,
      after: (heap) => {
        forced += collectorOf(heap).forcedFinishes;
      },
    });
    expect(forced).toBeGreaterThan(500);
  });

  it('runs random mutators in checked mode with larger steps and a small trigger', () => {
    const collections = checkRandomMutators(
      incremental,
      { collectorOptions: { minHeapBytes: 2048, chunkBytes: 16384, budget: 20, stepBytes: 256 } },
      { numRuns: 100, maxOps: 300, explicitGc: false },
    );
    expect(collections).toBeGreaterThan(40);
  });

  const traces = exampleTraces();
  it.skipIf(traces.length === 0).each(traces)(
    'replays %s with zero leaked bytes after a final gc',
    (file) => {
      replayWithoutLeak(incremental, file);
    },
  );
});
