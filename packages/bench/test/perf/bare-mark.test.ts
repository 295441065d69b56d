import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { bareMark, buildTree } from '../../src/index.ts';

describe('bare mark loop', () => {
  it('marks every object of the tree once in a side bitmap and leaves the memory untouched', () => {
    const heap = new Heap(noGc);
    const root = buildTree(heap, 1000);
    heap.new(1, 2); // unreachable from r0: must stay unmarked
    const words = heap.memory.words;
    const before = words.slice();
    const marks = new Int32Array(Math.ceil(words.length / 64));
    const stack = new Int32Array(1001);
    expect(bareMark(words, root, heap.model.fieldOffset, marks, stack)).toBe(1000);
    const isMarked = (a: number) => (marks[a >>> 8]! & (1 << ((a >>> 3) & 31))) !== 0;
    expect(isMarked(root)).toBe(true);
    expect(isMarked(heap.peekRoot(1))).toBe(false);
    let bits = 0;
    for (const w of marks) for (let x = w; x !== 0; x &= x - 1) bits++;
    expect(bits).toBe(1000);
    expect(words).toEqual(before);
  });

  it('follows shared references and cycles once', () => {
    const heap = new Heap(noGc);
    heap.new(0, 2);
    heap.new(1, 1);
    heap.put(0, 0, 1);
    heap.put(0, 1, 1);
    heap.put(1, 0, 0);
    const stack = new Int32Array(4);
    const words = heap.memory.words;
    const marks = new Int32Array(Math.ceil(words.length / 64));
    expect(bareMark(words, heap.peekRoot(0), heap.model.fieldOffset, marks, stack)).toBe(2);
  });
});
