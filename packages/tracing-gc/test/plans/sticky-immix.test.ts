import { CollectorOptionError, FinalizerKind, Heap } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { type StickyImmix, stickyImmix } from '../../src/plans/sticky-immix.ts';

/** A heap whose collections are all explicit (the triggers are far away). */
function explicitHeap(): { heap: Heap; sticky: StickyImmix } {
  const heap = new Heap(stickyImmix, {
    checked: true,
    collectorOptions: { nurseryBytes: 1 << 30, minHeapBytes: 1 << 30 },
  });
  return { heap, sticky: heap.collector as StickyImmix };
}

describe('sticky-immix', () => {
  it('a nursery collection frees young garbage only; old garbage waits for a full collection', () => {
    const { heap, sticky } = explicitHeap();
    const g = heap.global('holder');
    heap.new(g, 10);
    for (let i = 0; i < 100; i++) {
      heap.new(0, 0, 24);
      if (i % 10 === 0) heap.put(g, i / 10, 0);
    }
    heap.del(0);
    // The holder was young when its fields were stored: nothing logged.
    expect(sticky.stats().objectsLogged).toBe(0);
    expect(heap.gc(0)).toBe(90);
    let s = sticky.stats();
    expect(s.nurseryCollections).toBe(1);
    expect(s.nurseryObjectsFreed).toBe(90);
    expect(s.youngSurvivors).toBe(11);
    expect(s.spaceLiveBytes).toBe(88 + 10 * 32);
    // Five fields cleared: the first store logs the (now old) holder, the others find it logged.
    for (let k = 0; k < 5; k++) heap.put(g, k, 0);
    s = sticky.stats();
    expect(s.objectsLogged).toBe(1);
    expect(s.loggedObjects).toBe(1);
    expect(heap.counters.barrierHits).toBe(1);
    // The five objects dropped are old: a nursery collection keeps them, a full one frees them.
    expect(heap.gc(0)).toBe(0);
    s = sticky.stats();
    expect(s.loggedObjects).toBe(0);
    expect(s.youngSurvivors).toBe(11);
    expect(heap.gc()).toBe(5);
    s = sticky.stats();
    expect(s.fullCollections).toBe(1);
    expect(s.fullObjectsFreed).toBe(5);
    expect(s.nurseryObjectsFreed).toBe(90);
    expect(heap.telemetry.collectionsByKind).toEqual({ minor: 2, full: 1 });
    expect(heap.telemetry.pauses.toArray().map((p) => p.kind)).toEqual([
      'nursery',
      'nursery',
      'mark',
      'sweep',
    ]);
    expect(heap.telemetry.pauses.get(0).work).toBe(11);
  });

  it('logs an old object once per collection; its young referents survive through the log', () => {
    const { heap, sticky } = explicitHeap();
    const g = heap.global('holder');
    heap.new(g, 2);
    heap.gc(0);
    heap.new(0, 0, 24);
    heap.put(g, 0, 0);
    heap.del(0);
    expect(heap.gc(0)).toBe(0);
    expect(sticky.stats().youngSurvivors).toBe(2);
    // The nursery collection cleared the log bit: the next store logs the holder again.
    heap.new(0, 0, 24);
    heap.put(g, 1, 0);
    heap.put(g, 0, 0);
    heap.del(0);
    expect(sticky.stats().objectsLogged).toBe(2);
    // Stores into a young object log nothing.
    heap.new(1, 1);
    heap.put(1, 0, 1);
    expect(sticky.stats().objectsLogged).toBe(2);
    heap.del(1);
    // The young cycle dies; the first young object, now only old garbage, waits.
    expect(heap.gc(0)).toBe(1);
    expect(heap.gc()).toBe(1);
    expect(sticky.stats().youngSurvivors).toBe(3);
  });

  it('the nursery budget triggers nursery collections; old garbage stays until a full one', () => {
    const heap = new Heap(stickyImmix, { collectorOptions: { nurseryBytes: 4096, minHeapBytes: 1 << 30 } });
    for (let i = 0; i < 1000; i++) heap.new(0, 0, 24);
    const s = (heap.collector as StickyImmix).stats();
    // 128 objects of 32 bytes per nursery: collections at allocations 129, 257, ... 897; each frees
    // the 127 young objects not in r0, and the one in r0 becomes old garbage at the next allocation.
    expect(s.nurseryCollections).toBe(7);
    expect(s.fullCollections).toBe(0);
    expect(s.nurseryObjectsFreed).toBe(7 * 127);
    expect(s.youngSurvivors).toBe(7);
    heap.del(0);
    expect(heap.gc()).toBe(1000 - 7 * 127);
  });

  it('a nursery collection that frees too little makes the next collection full', () => {
    const heap = new Heap(stickyImmix, {
      collectorOptions: { nurseryBytes: 4096, minHeapBytes: 1 << 30, minNurseryYield: 0.5 },
    });
    const g = heap.global('list');
    heap.new(g, 1);
    // A list that keeps every object (32 bytes each): no collection frees anything.
    for (let i = 0; i < 300; i++) {
      heap.new(0, 1, 16);
      heap.put(0, 0, g);
      heap.set(g, 0);
    }
    const s = (heap.collector as StickyImmix).stats();
    // Collections at allocations 128 and 256 (the list head took 16 bytes of the nursery):
    // the first is a nursery collection that frees nothing, so the second is full.
    expect(s.nurseryCollections).toBe(1);
    expect(s.fullCollections).toBe(1);
    expect(s.lowYieldFullCollections).toBe(1);
    expect(s.nurseryObjectsFreed).toBe(0);
    expect(s.fullObjectsFreed).toBe(0);
    expect(s.youngSurvivors).toBe(128);
  });

  it('the growth trigger on the space makes a collection full', () => {
    const heap = new Heap(stickyImmix, {
      collectorOptions: { nurseryBytes: 4096, minHeapBytes: 8192, minNurseryYield: 0 },
    });
    const g = heap.global('list');
    heap.new(g, 1);
    for (let i = 0; i < 1000; i++) {
      heap.new(0, 1, 16);
      heap.put(0, 0, g);
      heap.set(g, 0);
    }
    const s = (heap.collector as StickyImmix).stats();
    // Every 128 objects (4 KiB) a collection: full when the space would pass max(8192, 2 x live
    // after the last full collection), at 8 KiB and 16 KiB; nursery at 4, 12, 20, 24 and 28 KiB.
    expect(s.nurseryCollections).toBe(5);
    expect(s.fullCollections).toBe(2);
    expect(s.lowYieldFullCollections).toBe(0);
    expect(s.youngSurvivors).toBe(5 * 128);
    expect(s.liveBytesAfterLastGc).toBe(16 + 894 * 32);
  });

  it('finalizes young unreachable objects at a nursery collection, old ones at a full one', () => {
    const { heap } = explicitHeap();
    const old = heap.global('old');
    heap.new(old, 0, 16);
    heap.finalizer(old, FinalizerKind.finalize);
    heap.gc(0);
    heap.new(0, 0, 16);
    heap.finalizer(0, FinalizerKind.finalize);
    heap.del(0);
    heap.del(old);
    // The young finalizable object is queued (and survives: it is old now); the old one waits.
    expect(heap.gc(0)).toBe(0);
    expect(heap.output).toEqual(['finalize 4']);
    expect(heap.gc(0)).toBe(0);
    expect(heap.output).toEqual(['finalize 4']);
    // The full collection finalizes the old one and frees the finalized one; the next frees the last.
    expect(heap.gc()).toBe(1);
    expect(heap.output).toEqual(['finalize 4', 'finalize 1']);
    expect(heap.gc()).toBe(1);
  });

  it('rejects bad options with CollectorOptionError', () => {
    for (const bad of [
      { nurseryBytes: 0 },
      { minNurseryYield: 1.5 },
      { minNurseryYield: -1 },
      { defragThreshold: -1 },
    ])
      expect(() => new Heap(stickyImmix, { collectorOptions: bad })).toThrow(CollectorOptionError);
  });
});
