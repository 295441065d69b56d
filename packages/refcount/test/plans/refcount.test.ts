import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Heap, HeapIntegrityError, OutOfMemoryError, parseTrace, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { type ImmediateReferenceCounting, refcount } from '../../src/plans/refcount.ts';
import { COUNT_SLOT } from '../../src/reference-counting.ts';

const examples = fileURLToPath(new URL('../../../../examples/traces/', import.meta.url));

describe('refcount', () => {
  it('prints 2, 3, 2 for the getrefcount example, as CPython 3.11 does', () => {
    const text = readFileSync(`${examples}getrefcount.trace`, 'utf8');
    const heap = new Heap(refcount, { checked: true });
    expect(replay(heap, parseTrace(text)).output).toEqual([2, 3, 2]);
  });

  it('counts root writes, arguments, returns and field stores', () => {
    const heap = new Heap(refcount, { checked: true });
    const g = heap.global('g');
    const a = heap.new(0, 2);
    expect(heap.refcount(0)).toBe(1);
    heap.set(g, 0);
    expect(heap.refcount(0)).toBe(2);
    heap.new(1, 0);
    heap.put(0, 0, 1);
    heap.put(0, 1, 1);
    expect(heap.refcount(1)).toBe(3);
    heap.call(2, Int32Array.of(1, 1));
    expect(heap.refcount(0)).toBe(5);
    heap.ret();
    expect(heap.refcount(1)).toBe(3);
    heap.set(0, 0); // x = x never frees x
    expect(heap.collector.referenceCount(a)).toBe(2);
    const c = heap.counters;
    expect(c.rcIncrements - c.rcDecrements).toBe(2 + 3);
  });

  it('frees at zero and cascades through what only the freed object kept alive', () => {
    const heap = new Heap(refcount, { checked: true });
    heap.new(0, 1); // r0 -> A -> B -> C, and r1 -> C too
    heap.new(1, 1);
    heap.put(0, 0, 1);
    heap.new(2, 0);
    heap.put(1, 0, 2);
    heap.set(1, 2);
    heap.del(2);
    const freedBefore = heap.counters.objectsFreed;
    heap.del(0); // frees A and B; C stays (r1)
    expect(heap.counters.objectsFreed - freedBefore).toBe(2);
    expect(heap.refcount(1)).toBe(1);
    const pauses = heap.telemetry.pauses.toArray().filter((p) => p.kind === 'cascade');
    expect(pauses.at(-1)?.work).toBe(2);
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
  });

  it('times a cascade only when it frees a second object: a single free is not a pause', () => {
    const heap = new Heap(refcount, { checked: true });
    const collector = heap.collector as ImmediateReferenceCounting;
    heap.new(0, 0);
    heap.set(1, 0);
    heap.del(1);
    expect(heap.counters.objectsFreed).toBe(0);
    heap.del(0); // one object freed: counted, not timed
    expect(heap.counters.objectsFreed).toBe(1);
    expect(heap.telemetry.pauses.length).toBe(0);
    expect(collector.stats()).toMatchObject({ cascades: 0, singleFrees: 1, largestCascade: 1 });
    // A container whose referent survives (r1 holds it): still a single free.
    heap.new(0, 2);
    heap.new(1, 0);
    heap.put(0, 0, 1);
    heap.put(0, 1, 1);
    heap.del(0);
    expect(heap.telemetry.pauses.length).toBe(0);
    expect(collector.singleFrees).toBe(2);
    // The same object in both fields, held by nothing else: its count reaches zero at the second
    // field, so the cascade frees two objects and is one pause of work 2.
    heap.new(0, 2);
    heap.put(0, 0, 1);
    heap.put(0, 1, 1);
    heap.del(1);
    heap.del(0);
    expect(heap.telemetry.pauses.toArray().map((p) => [p.kind, p.work])).toEqual([['cascade', 2]]);
    expect(collector.stats()).toMatchObject({ cascades: 1, singleFrees: 2, largestCascade: 2 });
  });

  it('frees a shared structure once, whatever the order: a diamond and a DAG with extra references', () => {
    const heap = new Heap(refcount, { checked: true });
    // r0 -> A; A.0 -> B, A.1 -> C; B.0 -> D, C.0 -> D; D.0 -> E; r1 -> E.
    heap.new(0, 2); // A
    heap.new(1, 1); // B
    heap.put(0, 0, 1);
    heap.new(2, 1); // C
    heap.put(0, 1, 2);
    heap.new(3, 1); // D
    heap.put(1, 0, 3);
    heap.put(2, 0, 3);
    heap.new(4, 0); // E
    heap.put(3, 0, 4);
    heap.set(1, 4);
    for (const r of [2, 3, 4]) heap.del(r);
    const e = heap.peekRoot(1);
    heap.del(0); // frees A, B, C, D; E stays (r1)
    expect(heap.counters.objectsFreed).toBe(4);
    expect(heap.collector.referenceCount(e)).toBe(1);
    const collector = heap.collector as ImmediateReferenceCounting;
    expect(collector.stats()).toMatchObject({ cascades: 1, singleFrees: 0, largestCascade: 4 });
    expect(heap.telemetry.pauses.toArray().map((p) => p.work)).toEqual([4]);
    heap.del(1);
    expect(heap.counters.objectsFreed).toBe(5);
    expect(collector.singleFrees).toBe(1);
  });

  it('reports a cascade as one batch unless each free is observed, with the same figures', () => {
    const run = (observed: boolean) => {
      const heap = new Heap(refcount);
      expect(heap.freesObserved).toBe(false);
      heap.freesObserved = observed;
      const freed: number[] = [];
      const record = heap.recordFree.bind(heap);
      heap.recordFree = (addr, size) => {
        freed.push(addr);
        record(addr, size);
      };
      // A chain of 100 objects with 16-byte payloads, then one freed alone.
      heap.new(0, 1, 16);
      for (let i = 0; i < 99; i++) {
        heap.new(1, 1, 16);
        heap.put(1, 0, 0);
        heap.set(0, 1);
      }
      heap.del(1);
      heap.del(0);
      heap.new(2, 0);
      heap.del(2);
      return { freed: freed.length, counters: heap.counters, byOp: [...heap.telemetry.bytesFreedDuringOp] };
    };
    const batch = run(false);
    const each = run(true);
    expect(batch.freed).toBe(1); // only the single free is reported by address
    expect(each.freed).toBe(101);
    expect(batch.counters).toEqual(each.counters);
    expect(batch.counters.objectsFreed).toBe(101);
    expect(batch.counters.bytesFreed).toBe(100 * 40 + 16);
    expect(batch.byOp).toEqual(each.byOp);
    expect(new Heap(refcount, { checked: true }).freesObserved).toBe(true);
  });

  it('leaks cycles: the oracle reports them as garbage', () => {
    const text = readFileSync(`${examples}cycle.trace`, 'utf8');
    const heap = new Heap(refcount, { checked: true });
    expect(replay(heap, parseTrace(text)).output).toEqual([2]);
    expect(heap.oracle.traverse().garbageObjects).toBe(2);
    expect(heap.gc()).toBe(0);
  });

  it('frees a 10-million-long chain without stack overflow', () => {
    const heap = new Heap(refcount);
    const n = 10_000_000;
    // r0 holds the head; each new node points to the previous head.
    for (let i = 0; i < n; i++) {
      heap.new(1, 1);
      heap.put(1, 0, 0);
      heap.set(0, 1);
    }
    heap.del(1);
    expect(heap.counters.objectsFreed).toBe(0);
    heap.del(0);
    expect(heap.counters.objectsFreed).toBe(n);
    expect(heap.counters.bytesFreed).toBe(heap.counters.bytesAllocated);
    const collector = heap.collector as ImmediateReferenceCounting;
    expect(collector.largestCascade).toBe(n);
    expect(collector.space.stats().bytesInAllocatedBlocks).toBe(0);
  }, 120_000);

  it('pays one header word for the count', () => {
    const heap = new Heap(refcount);
    expect(heap.model.sizeOf(1, 0)).toBe(24);
    const a = heap.new(0, 1);
    expect(heap.memory.words[(a >> 2) + COUNT_SLOT]).toBe(1);
  });

  it('raises OutOfMemoryError when the OS refuses memory', () => {
    const heap = new Heap(refcount, { heapLimit: 1 << 20 });
    expect(() => {
      for (let i = 0; i < 100_000; i++) heap.new(i % 60_000, 1);
    }).toThrow(OutOfMemoryError);
  });

  it('verify() catches a wrong count in checked mode', () => {
    const heap = new Heap(refcount, { checked: true });
    const a = heap.new(0, 0);
    heap.memory.words[(a >> 2) + COUNT_SLOT] = 7;
    expect(() => heap.collector.verify()).toThrow(HeapIntegrityError);
  });
});
