import { describe, expect, it } from 'vitest';
import { CollectorBase, type CollectorDescriptor, FULL_COLLECTION, Heap } from '../src/index.ts';

/** The smallest collector: one fixed chunk, only `allocate` written. */
class Minimal extends CollectorBase {
  readonly name = 'minimal';
  private cursor = 0;
  allocate(size: number): number {
    if (this.cursor === 0) this.cursor = this.heap.os.map(1 << 16);
    const addr = this.cursor;
    this.cursor += size;
    return addr;
  }
}

const minimal: CollectorDescriptor = {
  name: 'minimal',
  family: 'baseline',
  summary: 'Test collector with default hooks.',
  constraints: {
    movesObjects: false,
    reclaimsCycles: false,
    countsReferences: false,
    generational: false,
    incremental: false,
    headerWords: 1,
  },
  create: (heap) => new Minimal(heap),
};

describe('CollectorBase', () => {
  it('gives every hook but allocate a default that does nothing', () => {
    const heap = new Heap(minimal, { checked: true });
    const c = heap.collector;
    expect(c).toBeInstanceOf(Minimal);
    expect((c as Minimal).heap).toBe(heap);
    const a = heap.new(0, 1);
    heap.new(1, 0);
    heap.put(0, 0, 1);
    heap.call(1, [0]);
    heap.ret();
    expect(heap.gc()).toBe(0);
    expect(heap.refcount(0)).toBeNull();
    expect(c.step(10)).toBe(false);
    expect(c.referenceCount(a)).toBe(-1);
    expect(c.stats()).toEqual({});
    expect(() => c.verify()).not.toThrow();
    expect(FULL_COLLECTION).toBe(-1);
  });

  it('gets a heap whose object model has the header words the descriptor declares', () => {
    const heap = new Heap(minimal);
    expect(heap.model.headerWords).toBe(1);
    const a = heap.new(0, 2);
    const b = heap.new(1, 0);
    expect(b - a).toBe(8 * (1 + 1 + 2));
    expect(heap.descriptor).toBe(minimal);
  });
});
