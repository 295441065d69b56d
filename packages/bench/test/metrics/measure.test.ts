import { Heap, noGc, OutOfMemoryError } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { GarbageSampler } from '../../src/metrics/garbage-sampler.ts';
import { deterministicFigures, measureRun } from '../../src/metrics/measure.ts';
import { runChurn } from '../../src/workloads/churn.ts';
import { rings } from '../../src/workloads/rings.ts';
import type { Workload } from '../../src/workloads/workload.ts';
import { testSemispace } from '../fixtures/test-collectors.ts';

const params = { size: 'small', seed: 42 } as const;

/** A tiny workload: 100 rounds of a 3-object cycle built in a call and dropped at return. */
const tinyCycles: Workload = {
  name: 'tiny-cycles',
  summary: 'test',
  seeded: false,
  run(heap: Heap): number {
    for (let i = 0; i < 100; i++) {
      heap.call(3);
      heap.new(0, 1, 0);
      heap.new(1, 1, 0);
      heap.new(2, 1, 0);
      heap.put(0, 0, 1);
      heap.put(1, 0, 2);
      heap.put(2, 0, 0);
      heap.ret();
    }
    return 300;
  },
};

describe('measureRun', () => {
  it('under no-gc: no pauses, everything dropped leaks, counters as the workload defines them', () => {
    const m = measureRun(noGc, tinyCycles, params);
    expect(m.result).toBe(300);
    expect(m.counters.objectsAllocated).toBe(300);
    expect(m.counters.bytesAllocated).toBe(300 * 16);
    expect(m.pauses.count).toBe(0);
    expect(m.time.gcMs).toBe(0);
    expect(m.time.mutatorMs).toBe(m.time.wallMs);
    expect(m.garbage.leakedObjects).toBe(300);
    expect(m.garbage.leakedBytes).toBe(4800);
    expect(m.garbage.outstandingAtEndBytes).toBe(4800);
    expect(m.memory.finalLiveBytes).toBe(0);
    expect(m.memory.headerBytes).toBe(300 * 8);
    expect(m.memory.peakReservedBytes).toBe(1 << 20); // one no-gc chunk
    expect(m.memory.fragmentation).toBe(1);
    expect(m.mmu.w1ms === null || m.mmu.w1ms === 1).toBe(true);
    expect(m.timeline).toBeNull();
  });

  it('under a copying collector: pauses, time split, no leak, frees by operation', () => {
    const m = measureRun(testSemispace, rings, params);
    const collections = m.collector['collections']!;
    expect(m.pauses.count).toBe(collections);
    expect(m.collections['full']).toBe(collections);
    expect(collections).toBeGreaterThanOrEqual(5); // at least the workload's 5 explicit gc
    expect(m.time.gcMs).toBeCloseTo(m.pauses.totalMs, 9);
    expect(m.time.gcMs + m.time.mutatorMs).toBeCloseTo(m.time.wallMs, 9);
    expect(m.pauses.maxMs).toBeGreaterThanOrEqual(m.pauses.p50Ms);
    expect(m.pauses.workTotal).toBe(m.counters.objectsTraced);
    expect(m.garbage.leakedBytes).toBe(0);
    expect(m.garbage.outstandingAtEndBytes).toBe(0); // the last op was a gc
    expect(m.counters.objectsFreed).toBe(m.counters.objectsAllocated);
    // Frees happen only in collections: at `new` (allocation-triggered) or at `gc`.
    const frees = m.frees.objectsByOp;
    expect(frees['new']! + frees['gc']!).toBe(m.counters.objectsFreed);
    expect(frees['ret']).toBe(0);
    for (const point of m.mmu.curve) {
      expect(point.mmu).toBeGreaterThanOrEqual(0);
      expect(point.mmu).toBeLessThanOrEqual(1);
    }
  });

  it('samples garbage and live bytes over the allocation clock when asked', () => {
    const m = measureRun(noGc, rings, params, { sampleEvery: 100_000 });
    const t = m.timeline!;
    const allocated = m.counters.bytesAllocated;
    expect(t.clock.length).toBeGreaterThanOrEqual(Math.floor(allocated / 100_000));
    for (let i = 1; i < t.clock.length; i++) expect(t.clock[i]!).toBeGreaterThan(t.clock[i - 1]!);
    // Under no-gc, garbage + live = everything allocated so far, at every sample.
    for (let i = 0; i < t.clock.length; i++) expect(t.garbageBytes[i]! + t.liveBytes[i]!).toBe(t.clock[i]);
    expect(m.garbage.peakOutstandingBytes).toBe(Math.max(...t.garbageBytes));
    expect(m.memory.peakLiveBytes).toBeGreaterThan(0);
    // Sampling does not change the deterministic figures.
    expect(deterministicFigures(m)).toEqual(deterministicFigures(measureRun(noGc, rings, params)));
  });

  it('lets the sampler see the heap between operations', () => {
    const heap = new Heap(testSemispace);
    const sampler = new GarbageSampler(heap, 1000);
    sampler.install();
    runChurn(heap, { steps: 2000, temps: 4, poolSize: 50, survival: 0.2 }, 7);
    expect(sampler.timeline.clock.length).toBeGreaterThan(100);
    expect(sampler.peakLiveBytes()).toBeGreaterThan(0);
    expect(heap.oracle.traverse().reachableObjects).toBeLessThanOrEqual(51);
  });

  it('throws the OutOfMemoryError of a run over its heap limit', () => {
    expect(() => measureRun(noGc, rings, params, { heapLimit: 512 * 1024 })).toThrow(OutOfMemoryError);
  });
});
