/**
 * `refcount-trial-deletion`: the mechanics of Bacon & Rajan's cycle collector with exact counts
 * (candidates buffered, objects marked gray, scanned, re-blackened, found and freed white), its
 * triggers, its finalization of cyclic garbage and the count-ceiling tally it shares with `refcount`.
 */
import { CollectorOptionError, FinalizerKind, Heap } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import {
  BUFFERED_BIT,
  PURPLE,
  refcountTrialDeletion,
  type TrialDeletion,
} from '../../src/plans/trial-deletion.ts';

function trialHeap(candidateThreshold = 1 << 30, countCeilings = false): { heap: Heap; td: TrialDeletion } {
  const heap = new Heap(refcountTrialDeletion, {
    checked: true,
    collectorOptions: { candidateThreshold, countCeilings },
  });
  return { heap, td: heap.collector as TrialDeletion };
}

/** r0 = A, r1 = B, A.f = B, B.f = A. */
function twoCycle(heap: Heap): void {
  heap.new(0, 1);
  heap.new(1, 1);
  heap.put(0, 0, 1);
  heap.put(1, 0, 0);
}

function figures(td: TrialDeletion) {
  const s = td.stats();
  return {
    candidatesBuffered: s['candidatesBuffered'],
    markedGray: s['markedGray'],
    scanned: s['scanned'],
    scannedBlack: s['scannedBlack'],
    foundWhite: s['foundWhite'],
    freedWhite: s['freedWhite'],
  };
}

describe('refcount-trial-deletion', () => {
  it('frees an unreachable two-object cycle: 2 candidates, 2 gray, 2 scanned, 2 white', () => {
    const { heap, td } = trialHeap();
    twoCycle(heap);
    heap.del(1); // B: 2 -> 1, purple, buffered
    const b = heap.peekField(heap.peekRoot(0), 0);
    expect(heap.memory.words[b >> 2]! & (PURPLE | BUFFERED_BIT)).toBe(PURPLE | BUFFERED_BIT);
    heap.del(0); // A: 2 -> 1, purple, buffered
    expect(td.candidates).toBe(2);
    expect(heap.counters.objectsFreed).toBe(0);
    expect(heap.gc()).toBe(2);
    expect(figures(td)).toEqual({
      candidatesBuffered: 2,
      markedGray: 2,
      scanned: 2,
      scannedBlack: 0,
      foundWhite: 2,
      freedWhite: 2,
    });
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
    expect(td.candidates).toBe(0);
    expect(heap.telemetry.collectionsByKind['full']).toBe(1);
    expect(heap.telemetry.pauses.toArray().map((p) => [p.kind, p.work])).toEqual([['trial-deletion', 6]]);
  });

  it('re-blackens a cycle held from outside and restores its counts exactly', () => {
    const { heap, td } = trialHeap();
    twoCycle(heap);
    heap.del(1); // B buffered; A is held by r0
    expect(heap.gc()).toBe(0);
    // MarkGray from B: B, A gray (A 2 -> 1, B 1 -> 0); Scan: B white, A has 1 -> ScanBlack A, B.
    expect(figures(td)).toEqual({
      candidatesBuffered: 1,
      markedGray: 2,
      scanned: 2,
      scannedBlack: 2,
      foundWhite: 0,
      freedWhite: 0,
    });
    const a = heap.peekRoot(0);
    expect(td.referenceCount(a)).toBe(2);
    expect(td.referenceCount(heap.peekField(a, 0))).toBe(1);
    heap.del(0); // now the cycle is garbage: A buffered again
    expect(heap.gc()).toBe(2);
    expect(td.stats()['candidatesBuffered']).toBe(2);
  });

  it('drops a candidate an increment blackened, and a freed candidate leaves the buffer', () => {
    const { heap, td } = trialHeap();
    heap.new(0, 1); // X
    heap.new(1, 1); // Y
    heap.put(0, 0, 1);
    heap.del(1); // Y: 2 -> 1, buffered
    heap.get(2, 0, 0); // r2 = X.f: Y incremented, black again (still buffered)
    heap.del(2); // Y: 2 -> 1: purple again, not buffered twice
    expect(td.stats()['candidatesBuffered']).toBe(1);
    heap.del(0); // X freed, the cascade frees Y: its slot becomes 0
    expect(heap.counters.objectsFreed).toBe(2);
    expect(td.candidates).toBe(0);
    expect(td.buffer.length).toBe(1);
    expect(td.buffer.items[0]).toBe(0);
    expect(heap.gc()).toBe(0);
    expect(td.stats()['markedGray']).toBe(0);
  });

  it('never buffers an object without reference fields (green)', () => {
    const { heap, td } = trialHeap();
    heap.new(0, 0);
    heap.set(1, 0);
    heap.del(1);
    expect(td.candidates).toBe(0);
    expect(td.stats()['candidatesBuffered']).toBe(0);
  });

  it('buffers an object a cascade leaves above zero, and frees the cycle it was on', () => {
    const { heap, td } = trialHeap();
    twoCycle(heap); // r0 = A <-> B = r1
    heap.new(2, 1); // T, T.f = A
    heap.put(2, 0, 0);
    heap.del(0);
    heap.del(1); // B buffered; A: 3 -> 2 buffered
    heap.gc(); // A and B are held by T: black
    expect(td.stats()['foundWhite']).toBe(0);
    heap.del(2); // T freed: its cascade leaves A at 1, buffering it
    expect(heap.counters.objectsFreed).toBe(1);
    expect(td.candidates).toBe(1);
    expect(heap.gc()).toBe(2);
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
  });

  it('collects when the buffer reaches its threshold, at an allocation', () => {
    const { heap, td } = trialHeap(4);
    for (let i = 0; i < 10; i++) {
      twoCycle(heap);
      heap.del(1);
      heap.del(0);
    }
    // Each cycle adds 2 candidates: collections at the allocations after cycles 2, 4, 6 and 8.
    expect(td.cycleCollections).toBe(4);
    expect(heap.counters.objectsFreed).toBe(16);
    expect(td.candidates).toBe(4);
    heap.gc();
    expect(heap.counters.objectsFreed).toBe(20);
  });

  it('collects cycles when an allocation fails under the heap limit, then retries', () => {
    const heap = new Heap(refcountTrialDeletion, { heapLimit: 1 << 20 });
    const td = heap.collector as TrialDeletion;
    for (let i = 0; i < 20_000; i++) {
      twoCycle(heap);
      heap.del(1);
      heap.del(0);
    }
    expect(td.cycleCollections).toBeGreaterThan(0);
    expect(heap.counters.objectsAllocated).toBe(40_000);
  });

  it('runs the finalizer of cyclic garbage once, keeps what it reaches, frees it at the next gc', () => {
    const { heap, td } = trialHeap();
    twoCycle(heap);
    heap.finalizer(0, FinalizerKind.finalize);
    heap.del(1);
    heap.del(0);
    expect(heap.gc()).toBe(0); // the finalizer ran; A and what it reaches (B) are kept
    expect(heap.output).toEqual(['finalize 4']); // the finalizer registered by op 4
    expect(td.candidates).toBe(1); // A buffered again
    expect(heap.gc()).toBe(2);
    expect(heap.output).toEqual(['finalize 4']); // not twice
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
  });

  it('lets a finalizer resurrect its cycle into a global', () => {
    const { heap } = trialHeap();
    const g = heap.global('g');
    twoCycle(heap);
    heap.finalizer(1, FinalizerKind.finalize, g);
    heap.del(1);
    heap.del(0);
    heap.gc();
    heap.gc();
    expect(heap.counters.objectsFreed).toBe(0);
    expect(heap.oracle.traverse().reachableObjects).toBe(2);
    heap.del(g);
    expect(heap.gc()).toBe(2);
  });

  it('clears weak references to cyclic garbage and runs the callback of a live one', () => {
    const { heap } = trialHeap();
    twoCycle(heap);
    heap.weakref(2, 0, true); // r2: weakref to A with a callback
    heap.del(1);
    heap.del(0);
    expect(heap.gc()).toBe(2);
    expect(heap.output).toEqual(['callback 4']);
    heap.deref(3, 2);
    expect(heap.peekRoot(3)).toBe(0);
  });

  it('rejects a bad candidateThreshold with a typed error', () => {
    expect(() => trialHeap(0)).toThrow(CollectorOptionError);
    expect(() => new Heap(refcountTrialDeletion, { collectorOptions: { candidateThreshold: 'x' } })).toThrow(
      /candidateThreshold/,
    );
  });

  it('with countCeilings, tallies objects whose count exceeded 1, 3 and 7, each once', () => {
    expect(trialHeap().td.stats()['countAbove1']).toBeUndefined();
    expect(() => trialHeap(1, 'yes' as unknown as boolean)).toThrow(/countCeilings must be true or false/);
    const { heap, td } = trialHeap(1 << 30, true);
    heap.new(0, 1); // count 1
    for (let r = 1; r <= 8; r++) heap.set(r, 0); // 2 .. 9
    for (let r = 1; r <= 8; r++) heap.del(r);
    for (let r = 1; r <= 8; r++) heap.set(r, 0); // passes 2, 4 and 8 again: not tallied twice
    heap.new(9, 1);
    heap.set(10, 9); // count 2
    const s = td.stats();
    expect([s['countAbove1'], s['countAbove3'], s['countAbove7']]).toEqual([2, 1, 1]);
    expect(s['countAbove1Share']).toBe(1);
    expect(s['countAbove3Share']).toBe(0.5);
  });
});
