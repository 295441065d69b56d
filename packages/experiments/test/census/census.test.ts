import { GraphBuilder, type HeapGraph } from '@gclab/bench';
import { noGc } from '@gclab/core';
import { cpython } from '@gclab/generational';
import { refcount } from '@gclab/refcount';
import { markSweep } from '@gclab/tracing-gc';
import { describe, expect, it } from 'vitest';
import { cycleFigures, layoutBytes, takeCensus, typeCounts } from '../../src/census/census.ts';
import { fanOutDistribution, sizeDistribution } from '../../src/census/distribution.ts';
import { stronglyConnectedComponents } from '../../src/census/strongly-connected.ts';

/** A graph from [size, type, targets] rows; `roots` are object numbers. */
function graphOf(
  rows: ReadonlyArray<readonly [number, string, readonly number[]]>,
  roots: readonly number[],
): HeapGraph {
  const b = new GraphBuilder();
  for (const [size, type, targets] of rows) {
    b.addObject(size, b.typeId(type));
    for (const t of targets) b.addEdge(t);
  }
  for (const r of roots) b.markRoot(r);
  return b.finish('cpython', 'fixture');
}

// 0 -> 1; 1 <-> 2 (a 2-cycle); 2 -> 3; 3 -> 4 -> 5 -> 3 (a 3-cycle); 6 refers to itself; 7 alone.
const FIXTURE = graphOf(
  [
    [64, 'dict', [1]],
    [56, 'list', [2]],
    [56, 'list', [1, 3]],
    [48, 'Node', [4]],
    [48, 'Node', [5]],
    [48, 'Node', [3]],
    [100, 'frame', [6]],
    [20, 'str', []],
  ],
  [0, 6, 7],
);

describe('the census of a graph', () => {
  it("finds the strongly connected components (Tarjan's, iterative)", () => {
    const { componentOf, sizes, count } = stronglyConnectedComponents(FIXTURE);
    expect(count).toBe(5);
    expect(componentOf[1]).toBe(componentOf[2]);
    expect(new Set([componentOf[3], componentOf[4], componentOf[5]]).size).toBe(1);
    expect(Array.from(sizes).sort()).toEqual([1, 1, 1, 2, 3]);
    expect(cycleFigures(FIXTURE)).toEqual({
      objects: 5,
      bytes: 56 + 56 + 48 * 3,
      objectShare: 5 / 8,
      byteShare: (56 + 56 + 48 * 3) / 440,
      components: 2,
      largest: 3,
      selfLoops: 1,
    });
  });

  it('walks a ring of 100,000 objects without recursion', () => {
    const n = 100_000;
    const ring = graphOf(
      Array.from({ length: n }, (_, i) => [16, 'cell', [(i + 1) % n]] as const),
      [0],
    );
    expect(cycleFigures(ring).largest).toBe(n);
  });

  it('counts types, sizes, fan-out and layouts exactly', () => {
    expect(typeCounts(FIXTURE).slice(0, 2)).toEqual([
      { type: 'Node', objects: 3, bytes: 144 },
      { type: 'list', objects: 2, bytes: 112 },
    ]);
    const sizes = sizeDistribution(FIXTURE);
    expect(sizes.buckets.map((b) => b.objects)).toEqual([0, 1, 6, 1, 0, 0, 0, 0, 0]);
    expect(sizes.median).toBe(56);
    const fanOut = fanOutDistribution(FIXTURE);
    expect(fanOut.buckets.map((b) => b.objects)).toEqual([1, 6, 1, 0, 0, 0, 0, 0]);
    expect(fanOut.max).toBe(2);
    // no-gc: each object at its size rounded up to a word (100 takes 104, 20 takes 24); a header word more each.
    expect(layoutBytes(FIXTURE, 0)).toBe(448);
    expect(layoutBytes(FIXTURE, 1)).toBe(448 + 8 * 8);
  });

  it('runs collectors on the snapshot: counting alone leaks the cycles and what they reach', () => {
    const census = takeCensus('fixture', FIXTURE, [noGc, refcount, cpython, markSweep]);
    const by = Object.fromEntries(census.collectors.map((c) => [c.name, c]));
    expect(census.objects).toBe(8);
    expect(census.roots).toBe(3);
    // refcount frees 0 and 7 at the drop (and the holders); 1..5 and 6 stay: cycles and a self-loop.
    expect(by['refcount']!.dropFreedObjects).toBe(2);
    expect(by['refcount']!.leakedObjects).toBe(6);
    expect(by['cpython']!.dropFreedObjects).toBe(2);
    expect(by['cpython']!.collectedObjects).toBe(6);
    expect(by['cpython']!.leakedObjects).toBe(0);
    expect(by['mark-sweep']!.leakedObjects).toBe(0);
    expect(by['refcount']!.headerBytes).toBe(8 * 16);
    expect(by['cpython']!.headerShare).toBe((8 * 32) / (448 + 8 * 3 * 8));
    expect(by['mark-sweep']!.fullWork).toBeGreaterThan(0);
  });
});
