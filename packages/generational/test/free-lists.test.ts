/**
 * The free lists of lists, dicts and tuples (collector option `freeLists`), against what the real
 * interpreters do. Measured in CPython 3.11.7 (native) and 3.12.7, 3.13.2, 3.15.0rc1 (WebAssembly):
 * after gc.collect() with the collector disabled, N containers are put in a list, the list is
 * dropped, and N more are put in another; gc.get_count()[0] at each step, less the first reading:
 *
 * | N containers  | 3.11                  | 3.12, 3.13, 3.15      |
 * |---------------|-----------------------|-----------------------|
 * | 100 lists     | 102, 81, 102, 81      | the same              |
 * | 100 dicts     | 102, 82, 102, 82      | the same              |
 * | 3,000 2-tuples| 3002, 2002, 3002, 2002| the same              |
 * | 100 20-tuples | 104, 104, 204, 204    | 104, 104, 104, 104    |
 * | 100 21-tuples | 104, 4, 104, 4        | the same              |
 *
 * (The interpreter adds one or two containers of its own to the first reading, and the 20-tuples
 * were built from a temporary list each.) The model's counts differ from those by these constants;
 * the steps between readings, which the free lists decide, are CPython's.
 */
import { Heap, ObjectKind } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { type CPythonCollector, cpython } from '../src/cpython.ts';
import { cpython314 } from '../src/cpython-314.ts';
import { cpython312, cpython315 } from '../src/cpython-versions.ts';

/** The four readings of count[0], less the first, for `n` containers of `kind` with `nrefs` fields. */
function readings(
  descriptor: typeof cpython,
  kind: ObjectKind,
  nrefs: number,
  n: number,
  freeLists = true,
): number[] {
  const heap = new Heap(descriptor, { collectorOptions: { threshold0: 0, freeLists } });
  const c = heap.collector as CPythonCollector;
  heap.gc();
  const base = c.counts[0]!;
  const out: number[] = [];
  const xs = heap.global('xs');
  for (let round = 0; round < 2; round++) {
    heap.new(xs, n, 0, ObjectKind.list);
    for (let i = 0; i < n; i++) {
      heap.new(0, nrefs, 0, kind);
      heap.put(xs, i, 0);
    }
    heap.del(0);
    out.push(c.counts[0]! - base);
    heap.del(xs);
    out.push(c.counts[0]! - base);
  }
  return out;
}

describe('cpython: free lists (option freeLists)', () => {
  it('80 lists and 80 dicts are freed and taken again uncounted', () => {
    expect(readings(cpython, ObjectKind.list, 0, 100)).toEqual([101, 80, 101, 80]);
    // The outer list goes to the emptied list free list: only 20 dicts are counted down.
    expect(readings(cpython, ObjectKind.dict, 0, 100)).toEqual([101, 81, 101, 81]);
  });

  it('2,000 tuples of a length; 3.11 frees 20-tuples onto a free list it never takes them from', () => {
    expect(readings(cpython, ObjectKind.tuple, 2, 3000)).toEqual([3001, 2001, 3001, 2001]);
    expect(readings(cpython, ObjectKind.tuple, 20, 100)).toEqual([101, 101, 201, 201]);
    for (const d of [cpython312, cpython315])
      expect(readings(d, ObjectKind.tuple, 20, 100)).toEqual([101, 101, 101, 101]);
    // Longer tuples have no free list (the outer list still goes to the list free list).
    expect(readings(cpython, ObjectKind.tuple, 21, 100)).toEqual([101, 1, 101, 1]);
  });

  it('a full collection empties them; without the option every container is counted both ways', () => {
    const heap = new Heap(cpython, { collectorOptions: { threshold0: 0, freeLists: true } });
    const c = heap.collector as CPythonCollector;
    const xs = heap.global('xs');
    heap.new(xs, 0, 0, ObjectKind.list);
    heap.del(xs); // onto the list free list
    heap.new(xs, 0, 0, ObjectKind.list); // taken again: not counted
    expect(c.counts[0]).toBe(1);
    heap.del(xs);
    heap.gc(); // clear_freelists
    heap.new(xs, 0, 0, ObjectKind.list);
    expect(c.counts[0]).toBe(1);
    expect(readings(cpython, ObjectKind.list, 0, 100, false)).toEqual([101, 0, 101, 0]);
  });

  it('3.14 has none that its counts see: the option is refused there', () => {
    expect(() => new Heap(cpython314, { collectorOptions: { freeLists: true } })).toThrow(
      'cpython-3.14: option freeLists does not apply',
    );
  });
});
