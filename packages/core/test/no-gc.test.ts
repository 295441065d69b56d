import { describe, expect, it } from 'vitest';
import { FIRST_ADDRESS, Heap, NoGC, noGc } from '../src/index.ts';

describe('no-gc', () => {
  it('describes itself as the allocation-only baseline', () => {
    expect(noGc.name).toBe('no-gc');
    expect(noGc.family).toBe('baseline');
    expect(noGc.summary).toMatch(/never frees/);
    expect(noGc.constraints).toEqual({
      movesObjects: false,
      reclaimsCycles: false,
      countsReferences: false,
      generational: false,
      incremental: false,
      headerWords: 0,
    });
    const heap = new Heap(noGc);
    expect(heap.collector).toBeInstanceOf(NoGC);
    expect(heap.collector.name).toBe('no-gc');
  });

  it('bump-allocates objects back to back in 1 MiB chunks', () => {
    const heap = new Heap(noGc);
    const addrs = [heap.new(0, 0), heap.new(0, 3), heap.new(0, 1, 9), heap.new(0, 0)];
    expect(addrs).toEqual([FIRST_ADDRESS, FIRST_ADDRESS + 8, FIRST_ADDRESS + 40, FIRST_ADDRESS + 72]);
    expect(heap.os.ranges()).toEqual([[FIRST_ADDRESS, FIRST_ADDRESS + (1 << 20)]]);
    // Fill the chunk exactly, then the next object starts a new chunk.
    const left = (1 << 20) - 80;
    heap.new(0, 0, left - 8);
    expect(heap.os.mapCalls).toBe(1);
    expect(heap.new(0, 0)).toBe(FIRST_ADDRESS + (1 << 20));
    expect(heap.stats().collector).toEqual({ chunks: 2 });
  });

  it('never frees, counts nothing and collects nothing', () => {
    const heap = new Heap(noGc);
    heap.new(0, 1);
    heap.new(1, 0);
    heap.del(0);
    heap.del(1);
    expect(heap.gc()).toBe(0);
    expect(heap.refcount(0)).toBeNull();
    expect(heap.collector.step(100)).toBe(false);
    expect(heap.counters.objectsFreed).toBe(0);
    expect(heap.telemetry.collections).toEqual([]);
    expect(heap.oracle.traverse()).toMatchObject({ garbageObjects: 2, garbageBytes: 24 });
  });
});
