// Biased counting's paths driven by hand: two threads' plans over one shared memory on the test's
// own thread, interleaved step by step, so every path (owner, non-owner, queue, merge, MERGED,
// exited owner, immortal) is hit deterministically.
import { describe, expect, it } from 'vitest';
import {
  BiasedCounting,
  BREAKER,
  IMMORTAL_LOCAL,
  REF_MERGED,
  REF_QUEUED,
  SharedLayout,
  ThreadHeap,
} from '../src/index.ts';

function twoThreads(immortal = false) {
  const layout = new SharedLayout(2, 16 * 32 * 1024);
  const words = new Int32Array(new SharedArrayBuffer(layout.totalBytes));
  const plan = (tid: number) =>
    new BiasedCounting(new ThreadHeap(words, layout, BiasedCounting.headerWords, tid), 2, immortal);
  return { layout, words, a: plan(0), b: plan(1) };
}
const local = (w: Int32Array, addr: number) => w[(addr >> 2) + 2]!;
const owner = (w: Int32Array, addr: number) => w[(addr >> 2) + 3]!;
const shared = (w: Int32Array, addr: number) => w[(addr >> 2) + 4]!;

describe('biased counting', () => {
  it('keeps the owner on the local count and other threads on the shared one', () => {
    const { words, a, b } = twoThreads();
    const x = a.heap.allocate(1);
    a.initialize(x);
    a.increment(x);
    b.increment(x);
    b.increment(x);
    expect([local(words, x), shared(words, x) >> 2, owner(words, x)]).toEqual([2, 2, 1]);
    expect(a.figures.atomicUpdates).toBe(0);
    expect(b.figures.atomicUpdates).toBe(2);
    expect(a.countOf(x)).toBe(4);
  });

  it('queues a non-owner decrement at shared 0 to the owner, which merges and frees', () => {
    const { words, layout, a, b } = twoThreads();
    const x = a.heap.allocate(1);
    a.initialize(x); // one reference, counted locally by the owner, then handed to b
    b.decrement(x);
    expect(shared(words, x)).toBe(REF_QUEUED);
    expect(words[layout.queueLength(0)]).toBe(1);
    expect(words[layout.breaker(0)]! & BREAKER.merge).toBe(BREAKER.merge);
    expect(a.isFree(x)).toBe(false);
    a.service(BREAKER.merge);
    expect(a.isFree(x)).toBe(true);
    expect(a.figures.merged).toBe(1);
    expect(words[layout.queueLength(0)]).toBe(0);
  });

  it('merges to MERGED when the owner drops its last local reference while others hold some', () => {
    const { words, a, b } = twoThreads();
    const x = a.heap.allocate(1);
    a.initialize(x);
    b.increment(x);
    a.decrement(x);
    expect(owner(words, x)).toBe(0);
    expect(shared(words, x)).toBe((1 << 2) | REF_MERGED);
    expect(a.isFree(x)).toBe(false);
    b.decrement(x);
    expect(b.isFree(x)).toBe(true);
  });

  it('frees at once when the owner drops the last reference and no other thread counted it', () => {
    const { a } = twoThreads();
    const x = a.heap.allocate(1);
    a.initialize(x);
    a.decrement(x);
    expect(a.isFree(x)).toBe(true);
    expect(a.figures.atomicUpdates).toBe(0);
  });

  it('merges on the spot when the owner has exited', () => {
    const { words, layout, a, b } = twoThreads();
    const x = a.heap.allocate(1);
    a.initialize(x);
    a.increment(x);
    a.finish();
    expect(words[layout.queueExited(0)]).toBe(1);
    b.decrement(x);
    expect(shared(words, x)).toBe((1 << 2) | REF_MERGED);
    b.decrement(x);
    expect(b.isFree(x)).toBe(true);
  });

  it('cascades through a freed object to children other threads own', () => {
    const { a, b } = twoThreads();
    const child = b.heap.allocate(1);
    b.initialize(child);
    const parent = a.heap.allocate(1);
    a.initialize(parent);
    a.increment(child);
    a.heap.model.setField(a.words, parent, 0, child);
    b.decrement(child); // b's own reference: local 1 -> 0, shared holds a's +1: MERGED
    expect(b.isFree(child)).toBe(false);
    a.decrement(parent);
    expect(a.isFree(parent)).toBe(true);
    expect(a.isFree(child)).toBe(true);
  });

  it('leaves immortal objects alone in biased-immortal, counts them in biased', () => {
    for (const immortal of [true, false]) {
      const { words, a, b } = twoThreads(immortal);
      const none = a.heap.allocate(1);
      a.initialize(none);
      a.makeImmortal(none);
      b.increment(none);
      b.decrement(none);
      if (immortal) {
        expect(local(words, none)).toBe(IMMORTAL_LOCAL);
        expect(b.figures.immortalSkips).toBe(2);
        expect(b.figures.atomicUpdates).toBe(0);
        expect(a.countOf(none)).toBeNull();
      } else {
        expect(b.figures.atomicUpdates).toBe(2);
        expect(a.countOf(none)).toBe(1);
      }
    }
  });
});
