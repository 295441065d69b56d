import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { MersenneTwister } from '../../src/workloads/mersenne-twister.ts';
import { asyncTreeProgram } from '../../src/workloads/pyperformance/async-tree.ts';
import { makeTreePort } from '../../src/workloads/pyperformance/btree.ts';
import { GC_COLLECT_LINKS, gcCollectProgram } from '../../src/workloads/pyperformance/gc-collect.ts';
import { gcTraversalProgram } from '../../src/workloads/pyperformance/gc-traversal.ts';
import { runIteration } from '../../src/workloads/pyperformance/pyperformance-program.ts';
import { PYPERFORMANCE_WORKLOADS } from '../../src/workloads/pyperformance/pyperformance-workloads.ts';
import { findWorkload, resolveWorkload } from '../../src/workloads/registry.ts';

describe("Python's random, as the pyperformance programs draw it", () => {
  // Reference values printed by CPython 3.11.7: random.seed(0); x = list(range(10)); random.shuffle(x);
  // [Random(0).randint(1, 100) for _ in range(8)]; [Random(0).random() for _ in range(3)].
  it('shuffle, randint and random give the values CPython gives for seed 0', () => {
    const ids = Int32Array.from({ length: 10 }, (_, i) => i);
    new MersenneTwister(0).shuffle(ids);
    expect([...ids]).toEqual([7, 8, 1, 5, 3, 4, 2, 0, 9, 6]);
    const r = new MersenneTwister(0);
    expect(Array.from({ length: 8 }, () => r.randint(1, 100))).toEqual([50, 98, 54, 6, 34, 66, 63, 52]);
    const f = new MersenneTwister(0);
    expect([f.random(), f.random(), f.random()]).toEqual([
      0.8444218515250481, 0.7579544029403025, 0.420571580830845,
    ]);
  });
});

describe('pyperformance workloads', () => {
  it('are registered by name, with options resolved as any workload', () => {
    expect(PYPERFORMANCE_WORKLOADS.map((w) => w.name)).toEqual([
      'pyperf-gc-collect',
      'pyperf-gc-traversal',
      'pyperf-btree',
      'pyperf-async-tree-none',
      'pyperf-async-tree-io',
      'pyperf-async-tree-memoization',
      'pyperf-async-tree-cpu-io-mixed',
      'pyperf-deepcopy',
    ]);
    for (const w of PYPERFORMANCE_WORKLOADS) expect(findWorkload(w.name)).toBe(w);
    expect(resolveWorkload('pyperf-btree').workload.name).toBe('pyperf-btree');
  });

  it('gc_collect: per iteration 100 rings of 21 nodes and the list, all garbage after del', () => {
    const heap = new Heap(noGc);
    gcCollectProgram.setup(heap, 100);
    runIteration(heap, gcCollectProgram, 100);
    expect(heap.counters.objectsAllocated).toBe(100 * (GC_COLLECT_LINKS + 1) + 1);
    expect(heap.oracle.traverse().reachableObjects).toBe(0);
  });

  it('gc_traversal: N_LEVELS lists reachable through n(n-1)/2 references', () => {
    const heap = new Heap(noGc);
    gcTraversalProgram.setup(heap, 1000);
    const r = heap.oracle.traverse();
    // The first list, [], is garbage; lists 0 .. 999 are reachable.
    expect(r.reachableObjects).toBe(1000);
    expect(heap.counters.pointerStores).toBe((1000 * 999) / 2);
  });

  it("btree: the port ends with a valid B-tree of every key, CLRS's invariants holding", () => {
    const { root, transient } = makeTreePort(5000);
    const keys: number[] = [];
    const depths = new Set<number>();
    const walk = (n: typeof root, depth: number, isRoot: boolean): void => {
      expect(n.items.length).toBeLessThanOrEqual(31);
      if (!isRoot) expect(n.items.length).toBeGreaterThanOrEqual(15);
      if (n.nodes === null) {
        depths.add(depth);
        keys.push(...n.items);
        return;
      }
      expect(n.nodes.length).toBe(n.items.length + 1);
      n.nodes.forEach((c, i) => {
        walk(c, depth + 1, false);
        if (i < n.items.length) keys.push(n.items[i]!);
      });
    };
    walk(root, 0, true);
    expect(keys).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(depths.size).toBe(1);
    // Each insert makes a tuple; the 1,000 deleted keys' tuples are dropped.
    expect(transient.tuples).toBeGreaterThan(1000);
  });

  it('async_tree: every task, gather and sleep is freed when the iteration ends, with no cycle left', () => {
    for (const variant of ['none', 'io', 'memoization', 'cpu_io_mixed'] as const) {
      const program = asyncTreeProgram(variant);
      const heap = new Heap(noGc);
      program.setup(heap, 3);
      const setupObjects = heap.counters.objectsAllocated;
      runIteration(heap, program, 3);
      expect(heap.oracle.traverse().reachableObjects).toBe(2);
      // At 3 levels: 1 + 6 + 36 + 216 = 259 tasks of 7 objects or more, 43 gathers of 14.
      expect(heap.counters.objectsAllocated - setupObjects).toBeGreaterThanOrEqual(259 * 7 + 43 * 14);
    }
  });

  it('each workload runs at size small, every object accounted for, the same run twice', () => {
    for (const w of PYPERFORMANCE_WORKLOADS) {
      if (w.name === 'pyperf-btree' || w.name === 'pyperf-gc-traversal') continue; // seconds at small
      const a = new Heap(noGc);
      const b = new Heap(noGc);
      const result = w.run(a, { size: 'small', seed: 1 });
      expect(result).toBe(a.counters.objectsAllocated);
      expect(w.run(b, { size: 'small', seed: 2 })).toBe(result);
      expect(b.counters).toEqual(a.counters);
    }
  });
});
