/**
 * Finalizers and weak references (trace format 2) under both counting collectors: the finalizer at
 * count zero (resurrection honoured, never twice), weak references cleared at free with their
 * callbacks, and for `refcount-deferred` all of it when the zero-count table is processed.
 */
import { Heap, parseTrace, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { refcountDeferred } from '../../src/plans/deferred-refcount.ts';
import { refcount } from '../../src/plans/refcount.ts';

function run(
  descriptor: typeof refcount,
  body: string,
  zctThreshold?: number,
): { lines: string[]; heap: Heap } {
  const heap = new Heap(descriptor, {
    checked: true,
    ...(zctThreshold === undefined ? {} : { collectorOptions: { zctThreshold } }),
  });
  const lines = replay(heap, parseTrace(`gclab-trace 2\n${body}`)).lines;
  return { lines, heap };
}

const DIES = `
new r0 1
finalizer r0
weakref r1 r0 callback
del r0
deref r2 r1
`;

const RESURRECTS = `
new r0 0
finalizer r0 resurrect g:saved
weakref r1 r0 callback
del r0
deref r2 r1
del r2
refcount g:saved
del g:saved
deref r2 r1
refcount r1
`;

const CASCADE = `
new r0 1
new r1 0
put r0 0 r1
finalizer r1
finalizer r0
weakref r2 r1 callback
del r1
del r0
`;

// The weak reference object lives in a field of its referent: it is alive when the referent dies
// (the callback runs), then freed with it.
const WEAKREF_IN_REFERENT = `
new r0 1
weakref r1 r0 callback
put r0 0 r1
del r1
del r0
`;

// A weak reference freed before its referent: no callback.
const WEAKREF_DIES_FIRST = `
new r0 0
weakref r1 r0 callback
weakref r2 r0 callback
del r1
del r0
`;

describe('refcount: finalizers and weak references at count zero', () => {
  it('runs the finalizer, then clears the weak reference and runs its callback', () => {
    const { lines, heap } = run(refcount, DIES);
    expect(lines).toEqual(['finalize 1', 'callback 2', 'deref null']);
    expect(heap.counters.objectsFreed).toBe(1);
    expect(heap.finalizers.size).toBe(0);
  });

  it('honours resurrection: not freed, weak reference kept, finalizer never runs twice', () => {
    const { lines, heap } = run(refcount, RESURRECTS);
    expect(lines).toEqual(['finalize 1', 'deref live', '1', 'callback 2', 'deref null', '1']);
    expect(heap.counters.objectsFreed).toBe(1);
    expect(heap.counters.objectsAllocated - heap.counters.objectsFreed).toBe(1); // the weakref
  });

  it('runs the finalizers of a cascade parent first, clearing each weak reference after its finalizer', () => {
    const { lines, heap } = run(refcount, CASCADE);
    expect(lines).toEqual(['finalize 4', 'finalize 3', 'callback 5']);
    expect(heap.counters.objectsFreed).toBe(2);
  });

  it('runs the callback of a weak reference its dying referent holds, then frees it', () => {
    const { lines, heap } = run(refcount, WEAKREF_IN_REFERENT);
    expect(lines).toEqual(['callback 1']);
    expect(heap.counters.objectsFreed).toBe(2);
    expect(heap.weakRefs.size).toBe(0);
  });

  it('does not run the callback of a weak reference freed before its referent; newest callback first', () => {
    expect(run(refcount, WEAKREF_DIES_FIRST).lines).toEqual(['callback 2']);
    const both = run(refcount, 'new r0 0\nweakref r1 r0 callback\nweakref r2 r0 callback\ndel r0\n');
    expect(both.lines).toEqual(['callback 2', 'callback 1']);
  });

  it('counts a multi-object release with finalizers as one cascade pause', () => {
    const { heap } = run(refcount, CASCADE);
    const stats = heap.collector.stats();
    expect(stats['cascades']).toBe(1);
    expect(stats['largestCascade']).toBe(2);
  });
});

describe('refcount-deferred: finalizers and weak references when the zero-count table is processed', () => {
  it('runs nothing until the reconciliation, then the same lines as refcount', () => {
    const { lines } = run(refcountDeferred, `${DIES}del r2\ngc\nderef r2 r1\n`);
    // `deref` before the gc still sees the object (the ZCT holds it) and makes a root reference.
    expect(lines).toEqual(['deref live', 'finalize 1', 'callback 2', 'deref null']);
  });

  it('honours resurrection into a global during the reconciliation', () => {
    const body = `
new r0 0
finalizer r0 resurrect g:saved
weakref r1 r0 callback
del r0
gc
deref r2 r1
del r2
refcount g:saved
del g:saved
gc
deref r2 r1
gc
`;
    const { lines, heap } = run(refcountDeferred, body);
    expect(lines).toEqual(['finalize 1', 'deref live', '1', 'callback 2', 'deref null']);
    expect(heap.counters.objectsFreed).toBe(1);
  });

  it('reconciles at its threshold and finalizes then', () => {
    const body = `
new r0 0
finalizer r0
del r0
new r1 0
new r1 0
`;
    const { lines, heap } = run(refcountDeferred, body, 2);
    // The third allocation finds 2 entries: the finalized object is freed, the second is still in r1.
    expect(lines).toEqual(['finalize 1']);
    expect(heap.counters.objectsFreed).toBe(1);
  });

  it('frees a cascade with finalizers parent first', () => {
    expect(run(refcountDeferred, `${CASCADE}gc\n`).lines).toEqual(['finalize 4', 'finalize 3', 'callback 5']);
    expect(run(refcountDeferred, `${WEAKREF_IN_REFERENT}gc\n`).lines).toEqual(['callback 1']);
    expect(run(refcountDeferred, `${WEAKREF_DIES_FIRST}gc\n`).lines).toEqual(['callback 2']);
  });
});
