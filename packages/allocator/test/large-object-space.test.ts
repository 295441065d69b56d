import { GC_BIT_0, Heap, noGc, SimulatedOS } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { AllocatorError, LargeObjectSpace } from '../src/index.ts';

describe('LargeObjectSpace', () => {
  it('maps each object on its own, page-rounded, and unmaps it when freed', () => {
    const os = new SimulatedOS();
    const los = new LargeObjectSpace(os);
    const a = los.allocate(5000);
    const b = los.allocate(100_000);
    expect(a % 4096).toBe(0);
    expect(os.reservedBytes).toBe(8192 + 102_400);
    expect(los.objects).toBe(2);
    expect(los.bytes).toBe(105_000);
    expect(los.blockSize(b)).toBe(100_000);
    expect(los.contains(a)).toBe(true);
    expect(los.contains(a + 8)).toBe(false);
    los.free(a);
    expect(os.reservedBytes).toBe(102_400);
    expect(los.isAllocated(a)).toBe(false);
    expect(los.isAllocated(b)).toBe(true);
    los.verify();
    expect(() => los.free(a)).toThrow(AllocatorError);
    expect(() => los.free(12345)).toThrow(/not an allocated large object/);
    expect(() => los.allocate(0)).toThrow(AllocatorError);
  });

  it('returns 0 when the heap limit refuses', () => {
    const los = new LargeObjectSpace(new SimulatedOS({ heapLimit: 8192 }));
    expect(los.allocate(8192)).not.toBe(0);
    expect(los.allocate(1)).toBe(0);
  });

  it('sweeps unmarked objects, reports them and clears the mark on survivors', () => {
    const heap = new Heap(noGc);
    const los = new LargeObjectSpace(heap.os);
    const addrs = [0, 1, 2, 3, 4].map(() => los.allocate(10_000));
    const words = heap.memory.words;
    for (const a of addrs) heap.model.format(words, a, 0, 9_992);
    words[addrs[1]! >> 2]! |= GC_BIT_0;
    words[addrs[3]! >> 2]! |= GC_BIT_0;
    const r = los.sweep(heap, GC_BIT_0);
    expect(r).toEqual({ objectsFreed: 3, bytesFreed: 30_000, bytesSwept: 50_000 });
    expect(heap.counters.objectsFreed).toBe(3);
    expect(heap.counters.bytesFreed).toBe(30_000);
    const left: number[] = [];
    los.forEachObject((a) => left.push(a));
    expect(left.sort()).toEqual([addrs[1], addrs[3]].sort());
    expect(words[addrs[1]! >> 2]! & GC_BIT_0).toBe(0);
    los.verify();
  });

  it('sweepBitmapInto frees the objects whose bit is clear in a side mark bitmap', () => {
    const heap = new Heap(noGc);
    const los = new LargeObjectSpace(heap.os);
    const addrs = [0, 1, 2, 3].map(() => los.allocate(10_000));
    const words = heap.memory.words;
    for (const a of addrs) heap.model.format(words, a, 0, 9_992);
    const marks = new Int32Array(Math.ceil(words.length / 64));
    marks[addrs[2]! >>> 8]! |= 1 << ((addrs[2]! >>> 3) & 31);
    const r = { objectsFreed: 0, bytesFreed: 0, bytesSwept: 0 };
    los.sweepBitmapInto(heap, marks, r);
    expect(r).toEqual({ objectsFreed: 3, bytesFreed: 30_000, bytesSwept: 40_000 });
    expect(heap.counters.objectsFreed).toBe(3);
    const left: number[] = [];
    los.forEachObject((a) => left.push(a));
    expect(left).toEqual([addrs[2]]);
    los.verify();
  });
});
