/**
 * `lru-cache`: a long-lived least-recently-used cache whose entries are replaced.
 *
 * What it stresses: stores into old objects (old-to-young pointers, the write barrier and remembered
 * sets of generational and incremental collectors) and garbage that dies old (evicted entries). The
 * cache is a doubly linked list of entries (prev, next, value; an 8-byte key payload) around a
 * sentinel (the global `lru`), plus a direct-addressed table of `keys` slots (the global `table`).
 * Each access is a call: a key drawn with a skew toward small keys (floor(keys * r^2), r uniform);
 * on a hit the entry moves to the front and, with probability `update`, gets a new value object
 * (a 32-byte payload); on a miss a new entry and value are linked at the front and stored in the
 * table, and when the cache holds more than `capacity` entries the least recently used one is
 * unlinked and its table slot cleared.
 *
 * Sizes: capacity 1,000 / 10,000 / 100,000 of 4,000 / 40,000 / 400,000 keys, 100,000 / 1,000,000 /
 * 5,000,000 accesses, update 0.2. The seed draws keys and updates. The result is the number of hits.
 * The mutator keeps the keys' list order in typed arrays beside the heap (program data, not
 * references), so it knows which key the evicted entry had.
 */
import { type Heap, NULL_ROOT } from '@gclab/core';
import { Prng } from './prng.ts';
import {
  bySize,
  NO_ARGS,
  numberOption,
  type Workload,
  type WorkloadParams,
  type WorkloadSize,
} from './workload.ts';

/** Shape of an `lru-cache` run. */
export interface LruCacheShape {
  /** Entries the cache holds before evicting. */
  readonly capacity: number;
  /** Distinct keys. */
  readonly keys: number;
  /** Accesses. */
  readonly accesses: number;
  /** Probability that a hit replaces the entry's value. */
  readonly update: number;
}

/** Shapes by size. */
export const LRU_CACHE_SHAPES: Readonly<Record<WorkloadSize, LruCacheShape>> = {
  small: { capacity: 1000, keys: 4000, accesses: 100_000, update: 0.2 },
  medium: { capacity: 10_000, keys: 40_000, accesses: 1_000_000, update: 0.2 },
  large: { capacity: 100_000, keys: 400_000, accesses: 5_000_000, update: 0.2 },
};

/** Reference fields of an entry, and its key payload. */
export const LRU_ENTRY_REFS = 3;
/** Payload bytes of an entry (its key). */
export const LRU_ENTRY_PAYLOAD = 8;
/** Payload bytes of a value object. */
export const LRU_VALUE_PAYLOAD = 32;

const PREV = 0;
const NEXT = 1;
const VALUE = 2;
// An access's frame: the entry, its prev and next, a new value, the evicted tail.
const E = 0;
const P = 1;
const N = 2;
const V = 3;
const T = 4;

/** The key an access draws from `prng` (skewed toward small keys). */
export function lruKey(prng: Prng, keys: number): number {
  const r = prng.float();
  return Math.floor(keys * r * r);
}

/** Runs `lru-cache` with `shape`; returns the number of hits. */
export function runLruCache(heap: Heap, shape: LruCacheShape, seed: number): number {
  const prng = new Prng(seed);
  const { capacity, keys } = shape;
  const lru = heap.global('lru');
  const table = heap.global('table');
  heap.new(lru, LRU_ENTRY_REFS, LRU_ENTRY_PAYLOAD);
  heap.put(lru, PREV, lru);
  heap.put(lru, NEXT, lru);
  heap.new(table, keys, 0);
  // The keys' order, most recent first: a circular list through the sentinel index `keys`.
  const prevKey = new Int32Array(keys + 1).fill(keys);
  const nextKey = new Int32Array(keys + 1).fill(keys);
  const cached = new Uint8Array(keys);
  let size = 0;
  let hits = 0;
  const linkAtHead = (): void => {
    heap.get(N, lru, NEXT);
    heap.put(E, NEXT, N);
    heap.put(E, PREV, lru);
    heap.put(N, PREV, E);
    heap.put(lru, NEXT, E);
  };
  for (let a = 0; a < shape.accesses; a++) {
    const key = lruKey(prng, keys);
    heap.call(5, NO_ARGS);
    if (cached[key] === 1) {
      hits++;
      heap.get(E, table, key);
      heap.get(P, E, PREV);
      heap.get(N, E, NEXT);
      heap.put(P, NEXT, N);
      heap.put(N, PREV, P);
      linkAtHead();
      nextKey[prevKey[key]!] = nextKey[key]!;
      prevKey[nextKey[key]!] = prevKey[key]!;
      if (prng.chance(shape.update)) {
        heap.new(V, 0, LRU_VALUE_PAYLOAD);
        heap.put(E, VALUE, V);
      }
    } else {
      heap.new(E, LRU_ENTRY_REFS, LRU_ENTRY_PAYLOAD);
      heap.new(V, 0, LRU_VALUE_PAYLOAD);
      heap.put(E, VALUE, V);
      linkAtHead();
      heap.put(table, key, E);
      cached[key] = 1;
      size++;
    }
    // Link `key` at the head of the key order.
    const first = nextKey[keys]!;
    nextKey[key] = first;
    prevKey[key] = keys;
    prevKey[first] = key;
    nextKey[keys] = key;
    if (size > capacity) {
      const tail = prevKey[keys]!;
      heap.get(T, lru, PREV);
      heap.get(P, T, PREV);
      heap.put(P, NEXT, lru);
      heap.put(lru, PREV, P);
      heap.put(table, tail, NULL_ROOT);
      const before = prevKey[tail]!;
      nextKey[before] = keys;
      prevKey[keys] = before;
      cached[tail] = 0;
      size--;
    }
    heap.ret();
  }
  return hits;
}

/** The `lru-cache` workload. */
export const lruCache: Workload = {
  name: 'lru-cache',
  summary:
    'a long-lived LRU cache whose entries and values are replaced: old-to-young stores, barrier stress',
  seeded: true,
  run(heap: Heap, params: WorkloadParams): number {
    const base = bySize(params.size, LRU_CACHE_SHAPES);
    const shape = { ...base, update: numberOption(params.options, 'update', base.update) };
    return runLruCache(heap, shape, params.seed);
  },
};
