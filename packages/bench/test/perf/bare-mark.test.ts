import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { BARE_MARK_BIT, bareMark, bareUnmark, buildTree } from '../../src/index.ts';

describe('bare mark loop', () => {
  it('marks every object of the tree once and unmarking restores the memory exactly', () => {
    const heap = new Heap(noGc);
    const root = buildTree(heap, 1000);
    heap.new(1, 2); // unreachable from r0: must stay unmarked
    const words = heap.memory.words;
    const before = words.slice();
    const stack = new Int32Array(1001);
    expect(bareMark(words, root, heap.model.fieldOffset, BARE_MARK_BIT, stack)).toBe(1000);
    expect(words[root >> 2]! & BARE_MARK_BIT).toBe(BARE_MARK_BIT);
    expect(words[heap.peekRoot(1) >> 2]! & BARE_MARK_BIT).toBe(0);
    expect(bareUnmark(words, root, heap.model.fieldOffset, BARE_MARK_BIT, stack)).toBe(1000);
    expect(words).toEqual(before);
    expect(bareUnmark(words, root, heap.model.fieldOffset, BARE_MARK_BIT, stack)).toBe(0);
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
    expect(bareMark(words, heap.peekRoot(0), heap.model.fieldOffset, BARE_MARK_BIT, stack)).toBe(2);
  });
});
