import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CollectorOptionError, Heap, NULL_ROOT, parseTrace, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import {
  type DeferredReferenceCounting,
  refcountDeferred,
  ZCT_BIT,
} from '../../src/plans/deferred-refcount.ts';
import { refcount } from '../../src/plans/refcount.ts';

const examples = fileURLToPath(new URL('../../../../examples/traces/', import.meta.url));

function deferredHeap(zctThreshold = 1 << 30, checked = true): Heap {
  return new Heap(refcountDeferred, { checked, collectorOptions: { zctThreshold } });
}

describe('refcount-deferred', () => {
  it('prints 2, 3, 2 for the getrefcount example (heap count + roots, computed on demand)', () => {
    const text = readFileSync(`${examples}getrefcount.trace`, 'utf8');
    expect(replay(deferredHeap(), parseTrace(text)).output).toEqual([2, 3, 2]);
  });

  it('does not count root writes; new objects and heap counts at zero go to the ZCT', () => {
    const heap = deferredHeap();
    const collector = heap.collector as DeferredReferenceCounting;
    const a = heap.new(0, 1);
    heap.set(1, 0);
    heap.call(1, Int32Array.of(0));
    heap.ret();
    expect(heap.counters.rcIncrements).toBe(0);
    expect(collector.referenceCount(a)).toBe(2);
    expect(collector.zct.length).toBe(1);
    expect(heap.memory.words[a >> 2]! & ZCT_BIT).toBe(ZCT_BIT);
    heap.new(2, 0);
    heap.put(0, 0, 2); // B's heap count is 1; it stays in the ZCT until reconciled
    heap.del(2);
    heap.put(0, 0, NULL_ROOT);
    expect(heap.counters.objectsFreed).toBe(0); // B is unreferenced but waits for reconciliation
    expect(heap.gc()).toBe(1);
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
    expect(collector.zct.length).toBe(1); // A again: held by roots only
  });

  it('reconciles at the threshold and frees only what no root holds', () => {
    const heap = deferredHeap(8);
    const collector = heap.collector as DeferredReferenceCounting;
    for (let i = 0; i < 100; i++) heap.new(i % 4, 1);
    expect(collector.reconciliations).toBeGreaterThan(5);
    expect(heap.oracle.traverse().reachableObjects).toBe(4);
    heap.gc();
    expect(heap.counters.objectsAllocated - heap.counters.objectsFreed).toBe(4);
    const kinds = heap.telemetry.pauses.toArray().map((p) => p.kind);
    expect(new Set(kinds)).toEqual(new Set(['reconcile']));
    expect(heap.telemetry.collectionsByKind['reconcile']).toBe(collector.reconciliations);
  });

  it('saves RC operations on a root-heavy program, and counts them', () => {
    const program = (heap: Heap) => {
      heap.new(0, 1);
      for (let i = 0; i < 10_000; i++) {
        heap.set(1 + (i % 5), 0);
        heap.call(2, Int32Array.of(0, 1));
        heap.ret();
      }
      heap.gc();
    };
    const immediate = new Heap(refcount);
    program(immediate);
    const deferred = deferredHeap(1024, false);
    program(deferred);
    const stats = deferred.collector.stats();
    const rcOps = (h: Heap) => h.counters.rcIncrements + h.counters.rcDecrements;
    expect(stats['rcOpsSaved']).toBeGreaterThan(0);
    expect(rcOps(deferred)).toBeLessThan(rcOps(immediate) / 100);
    expect(stats['rootOpsDeferred']! - stats['reconcileRootOps']!).toBe(stats['rcOpsSaved']);
  });

  it('leaks cycles like refcount', () => {
    const text = readFileSync(`${examples}cycle.trace`, 'utf8');
    const heap = deferredHeap();
    expect(replay(heap, parseTrace(text)).output).toEqual([2]);
    expect(heap.oracle.traverse().garbageObjects).toBe(2);
  });

  it('rejects a bad threshold', () => {
    expect(() => deferredHeap(0)).toThrow(CollectorOptionError);
  });
});
