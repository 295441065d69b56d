import { Heap, OutOfMemoryError } from '@gclab/core';
import { defaultSeed, ProgramRun, programArbitrary } from '@gclab/verify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MarkSweep, markSweep } from '../../src/plans/mark-sweep.ts';
import { checkRandomMutators, exampleTraces, replayWithoutLeak } from '../conformance.ts';

const seed = defaultSeed();
/** Random programs of up to 150 steps without explicit collections. */
const programs = programArbitrary({ maxOps: 150, heapLimits: [null], generations: [], explicitGc: false });

function collectorOf(heap: Heap): MarkSweep {
  return heap.collector as MarkSweep;
}

function allObjects(heap: Heap): Set<number> {
  const out = new Set<number>();
  collectorOf(heap).space.forEachObject((a) => out.add(a));
  return out;
}

/** Builds g -> A <-> B (a reachable cycle), an unreachable cycle C -> D -> E -> C, and a garbage F -> A. */
function cyclesHeap(heap: Heap): void {
  const g = heap.global('g');
  heap.new(g, 1);
  heap.new(0, 1);
  heap.put(g, 0, 0);
  heap.put(0, 0, g);
  heap.new(1, 1, 16);
  heap.new(2, 1);
  heap.new(3, 1, 40);
  heap.put(1, 0, 2);
  heap.put(2, 0, 3);
  heap.put(3, 0, 1);
  heap.new(4, 1);
  heap.put(4, 0, g);
  for (let r = 0; r <= 4; r++) heap.del(r);
}

describe('mark-sweep phases', () => {
  it('property: the bitmap sweep frees exactly the unmarked objects and keeps the rest', () => {
    fc.assert(
      fc.property(programs, (program) => {
        const heap = new Heap(markSweep, { collectorOptions: { minHeapBytes: 1 << 30 } });
        new ProgramRun(heap).run(program);
        const ms = collectorOf(heap);
        const traced = ms.marks.markFromRoots();
        const before = allObjects(heap);
        const marked = new Set([...before].filter((a) => ms.marks.isMarked(a)));
        expect(traced).toBe(marked.size);
        const freedBefore = heap.counters.objectsFreed;
        const result = ms.space.sweepBitmap(heap, ms.marks.bits);
        ms.marks.clear();
        const after = allObjects(heap);
        expect(after).toEqual(marked);
        expect(result.objectsFreed).toBe(before.size - marked.size);
        expect(heap.counters.objectsFreed - freedBefore).toBe(before.size - marked.size);
        for (const a of after) expect(ms.marks.isMarked(a)).toBe(false);
        expect(ms.marks.isClear()).toBe(true);
        expect(heap.oracle.traverse().garbageObjects).toBe(0);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('a full collection frees every unreachable object, cycles included, and records its pauses', () => {
    const heap = new Heap(markSweep, { checked: true });
    cyclesHeap(heap);
    expect(heap.oracle.traverse().garbageObjects).toBe(4);
    const pausesBefore = heap.telemetry.pauses.length;
    expect(heap.gc()).toBe(4);
    const r = heap.oracle.traverse();
    expect(r).toMatchObject({ reachableObjects: 2, garbageObjects: 0, garbageBytes: 0 });
    expect(allObjects(heap).size).toBe(2);
    const pauses = heap.telemetry.pauses.toArray().slice(pausesBefore);
    expect(pauses.map((p) => [p.kind, p.work])).toEqual([
      ['mark', 2],
      ['sweep', 4 * 16 + 32 + 56],
    ]);
    expect(heap.counters.bytesSwept).toBe(4 * 16 + 32 + 56);
    expect(heap.telemetry.collections.at(-1)).toMatchObject({
      generation: 'full',
      collected: 4,
      uncollectable: 0,
    });
  });
});

describe('mark-sweep trigger and heap limit', () => {
  it('collects when live + allocated exceeds max(minHeapBytes, live * growthFactor)', () => {
    const heap = new Heap(markSweep, { collectorOptions: { minHeapBytes: 64 * 1024, growthFactor: 2 } });
    const ms = collectorOf(heap);
    // 1000 live 24-byte objects, kept from a global list, then only garbage.
    const g = heap.global('keep');
    heap.new(g, 1);
    heap.set(0, g);
    for (let i = 0; i < 999; i++) {
      heap.new(1, 2);
      heap.put(0, 0, 1);
      heap.set(0, 1);
    }
    expect(ms.collections).toBe(0);
    // 16 + 999 * 24 = 23992 bytes so far; (65536 - 23992) / 24 = 1731 more 24-byte objects fit.
    for (let i = 0; i < 1731; i++) heap.new(0, 2);
    expect(ms.collections).toBe(0);
    heap.new(0, 2);
    expect(ms.collections).toBe(1);
    heap.gc();
    const live = ms.liveBytesAfterLastGc;
    // The 16-byte head, 999 list cells and the object r0 still holds.
    expect(live).toBe(16 + 999 * 24 + 24);
    // Next threshold: max(64 KiB, 2 * live) = 65536: (65536 - live) / 24 more allocations fit.
    const fit = Math.floor((65536 - live) / 24);
    for (let i = 0; i < fit; i++) heap.new(0, 2);
    expect(ms.collections).toBe(2);
    heap.new(0, 2);
    expect(ms.collections).toBe(3);
    expect(ms.heapLimitCollections).toBe(0);
  });

  it('with growthFactor Infinity it collects only when the heap limit refuses memory', () => {
    const limit = 256 * 1024;
    const heap = new Heap(markSweep, {
      heapLimit: limit,
      collectorOptions: { growthFactor: Number.POSITIVE_INFINITY, chunkBytes: 16384 },
    });
    const ms = collectorOf(heap);
    // 12 size classes: one 16 KiB chunk each fits under the limit even with an empty chunk kept per class.
    for (let i = 0; i < 100_000; i++) heap.new(0, 1, 8 * (i % 12));
    expect(ms.collections).toBeGreaterThan(0);
    expect(ms.heapLimitCollections).toBe(ms.collections);
    expect(heap.os.peakReservedBytes).toBeLessThanOrEqual(limit);
  });

  it('raises OutOfMemoryError with the heap figures when a full collection cannot make room', () => {
    const limit = 128 * 1024;
    const heap = new Heap(markSweep, {
      heapLimit: limit,
      collectorOptions: { growthFactor: Number.POSITIVE_INFINITY, chunkBytes: 16384 },
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
    const figures = (error as OutOfMemoryError).figures;
    expect(figures).toMatchObject({ collector: 'mark-sweep', requestedBytes: 16, heapLimit: limit });
    expect(figures.reservedBytes).toBeLessThanOrEqual(limit);
    expect(collectorOf(heap).collections).toBeGreaterThan(0);
    // Everything allocated was live: nothing was lost on the way.
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
  });
});

describe('mark-sweep conformance', () => {
  it('runs random mutators in checked mode with collections from the growth trigger', () => {
    const collections = checkRandomMutators(
      markSweep,
      { heapLimit: 1 << 20, collectorOptions: { minHeapBytes: 512, chunkBytes: 16384 } },
      { numRuns: 150 },
    );
    expect(collections).toBeGreaterThan(150);
  });

  const traces = exampleTraces();
  it.skipIf(traces.length === 0).each(traces)(
    'replays %s with zero leaked bytes after a final gc',
    (file) => {
      replayWithoutLeak(markSweep, file);
    },
  );
});
