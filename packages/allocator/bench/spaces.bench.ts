/**
 * Throughput of the spaces: allocate+free pairs per size class for ObmallocSpace and
 * SegregatedFreeListSpace, and bump allocation in a BumpSpace.
 *
 * Two kinds of pair per size class:
 * - "lifo": allocate a block and free it at once (the free list's head is reused every time: the
 *   allocator's fastest path, what a tight temporary-object loop does);
 * - "fifo": a ring of WINDOW live blocks; each step frees the oldest and allocates a new one, so
 *   blocks cycle through pools/chunks (free lists out of address order).
 * "mixed" cycles through sizes from a fixed-seed sequence over 1..512 bytes with the FIFO ring.
 * Each timed iteration runs BATCH pairs (or BATCH bump allocations).
 *
 * Run: `npm run bench -w @gclab/allocator` or
 * `npx tsx --conditions=@gclab/source packages/allocator/bench/spaces.bench.ts`.
 */
import { SimulatedOS } from '@gclab/core';
import { Bench } from 'tinybench';
import { BumpSpace, ObmallocSpace, SegregatedFreeListSpace } from '../src/index.ts';

/** Pairs (or bump allocations) per timed iteration. */
const BATCH = 1 << 16;
/** Live blocks in the FIFO ring (a power of two). */
const WINDOW = 1024;
const SIZES = [16, 32, 64, 128, 256, 416, 512] as const;

/** Request sizes for the mixed task, from a fixed-seed xorshift generator. */
const mixedSizes = new Int32Array(BATCH);
{
  let x = Number(process.env.GCLAB_SEED ?? 42) | 0 || 1;
  for (let i = 0; i < BATCH; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    mixedSizes[i] = 1 + ((x >>> 1) % 512);
  }
}

interface PairSpace {
  allocate(size: number): number;
  free(addr: number): void;
}

function lifo(space: PairSpace, size: number): () => void {
  return () => {
    for (let i = 0; i < BATCH; i++) space.free(space.allocate(size));
  };
}

function fifo(space: PairSpace, size: number): () => void {
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

function mixed(space: PairSpace): () => void {
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

const bench = new Bench({ name: 'allocator spaces', time: 500, warmupTime: 200 });
const obmalloc = new ObmallocSpace(new SimulatedOS());
const segregated = new SegregatedFreeListSpace(new SimulatedOS());
for (const size of SIZES) bench.add(`obmalloc lifo ${size} B`, lifo(obmalloc, size));
for (const size of SIZES) bench.add(`obmalloc fifo ${size} B`, fifo(obmalloc, size));
bench.add('obmalloc fifo mixed 1..512 B', mixed(obmalloc));
for (const size of [24, 64, 512, 4096]) bench.add(`segregated lifo ${size} B`, lifo(segregated, size));
for (const size of [24, 64, 512, 4096]) bench.add(`segregated fifo ${size} B`, fifo(segregated, size));
bench.add('segregated fifo mixed 1..512 B', mixed(segregated));
const bump = BumpSpace.map(new SimulatedOS(), BATCH * 64)!;
bench.add('bump 24 B (reset per iteration)', () => {
  bump.reset();
  for (let i = 0; i < BATCH; i++) bump.allocate(24);
});
await bench.run();

const rows: Array<Record<string, string>> = [];
for (const task of bench.tasks) {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`task ${task.name} did not complete`, { cause: result });
  const perSecond = (BATCH * 1000) / result.latency.mean;
  rows.push({
    task: task.name,
    'M pairs/s (bump: M allocs/s)': (perSecond / 1e6).toFixed(1),
    'ns/pair': ((result.latency.mean * 1e6) / BATCH).toFixed(1),
    '±%': result.latency.rme.toFixed(1),
    iterations: String(result.latency.samplesCount),
  });
}
obmalloc.verify();
segregated.verify();
console.log(`${bench.name}: ${BATCH} pairs per iteration, FIFO window ${WINDOW}`);
console.table(rows);
