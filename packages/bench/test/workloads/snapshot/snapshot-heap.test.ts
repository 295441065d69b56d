import { FULL_COLLECTION, Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { checkWorkload, resolveWorkload, WorkloadSpecError } from '../../../src/workloads/registry.ts';
import { GraphBuilder } from '../../../src/workloads/snapshot/heap-graph.ts';
import { SnapshotSyntaxError } from '../../../src/workloads/snapshot/snapshot-error.ts';
import { buildSnapshotHeap, snapshotPayload } from '../../../src/workloads/snapshot/snapshot-heap.ts';
import { testSemispace } from '../../fixtures/test-collectors.ts';
import { CPYTHON_FIXTURE, writeFixture } from './fixtures.ts';

describe('the snapshot workload', () => {
  it("lays each object out at the snapshot's size under no-gc", () => {
    expect(snapshotPayload(56, 2)).toBe(32);
    expect(snapshotPayload(16, 3)).toBe(0);
    const { workload, options } = resolveWorkload(`snapshot:${writeFixture('a.pyheap', CPYTHON_FIXTURE)}`);
    const heap = new Heap(noGc, { checked: true });
    expect(workload.run(heap, { size: 'small', seed: 1, options })).toBe(4);
    // Four objects (56 + 72 + 72 + 56: 53 rounds up to a word), the index and its chunk, 4 holders.
    expect(heap.counters.objectsAllocated).toBe(4 + 2 + 4);
    expect(heap.counters.bytesAllocated).toBe(56 + 72 + 72 + 56 + 16 + 40 + 8 + 8 + 8 + 16);
  });

  it('builds the graph and drops it in stages, under a moving collector too', () => {
    const b = new GraphBuilder();
    // 0 -> 1 <-> 2 -> 3; 4 alone. Roots: 0 and 4.
    for (const [size, targets] of [
      [40, [1]],
      [32, [2]],
      [32, [1, 3]],
      [24, []],
      [16, []],
    ] as const) {
      b.addObject(size, 0);
      for (const t of targets) b.addEdge(t);
    }
    b.markRoot(0);
    b.markRoot(4);
    const graph = b.finish('cpython', 'test');
    for (const [collector, leaked] of [
      [noGc, 5 + 2 + 2],
      [testSemispace, 0],
    ] as const) {
      const heap = new Heap(collector, { checked: true });
      const built = buildSnapshotHeap(heap, graph, 2);
      expect(Array.from(built.rootsPerStage)).toEqual([1, 1]);
      heap.gc(FULL_COLLECTION);
      expect(heap.oracle.traverse().reachableObjects).toBe(5 + 2);
      heap.del(built.stages[0]!);
      heap.gc();
      expect(heap.oracle.traverse().reachableObjects).toBe(1 + 1);
      heap.del(built.stages[1]!);
      heap.gc();
      expect(heap.stats().unfreedObjects).toBe(leaked);
    }
  });

  it('leaves nothing reachable once built when the snapshot has no roots (registers cleared)', () => {
    const b = new GraphBuilder();
    for (let i = 0; i < 3; i++) {
      b.addObject(24, 0);
      b.addEdge((i + 1) % 3);
    }
    const heap = new Heap(testSemispace, { checked: true });
    buildSnapshotHeap(heap, b.finish('v8', 'no roots'));
    expect(heap.oracle.traverse().reachableObjects).toBe(4);
    heap.gc();
    expect(heap.stats().unfreedObjects).toBe(4);
  });

  it('checks the file before a run: a missing or malformed snapshot is a typed error', () => {
    expect(() => resolveWorkload('snapshot:')).toThrow(WorkloadSpecError);
    expect(() => checkWorkload('snapshot:/nonexistent.pyheap')).toThrow(/no such file/);
    const bad = writeFixture('bad.pyheap', CPYTHON_FIXTURE.replace('0 56 1 1 2', '0 56 2 1 2'));
    expect(() => checkWorkload(`snapshot:${bad}`)).toThrow(SnapshotSyntaxError);
    expect(() => checkWorkload(`snapshot:${bad}`)).toThrow(`${bad}:7:7: root flag must be 0 or 1, got 2`);
  });
});
