/**
 * `cpython-3.14`'s own invariants: the two old spaces and the visited bit, the MARK and COLLECT
 * increments, the work-to-do arithmetic, completed_scavenge's flip (and its merge after gc.freeze),
 * gc.collect(0/1/2), gc.get_count() and gc.get_threshold() as 3.14 reports them. Checked mode runs
 * `verify` (validate_spaces and heap_size) after every operation.
 */
import { type CollectionRecord, Heap } from '@gclab/core';
import { verifyCollector } from '@gclab/verify';
import { describe, expect, it } from 'vitest';
import { type CPython314Collector, cpython314, GC_PHASE_COLLECT, GC_PHASE_MARK } from '../src/cpython-314.ts';
import { gcListSize } from '../src/gc-list.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

function heap314(options: Record<string, unknown> = {}): { heap: Heap; c: CPython314Collector } {
  const heap = new Heap(cpython314, { checked: true, collectorOptions: options });
  return { heap, c: heap.collector as CPython314Collector };
}

/** `r = N()` in 3.12+: the allocation, then the eval breaker at `__init__`. */
function alloc(heap: Heap, r: number): void {
  heap.new(r, 1);
  heap.safepoint();
}

const log = (heap: Heap) =>
  heap.telemetry.collections.map((r: CollectionRecord) => [r.opIndex, r.generation, r.collected]);

/** Sizes of young, old[0], old[1]. */
const sizes = (c: CPython314Collector) => {
  const words = c.heap.memory.words;
  return [c.generationHead(0), c.oldHead(0), c.oldHead(1)].map((h) => gcListSize(words, h));
};

describe('cpython-3.14: the gc module as 3.14 reports it', () => {
  it('get_threshold() is (2000, 10, 0); gc.collect(0) counts in old[visited]; gc.collect() zeroes', () => {
    const { heap, c } = heap314();
    expect(c.gc.get_threshold()).toEqual([2000, 10, 0]);
    alloc(heap, 0);
    alloc(heap, 1);
    expect(c.gc.get_count()).toEqual([2, 0, 0]);
    c.gc.collect(0);
    expect(c.gc.get_count()).toEqual([0, 1, 0]);
    expect(sizes(c)).toEqual([0, 2, 0]);
    c.gc.collect(1); // a MARK increment: both are marked from the registers
    expect(c.phase).toBe(GC_PHASE_COLLECT);
    expect(c.lastMarked).toBe(0); // already in the visited space
    c.gc.collect();
    expect(c.gc.get_count()).toEqual([0, 0, 0]);
    expect(c.phase).toBe(GC_PHASE_MARK);
    expect(c.visitedSpace).toBe(1); // completed_scavenge flipped (the permanent generation is empty)
    expect(sizes(c)).toEqual([0, 2, 0]); // old[0] is now the pending space
    expect(c.gc.get_stats().map((s) => s.collections)).toEqual([1, 1, 1]);
  });

  it('a registered callback leaves no trace in the counts (no info-dict observer effect)', () => {
    const { heap, c } = heap314();
    c.gc.callbacks.push(() => {});
    heap.gc();
    expect(c.gc.get_count()).toEqual([0, 0, 0]);
  });
});

describe('cpython-3.14: increments', () => {
  it('MARK then COLLECT: marks from the registers, collects the young cycle, flips the spaces', () => {
    const { heap, c } = heap314({ threshold0: 4 });
    for (let r = 0; r < 5; r++) alloc(heap, r);
    // Collection 1 (the 5th allocation, count 5 > 4), MARK: work_to_do = 5 + min(5/10/10, 10) = 5,
    // minus the 5 objects marked from r4..r0, twice.
    expect(log(heap)).toEqual([[9, 1, 0]]);
    expect(c.lastMarked).toBe(5);
    expect(c.workToDo).toBe(-5);
    expect(c.phase).toBe(GC_PHASE_COLLECT);
    expect(sizes(c)).toEqual([0, 5, 0]);
    expect(c.oldSpace(heap.peekRoot(0))).toBe(0);
    // A young 2-cycle, then three more allocations.
    alloc(heap, 5);
    alloc(heap, 6);
    heap.put(5, 0, 6);
    heap.put(6, 0, 5);
    heap.del(5);
    heap.del(6);
    for (let r = 7; r < 10; r++) alloc(heap, r);
    // Collection 2, COLLECT: work_to_do = -5 + 5 = 0; mark_stacks marks r9, r8, r7 (-3); the
    // increment is young's 2 garbage objects; old[1] (pending) is empty: completed_scavenge.
    expect(log(heap).at(-1)).toEqual([heap.opIndex, 1, 2]);
    expect(c.lastMarked).toBe(3);
    expect(c.lastIncrementSize).toBe(2);
    expect(c.visitedSpace).toBe(1);
    expect(c.phase).toBe(GC_PHASE_MARK);
    expect(c.workToDo).toBe(0);
    expect(sizes(c)).toEqual([0, 8, 0]);
    expect(c.heapSize).toBe(8);
  });

  it('an old cycle in the pending space is pulled into an increment (expand_region) and collected', () => {
    // No automatic collection; 5,000 interpreter objects make heap_size / 100 = 50 of work.
    const { heap, c } = heap314({ threshold0: 0, interpreterObjects: 5000 });
    for (let r = 0; r < 10; r++) alloc(heap, r);
    heap.gc(); // all 10 survive into old[0]; completed_scavenge flips: old[0] is pending
    expect(c.visitedSpace).toBe(1);
    // r0 <-> r1 become an old garbage cycle in the pending space.
    heap.put(0, 0, 1);
    heap.put(1, 0, 0);
    heap.del(0);
    heap.del(1);
    c.gc.collect(1); // MARK: work 0 + min(50, 0) = 0; r9..r2 marked: 0 - 2 * 8
    expect(c.lastMarked).toBe(8);
    expect(c.workToDo).toBe(-16);
    expect(sizes(c)).toEqual([0, 2, 8]);
    // 30 young objects reachable only through r2's field (r2 is visited: not traced by mark_stacks).
    for (let k = 0; k < 30; k++) {
      heap.new(11, 1);
      heap.get(12, 2, 0);
      heap.put(11, 0, 12);
      heap.put(2, 0, 11);
      heap.del(11);
      heap.del(12);
    }
    expect(c.gc.get_count()).toEqual([30, 0, 0]);
    // COLLECT: work = -16 + 30 + min(50, 60) = 64; the increment is young (30), then r0 and what it
    // reaches (r1) while 30 < 64; the pending space is then empty: completed_scavenge.
    expect(c.gc.collect(1)).toBe(2);
    expect(c.lastMarked).toBe(0);
    expect(c.lastIncrementSize).toBe(32);
    expect(c.visitedSpace).toBe(0);
    expect(c.phase).toBe(GC_PHASE_MARK);
    expect(c.workToDo).toBe(0);
    expect(sizes(c)).toEqual([0, 0, 38]);
    expect(c.heapSize).toBe(38);
  });

  it('with a negative work_to_do an increment does nothing but report', () => {
    const { heap, c } = heap314({ threshold0: 0 });
    for (let r = 0; r < 4; r++) alloc(heap, r);
    c.gc.collect(1); // MARK: 4 - 2 * 4 = -4
    expect(c.workToDo).toBe(-4);
    alloc(heap, 4);
    expect(c.gc.collect(1)).toBe(0); // -4 + 1 < 0: returns before mark_stacks
    expect(c.workToDo).toBe(-3);
    expect(c.phase).toBe(GC_PHASE_COLLECT);
    expect(sizes(c)).toEqual([1, 4, 0]);
    expect(c.gc.get_stats()[1]!.collections).toBe(2);
  });

  it('after gc.freeze(), completed_scavenge merges old[visited] into pending instead of flipping', () => {
    const { heap, c } = heap314();
    alloc(heap, 0);
    c.gc.freeze();
    alloc(heap, 1);
    heap.gc();
    expect(c.visitedSpace).toBe(0);
    expect(sizes(c)).toEqual([0, 0, 1]);
    expect(c.oldSpace(heap.peekRoot(1))).toBe(1);
    expect(c.oldSpace(heap.peekRoot(0))).toBe(0); // permanent: the visited space
    expect(c.gc.get_freeze_count()).toBe(1);
    c.gc.unfreeze();
    expect(sizes(c)).toEqual([0, 1, 1]);
  });
});

describe('cpython-3.14: verifyCollector', () => {
  it.each(cpython314.verifyOptionSets!.map((collectorOptions) => ({ collectorOptions })))(
    'passes 300 programs with $collectorOptions (all five properties)',
    ({ collectorOptions }) => {
      const result = verifyCollector(cpython314, { seed, runs: 300, stressRuns: 0, collectorOptions });
      expect(result.failure?.trace ?? null).toBeNull();
      expect(result.passed).toBe(true);
      expect(result.completeness).toBe('full');
    },
  );
});
