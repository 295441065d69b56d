/**
 * Reference counting micro-benchmarks: root-write churn under immediate, deferred and LXR-style
 * counting (what deferral saves), building then freeing a 100,000-long chain (the cascade; for lxr,
 * the young objects its explicit `gc` frees uncounted), and `del r0` of a
 * 1M-node binary tree allocated in preorder (figure 3 of docs/performance.md at a quarter of its
 * size; the tree is built before each iteration, untimed).
 *
 * Run: `npm run bench -w @gclab/refcount` or
 * `npx tsx --conditions=@gclab/source packages/refcount/bench/refcount.bench.ts`.
 */
import { type CollectorDescriptor, Heap } from '@gclab/core';
import { buildTree } from '@gclab/verify';
import { Bench } from 'tinybench';
import { lxr, refcount, refcountDeferred } from '../src/index.ts';

const CHURN = 1 << 16;
const CHAIN = 100_000;
const args = Int32Array.of(0, 1);

/** Copies one object between registers and passes it to calls: CHURN root writes, no garbage. */
function churn(descriptor: CollectorDescriptor): () => void {
  const heap = new Heap(descriptor);
  heap.new(0, 1);
  return () => {
    for (let i = 0; i < CHURN; i++) {
      heap.set(1 + (i & 7), 0);
      heap.call(2, args);
      heap.ret();
    }
  };
}

/** Builds a CHAIN-long list in r0 and drops it (one cascade frees it all under refcount). */
function chain(descriptor: CollectorDescriptor): () => void {
  const heap = new Heap(descriptor);
  return () => {
    for (let i = 0; i < CHAIN; i++) {
      heap.new(1, 1);
      heap.put(1, 0, 0);
      heap.set(0, 1);
    }
    heap.del(1);
    heap.del(0);
    heap.gc();
  };
}

const TREE = 1 << 20;

/** `del r0` of a TREE-node binary tree built (untimed) before each iteration: one cascade. */
function treeCascade(descriptor: CollectorDescriptor): [() => void, { beforeEach: () => void }] {
  let heap = new Heap(descriptor);
  return [
    () => {
      heap.del(0);
      if (heap.counters.objectsFreed !== TREE) throw new Error('the cascade did not free the tree');
    },
    {
      beforeEach: () => {
        heap = new Heap(descriptor);
        buildTree(heap, TREE);
      },
    },
  ];
}

const bench = new Bench({ name: 'reference counting', time: 1000, warmupTime: 300 });
bench.add(`refcount: ${CHURN} x (set, call, ret)`, churn(refcount));
bench.add(`refcount-deferred: ${CHURN} x (set, call, ret)`, churn(refcountDeferred));
bench.add(`lxr: ${CHURN} x (set, call, ret)`, churn(lxr));
bench.add(`refcount: build + free a ${CHAIN} chain`, chain(refcount));
bench.add(`refcount-deferred: build + free a ${CHAIN} chain`, chain(refcountDeferred));
bench.add(`lxr: build + free a ${CHAIN} chain`, chain(lxr));
bench.add(`refcount: del r0 of a ${TREE}-node tree (one cascade)`, ...treeCascade(refcount));
await bench.run();
console.log(bench.name);
console.table(
  bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`task ${t.name} did not complete`, { cause: r });
    return { task: t.name, 'mean ms': r.latency.mean.toFixed(2), samples: r.latency.samplesCount };
  }),
);
