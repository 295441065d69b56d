import { Heap, HeapIntegrityError, NREFS_MASK, OutOfMemoryError } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { type MarkCompact, markCompact } from '../../src/plans/mark-compact.ts';
import { checkRandomMutators, exampleTraces, replayWithoutLeak } from '../conformance.ts';

function collectorOf(heap: Heap): MarkCompact {
  return heap.collector as MarkCompact;
}

/** The graph reachable from the roots, by serial numbers (checked mode): roots and each object's fields. */
function graphBySerial(heap: Heap): {
  roots: number[];
  fields: Map<number, number[]>;
  addresses: Map<number, number>;
} {
  const checker = heap.checker!;
  const roots: number[] = [];
  for (let i = 0; i < heap.roots.top; i++) roots.push(checker.serialOf(heap.roots.regs[i]!));
  for (let g = 0; g < heap.roots.globalCount; g++) roots.push(checker.serialOf(heap.roots.globals[g]!));
  const fields = new Map<number, number[]>();
  const addresses = new Map<number, number>();
  heap.oracle.traverse((addr) => {
    const s = checker.serialOf(addr);
    expect(s).toBeGreaterThan(0);
    const f: number[] = [];
    for (let i = 0; i < heap.fieldCount(addr); i++) f.push(checker.serialOf(heap.peekField(addr, i)));
    fields.set(s, f);
    addresses.set(s, addr);
  });
  return { roots, fields, addresses };
}

/** Walks [start, cursor) of the space: the object addresses in order. */
function walk(heap: Heap): number[] {
  const space = collectorOf(heap).space;
  const words = heap.memory.words;
  const out: number[] = [];
  for (let a = space.start; a < space.cursor; a += heap.model.size(words, a)) {
    expect(words[a >> 2]! & ~NREFS_MASK).toBe(0);
    out.push(a);
  }
  return out;
}

/** A heap with live objects interleaved with garbage: every third object of a list survives. */
function interleaved(heap: Heap, n: number): void {
  const keep = heap.global('keep');
  heap.new(keep, 2);
  heap.set(0, keep);
  for (let i = 0; i < n; i++) {
    heap.new(1, 2, 8 * (i % 4));
    if (i % 3 === 0) {
      heap.put(0, 0, 1);
      heap.put(1, 1, keep); // a back edge: cycles through the root object
      heap.set(0, 1);
    }
  }
  heap.del(1);
}

describe('mark-compact phases', () => {
  it('slides the live objects to the bottom: every root and field points at the new copy, nothing lost', () => {
    const heap = new Heap(markCompact, { checked: true, collectorOptions: { initialBytes: 1 << 20 } });
    interleaved(heap, 300);
    const before = graphBySerial(heap);
    const reach = heap.oracle.traverse();
    expect(reach.garbageObjects).toBe(200);
    const freed = heap.gc();
    expect(freed).toBe(200);
    const after = graphBySerial(heap);
    // Same graph (by identity), roots included; most objects moved.
    expect(after.roots).toEqual(before.roots);
    expect(after.fields).toEqual(before.fields);
    let moved = 0;
    for (const [s, addr] of after.addresses) if (before.addresses.get(s) !== addr) moved++;
    expect(moved).toBeGreaterThan(90);
    expect(heap.counters.objectsMoved).toBe(moved);
    // Dense: the space holds exactly the reachable objects, back to back from its start.
    const mc = collectorOf(heap);
    const r = heap.oracle.traverse();
    expect(r.garbageObjects).toBe(0);
    expect(mc.space.usedBytes).toBe(r.reachableBytes);
    const objects = walk(heap);
    expect(objects).toHaveLength(r.reachableObjects);
    expect(new Set(objects)).toEqual(new Set(after.addresses.values()));
    // No forwarding word left behind.
    for (const a of objects) expect(heap.model.getHeader(heap.memory.words, a, 0)).toBe(0);
  });

  it('records one mark and one compact pause per collection with their work units', () => {
    const heap = new Heap(markCompact, { collectorOptions: { initialBytes: 1 << 20 } });
    interleaved(heap, 30);
    const used = collectorOf(heap).space.usedBytes;
    heap.gc();
    expect(heap.telemetry.pauses.toArray().map((p) => [p.kind, p.work])).toEqual([
      ['mark', 11],
      ['compact', used],
    ]);
    expect(heap.telemetry.collections).toMatchObject([{ generation: 'full', collected: 20 }]);
  });

  it('verify() catches a forwarding word or mark bit left behind', () => {
    const heap = new Heap(markCompact, { collectorOptions: { initialBytes: 4096 } });
    heap.new(0, 1);
    const addr = heap.peekRoot(0);
    collectorOf(heap).verify();
    heap.model.setHeader(heap.memory.words, addr, 0, 8);
    expect(() => collectorOf(heap).verify()).toThrow(HeapIntegrityError);
    heap.model.setHeader(heap.memory.words, addr, 0, 0);
    heap.memory.words[addr >> 2]! |= 1 << 24;
    expect(() => collectorOf(heap).verify()).toThrow(/mark bit/);
  });
});

describe('mark-compact sizing', () => {
  it('without a heap limit the space grows by evacuation when the live data needs it', () => {
    const heap = new Heap(markCompact, { checked: true, collectorOptions: { initialBytes: 4096 } });
    interleaved(heap, 3000);
    const mc = collectorOf(heap);
    expect(mc.grows).toBeGreaterThan(0);
    expect(mc.collections).toBeGreaterThan(mc.grows);
    heap.gc();
    const r = heap.oracle.traverse();
    expect(r.garbageObjects).toBe(0);
    expect(mc.space.usedBytes).toBe(r.reachableBytes);
    expect(mc.space.capacity).toBeGreaterThanOrEqual(r.reachableBytes);
    // Only the current space stays mapped.
    expect(heap.os.reservedBytes).toBe(mc.space.capacity);
  });

  it('under a heap limit it reserves the limit once, collects when full, and raises OutOfMemoryError when live data does not fit', () => {
    const limit = 64 * 1024;
    const heap = new Heap(markCompact, { heapLimit: limit });
    const mc = collectorOf(heap);
    expect(mc.space.capacity).toBe(limit);
    for (let i = 0; i < 20_000; i++) heap.new(0, 2, 8);
    expect(mc.collections).toBeGreaterThan(5);
    expect(heap.os.reservedBytes).toBe(limit);
    let error: unknown;
    try {
      interleaved(heap, 20_000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    const figures = (error as OutOfMemoryError).figures;
    expect(figures).toMatchObject({ collector: 'mark-compact', heapLimit: limit, reservedBytes: limit });
    // The collection before the error left the space dense: live + request does not fit.
    expect(mc.space.usedBytes + figures.requestedBytes).toBeGreaterThan(mc.space.capacity);
  });
});

describe('mark-compact conformance', () => {
  it('runs random mutators in checked mode in a growing space', () => {
    const collections = checkRandomMutators(
      markCompact,
      { collectorOptions: { initialBytes: 4096, growthFactor: 1.25 } },
      { numRuns: 150, maxOps: 400, bigUnit: 32 },
    );
    expect(collections).toBeGreaterThan(100);
  });

  it('runs random mutators in checked mode under a small fixed heap limit', () => {
    let ooms = 0;
    const collections = checkRandomMutators(
      markCompact,
      { heapLimit: 12 * 1024 },
      {
        numRuns: 150,
        maxOps: 400,
        bigUnit: 128,
        onOutOfMemory: (heap, error) => {
          // Legitimate only if, after the full collection, the live data plus the request do not fit.
          const mc = collectorOf(heap);
          expect(heap.oracle.traverse().reachableBytes).toBe(mc.space.usedBytes);
          expect(mc.space.usedBytes + error.figures.requestedBytes).toBeGreaterThan(mc.space.capacity);
          ooms++;
        },
      },
    );
    expect(collections).toBeGreaterThan(50);
    expect(ooms).toBeGreaterThan(0);
  });

  const traces = exampleTraces();
  it.skipIf(traces.length === 0).each(traces)(
    'replays %s with zero leaked bytes after a final gc',
    (file) => {
      const heap = replayWithoutLeak(markCompact, file);
      expect(collectorOf(heap).space.usedBytes).toBe(heap.oracle.traverse().reachableBytes);
    },
  );
});
