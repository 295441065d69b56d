/**
 * Shared pieces of the allocator benchmarks: allocate+free pair loops and the result table. Each
 * `*.bench.ts` file measures one space in its own process, so V8 sees monomorphic call sites.
 *
 * - "lifo": allocate a block and free it at once (the free list's head is reused every time: the
 *   allocator's fastest path, what a tight temporary-object loop does);
 * - "fifo": a ring of WINDOW live blocks; each step frees the oldest and allocates a new one, so
 *   blocks cycle through pools/chunks (free lists out of address order);
 * - "mixed": the FIFO ring with request sizes from a fixed-seed sequence over 1..512 bytes.
 * Each timed iteration runs BATCH pairs.
 */
import type { Bench } from 'tinybench';

/** Pairs (or allocations) per timed iteration. */
export const BATCH = 1 << 16;
/** Live blocks in the FIFO ring (a power of two). */
export const WINDOW = 1024;

/** Request sizes for the mixed task, from a fixed-seed xorshift generator. */
export const mixedSizes = new Int32Array(BATCH);
{
  let x = Number(process.env.GCLAB_SEED ?? 42) | 0 || 1;
  for (let i = 0; i < BATCH; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    mixedSizes[i] = 1 + ((x >>> 1) % 512);
  }
}

/** What the pair loops need of a space. */
export interface PairSpace {
  allocate(size: number): number;
  free(addr: number): void;
}

/** Allocate and free at once, BATCH times. */
export function lifo(space: PairSpace, size: number): () => void {
  return () => {
    for (let i = 0; i < BATCH; i++) space.free(space.allocate(size));
  };
}

/** Free the oldest of WINDOW live blocks and allocate a new one, BATCH times. */
export function fifo(space: PairSpace, size: number): () => void {
  const ring = new Int32Array(WINDOW);
  for (let i = 0; i < WINDOW; i++) ring[i] = space.allocate(size);
  return () => {
    for (let i = 0; i < BATCH; i++) {
      const k = i & (WINDOW - 1);
      space.free(ring[k]!);
      ring[k] = space.allocate(size);
    }
  };
}

/** `fifo` with mixed request sizes. */
export function mixed(space: PairSpace): () => void {
  const ring = new Int32Array(WINDOW);
  for (let i = 0; i < WINDOW; i++) ring[i] = space.allocate(mixedSizes[i]!);
  return () => {
    for (let i = 0; i < BATCH; i++) {
      const k = i & (WINDOW - 1);
      space.free(ring[k]!);
      ring[k] = space.allocate(mixedSizes[i]!);
    }
  };
}

/** Prints one row per task: millions of pairs (or allocations) per second, ns each, error, samples. */
export function printTable(bench: Bench, unit: string): void {
  const rows: Array<Record<string, string>> = [];
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed')
      throw new Error(`task ${task.name} did not complete`, { cause: result });
    rows.push({
      task: task.name,
      [`M ${unit}/s`]: ((BATCH * 1000) / result.latency.mean / 1e6).toFixed(1),
      [`ns/${unit.replace(/s$/, '')}`]: ((result.latency.mean * 1e6) / BATCH).toFixed(1),
      '±%': result.latency.rme.toFixed(1),
      iterations: String(result.latency.samplesCount),
    });
  }
  console.log(`${bench.name}: ${BATCH} per iteration, FIFO window ${WINDOW}`);
  console.table(rows);
}
