import { CollectorOptionError, Heap, parseTrace, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { type Immix, immix } from '../../src/plans/immix.ts';
import { stickyImmix } from '../../src/plans/sticky-immix.ts';

/**
 * A holder of 63 fields (512 bytes: a medium object, so the overflow allocator puts it alone in the
 * first block) and 382 objects of 256 bytes (one line each: three blocks), every 8th kept in the
 * holder: after a collection each of those blocks keeps 16 of its 128 lines.
 */
function fragmentedHeap(options: Record<string, unknown> = {}): { heap: Heap; immix: Immix; kept: number[] } {
  const heap = new Heap(immix, { checked: true, collectorOptions: { minHeapBytes: 1 << 30, ...options } });
  const g = heap.global('holder');
  heap.new(g, 63);
  const kept: number[] = [];
  for (let i = 0; i < 382; i++) {
    const a = heap.new(0, 0, 248);
    if (i % 8 === 0) {
      heap.put(g, kept.length, 0);
      kept.push(a);
    }
  }
  heap.del(0);
  return { heap, immix: heap.collector as Immix, kept };
}

describe('immix', () => {
  it('sweeps lines: dead objects freed, blocks recyclable, fragmentation measured', () => {
    const { heap, immix } = fragmentedHeap();
    expect(immix.space.blocks).toBe(4);
    expect(heap.gc()).toBe(382 - 48);
    expect(heap.counters.objectsFreed).toBe(334);
    const s = immix.stats();
    expect(s.fullCollections).toBe(1);
    expect(s.recyclableBlocks).toBe(4);
    expect(s.fullBlocks).toBe(0);
    expect(s.freeLines).toBe(4 * 128 - 2 - 48);
    expect(s.fragmentedBytes).toBe(462 * 256);
    expect(s.fragmentation).toBe((462 * 256) / (4 * 32768));
    expect(s.spaceLiveBytes).toBe(512 + 48 * 256);
    expect(s.objectsEvacuated).toBe(0);
    // The holes are reused, recyclable blocks in address order: the next object goes right after the holder.
    expect(heap.new(0, 0, 248)).toBe(heap.peekRoot(heap.global('holder')) + 512);
  });

  it('evacuates the fragmented blocks at the next collection, updating roots and fields', () => {
    const { heap, immix, kept } = fragmentedHeap();
    heap.gc();
    const holderBefore = heap.peekRoot(heap.global('holder'));
    heap.gc();
    const s = immix.stats();
    expect(s.defragCollections).toBe(1);
    expect(s.objectsEvacuated).toBe(49);
    expect(s.bytesEvacuated).toBe(512 + 48 * 256);
    expect(heap.counters.objectsMoved).toBe(49);
    const holder = heap.peekRoot(heap.global('holder'));
    expect(holder).not.toBe(holderBefore);
    for (let k = 0; k < 48; k++) {
      const moved = heap.peekField(holder, k);
      expect(moved).not.toBe(kept[k]);
      expect(immix.space.isAllocated(moved)).toBe(true);
    }
    // The three sparse blocks emptied: one stays as the evacuation reserve, two went back to the OS.
    expect(s.blocks).toBe(2);
    expect(s.freeBlocks).toBe(1);
    expect(s.recyclableBlocks).toBe(1);
    expect(s.freeLines).toBe(128 - 50);
    expect(heap.os.reservedBytes).toBe(2 * 32768);
    // Compacted into one partly used block: the next collection does not defragment again.
    heap.gc();
    expect(immix.stats().defragCollections).toBe(1);
  });

  it('marks in place when there is no headroom (defragHeadroom 0, heap limit reached)', () => {
    const heap = new Heap(immix, {
      checked: true,
      heapLimit: 4 * 32768,
      collectorOptions: { minHeapBytes: 1 << 30, defragHeadroom: 0 },
    });
    const g = heap.global('holder');
    heap.new(g, 63);
    for (let i = 0; i < 382; i++) {
      heap.new(0, 0, 248);
      if (i % 8 === 0) heap.put(g, i / 8, 0);
    }
    heap.gc();
    heap.gc();
    // The second collection would defragment, but no free block is kept and the heap limit leaves no
    // room to map one: every object stays where it is.
    const s = (heap.collector as Immix).stats();
    expect(s.defragCollections).toBe(0);
    expect(s.objectsEvacuated).toBe(0);
    expect(s.blocks).toBe(4);
    expect(s.recyclableBlocks).toBe(4);
  });

  it('collects when the growth trigger fires and raises OutOfMemoryError past the heap limit', () => {
    const heap = new Heap(immix, { heapLimit: 256 * 1024, collectorOptions: { minHeapBytes: 64 * 1024 } });
    for (let i = 0; i < 2000; i++) heap.new(0, 0, 248);
    const s = (heap.collector as Immix).stats();
    // 64 KiB = 256 objects between collections; each frees all but the one in r0.
    expect(s.fullCollections).toBe(7);
    expect(heap.counters.objectsFreed).toBe(7 * 255);
    const g = heap.global('keep');
    heap.new(g, 1);
    expect(() => {
      for (;;) {
        heap.new(0, 1, 1000);
        heap.put(0, 0, g);
        heap.set(g, 0);
      }
    }).toThrow(/out of memory/);
  });

  it('defragments in an emergency when a full collection leaves an allocation unsatisfied', () => {
    // Found by a verify campaign (seed 107): three partly used blocks, each kept by one small object,
    // and no room left under a 128 KiB limit for a third large object. Only evacuating two blocks
    // into the third's holes gives whole blocks back to the OS.
    const ops = parseTrace(
      [
        'gclab-trace 1',
        'new r0 1 3969',
        ...Array.from({ length: 7 }, (_, i) => `new r${(i + 1) % 2} 1 4089`),
        'new r2 0',
        'gc',
        'new r0 0',
        'new r3 1 8177',
        'new r4 1 8177',
        'new r3 1 8177',
      ].join('\n'),
    );
    for (const descriptor of [immix, stickyImmix]) {
      const heap = new Heap(descriptor, { heapLimit: 128 * 1024, checked: true });
      replay(heap, ops);
      const s = heap.collector.stats();
      expect(s['emergencyDefragCollections'], descriptor.name).toBe(1);
      expect(s['objectsEvacuated'], descriptor.name).toBe(2);
      expect(heap.os.reservedBytes, descriptor.name).toBeLessThanOrEqual(128 * 1024);
    }
  });

  it('rejects bad options with CollectorOptionError', () => {
    expect(() => new Heap(immix, { collectorOptions: { largeObjectBytes: 20000 } })).toThrow(
      CollectorOptionError,
    );
    expect(() => new Heap(immix, { collectorOptions: { defragThreshold: -1 } })).toThrow(
      CollectorOptionError,
    );
    expect(() => new Heap(immix, { collectorOptions: { growthFactor: 0.5 } })).toThrow(CollectorOptionError);
  });
});
