import {
  Heap,
  HeapIntegrityError,
  NULL_ROOT,
  OutOfMemoryError,
  PAGE_SIZE,
  parseTrace,
  replay,
} from '@gclab/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GenCopy, type GenCopyOptions, genCopy } from '../../src/plans/gen-copy.ts';
import { FORWARDED_BIT, GEN_MARK_BIT, REMEMBERED_BIT } from '../../src/trace/gc-bits.ts';
import { checkLongRuns, exampleTraces, replayWithoutLeak } from '../conformance.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

function collectorOf(heap: Heap): GenCopy {
  return heap.collector as GenCopy;
}

/** A checked heap whose full collections run only when asked (huge trigger). */
function quietHeap(options: GenCopyOptions = {}, heapLimit?: number): Heap {
  return new Heap(genCopy, {
    checked: true,
    ...(heapLimit !== undefined ? { heapLimit } : {}),
    collectorOptions: { nurseryBytes: 64 * 1024, minFullTriggerBytes: 1 << 30, ...options },
  });
}

function inNursery(heap: Heap, addr: number): boolean {
  return collectorOf(heap).nursery.contains(addr);
}

describe('gen-copy: spaces and descriptor', () => {
  it('derives the nursery from the heap limit and reserves only what it maps', () => {
    const heap = new Heap(genCopy, { heapLimit: 1 << 20 });
    const c = collectorOf(heap);
    expect(c.nursery.capacity).toBe(256 * 1024);
    expect(heap.os.reservedBytes).toBe(256 * 1024);
    expect(new Heap(genCopy).stats().collector.nurseryBytes).toBe(4 << 20);
    expect(genCopy.constraints).toMatchObject({
      movesObjects: true,
      generational: true,
      headerWords: 0,
      reclaimsCycles: true,
    });
  });

  it('is out of memory under a heap limit too small for a one-page nursery, unless the option asked for it', () => {
    expect(() => new Heap(genCopy, { heapLimit: 3 * PAGE_SIZE })).toThrow(OutOfMemoryError);
    expect(() => new Heap(genCopy, { heapLimit: 1 << 20, collectorOptions: { nurseryBytes: 100 } })).toThrow(
      /the nursery needs at least one page/,
    );
  });
});

describe('gen-copy: write barrier', () => {
  it('remembers a mature object once when it gets a nursery address, and nothing else', () => {
    const heap = quietHeap();
    const c = collectorOf(heap);
    const old = heap.global('old');
    const old2 = heap.global('old2');
    heap.new(old, 2);
    heap.new(old2, 1);
    heap.gc(0); // promotes both
    expect(inNursery(heap, heap.peekRoot(old))).toBe(false);
    heap.new(0, 1); // young
    heap.new(1, 0); // young
    heap.put(0, 0, 1); // young -> young: no record
    heap.put(old, 0, old2); // old -> old: no record
    heap.put(old, 1, NULL_ROOT); // null: no record
    expect(heap.counters.barrierHits).toBe(0);
    heap.put(old, 0, 0); // old -> young: recorded
    expect(heap.counters.barrierHits).toBe(1);
    expect(c.remembered.length).toBe(1);
    expect(c.remembered.entries[0]).toBe(heap.peekRoot(old));
    expect(heap.memory.words[heap.peekRoot(old) >> 2]! & REMEMBERED_BIT).toBe(REMEMBERED_BIT);
    heap.put(old, 1, 1); // already remembered: no duplicate
    heap.put(old, 0, 1);
    expect(heap.counters.barrierHits).toBe(1);
    expect(c.remembered.length).toBe(1);
    heap.put(old2, 0, 0);
    expect(heap.counters.barrierHits).toBe(2);
    expect(c.remembered.length).toBe(2);
  });

  it('verify() catches an old-to-young pointer the barrier did not see', () => {
    const heap = quietHeap();
    const old = heap.global('old');
    heap.new(old, 1);
    heap.gc(0);
    heap.new(0, 0);
    heap.model.setField(heap.memory.words, heap.peekRoot(old), 0, heap.peekRoot(0)); // no barrier
    expect(() => collectorOf(heap).verify()).toThrow(/not remembered/);
  });

  it('checked mode rejects a heap with a stale remembered bit', () => {
    const heap = quietHeap();
    heap.new(0, 1);
    heap.gc(0);
    const a = heap.peekRoot(0);
    heap.memory.words[a >> 2] = heap.memory.words[a >> 2]! | REMEMBERED_BIT;
    expect(() => collectorOf(heap).verify()).toThrow(HeapIntegrityError);
  });
});

describe('gen-copy: minor collection', () => {
  it('promotes the survivors, redirects every root and field, empties the nursery and the remembered set', () => {
    const heap = quietHeap();
    const c = collectorOf(heap);
    const old = heap.global('old');
    heap.new(old, 2);
    heap.gc(0);
    const oldAddr = heap.peekRoot(old);
    heap.new(1, 1, 30); // Y: reachable only through old
    heap.new(2, 0, 8); // Y2: reachable only through Y
    heap.put(1, 0, 2);
    heap.put(old, 0, 1);
    heap.new(0, 1); // Z: rooted in r0, points to Y2 as well
    heap.put(0, 0, 2);
    heap.new(3, 1); // W: garbage, in a cycle with itself
    heap.put(3, 0, 3);
    heap.new(4, 0); // V: garbage
    const [y0, z0] = [heap.peekRoot(1), heap.peekRoot(0)];
    for (const r of [1, 2, 3, 4]) heap.del(r);
    const survivorBytes = 48 + 16 + 16; // Y (shape, 1 ref, 30 -> 32 bytes), Y2 (shape, 8 bytes), Z (shape, 1 ref)
    const copiedBefore = heap.counters.bytesCopied;

    expect(heap.gc(0)).toBe(2);
    expect(heap.peekRoot(old)).toBe(oldAddr); // mature objects do not move
    const y = heap.peekField(oldAddr, 0);
    const z = heap.peekRoot(0);
    const y2 = heap.peekField(y, 0);
    expect(y).not.toBe(y0);
    expect(z).not.toBe(z0);
    for (const a of [y, z, y2]) {
      expect(inNursery(heap, a)).toBe(false);
      expect(c.mature.isAllocated(a)).toBe(true);
      expect(heap.memory.words[a >> 2]! & (FORWARDED_BIT | GEN_MARK_BIT | REMEMBERED_BIT)).toBe(0);
    }
    expect(heap.peekField(z, 0)).toBe(y2);
    expect(heap.memory.words[(y >> 2) + 1]).toBe(30);
    expect(c.nursery.usedBytes).toBe(0);
    expect(c.remembered.length).toBe(0);
    expect(heap.memory.words[oldAddr >> 2]! & REMEMBERED_BIT).toBe(0);
    expect(heap.counters.bytesCopied - copiedBefore).toBe(survivorBytes);
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
    const last = heap.telemetry.collections.at(-1)!;
    expect(last).toMatchObject({ generation: 0, collected: 2 });
    const pause = heap.telemetry.pauses.get(heap.telemetry.pauses.length - 1);
    expect(pause).toMatchObject({ kind: 'minor', work: survivorBytes });
  });

  it('leaves dead mature objects alone (they wait for a full collection)', () => {
    const heap = quietHeap();
    heap.new(0, 1);
    heap.new(1, 1);
    heap.put(0, 0, 1);
    heap.put(1, 0, 0);
    heap.gc(0); // the cycle is promoted
    heap.del(0);
    heap.del(1);
    expect(heap.gc(0)).toBe(0);
    expect(heap.oracle.traverse().garbageObjects).toBe(2);
    expect(heap.gc()).toBe(2);
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
  });

  it('runs by itself when the nursery is full', () => {
    const heap = new Heap(genCopy, { checked: true, collectorOptions: { nurseryBytes: PAGE_SIZE } });
    const keep = heap.global('keep');
    heap.new(keep, 1);
    for (let i = 0; i < 3000; i++) {
      heap.new(0, 1, 8);
      if (i % 50 === 0) {
        heap.put(0, 0, keep);
        heap.set(keep, 0);
      }
    }
    const c = collectorOf(heap);
    expect(c.minorCollections).toBeGreaterThan(10);
    expect(c.fullCollections).toBe(0);
    let n = 0;
    for (let a = heap.peekRoot(keep); a !== 0; a = heap.peekField(a, 0)) n++;
    expect(n).toBe(61);
  });

  it('property: never frees an object reachable only through an old-to-young pointer', () => {
    const edge = (n: number) => fc.tuple(fc.nat(n), fc.nat(3), fc.nat(1000));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(edge(1000), { maxLength: 30 }),
        fc.array(edge(1000), { maxLength: 40 }),
        fc.array(fc.nat(1000), { maxLength: 5 }),
        (nOld, nYoung, oldEdges, youngEdges, rooted) => {
          const heap = quietHeap();
          const olds = Array.from({ length: nOld }, (_, k) => heap.global(`o${k}`));
          for (const o of olds) heap.new(o, 4);
          heap.gc(0);
          // Young objects in r0 .. r(nYoung-1); a model of their fields to compute the expected survivors.
          const fields: number[][] = [];
          const oldFields: number[][] = olds.map(() => [-1, -1, -1, -1]);
          for (let j = 0; j < nYoung; j++) {
            heap.new(j, 3, 8 * (j % 3));
            fields.push([-1, -1, -1]);
          }
          for (const [o, slot, y] of oldEdges) {
            heap.put(olds[o % nOld]!, slot, y % nYoung);
            oldFields[o % nOld]![slot] = y % nYoung;
          }
          for (const [from, slot, to] of youngEdges) {
            heap.put(from % nYoung, slot % 3, to % nYoung);
            fields[from % nYoung]![slot % 3] = to % nYoung;
          }
          const keep = new Set(rooted.map((r) => r % nYoung));
          for (let j = 0; j < nYoung; j++) if (!keep.has(j)) heap.del(j);
          // Expected survivors: young objects reachable from the rooted ones or from an old object.
          const live = new Set<number>();
          const stack = [...keep, ...oldFields.flat().filter((y) => y >= 0)];
          while (stack.length > 0) {
            const y = stack.pop()!;
            if (live.has(y)) continue;
            live.add(y);
            for (const f of fields[y]!) if (f >= 0) stack.push(f);
          }
          const serialsBefore = olds.map((o) =>
            oldFields[olds.indexOf(o)]!.map((_, s) => heap.peekField(heap.peekRoot(o), s)),
          );
          // Checked mode verifies after the collection that every reachable object kept its identity.
          const collected = heap.gc(0);
          expect(collected).toBe(nYoung - live.size);
          olds.forEach((o, k) => {
            for (let s = 0; s < 4; s++) {
              const now = heap.peekField(heap.peekRoot(o), s);
              expect(now === 0).toBe(serialsBefore[k]![s] === 0);
              if (now !== 0) expect(inNursery(heap, now)).toBe(false);
            }
          });
          expect(heap.oracle.traverse().reachableObjects).toBe(nOld + live.size);
        },
      ),
      { seed, numRuns: 150 },
    );
  });
});

describe('gen-copy: full collection', () => {
  it('frees unreachable objects of both generations, cycles included', () => {
    const heap = quietHeap();
    const keep = heap.global('keep');
    heap.new(keep, 1);
    // A mature cycle referring to a young object (remembered), then dropped.
    heap.new(0, 2);
    heap.new(1, 1);
    heap.put(0, 0, 1);
    heap.put(1, 0, 0);
    heap.gc(0);
    heap.new(2, 0); // young, referenced only from the dead mature cycle
    heap.put(0, 1, 2);
    heap.new(3, 1); // young cycle
    heap.put(3, 0, 3);
    heap.new(4, 0); // young survivor
    heap.put(keep, 0, 4);
    for (const r of [0, 1, 2, 3, 4]) heap.del(r);
    expect(collectorOf(heap).remembered.length).toBe(2); // the dead cycle's head, and keep
    expect(heap.gc()).toBe(4);
    const r = heap.oracle.traverse();
    expect(r.garbageObjects).toBe(0);
    expect(r.reachableObjects).toBe(2);
    expect(collectorOf(heap).remembered.length).toBe(0);
    expect(inNursery(heap, heap.peekField(heap.peekRoot(keep), 0))).toBe(false);
    expect(heap.telemetry.collections.at(-1)).toMatchObject({ generation: 1, collected: 4 });
    const pause = heap.telemetry.pauses.get(heap.telemetry.pauses.length - 1);
    expect(pause.kind).toBe('full');
    expect(pause.work).toBe(2); // objects marked: keep and its young child
  });

  it('runs when the mature space has grown by the configured factor', () => {
    const run = (options: GenCopyOptions) => {
      const heap = new Heap(genCopy, { collectorOptions: { nurseryBytes: PAGE_SIZE, ...options } });
      const keep = heap.global('keep');
      heap.set(keep, NULL_ROOT);
      for (let i = 0; i < 20_000; i++) {
        heap.new(0, 1, 16);
        if (i % 3 === 0) {
          heap.put(0, 0, keep);
          heap.set(keep, 0);
        }
        if (i % 3000 === 0) heap.set(keep, NULL_ROOT); // the list so far becomes mature garbage
      }
      return collectorOf(heap);
    };
    const frequent = run({ minFullTriggerBytes: 16 * 1024, matureGrowthFactor: 1.5 });
    const never = run({ minFullTriggerBytes: 1 << 30 });
    expect(frequent.fullCollections).toBeGreaterThan(3);
    expect(never.fullCollections).toBe(0);
    expect(frequent.mature.liveBytes).toBeLessThan(never.mature.liveBytes);
  });

  it('takes large objects straight into the mature space and frees them when unreachable', () => {
    const heap = quietHeap();
    const c = collectorOf(heap);
    const big = heap.global('big');
    heap.new(big, 2, 10_000);
    const b = heap.peekRoot(big);
    expect(inNursery(heap, b)).toBe(false);
    expect(c.large.objects).toBe(1);
    heap.new(0, 0); // young, referenced from the large object (the barrier records it)
    heap.put(big, 0, 0);
    heap.del(0);
    expect(heap.counters.barrierHits).toBe(1);
    heap.gc(0);
    expect(heap.peekRoot(big)).toBe(b);
    expect(inNursery(heap, heap.peekField(b, 0))).toBe(false);
    heap.del(big);
    expect(heap.gc()).toBe(2);
    expect(c.large.objects).toBe(0);
  });
});

describe('gen-copy: promotion failure and out of memory', () => {
  /** Builds a live list of `n` 32-byte objects (one size class: 512 per 16 KiB chunk). */
  function fill(heap: Heap, n: number, garbageEvery = 0): void {
    const list = heap.global('list');
    heap.set(list, NULL_ROOT);
    for (let i = 0; i < n; i++) {
      heap.new(0, 1, 16);
      if (garbageEvery === 0 || i % garbageEvery === 0) {
        heap.put(0, 0, list);
        heap.set(list, 0);
      }
    }
  }
  // Under a 48 KiB limit: a 4 KiB nursery and room for two 16 KiB mature chunks (1024 list objects).
  const options: GenCopyOptions = { nurseryBytes: PAGE_SIZE, chunkBytes: 16 * 1024 };

  it('recovers with a full collection when the mature space is full of garbage', () => {
    const heap = quietHeap(options, 48 * 1024);
    const c = collectorOf(heap);
    // Mature garbage: a list promoted then dropped; then a new list.
    fill(heap, 700);
    heap.gc(0);
    heap.del(heap.global('list'));
    fill(heap, 700);
    expect(c.promotionFailures).toBeGreaterThan(0);
    expect(c.fullCollections).toBeGreaterThan(0);
    heap.gc();
    expect(heap.oracle.traverse()).toMatchObject({ reachableObjects: 700, garbageObjects: 0 });
  });

  it('raises OutOfMemoryError after a full collection, leaving a consistent heap', () => {
    const heap = quietHeap(options, 48 * 1024);
    const c = collectorOf(heap);
    let error: unknown;
    try {
      fill(heap, 100_000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as OutOfMemoryError).figures).toMatchObject({
      requestedBytes: 32,
      heapLimit: 48 * 1024,
      collector: 'gen-copy',
    });
    expect((error as OutOfMemoryError).figures.reservedBytes).toBeLessThanOrEqual(48 * 1024);
    expect(c.promotionFailures).toBeGreaterThan(0);
    expect(heap.telemetry.collections.at(-1)).toMatchObject({ generation: 1, opIndex: heap.opIndex });
    // Survivors stayed in the nursery, unmarked and unforwarded; the checker agrees.
    heap.checker!.afterOp();
    const r = heap.oracle.traverse();
    // The two chunks are full of live list objects, and the nursery holds the rest.
    expect(r.reachableObjects).toBeGreaterThan(1024);
    expect(r.garbageObjects).toBe(0);
  });
});

describe('gen-copy: random mutators in checked mode', () => {
  it('no integrity error and no garbage after gc (one-page nursery, gc 0 and gc interleaved)', () => {
    const figures = checkLongRuns(
      genCopy,
      { collectorOptions: { nurseryBytes: PAGE_SIZE, chunkBytes: 16 * 1024, minFullTriggerBytes: 8 * 1024 } },
      { numRuns: 60 },
    );
    expect(figures.automatic).toBeGreaterThan(2 * 60);
    expect(figures.collections['0']).toBeGreaterThan(60);
    expect(figures.collections['1']).toBeGreaterThan(60);
  });

  it('under a small heap limit: promotion failures recover, or end in a legitimate OutOfMemoryError', () => {
    let failures = 0;
    const figures = checkLongRuns(
      genCopy,
      { heapLimit: 272 * 1024, collectorOptions: { nurseryBytes: PAGE_SIZE, chunkBytes: 16 * 1024 } },
      {
        numRuns: 60,
        onOutOfMemory: (heap) => {
          // Only after a full collection during the failing allocation, and the heap is consistent.
          expect(heap.telemetry.collections.at(-1)).toMatchObject({ generation: 1, opIndex: heap.opIndex });
          heap.checker!.afterOp();
        },
        after: (heap) => {
          failures += collectorOf(heap).promotionFailures;
        },
      },
    );
    expect(figures.automatic).toBeGreaterThan(60);
    expect(failures + figures.outOfMemory).toBeGreaterThan(0);
  });
});

describe('gen-copy: example traces', () => {
  it.each(exampleTraces())('%s replays with zero leaked bytes after a final gc', (file) => {
    replayWithoutLeak(genCopy, file);
  });
});

describe('gen-copy: memory kept for size classes', () => {
  it('a large object may use the empty chunks the mature space keeps (found by the verify campaign)', () => {
    // 112 live bytes; five 16 KiB mature chunks, two of them empty, plus the 32 KiB nursery: the
    // 24 KiB object fits under 128 KiB only once the empty chunks are unmapped.
    const trace = [
      'gclab-trace 1',
      'new r0 1 8192',
      'new r0 1 8192',
      'new r0 1',
      'new r1 0',
      'new r2 1 40',
      'gc 0',
      'new r0 2',
      'new r1 2 8',
      'new r0 1 24576',
      'gc',
    ].join('\n');
    const heap = new Heap(genCopy, { heapLimit: 128 * 1024, checked: true });
    replay(heap, parseTrace(trace));
    expect(heap.oracle.traverse().garbageBytes).toBe(0);
  });
});
