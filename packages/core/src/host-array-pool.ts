/**
 * Recycled host arrays for the simulated memory and the checker's shadows.
 *
 * A fresh multi-megabyte `Int32Array` is slow to get: the host maps new pages and faults each one in
 * when it is zeroed or first touched (measured here: about 5 ms for 16 MiB, against 0.3 ms to zero a
 * recycled one). A process that builds many heaps one after another (the verifier runs hundreds of
 * programs a second, each on two fresh heaps) spent most of its time there. Arrays given back with
 * `recycleInt32Array` (a heap that grew, or one released when its run is over) are kept here, a few
 * and a bounded number of bytes, and `takeInt32Array` hands the smallest that fits (and is at most four times the size asked for) back out, zeroed,
 * as a view of exactly the length asked for.
 *
 * An array given back must not be used again by its owner: its buffer becomes another array's.
 */

/** At most this many buffers are kept. */
const MAX_POOLED_BUFFERS = 24;
/** At most this many bytes are kept in all. */
const MAX_POOLED_BYTES = 256 << 20;
/** Buffers larger than this are left to the host's garbage collector. */
const MAX_POOLED_BUFFER_BYTES = 64 << 20;
/** A buffer is handed out for a request of at least this fraction of its size (a small heap that takes a
 * huge buffer would leave the next large one without). */
const MAX_OVERSIZE = 4;
/** Buffers smaller than this are cheap to get fresh and are not kept. */
const MIN_POOLED_BUFFER_BYTES = 256 << 10;

const pool: ArrayBuffer[] = [];
let pooledBytes = 0;

/** Whether `array` is of a size the pool keeps (worth holding on to until its owner is released). */
export function isPoolable(array: Int32Array): boolean {
  const size = array.buffer.byteLength;
  return size >= MIN_POOLED_BUFFER_BYTES && size <= MAX_POOLED_BUFFER_BYTES;
}

/** A zeroed `Int32Array` of `length` slots: a recycled buffer if one fits, else a fresh array. */
export function takeInt32Array(length: number): Int32Array<ArrayBuffer> {
  const bytes = length * 4;
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    const size = pool[i]!.byteLength;
    if (size >= bytes && size <= bytes * MAX_OVERSIZE && (best < 0 || size < pool[best]!.byteLength))
      best = i;
  }
  if (best < 0) return new Int32Array(length);
  const buffer = pool[best]!;
  pool.splice(best, 1);
  pooledBytes -= buffer.byteLength;
  const array = new Int32Array(buffer, 0, length);
  array.fill(0);
  return array;
}

/** Gives `array`'s buffer back for a later `takeInt32Array`; its owner must not use it again. */
export function recycleInt32Array(array: Int32Array): void {
  const buffer = array.buffer;
  const size = buffer.byteLength;
  if (!(buffer instanceof ArrayBuffer) || !isPoolable(array)) return;
  if (pool.includes(buffer)) return;
  pool.push(buffer);
  pooledBytes += size;
  // Over a bound: drop the buffers given back longest ago (the pool follows what the process needs now).
  while (pool.length > MAX_POOLED_BUFFERS || pooledBytes > MAX_POOLED_BYTES) {
    pooledBytes -= pool.shift()!.byteLength;
  }
}
