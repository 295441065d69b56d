import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CollectorDescriptor, Heap, NoGC, NULL_ROOT, noGc, replay } from '../src/index.ts';
import { programArb, seed } from './support/programs.ts';

describe('Oracle on hand-built graphs', () => {
  it('counts each reachable object once (a diamond), with its bytes', () => {
    const heap = new Heap(noGc);
    heap.new(0, 2); // top: 24 bytes
    heap.new(1, 1, 3); // left: 16 + 8
    heap.new(2, 1); // right: 16
    heap.new(3, 0, 100); // bottom: 8 + 104
    heap.put(0, 0, 1);
    heap.put(0, 1, 2);
    heap.put(1, 0, 3);
    heap.put(2, 0, 3);
    for (const r of [1, 2, 3]) heap.del(r);
    const visited: number[] = [];
    const figures = heap.oracle.traverse((addr) => visited.push(addr));
    expect(figures).toEqual({
      reachableObjects: 4,
      reachableBytes: 24 + 24 + 16 + 112,
      garbageObjects: 0,
      garbageBytes: 0,
    });
    expect(new Set(visited).size).toBe(4);
  });

  it('reports an unreachable cycle as garbage, and a reachable one as live', () => {
    const heap = new Heap(noGc);
    const a = heap.new(0, 1);
    const b = heap.new(1, 1);
    heap.put(0, 0, 1);
    heap.put(1, 0, 0);
    heap.del(1);
    expect(heap.oracle.traverse()).toEqual({
      reachableObjects: 2,
      reachableBytes: 32,
      garbageObjects: 0,
      garbageBytes: 0,
    });
    expect(heap.oracle.wasReached(a)).toBe(true);
    expect(heap.oracle.wasReached(b)).toBe(true);
    heap.del(0);
    expect(heap.oracle.traverse()).toEqual({
      reachableObjects: 0,
      reachableBytes: 0,
      garbageObjects: 2,
      garbageBytes: 32,
    });
    expect(heap.oracle.wasReached(a)).toBe(false);
  });

  it('follows self-loops, long chains and roots in every frame and global', () => {
    const heap = new Heap(noGc);
    const g = heap.global('head');
    heap.new(g, 1);
    heap.put(g, 0, g); // a self-loop
    heap.new(0, 1);
    for (let i = 0; i < 10_000; i++) {
      heap.new(1, 1);
      heap.put(1, 0, 0);
      heap.set(0, 1);
    }
    heap.call(2, [0]); // the chain is reachable from the callee's r0 too
    heap.del(0);
    heap.new(1, 0, 8); // a callee local
    expect(heap.oracle.traverse()).toMatchObject({ reachableObjects: 1 + 10_001 + 1, garbageObjects: 0 });
    heap.ret();
    heap.set(0, NULL_ROOT);
    heap.set(1, NULL_ROOT);
    expect(heap.oracle.traverse()).toEqual({
      reachableObjects: 1,
      reachableBytes: 16,
      garbageObjects: 10_002,
      garbageBytes: 10_001 * 16 + 16,
    });
  });

  it('includes collector header words in bytes and subtracts what the collector freed', () => {
    class Freeing extends NoGC {
      override collect(): number {
        // Frees the object that the test dropped from r1 (it is unreachable by then).
        const addr = this.dropped;
        this.heap.recordFree(addr, this.heap.model.size(this.heap.memory.words, addr));
        return 1;
      }
      dropped = 0;
    }
    const twoHeaderWords: CollectorDescriptor = {
      ...noGc,
      constraints: { ...noGc.constraints, headerWords: 2 },
      create: (h) => new Freeing(h),
    };
    const heap = new Heap(twoHeaderWords);
    heap.new(0, 1); // 8 + 16 + 8
    const dropped = heap.new(1, 0, 1); // 8 + 16 + 8
    heap.new(2, 0);
    heap.del(1);
    heap.del(2);
    expect(heap.oracle.traverse()).toEqual({
      reachableObjects: 1,
      reachableBytes: 32,
      garbageObjects: 2,
      garbageBytes: 56,
    });
    (heap.collector as Freeing).dropped = dropped;
    heap.gc();
    expect(heap.oracle.traverse()).toEqual({
      reachableObjects: 1,
      reachableBytes: 32,
      garbageObjects: 1,
      garbageBytes: 24,
    });
  });
});

describe('Oracle on random programs', () => {
  it('agrees with a reference model of reachability', () => {
    fc.assert(
      fc.property(programArb(150), ({ ops, model }) => {
        const heap = new Heap(noGc);
        replay(heap, ops);
        const expected = model.reachable();
        const figures = heap.oracle.traverse();
        expect(figures.reachableObjects).toBe(expected.objects);
        expect(figures.reachableBytes).toBe(expected.bytes);
        expect(figures.garbageObjects).toBe(model.objects.length - 1 - expected.objects);
        // Traversals are repeatable (epoch stamps need no clearing).
        expect(heap.oracle.traverse()).toEqual(figures);
      }),
      { seed, numRuns: 200 },
    );
  });
});
