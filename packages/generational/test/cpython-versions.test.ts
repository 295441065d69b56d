/**
 * The rules of `cpython-3.12`, `cpython-3.13` and `cpython-3.15` against 3.11's (`cpython`): the
 * thresholds, the collection scheduled at an allocation and run at the next safepoint, and 3.15's
 * tracking of dicts and tuples. The figures compared with the real interpreters are in
 * packages/experiments/test (differential-mix/ and test-gc/).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Heap, parseTrace, replay } from '@gclab/core';
import { verifyCollector } from '@gclab/verify';
import { describe, expect, it } from 'vitest';
import { type CPythonCollector, cpython } from '../src/cpython.ts';
import { cpython312, cpython313, cpython315 } from '../src/cpython-versions.ts';

const tracking = readFileSync(fileURLToPath(new URL('./test-gc/tracking.trace', import.meta.url)), 'utf8');

describe('the CPython versions', () => {
  it.each([
    { d: cpython, name: 'cpython', thresholds: [700, 10, 10] },
    { d: cpython312, name: 'cpython-3.12', thresholds: [700, 10, 10] },
    { d: cpython313, name: 'cpython-3.13', thresholds: [2000, 10, 10] },
    { d: cpython315, name: 'cpython-3.15', thresholds: [2000, 10, 10] },
  ])('$name has its default thresholds', ({ d, name, thresholds }) => {
    const c = new Heap(d).collector as CPythonCollector;
    expect(c.name).toBe(name);
    expect(c.gc.get_threshold()).toEqual(thresholds);
  });

  it('3.12 on: the allocation past threshold 0 schedules the collection; the next safepoint runs it', () => {
    for (const d of [cpython, cpython312]) {
      const heap = new Heap(d, { collectorOptions: { threshold0: 2 } });
      const c = heap.collector as CPythonCollector;
      for (let k = 0; k < 3; k++) {
        heap.new(k, 1);
        heap.put(k, 0, k);
      }
      heap.safepoint();
      // 3.11 collected inside the third allocation, before tracking it: the third object is still
      // in generation 0. 3.12 collected at the safepoint (op 6): all three moved to generation 1.
      expect(c.gc.get_count(), d.name).toEqual([0, 1, 0]);
      expect(heap.telemetry.collections.map((r) => r.opIndex)).toEqual(d === cpython ? [4] : [6]);
      expect([c.generationSize(0), c.generationSize(1)]).toEqual(d === cpython ? [1, 2] : [0, 3]);
    }
  });

  it('3.12 and 3.13 track dicts and tuples as 3.11 does; 3.15 tracks dicts from birth, tuples from their first trackable item', () => {
    const lines = (d: typeof cpython): string[] =>
      replay(new Heap(d, { checked: true }), parseTrace(tracking)).lines;
    const expected311 = [...tracking.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]!);
    expect(lines(cpython312)).toEqual(expected311);
    expect(lines(cpython313)).toEqual(expected311);
    // Measured on 3.15.0rc1 (test_gc_cases.py tracking): {} is tracked, (s, s) is not, and a dict
    // of atomic values stays tracked across a full collection.
    expect(lines(cpython315)).toEqual([
      'tracked true',
      'tracked true',
      'tracked true',
      'tracked true',
      'tracked false',
      'collected 0',
      'tracked false',
      'collected 0',
      'tracked true',
    ]);
  });
});

describe('immortal objects (PEP 683)', () => {
  const trace = `gclab-trace 2
new g:s 1 object
put g:s 0 g:s
immortal g:s
set r0 g:s
refcount r0
del r0
del g:s
gc.collect
`;

  it.each([
    { d: cpython, count: '4', increments: 4 },
    { d: cpython312, count: '4294967295', increments: 3 },
    { d: cpython313, count: '4294967295', increments: 3 },
    { d: cpython315, count: '3221225472', increments: 3 },
  ])(
    '$d.name: a self-cycle made immortal is never freed; refcount reads $count',
    ({ d, count, increments }) => {
      const heap = new Heap(d, { checked: true });
      const lines = replay(heap, parseTrace(trace)).lines;
      expect(lines).toEqual([count, 'collected 0']);
      expect(heap.counters.objectsFreed).toBe(0);
      expect(heap.oracle.traverse().garbageObjects).toBe(0);
      // Increments: the new object's root, its own field, the hidden root (counted before the hook
      // fixes the count), then r0 under 3.11 only: from 3.12 increments skip an immortal object.
      expect(heap.counters.rcIncrements).toBe(increments);
      const c = heap.collector as CPythonCollector;
      const s = heap.peekRoot(heap.global('immortal 0'));
      // 3.12 on: `_Py_SetImmortal` untracked it; 3.11 keeps it tracked (it survived to generation 2).
      expect(c.isTracked(s)).toBe(d === cpython);
    },
  );
});

describe('verifyCollector on the later versions, format-2 programs only (immortal objects among them)', () => {
  it.each([cpython312, cpython315])('$name passes 150 programs', (d) => {
    const result = verifyCollector(d, { seed: 42, runs: 150, stressRuns: 0, format2: 1 });
    expect(result.failure?.trace ?? null).toBeNull();
    expect(result.passed).toBe(true);
  });
});
