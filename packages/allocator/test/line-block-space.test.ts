import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { AllocatorError, LINE_BLOCK_BYTES, LineBlockSpace } from '../src/index.ts';

/** A heap (no-gc, no header words) whose OS the space maps from, and a heap-wide mark bitmap. */
function setup(options: ConstructorParameters<typeof LineBlockSpace>[1] = {}) {
  const heap = new Heap(noGc);
  const space = new LineBlockSpace(heap.os, options);
  const marks = () => new Int32Array(Math.ceil(heap.memory.words.length / 64));
  /** Allocates and formats an object of `payload` bytes (size 8 + payload rounded up). */
  const alloc = (payload: number, copy = false): number => {
    const size = heap.model.sizeOf(0, payload);
    const a = copy ? space.copyAllocate(size) : space.allocate(size);
    if (a !== 0) {
      heap.model.format(heap.memory.words, a, 0, payload);
      heap.counters.objectsAllocated++;
      heap.counters.bytesAllocated += size;
    }
    return a;
  };
  const mark = (bits: Int32Array, addr: number) => {
    bits[addr >>> 8]! |= 1 << ((addr >>> 3) & 31);
    space.markLines(addr, heap.model.size(heap.memory.words, addr));
  };
  return { heap, space, marks, alloc, mark };
}

describe('LineBlockSpace (tracing mode)', () => {
  it('bump-allocates small objects through a block, lines and all', () => {
    const { heap, space, alloc } = setup();
    const a = alloc(24); // 32 bytes
    expect(a % LINE_BLOCK_BYTES).toBe(0);
    expect(alloc(24)).toBe(a + 32);
    // 1024 objects of 32 bytes fill the block exactly; the next one maps a second block.
    for (let i = 2; i < 1024; i++) alloc(24);
    expect(space.blocks).toBe(1);
    const b = alloc(24);
    expect(b - a).toBe(LINE_BLOCK_BYTES); // the OS maps the next aligned range
    expect(space.blocks).toBe(2);
    expect(space.objects).toBe(1025);
    expect(space.liveBytes).toBe(1025 * 32);
    expect(space.reservedBytes).toBe(2 * LINE_BLOCK_BYTES);
    expect(heap.os.reservedBytes).toBe(2 * LINE_BLOCK_BYTES);
    space.verify(heap);
  });

  it('sweeps unmarked objects, frees their lines, classifies blocks and unmaps free ones', () => {
    const { heap, space, marks, alloc, mark } = setup();
    // Block 1: 128 objects of 256 bytes, one per line. Block 2: same. Block 3: 8 objects.
    const objs: number[] = [];
    for (let i = 0; i < 128 * 2 + 8; i++) objs.push(alloc(248));
    expect(space.blocks).toBe(3);
    const bits = marks();
    // Keep every 4th object of block 1 (32 lines live), all of block 2, none of block 3.
    for (let i = 0; i < 128; i += 4) mark(bits, objs[i]!);
    for (let i = 128; i < 256; i++) mark(bits, objs[i]!);
    const r = space.sweep(heap, bits);
    expect(r).toEqual({ objectsFreed: 96 + 8, bytesFreed: (96 + 8) * 256, bytesSwept: 3 * LINE_BLOCK_BYTES });
    expect(heap.counters.objectsFreed).toBe(104);
    expect(heap.counters.bytesFreed).toBe(104 * 256);
    expect(space.blocks).toBe(2);
    expect(space.recyclableBlocks).toBe(1);
    expect(space.fullBlocks).toBe(1);
    expect(space.freeLines).toBe(96);
    expect(space.fragmentedBytes).toBe(96 * 256);
    expect(space.liveBytes).toBe(160 * 256);
    expect(space.blocksUnmapped).toBe(1);
    expect(heap.os.reservedBytes).toBe(2 * LINE_BLOCK_BYTES);
    space.verify(heap);
    // The recyclable block's holes are reused first: 3 lines after each live one.
    const c = alloc(24);
    expect(c).toBe(objs[1]);
    for (let i = 0; i < 7; i++) alloc(24); // line 1 holds 8 objects of 32 bytes
    expect(alloc(24)).toBe(objs[2]);
    space.verify(heap);
  });

  it('sends medium objects that do not fit the hole to the overflow allocator, large ones to the LOS', () => {
    const { heap, space, marks, alloc, mark } = setup();
    const keep: number[] = [];
    for (let i = 0; i < 128; i++) keep.push(alloc(248));
    const bits = marks();
    // Keep every other line: the recyclable block has 64 one-line holes.
    for (let i = 0; i < 128; i += 2) mark(bits, keep[i]!);
    space.sweep(heap, bits);
    expect(space.freeLines).toBe(64);
    const small = alloc(100);
    expect(small).toBe(keep[1]);
    // 304 bytes do not fit a one-line hole: overflow into a fresh block.
    const medium = alloc(292);
    expect(medium % LINE_BLOCK_BYTES).toBe(0);
    expect(space.blocks).toBe(2);
    // The small-object cursor was not disturbed: the next small object follows `small`.
    expect(alloc(8)).toBe(small + 112);
    const large = alloc(9000);
    expect(space.large.objects).toBe(1);
    expect(space.isAllocated(large)).toBe(true);
    expect(space.inBlock(large)).toBe(false);
    expect(space.liveBytes).toBe(64 * 256 + 112 + 304 + 16 + 9008);
    space.verify(heap);
    // An unmarked sweep frees everything, large object included (line marks are the caller's to clear).
    space.clearLineMarks();
    const r = space.sweep(heap, marks());
    expect(r.objectsFreed).toBe(64 + 4);
    expect(space.blocks).toBe(0);
    expect(heap.os.reservedBytes).toBe(0);
  });

  it('keeps freeBlockReserve free blocks mapped, and reports frees in bulk when unobserved', () => {
    const { heap, space, marks, alloc } = setup({ freeBlockReserve: 1 });
    for (let i = 0; i < 128 * 3; i++) alloc(248);
    expect(heap.freesObserved).toBe(false);
    space.sweep(heap, marks());
    expect(heap.counters.objectsFreed).toBe(384);
    expect(space.blocks).toBe(1);
    expect(space.freeBlocks).toBe(1);
    space.verify(heap);
    alloc(8);
    expect(space.freeBlocks).toBe(0);
    expect(space.blocksMapped).toBe(3);
  });

  it('copies evacuated objects into free blocks and picks the emptiest blocks as candidates', () => {
    const { heap, space, marks, alloc, mark } = setup();
    const objs: number[] = [];
    for (let i = 0; i < 128 * 3; i++) objs.push(alloc(248));
    const bits = marks();
    // Block 0 keeps 8 lines, block 1 keeps 64, block 2 keeps all 128.
    for (let i = 0; i < 128; i += 16) mark(bits, objs[i]!);
    for (let i = 128; i < 256; i += 2) mark(bits, objs[i]!);
    for (let i = 256; i < 384; i++) mark(bits, objs[i]!);
    space.sweep(heap, bits);
    expect(space.recyclableBlocks).toBe(2);
    // Headroom for 10 live lines: only block 0 (8 live lines) is a candidate.
    expect(space.selectEvacuationCandidates(10)).toBe(1);
    expect(space.isEvacuationCandidate(objs[0]!)).toBe(true);
    expect(space.isEvacuationCandidate(objs[128]!)).toBe(false);
    expect(space.selectEvacuationCandidates(8 + 64)).toBe(2);
    expect(space.selectEvacuationCandidates(0)).toBe(0);
    const to = alloc(248, true);
    expect(to % LINE_BLOCK_BYTES).toBe(0);
    space.free(objs[0]!, 256);
    expect(space.isAllocated(objs[0]!)).toBe(false);
    expect(() => space.free(objs[0]!, 256)).toThrow(AllocatorError);
    expect(space.copyAllocate(9000)).toBe(0);
    space.verify(heap);
  });

  it('returns 0 when the OS refuses a block', () => {
    const heap = new Heap(noGc, { heapLimit: LINE_BLOCK_BYTES });
    const space = new LineBlockSpace(heap.os);
    for (let i = 0; i < 1024; i++) expect(space.allocate(32)).not.toBe(0);
    expect(space.allocate(32)).toBe(0);
    expect(space.copyAllocate(32)).toBe(0);
    expect(() => space.allocate(0)).toThrow(AllocatorError);
    expect(() => new LineBlockSpace(heap.os, { largeObjectBytes: 20000 })).toThrow(AllocatorError);
  });
});

describe('LineBlockSpace (counting mode)', () => {
  it('counts objects per line, frees single objects and reclaims emptied lines and blocks', () => {
    const { heap, space, alloc } = setup({ countLines: true });
    const a = alloc(240); // 248 bytes: line 0
    const b = alloc(8); // 16 bytes: 248..264, lines 0 and 1
    const c = alloc(100); // line 1
    expect(space.lineUse[a >>> 8]).toBe(2);
    expect(space.lineUse[(a >>> 8) + 1]).toBe(2);
    space.verify(heap);
    space.free(b, 16);
    expect(space.lineUse[a >>> 8]).toBe(1);
    expect(space.lineUse[(a >>> 8) + 1]).toBe(1);
    space.free(c, 112);
    space.verify(heap);
    space.reclaimLines();
    expect(space.recyclableBlocks).toBe(1);
    expect(space.freeLines).toBe(127);
    // The next allocation reuses line 1.
    expect(alloc(8)).toBe(a + 256);
    space.free(a, 248);
    space.free(a + 256, 16);
    space.reclaimLines();
    expect(space.blocks).toBe(0);
    expect(heap.os.reservedBytes).toBe(0);
    space.verify(heap);
  });

  it('a sweep in counting mode drops the dead objects from their lines', () => {
    const { heap, space, marks, alloc } = setup({ countLines: true });
    const a = alloc(240);
    alloc(8);
    const bits = marks();
    bits[a >>> 8]! |= 1 << ((a >>> 3) & 31);
    const r = space.sweep(heap, bits);
    expect(r.objectsFreed).toBe(1);
    expect(space.lineUse[a >>> 8]).toBe(1);
    expect(space.lineUse[(a >>> 8) + 1]).toBe(0);
    expect(space.freeLines).toBe(127);
    space.verify(heap);
  });

  it('verify catches a wrong line count', () => {
    const { heap, space, alloc } = setup({ countLines: true });
    const a = alloc(8);
    space.lineUse[a >>> 8] = 3;
    expect(() => space.verify(heap)).toThrow(/counts 3 objects, 1 overlap/);
  });
});
