import { GC_BIT_0, Heap, noGc, SimulatedOS } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { AllocatorError, SEGREGATED_SIZE_CLASSES, SegregatedFreeListSpace } from '../src/index.ts';

/** Allocates `n` objects of `nrefs` fields (no header words) and formats them. */
function fill(heap: Heap, space: SegregatedFreeListSpace, n: number, payload: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const size = heap.model.sizeOf(0, payload);
    const a = space.allocate(size);
    heap.model.format(heap.memory.words, a, 0, payload);
    out.push(a);
  }
  return out;
}

describe('SegregatedFreeListSpace', () => {
  it('has 8-byte classes up to 512 then four per doubling up to 8192', () => {
    expect(SEGREGATED_SIZE_CLASSES.length).toBe(80);
    expect(SEGREGATED_SIZE_CLASSES.slice(0, 4)).toEqual([8, 16, 24, 32]);
    expect(SEGREGATED_SIZE_CLASSES.slice(63, 68)).toEqual([512, 640, 768, 896, 1024]);
    expect(SEGREGATED_SIZE_CLASSES.at(-1)).toBe(8192);
    const space = new SegregatedFreeListSpace(new SimulatedOS());
    const a = space.allocate(24);
    expect(space.blockSize(a)).toBe(24);
    expect(space.blockSize(space.allocate(513))).toBe(640);
    expect(space.blockSize(space.allocate(8193))).toBe(8193);
  });

  it('reuses freed blocks, detects double and foreign frees, keeps one empty chunk', () => {
    const os = new SimulatedOS();
    const space = new SegregatedFreeListSpace(os, { chunkBytes: 16384 });
    const blocks: number[] = [];
    for (let i = 0; i < 1024 * 2 + 1; i++) blocks.push(space.allocate(16));
    expect(space.chunks).toBe(3);
    expect(new Set(blocks).size).toBe(blocks.length);
    space.verify();
    space.free(blocks[5]!);
    expect(space.isAllocated(blocks[5]!)).toBe(false);
    expect(() => space.free(blocks[5]!)).toThrow(expect.objectContaining({ kind: 'double-free' }));
    expect(() => space.free(blocks[5]! + 8)).toThrow(expect.objectContaining({ kind: 'foreign-address' }));
    expect(() => space.free(0x7000_0000)).toThrow(AllocatorError);
    expect(() => space.allocate(0)).toThrow(expect.objectContaining({ kind: 'bad-size' }));
    expect(() => space.allocate(-8)).toThrow(AllocatorError);
    expect(space.allocate(16)).toBe(blocks[5]);
    for (const b of blocks) space.free(b);
    space.verify();
    expect(space.chunks).toBe(1);
    expect(space.liveBytes).toBe(0);
    expect(os.reservedBytes).toBe(16384);
  });

  it('counts the free bytes of partly used chunks as fragmented, not those of empty chunks', () => {
    const space = new SegregatedFreeListSpace(new SimulatedOS(), { chunkBytes: 16384 });
    const small = [space.allocate(16), space.allocate(16), space.allocate(16)];
    const big = space.allocate(4096); // 4 blocks of 4096 in a chunk of its own
    expect(space.fragmentedBytes).toBe(16384 - 3 * 16 + 16384 - 4096);
    space.free(small[0]!);
    expect(space.fragmentedBytes).toBe(16384 - 2 * 16 + 16384 - 4096);
    space.free(big);
    expect(space.fragmentedBytes).toBe(16384 - 2 * 16);
  });

  it('returns 0 when the OS refuses a chunk', () => {
    const space = new SegregatedFreeListSpace(new SimulatedOS({ heapLimit: 65536 }));
    expect(space.allocate(32)).not.toBe(0);
    expect(space.allocate(48)).toBe(0);
  });

  it('under pressure, unmaps the empty chunks kept for other classes before refusing', () => {
    const os = new SimulatedOS({ heapLimit: 4 * 16384 });
    const space = new SegregatedFreeListSpace(os, { chunkBytes: 16384 });
    // Four classes each leave one empty chunk kept mapped: the whole limit.
    for (const size of [16, 32, 48, 64]) space.free(space.allocate(size));
    expect(os.reservedBytes).toBe(4 * 16384);
    // A fifth class still gets a chunk: the kept empty chunks are released first.
    expect(space.allocate(80)).not.toBe(0);
    expect(os.reservedBytes).toBe(16384);
    space.verify();
  });

  it('sweeps: frees unmarked blocks, clears marks, reports to the heap', () => {
    const heap = new Heap(noGc);
    const space = new SegregatedFreeListSpace(heap.os);
    const objs = fill(heap, space, 1000, 16); // 24-byte objects
    const words = heap.memory.words;
    for (let i = 0; i < objs.length; i += 3) words[objs[i]! >> 2]! |= GC_BIT_0;
    const r = space.sweep(heap, GC_BIT_0);
    expect(r.objectsFreed).toBe(666);
    expect(r.bytesFreed).toBe(666 * 24);
    expect(r.bytesSwept).toBe(1000 * 24);
    expect(heap.counters.objectsFreed).toBe(666);
    for (let i = 0; i < objs.length; i++) {
      expect(space.isAllocated(objs[i]!)).toBe(i % 3 === 0);
      if (i % 3 === 0) expect(words[objs[i]! >> 2]! & GC_BIT_0).toBe(0);
    }
    space.verify();
    const again = space.sweep(heap, GC_BIT_0);
    expect(again.objectsFreed).toBe(334);
    expect(space.liveBytes).toBe(0);
    expect(space.chunks).toBe(1);
    space.verify();
  });

  it('sweepBitmap frees what sweep frees, in the same order, from a side mark bitmap', () => {
    // Two identical heaps: one marked with a shape-word bit and swept by `sweep`, the other marked in
    // a heap-wide bitmap (bit (a >>> 3) & 31 of word a >>> 8) and swept by `sweepBitmap`.
    const run = (bitmap: boolean) => {
      const heap = new Heap(noGc);
      const space = new SegregatedFreeListSpace(heap.os, { chunkBytes: 16384 });
      const small = fill(heap, space, 3000, 16); // 24-byte blocks over several chunks
      const odd = fill(heap, space, 200, 1000); // 1024-byte blocks
      const large = [0, 1, 2].map(() => space.allocate(20_000));
      for (const a of large) heap.model.format(heap.memory.words, a, 0, 19_992);
      const all = [...small, ...odd, ...large];
      const keep = all.filter((a, i) => i % 7 === 0 || (i > 1000 && i < 1100) || a === large[1]);
      const words = heap.memory.words;
      const marks = new Int32Array(Math.ceil(words.length / 64));
      for (const a of keep) {
        if (bitmap) marks[a >>> 8]! |= 1 << ((a >>> 3) & 31);
        else words[a >> 2]! |= GC_BIT_0;
      }
      const freedOrder: number[] = [];
      heap.recordFree = ((record) => (addr: number, size: number) => {
        freedOrder.push(addr);
        record(addr, size);
      })(heap.recordFree.bind(heap));
      const r = bitmap ? space.sweepBitmap(heap, marks) : space.sweep(heap, GC_BIT_0);
      space.verify();
      for (const a of all) expect(space.isAllocated(a)).toBe(keep.includes(a));
      for (const a of keep) expect(words[a >> 2]! & GC_BIT_0).toBe(0);
      // The free lists hand out the same blocks in the same order.
      const next = [24, 24, 1024, 24].map((size) => space.allocate(size));
      return { r, freedOrder, next, live: space.liveBytes, chunks: space.chunks };
    };
    const bySweep = run(false);
    const byBitmap = run(true);
    // 3203 blocks; kept: 458 multiples of 7, 84 more in 1001..1099, one large object.
    expect(bySweep.r.objectsFreed).toBe(3203 - 543);
    expect(byBitmap).toEqual(bySweep);
    expect(bySweep.r.bytesSwept).toBe(3000 * 24 + 200 * 1024 + 60_000);
    expect(bySweep.freedOrder.length).toBe(bySweep.r.objectsFreed);
  });

  it('sweepBitmap refuses a mark bitmap that does not cover the memory, and a sweep in progress', () => {
    const heap = new Heap(noGc);
    const space = new SegregatedFreeListSpace(heap.os);
    const objs = fill(heap, space, 10, 16);
    const short = new Int32Array(Math.ceil(heap.memory.words.length / 64) - 1);
    expect(() => space.sweepBitmap(heap, short)).toThrow(/does not cover the memory/);
    for (const a of objs) expect(space.isAllocated(a)).toBe(true);
    space.beginSweep();
    expect(() => space.sweepBitmap(heap, new Int32Array(short.length + 1))).toThrow(AllocatorError);
  });

  it('lazy sweep spares large objects allocated after beginSweep', () => {
    const heap = new Heap(noGc);
    const space = new SegregatedFreeListSpace(heap.os);
    const old = space.allocate(20_000);
    heap.model.format(heap.memory.words, old, 0, 19_992);
    space.beginSweep();
    const young = space.allocate(20_000); // unmarked, allocated before the first step
    heap.model.format(heap.memory.words, young, 0, 19_992);
    while (space.sweepStep(heap, GC_BIT_0, 1)) {}
    expect(space.isAllocated(old)).toBe(false);
    expect(space.isAllocated(young)).toBe(true);
    expect(space.lastSweep.objectsFreed).toBe(1);
    space.verify();
  });

  it('lazy sweep never frees blocks allocated after beginSweep', () => {
    const heap = new Heap(noGc);
    const space = new SegregatedFreeListSpace(heap.os, { chunkBytes: 16384 });
    const old = fill(heap, space, 3000, 8); // 16-byte objects, three chunks
    space.beginSweep();
    expect(() => space.beginSweep()).toThrow(expect.objectContaining({ kind: 'bad-state' }));
    const fresh: number[] = [];
    let steps = 0;
    for (;;) {
      fresh.push(...fill(heap, space, 10, 8)); // unmarked, allocated during the sweep
      steps++;
      if (!space.sweepStep(heap, GC_BIT_0, 4096)) break;
      space.verify();
    }
    expect(steps).toBeGreaterThan(2);
    expect(space.lastSweep.objectsFreed).toBe(3000);
    for (const a of fresh) expect(space.isAllocated(a)).toBe(true);
    for (const a of old) if (!fresh.includes(a)) expect(space.isAllocated(a)).toBe(false);
    space.verify();
  });
});
