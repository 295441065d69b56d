import {
  FULL_COLLECTION,
  Heap,
  HeapIntegrityError,
  NULL_ROOT,
  OutOfMemoryError,
  PAGE_SIZE,
} from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { type Semispace, semispace } from '../../src/plans/semispace.ts';
import { FORWARDED_BIT, LARGE_MARK_BIT } from '../../src/trace/gc-bits.ts';
import { checkLongRuns, exampleTraces, replayWithoutLeak } from '../conformance.ts';

function collectorOf(heap: Heap): Semispace {
  return heap.collector as Semispace;
}

/** Every object reachable from the roots (addresses). */
function reachable(heap: Heap): number[] {
  const out: number[] = [];
  heap.oracle.traverse((a) => out.push(a));
  return out;
}

/**
 * A hand-built heap: g:root -> A(2 fields) -> B, C; B -> D; C <-> E (a reachable cycle); r0 -> D;
 * an unreachable cycle F <-> G and an unreachable H -> A.
 */
function handBuilt(options: { checked?: boolean; heapLimit?: number; semispaceBytes?: number } = {}) {
  const heap = new Heap(semispace, {
    checked: options.checked ?? true,
    ...(options.heapLimit !== undefined ? { heapLimit: options.heapLimit } : {}),
    collectorOptions: { semispaceBytes: options.semispaceBytes ?? 64 * 1024 },
  });
  const root = heap.global('root');
  heap.new(root, 2, 5); // A
  heap.new(1, 1); // B
  heap.new(2, 1, 100); // C
  heap.new(0, 0, 24); // D
  heap.new(3, 1); // E
  heap.put(root, 0, 1);
  heap.put(root, 1, 2);
  heap.put(1, 0, 0);
  heap.put(2, 0, 3);
  heap.put(3, 0, 2);
  heap.new(4, 1); // F
  heap.new(5, 1); // G
  heap.put(4, 0, 5);
  heap.put(5, 0, 4);
  heap.new(6, 1); // H
  heap.put(6, 0, root);
  for (const r of [1, 2, 3, 4, 5, 6]) heap.del(r);
  return { heap, root };
}

describe('semispace: hand-built heaps', () => {
  it('reserves both halves, and the figures show it', () => {
    const heap = new Heap(semispace, { heapLimit: 1 << 20 });
    const c = collectorOf(heap);
    expect(c.fromSpace.capacity).toBe(512 * 1024);
    expect(c.toSpace.capacity).toBe(512 * 1024);
    expect(heap.os.reservedBytes).toBe(1 << 20);
    expect(heap.stats().reservedBytes).toBe(2 * heap.stats().collector.semispaceBytes!);
    // semispaceBytes overrides the heap-limit default (page-rounded).
    const h2 = new Heap(semispace, { heapLimit: 1 << 20, collectorOptions: { semispaceBytes: 10_000 } });
    expect(collectorOf(h2).fromSpace.capacity).toBe(3 * PAGE_SIZE);
    expect(h2.os.reservedBytes).toBe(6 * PAGE_SIZE);
  });

  it('evacuates exactly the reachable objects; every root and field points at the new copy', () => {
    const { heap, root } = handBuilt();
    const c = collectorOf(heap);
    const before = reachable(heap);
    expect(before).toHaveLength(5);
    const liveBytes = heap.oracle.traverse().reachableBytes;
    const oldFrom = { start: c.fromSpace.start, end: c.fromSpace.end };
    const a0 = heap.peekRoot(root);
    const d0 = heap.peekRoot(0);
    const unfreed = heap.stats().unfreedObjects;

    expect(heap.gc()).toBe(3); // F, G, H
    const to = c.fromSpace;
    expect(to.start).not.toBe(oldFrom.start);
    // Roots moved into the new active half.
    const a = heap.peekRoot(root);
    const d = heap.peekRoot(0);
    expect(a).not.toBe(a0);
    expect(d).not.toBe(d0);
    for (const x of [a, d]) expect(to.contains(x)).toBe(true);
    // Fields: A -> B, C; B -> D (the same copy r0 holds); C <-> E.
    const b = heap.peekField(a, 0);
    const cc = heap.peekField(a, 1);
    const e = heap.peekField(cc, 0);
    expect(heap.peekField(b, 0)).toBe(d);
    expect(heap.peekField(e, 0)).toBe(cc);
    for (const x of [b, cc, e]) {
      expect(to.contains(x)).toBe(true);
      expect(x < oldFrom.start || x >= oldFrom.end).toBe(true);
    }
    // Payloads kept: A 5 bytes, C 100 bytes, D 24 bytes.
    expect(heap.memory.words[(a >> 2) + 1]).toBe(5);
    expect(heap.memory.words[(cc >> 2) + 1]).toBe(100);
    expect(heap.memory.words[(d >> 2) + 1]).toBe(24);
    // Nothing reachable lost, nothing unreachable left; no forwarding bit on a live object.
    const after = reachable(heap);
    expect(after).toHaveLength(5);
    for (const x of after) expect(heap.memory.words[x >> 2]! & (FORWARDED_BIT | LARGE_MARK_BIT)).toBe(0);
    const r = heap.oracle.traverse();
    expect(r.garbageObjects).toBe(0);
    expect(heap.stats().unfreedObjects).toBe(unfreed - 3);
    // The survivors are contiguous at the start of the new half, and the old half is empty.
    expect(to.usedBytes).toBe(liveBytes);
    expect(c.toSpace.usedBytes).toBe(0);
    // Telemetry: bytes copied, objects traced and moved, one 'full' pause of work = bytes copied.
    expect(heap.counters.bytesCopied).toBe(liveBytes);
    expect(heap.counters.objectsTraced).toBe(5);
    expect(heap.counters.objectsMoved).toBe(5);
    expect(heap.telemetry.pauses.length).toBe(1);
    expect(heap.telemetry.pauses.get(0)).toMatchObject({ kind: 'full', work: liveBytes });
    expect(heap.telemetry.collections).toEqual([
      { opIndex: heap.opIndex, generation: 'full', collected: 3, uncollectable: 0 },
    ]);
  });

  it('copies breadth-first (Cheney order) in the to-space', () => {
    const heap = new Heap(semispace, { checked: true });
    const g = heap.global('g');
    // g -> X(3 fields) -> P, Q, R; P -> S; Q -> T. Breadth-first order: X P Q R S T.
    heap.new(g, 3);
    for (let i = 0; i < 3; i++) {
      heap.new(0, 1);
      heap.put(g, i, 0);
      if (i < 2) {
        heap.new(1, 0);
        heap.put(0, 0, 1);
      }
    }
    heap.del(0);
    heap.del(1);
    heap.gc();
    const x = heap.peekRoot(g);
    const [p, q, r] = [0, 1, 2].map((i) => heap.peekField(x, i)) as [number, number, number];
    const s = heap.peekField(p, 0);
    const t = heap.peekField(q, 0);
    const order = [x, p, q, r, s, t];
    expect(order).toEqual([...order].sort((m, n) => m - n));
    expect(x).toBe(collectorOf(heap).fromSpace.start);
  });

  it('copies a long list without recursion (no stack overflow)', () => {
    const heap = new Heap(semispace, { collectorOptions: { semispaceBytes: 8 << 20 } });
    const head = heap.global('head');
    heap.new(head, 1);
    heap.set(0, head);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      heap.new(1, 1);
      heap.put(0, 0, 1);
      heap.set(0, 1);
    }
    heap.del(0);
    heap.del(1);
    heap.gc();
    let count = 0;
    for (let a = heap.peekRoot(head); a !== 0; a = heap.peekField(a, 0)) count++;
    expect(count).toBe(n + 1);
    expect(heap.counters.objectsMoved).toBe(n + 1);
  });

  it('reclaims unreachable cycles; collects by itself when the active half is full', () => {
    const heap = new Heap(semispace, { checked: true, heapLimit: 32 * 1024 });
    const keep = heap.global('keep');
    heap.new(keep, 1);
    for (let i = 0; i < 5000; i++) {
      heap.new(0, 1, 8);
      heap.new(1, 1);
      heap.put(0, 0, 1);
      heap.put(1, 0, 0); // a 2-cycle, dropped at the next iteration
      if (i % 100 === 0) heap.put(keep, 0, 0);
    }
    heap.del(0);
    heap.del(1);
    expect(heap.telemetry.collections.length).toBeGreaterThan(10);
    heap.gc();
    const r = heap.oracle.traverse();
    expect(r.garbageObjects).toBe(0);
    expect(r.reachableObjects).toBe(3);
    expect(heap.os.peakReservedBytes).toBe(32 * 1024);
  });

  it('raises OutOfMemoryError with the heap figures when survivors plus the request do not fit', () => {
    const heap = new Heap(semispace, { heapLimit: 16 * 1024 });
    const list = heap.global('list');
    heap.set(list, NULL_ROOT);
    let error: unknown;
    try {
      for (let i = 0; i < 10_000; i++) {
        heap.new(0, 1, 40);
        heap.put(0, 0, list);
        heap.set(list, 0);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    const figures = (error as OutOfMemoryError).figures;
    expect(figures).toMatchObject({
      requestedBytes: 56,
      reservedBytes: 16 * 1024,
      heapLimit: 16 * 1024,
      collector: 'semispace',
    });
    // After the last collection the live list fills the half: live + request > half.
    expect(figures.allocatedBytes + 56).toBeGreaterThan(8 * 1024);
    expect(figures.allocatedBytes).toBe(heap.oracle.traverse().reachableBytes);
  });

  it('rejects a heap limit too small for two one-page halves', () => {
    expect(() => new Heap(semispace, { heapLimit: 6000 })).toThrow(/at least one page/);
    expect(
      () => new Heap(semispace, { heapLimit: 1 << 20, collectorOptions: { semispaceBytes: 1 << 20 } }),
    ).toThrow(OutOfMemoryError);
  });

  it('grows both halves when the heap has no limit', () => {
    const heap = new Heap(semispace, { checked: false, collectorOptions: { semispaceBytes: PAGE_SIZE } });
    const list = heap.global('list');
    heap.set(list, NULL_ROOT);
    for (let i = 0; i < 2000; i++) {
      heap.new(0, 1, 16);
      heap.put(0, 0, list);
      heap.set(list, 0);
    }
    const c = collectorOf(heap);
    expect(c.resizes).toBeGreaterThan(0);
    expect(c.fromSpace.capacity).toBe(c.toSpace.capacity);
    expect(c.fromSpace.capacity).toBeGreaterThanOrEqual(2000 * 32);
    expect(c.fromSpace.usedBytes).toBe(2000 * 32);
    expect(heap.os.reservedBytes).toBe(2 * c.fromSpace.capacity);
    let n = 0;
    for (let a = heap.peekRoot(list); a !== 0; a = heap.peekField(a, 0)) n++;
    expect(n).toBe(2000);
  });

  it('grows by less when doubling is refused: live data up to half the host memory still fits', () => {
    // 12,000 objects of 32 bytes (384,000 live) under a 1 MiB host-memory budget: doubling the
    // halves from 256 KiB is refused; the halves grow by what is mapped (before this, out of memory
    // at 8,200 objects).
    const heap = new Heap(semispace, {
      checked: false,
      hostMemoryLimit: 1 << 20,
      collectorOptions: { semispaceBytes: PAGE_SIZE },
    });
    const list = heap.global('list');
    heap.set(list, NULL_ROOT);
    for (let i = 0; i < 12_000; i++) {
      heap.new(0, 1, 16);
      heap.put(0, 0, list);
      heap.set(list, 0);
    }
    const c = collectorOf(heap);
    c.verify();
    expect(heap.os.refusedMaps).toBeGreaterThan(0);
    expect(c.fromSpace.usedBytes).toBe(12_000 * 32);
    // The halves differ now: the old active half, released at the flip, could not be mapped larger.
    expect(c.fromSpace.capacity).toBeGreaterThan(c.toSpace.capacity);
    expect(heap.os.reservedBytes).toBeLessThanOrEqual(1 << 20);
    let n = 0;
    for (let a = heap.peekRoot(list); a !== 0; a = heap.peekField(a, 0)) n++;
    expect(n).toBe(12_000);
  });

  it('keeps large objects in place, marks and sweeps them, and updates their fields', () => {
    const heap = new Heap(semispace, {
      checked: true,
      heapLimit: 1 << 20,
      collectorOptions: { semispaceBytes: 64 * 1024, largeObjectBytes: 2048 },
    });
    const c = collectorOf(heap);
    const g = heap.global('g');
    heap.new(g, 1); // small S
    heap.new(0, 1, 4000); // large L, reachable only through S
    heap.put(g, 0, 0);
    heap.new(1, 0); // small T, reachable only through L
    heap.put(0, 0, 1);
    heap.new(2, 0, 5000); // large garbage
    const l = heap.peekRoot(0);
    for (const r of [0, 1, 2]) heap.del(r);
    expect(c.large!.objects).toBe(2);
    expect(c.fromSpace.contains(l)).toBe(false);
    expect(heap.gc()).toBe(1);
    expect(c.large!.objects).toBe(1);
    const s = heap.peekRoot(g);
    expect(heap.peekField(s, 0)).toBe(l); // not moved
    const t = heap.peekField(l, 0);
    expect(c.fromSpace.contains(t)).toBe(true); // moved, and L's field updated
    expect(heap.memory.words[l >> 2]! & LARGE_MARK_BIT).toBe(0);
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
  });

  it('verify() catches a forwarding bit left on a live object', () => {
    const { heap, root } = handBuilt({ checked: false });
    heap.gc();
    collectorOf(heap).verify();
    const a = heap.peekRoot(root);
    heap.memory.words[a >> 2] = heap.memory.words[a >> 2]! | FORWARDED_BIT;
    expect(() => collectorOf(heap).verify()).toThrow(HeapIntegrityError);
  });

  it('treats every generation as a full collection', () => {
    const { heap } = handBuilt();
    expect(heap.gc(0)).toBe(3);
    expect(heap.gc(FULL_COLLECTION)).toBe(0);
    expect(heap.telemetry.collectionsByKind).toEqual({ full: 2 });
  });
});

describe('semispace: random mutators in checked mode', () => {
  it('no integrity error and no garbage after gc, with one-page halves (growing) and large objects', () => {
    const figures = checkLongRuns(
      semispace,
      { collectorOptions: { semispaceBytes: PAGE_SIZE, largeObjectBytes: 2048 } },
      { numRuns: 60 },
    );
    // Collections started by the collector itself: the one-page halves filled up again and again.
    expect(figures.automatic).toBeGreaterThan(2 * 60);
  });

  it('under a heap limit, an OutOfMemoryError only when the live bytes plus the request exceed a half', () => {
    const figures = checkLongRuns(
      semispace,
      { heapLimit: 16 * 1024 },
      {
        numRuns: 60,
        onOutOfMemory: (heap, error) => {
          const live = heap.oracle.traverse().reachableBytes;
          expect(live + error.figures.requestedBytes).toBeGreaterThan(8 * 1024);
          expect(heap.os.reservedBytes).toBe(16 * 1024);
        },
      },
    );
    expect(figures.automatic).toBeGreaterThan(60);
    expect(figures.outOfMemory).toBeGreaterThan(0);
    expect(figures.outOfMemory).toBeLessThan(60);
  });
});

describe('semispace: example traces', () => {
  const traces = exampleTraces();
  it.each(traces)('%s replays with zero leaked bytes after a final gc', (file) => {
    replayWithoutLeak(semispace, file);
  });
});
