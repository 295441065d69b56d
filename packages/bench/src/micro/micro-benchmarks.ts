/**
 * Micro-benchmark bodies, per collector: the cost of one allocation, one field store (the write
 * barrier), one root store (what reference counting pays on every assignment) and one full
 * collection of a fixed heap. They take a descriptor, so the harness stays strategy-agnostic; a
 * script that knows the strategies (scripts/bench.ts at the repository root) runs them for every
 * collector, each in its own process, with tinybench.
 *
 * Each body does `opsPerIteration` operations per call. `prepare` runs outside the timed calls
 * (tinybench's `beforeEach`): it rebuilds the heap once it has allocated more than REBUILD_BYTES, so
 * allocation under `no-gc` does not grow without bound. The allocation benchmark's heaps have their
 * word array grown beforehand (`memory.ensure`), so it measures allocation, not the copying of the
 * simulated memory as it doubles (which a collector that reuses memory would not pay).
 */
import { type CollectorDescriptor, Heap, NULL_ROOT } from '@gclab/core';

/** One micro-benchmark. */
export interface MicroBenchmark {
  /** Task name. */
  readonly name: string;
  /** Heap operations per call of `run`. */
  readonly opsPerIteration: number;
  /** Builds the heap (outside the timing). */
  setup(): void;
  /** Before each timed call (outside the timing): rebuilds the heap when it has grown too much. */
  prepare(): void;
  /** One timed call. */
  run(): void;
}

/** Options of the micro-benchmarks. */
export interface MicroOptions {
  /** Operations per timed call (default 1024). */
  batch?: number;
  /** Depth of the binary tree collected by the full-collection benchmark (default 14: 32,767 objects). */
  treeDepth?: number;
}

/** Bytes allocated after which a benchmark's heap is rebuilt. */
export const REBUILD_BYTES = 64 << 20;

/** Builds a binary tree of `depth` bottom-up into register `dst`, using registers dst+1 ... as levels. */
function buildTree(heap: Heap, depth: number, dst: number): void {
  if (depth === 0) {
    heap.new(dst, 2, 0);
    return;
  }
  const l = dst + 1 + 2 * depth;
  buildTree(heap, depth - 1, l);
  buildTree(heap, depth - 1, l + 1);
  heap.new(dst, 2, 0);
  heap.put(dst, 0, l);
  heap.put(dst, 1, l + 1);
  heap.del(l);
  heap.del(l + 1);
}

/** The micro-benchmarks for `descriptor`. */
export function microBenchmarks(
  descriptor: CollectorDescriptor,
  options: MicroOptions = {},
): MicroBenchmark[] {
  const batch = options.batch ?? 1024;
  const depth = options.treeDepth ?? 14;
  const fresh = (): Heap => new Heap(descriptor);
  const grown = (heap: Heap): boolean => heap.counters.bytesAllocated > REBUILD_BYTES;

  // allocate: `new r0 2 16` repeatedly; each new object replaces the previous one (garbage at once).
  const grownFresh = (): Heap => {
    const heap = fresh();
    heap.memory.ensure(REBUILD_BYTES + (16 << 20));
    return heap;
  };
  let allocHeap: Heap;
  const allocate: MicroBenchmark = {
    name: 'allocate',
    opsPerIteration: batch,
    setup() {
      allocHeap = grownFresh();
    },
    prepare() {
      if (grown(allocHeap)) allocHeap = grownFresh();
    },
    run() {
      const heap = allocHeap;
      for (let i = 0; i < batch; i++) heap.new(0, 2, 16);
    },
  };

  // field store: an object with 8 fields (r0) gets a reference to r1 stored and cleared in turn.
  let storeHeap: Heap;
  const fieldStore: MicroBenchmark = {
    name: 'field store',
    opsPerIteration: batch,
    setup() {
      storeHeap = fresh();
      storeHeap.new(0, 8, 0);
      storeHeap.new(1, 0, 8);
    },
    prepare() {},
    run() {
      const heap = storeHeap;
      for (let i = 0; i < batch; i++) heap.put(0, i & 7, (i & 8) === 0 ? 1 : NULL_ROOT);
    },
  };

  // root store: `set r2 r1` and `del r2` in turn.
  let rootHeap: Heap;
  const rootStore: MicroBenchmark = {
    name: 'root store',
    opsPerIteration: batch,
    setup() {
      rootHeap = fresh();
      rootHeap.new(1, 0, 8);
    },
    prepare() {},
    run() {
      const heap = rootHeap;
      for (let i = 0; i < batch; i += 2) {
        heap.set(2, 1);
        heap.del(2);
      }
    },
  };

  // full collection: a live binary tree of 2^(depth+1) - 1 objects, collected again and again.
  let gcHeap: Heap;
  const fullCollection: MicroBenchmark = {
    name: `full collection (${2 ** (depth + 1) - 1} live objects)`,
    opsPerIteration: 1,
    setup() {
      gcHeap = fresh();
      buildTree(gcHeap, depth, 0);
    },
    prepare() {},
    run() {
      gcHeap.gc();
    },
  };
  return [allocate, fieldStore, rootStore, fullCollection];
}
