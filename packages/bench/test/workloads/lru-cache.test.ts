import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { LRU_CACHE_SHAPES, lruCache } from '../../src/workloads/lru-cache.ts';
import { Prng } from '../../src/workloads/prng.ts';

/** The cache's behaviour restated with a JS Map (insertion order = recency): hits, misses, updates. */
function model(seed: number, capacity: number, keys: number, accesses: number, update: number) {
  const prng = new Prng(seed);
  const cache = new Map<number, true>();
  let hits = 0;
  let misses = 0;
  let updates = 0;
  for (let a = 0; a < accesses; a++) {
    const r = prng.float();
    const key = Math.floor(keys * r * r);
    if (cache.has(key)) {
      hits++;
      cache.delete(key);
      cache.set(key, true);
      if (prng.float() < update) updates++;
    } else {
      misses++;
      cache.set(key, true);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
    }
  }
  return { hits, misses, updates, size: cache.size };
}

describe('lru-cache', () => {
  it('allocates what an independent LRU model predicts', () => {
    const { capacity, keys, accesses, update } = LRU_CACHE_SHAPES.small;
    const expected = model(42, capacity, keys, accesses, update);
    const heap = new Heap(noGc);
    expect(lruCache.run(heap, { size: 'small', seed: 42 })).toBe(expected.hits);
    // The sentinel and the table, an entry and a value per miss, a value per update.
    expect(heap.counters.objectsAllocated).toBe(2 + 2 * expected.misses + expected.updates);
    expect(heap.counters.bytesAllocated).toBe(
      40 + (8 + 8 * keys) + 80 * expected.misses + 40 * expected.updates,
    );
    // Live at the end: sentinel, table, and `size` entries with their current values.
    expect(heap.oracle.traverse().reachableObjects).toBe(2 + 2 * expected.size);
    expect(expected.size).toBe(capacity);
  });
});
