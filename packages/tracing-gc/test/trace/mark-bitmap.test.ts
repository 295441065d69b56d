import { buildTree, defaultSeed, ProgramRun, programArbitrary } from '@gclab/verify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarkBitmap, markFromStack } from '../../src/trace/mark-bitmap.ts';
import { objectsOf, quietHeap } from './quiet-mark-sweep.ts';

const seed = defaultSeed();
/** Random programs of up to 150 steps without explicit collections. */
const programs = programArbitrary({ maxOps: 150, heapLimits: [null], generations: [], explicitGc: false });

describe('MarkBitmap', () => {
  it('marks exactly the objects reachable from the roots, cycles and shared objects included', () => {
    const heap = quietHeap();
    const g = heap.global('g');
    // g -> A -> B -> C -> A (reachable cycle); r1 -> D; g and A and B all refer to D (shared: D is
    // pushed three times and marked once); an unreachable cycle E <-> F; G -> D (G unreachable).
    heap.new(g, 3);
    heap.new(0, 2);
    heap.put(g, 0, 0);
    heap.new(2, 2);
    heap.put(0, 0, 2);
    heap.put(2, 0, g);
    heap.new(1, 0);
    heap.put(g, 1, 1);
    heap.put(0, 1, 1);
    heap.put(2, 1, 1);
    heap.new(3, 1);
    heap.new(4, 1);
    heap.put(3, 0, 4);
    heap.put(4, 0, 3);
    heap.new(5, 1);
    heap.put(5, 0, 1);
    for (const r of [0, 2, 3, 4, 5]) heap.del(r);
    const reachable = new Set<number>();
    heap.oracle.traverse((a) => reachable.add(a));
    expect(reachable.size).toBe(4);
    const marks = new MarkBitmap(heap, 16);
    const tracedBefore = heap.counters.objectsTraced;
    expect(marks.markFromRoots()).toBe(4);
    expect(marks.isEmpty).toBe(true);
    const all = objectsOf(heap);
    expect(all).toHaveLength(7);
    for (const a of all) expect(marks.isMarked(a)).toBe(reachable.has(a));
    expect(heap.counters.objectsTraced - tracedBefore).toBe(4);
    expect(marks.isClear()).toBe(false);
    // A second marking finds everything marked already.
    expect(marks.markFromRoots()).toBe(0);
    marks.clear();
    expect(marks.isClear()).toBe(true);
    for (const a of all) expect(marks.isMarked(a)).toBe(false);
  });

  it('sets one bit per object, at bit (addr >>> 3) & 31 of word addr >>> 8, and no other', () => {
    const heap = quietHeap();
    const g = heap.global('list');
    heap.new(g, 1);
    heap.set(0, g);
    for (let i = 0; i < 99; i++) {
      heap.new(1, 1, 8 * (i % 5));
      heap.put(0, 0, 1);
      heap.set(0, 1);
    }
    const marks = new MarkBitmap(heap);
    expect(marks.markFromRoots()).toBe(100);
    const expected = new Int32Array(marks.bits.length);
    for (const a of objectsOf(heap)) expected[a >>> 8]! |= 1 << ((a >>> 3) & 31);
    expect(marks.bits).toEqual(expected);
  });

  it('grows its stack for objects with many fields and for long chains of shared referents', () => {
    const heap = quietHeap();
    const g = heap.global('wide');
    heap.new(g, 500);
    for (let i = 0; i < 500; i++) {
      heap.new(0, 0);
      heap.put(g, i, 0);
    }
    // Every slot of a second wide object refers to the first one: 400 pushes of a marked object.
    const h = heap.global('back');
    heap.new(h, 400);
    for (let i = 0; i < 400; i++) heap.put(h, i, g);
    const marks = new MarkBitmap(heap, 16);
    expect(marks.markFromRoots()).toBe(502);
    expect(marks.stack.length).toBeGreaterThanOrEqual(500);
  });

  it('covers memory that grew after it was created', () => {
    const heap = quietHeap();
    const marks = new MarkBitmap(heap);
    const before = marks.bits.length;
    const g = heap.global('big');
    heap.new(g, 1);
    // 4 MiB of objects: past the initial 1 MiB memory.
    for (let i = 0; i < 64; i++) {
      heap.new(0, 1, 65_000);
      heap.put(0, 0, g);
      heap.set(g, 0);
    }
    expect(heap.memory.words.length / 64).toBeGreaterThan(before);
    expect(marks.markFromRoots()).toBe(65);
    expect(marks.bits.length).toBe(Math.ceil(heap.memory.words.length / 64));
  });

  it('property: on random object graphs the marked set is the oracle reachable set', () => {
    fc.assert(
      fc.property(programs, (program) => {
        const heap = quietHeap();
        new ProgramRun(heap).run(program);
        const reachable = new Set<number>();
        heap.oracle.traverse((a) => reachable.add(a));
        const marks = new MarkBitmap(heap, 16);
        expect(marks.markFromRoots()).toBe(reachable.size);
        for (const a of objectsOf(heap)) expect(marks.isMarked(a)).toBe(reachable.has(a));
      }),
      { seed, numRuns: 100 },
    );
  });

  it('markFromStack called bare from one root (perf figure 4) sets the bits markFromRoots sets', () => {
    const heap = quietHeap();
    const root = buildTree(heap, 3000);
    const words = heap.memory.words;
    const before = words.slice();
    const bare = new Int32Array(Math.ceil(words.length / 64));
    const stack = new Int32Array(4096);
    stack[0] = root;
    const noGrow = (): Int32Array => {
      throw new Error('grew');
    };
    expect(markFromStack(words, heap.model.fieldOffset >> 2, bare, stack, 1, noGrow)).toBe(3000);
    expect(words).toEqual(before);
    const marks = new MarkBitmap(heap);
    expect(marks.markFromRoots()).toBe(3000);
    expect(marks.bits).toEqual(bare);
  });

  it('markFromStack asks for a larger stack when an object has more fields than room', () => {
    const heap = quietHeap();
    heap.new(0, 6);
    for (let f = 0; f < 6; f++) {
      heap.new(1, 0);
      heap.put(0, f, 1);
    }
    const words = heap.memory.words;
    const bits = new Int32Array(Math.ceil(words.length / 64));
    const asked: number[] = [];
    const stack = new Int32Array(2);
    stack[0] = heap.peekRoot(0);
    const grow = (top: number, min: number): Int32Array => {
      asked.push(top, min);
      const grown = new Int32Array(min);
      grown.set(stack.subarray(0, top));
      return grown;
    };
    expect(markFromStack(words, heap.model.fieldOffset >> 2, bits, stack, 1, grow)).toBe(7);
    expect(asked).toEqual([0, 6]);
  });
});
