/**
 * `cpython` and trace format 2 beyond the test_gc cases: the gc module through the trace, reference
 * counting with finalizers (re-tracking in generation 0), weak reference callbacks of reachable weak
 * references, uncollectable counts in callbacks and stats, and version-1 traces unchanged.
 */
import { Heap, MutatorError, parseTrace, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { type CPythonCollector, cpython } from '../src/cpython.ts';

function run(body: string): { lines: string[]; heap: Heap; c: CPythonCollector } {
  const heap = new Heap(cpython, { checked: true });
  const lines = replay(heap, parseTrace(`gclab-trace 2\n${body}`)).lines;
  return { lines, heap, c: heap.collector as CPythonCollector };
}

describe('cpython: the gc module in a trace', () => {
  it('get_count, set_threshold, disable and enable', () => {
    const { lines } = run(`
new r0 1 object
new r1 0 atomic
new r2 0 dict
gc.get_count
gc.set_threshold 2
gc.disable
new r3 1
new r4 1
gc.get_count
gc.enable
new r5 1
gc.get_count
`);
    // Atomic objects do not count; a dict does (a GC object, though untracked). With threshold 2 and
    // gc enabled, the fifth GC allocation makes count0 5 > 2 and collects generation 0, which
    // resets count0 (the allocation was counted before the collection, as _PyObject_GC_Link does).
    expect(lines).toEqual(['count 2 0 0', 'count 4 0 0', 'count 0 1 0']);
  });

  it('rejects a negative debug value as a mutator error naming the operation', () => {
    const heap = new Heap(cpython);
    expect(() => heap.gcCall('set_debug', [-1])).toThrow(MutatorError);
    expect(() => heap.gcCall('set_debug', [-1])).toThrow(/gc.set_debug -1/);
  });

  it('freezes and unfreezes through the trace', () => {
    const { lines, c } = run(
      'new r0 1 object\nput r0 0 r0\ngc.freeze\ndel r0\ngc.collect\ngc.unfreeze\ngc.collect\n',
    );
    expect(lines).toEqual(['collected 0', 'collected 1']);
    expect(c.generationSize(3)).toBe(0);
  });
});

describe('cpython: reference counting with finalizers', () => {
  it('re-tracks a resurrected object at the end of generation 0 and marks it finalized', () => {
    const { lines, c, heap } = run(`
new r0 1 object
gc.collect
finalizer r0 resurrect g:saved
new r1 1 object
del r0
gc.is_finalized g:saved
`);
    expect(lines).toEqual(['collected 0', 'finalize 2', 'finalized true']);
    // r0's object was in generation 2; resurrected, it is in generation 0 after r1's object.
    expect(c.generationSize(2)).toBe(0);
    expect(c.generationSize(0)).toBe(2);
    expect(heap.counters.objectsFreed).toBe(0);
  });
});

describe('cpython: weak references and uncollectable objects in collections', () => {
  it('runs the callback of a reachable weak reference to garbage and moves it to the old generation', () => {
    const { lines, c } = run(`
new r0 1 object
put r0 0 r0
weakref g:w r0 callback
del r0
gc.collect 0
deref r1 g:w
`);
    expect(lines).toEqual(['callback 2', 'collected 1', 'deref null']);
    expect(c.generationSize(1)).toBe(1);
    expect(c.generationSize(0)).toBe(0);
  });

  it('reports uncollectable objects to callbacks and stats, and counts them in gc.collect()', () => {
    const { heap, c } = run('');
    const seen: number[][] = [];
    c.gc.callbacks.push((phase, info) => {
      if (phase === 'stop') seen.push([info.collected, info.uncollectable]);
    });
    const lines = replay(
      heap,
      parseTrace(`gclab-trace 2
new r0 2 object
finalizer r0 legacy
put r0 0 r0
new r1 1 object
put r0 1 r1
put r1 0 r1
del r1
del r0
gc.collect
gc.garbage
`),
    ).lines;
    // The legacy object and what it reaches are uncollectable (2); only the legacy one is in gc.garbage.
    expect(lines).toEqual(['collected 2', 'garbage 1']);
    expect(seen).toEqual([[0, 2]]);
    expect(c.gc.get_stats()[2]).toEqual({ collections: 1, collected: 0, uncollectable: 2 });
    expect(heap.telemetry.collections.at(-1)?.uncollectable).toBe(2);
  });
});
