/**
 * Copy rate of `semispace`, and minor- and full-collection rates of `gen-copy`.
 *
 * Rows (each timed iteration is one collection):
 * - "semispace full gc": Cheney copy of a live binary tree of 2^LEVELS - 1 objects (4 194 303 by
 *   default: two reference fields, 24 bytes, ~96 MiB) from one half to the other; every object
 *   survives, so the rate is the copy rate (bytes and objects per second);
 * - "gen-copy full gc": the same tree, promoted into the mature space while it was built: mark from
 *   the roots and sweep the segregated free lists (nothing in the nursery);
 * - "gen-copy minor gc, S% survive": a full 4 MiB nursery of 24-byte objects in which every
 *   (100/S)-th object is kept reachable from a root (a list); the nursery is refilled through the heap
 *   API before each iteration, outside the timing (with an untimed full collection whenever the
 *   promoted garbage passes 32 MiB). The rate is nursery bytes per second and survivor bytes promoted
 *   per second.
 *
 * Run: `npm run bench -w @gclab/tracing-gc` or
 * `npx tsx --conditions=@gclab/source packages/tracing-gc/bench/copy.bench.ts` (LEVELS=18 for a quick run).
 */
import { Heap, NULL_ROOT } from '@gclab/core';
import { buildTree } from '@gclab/verify';
import { Bench } from 'tinybench';
import { type GenCopy, genCopy, type Semispace, semispace } from '../src/index.ts';

const LEVELS = Number(process.env.LEVELS ?? 22);
const NODES = 2 ** LEVELS - 1;
const NODE_BYTES = 24;
const MiB = 2 ** 20;

interface Row {
  task: string;
  'ms/pass': string;
  rate: string;
  '±%': string;
  passes: number;
}
const rows: Row[] = [];
const options = { time: 3000, warmupTime: 500, iterations: 5, warmupIterations: 2 };

async function runBench(bench: Bench, unit: (ms: number) => string): Promise<void> {
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed')
      throw new Error(`task ${task.name} did not complete`, { cause: result });
    rows.push({
      task: task.name,
      'ms/pass': result.latency.mean.toFixed(2),
      rate: unit(result.latency.mean),
      '±%': result.latency.rme.toFixed(1),
      passes: result.latency.samplesCount,
    });
  }
}

const rate = (bytes: number, objects: number) => (ms: number) =>
  `${(((bytes / ms) * 1e3) / MiB).toFixed(0)} MiB/s, ${(((objects / ms) * 1e3) / 1e6).toFixed(1)} M objects/s`;

// ---- semispace: copy the whole live tree at every collection ---------------------------------
{
  const half = Math.ceil((NODES * NODE_BYTES * 1.05) / MiB) * MiB;
  const heap = new Heap(semispace, { heapLimit: 2 * half });
  const t = performance.now();
  buildTree(heap, NODES);
  heap.set(heap.global('tree'), 0);
  heap.del(0);
  console.log(
    `semispace: built ${NODES} objects in ${(performance.now() - t).toFixed(0)} ms; halves of ${half / MiB} MiB`,
  );
  const c = heap.collector as Semispace;
  const copiedBefore = heap.counters.bytesCopied;
  const bench = new Bench({ name: 'semispace', ...options });
  bench.add('semispace full gc: Cheney copy of the live tree', () => {
    heap.gc();
  });
  await runBench(bench, rate(NODES * NODE_BYTES, NODES));
  const collections = c.collections;
  const perGc = (heap.counters.bytesCopied - copiedBefore) / collections;
  if (perGc !== NODES * NODE_BYTES || heap.oracle.traverse().reachableObjects !== NODES) {
    throw new Error(`semispace copied ${perGc} bytes per collection, expected ${NODES * NODE_BYTES}`);
  }
  console.log(
    `semispace: reserved ${heap.os.reservedBytes / MiB} MiB for ${(NODES * NODE_BYTES) / MiB} MiB live`,
  );
}

// ---- gen-copy: full collection of the promoted tree --------------------------------------------
{
  const heap = new Heap(genCopy, { collectorOptions: { minFullTriggerBytes: 2 ** 40 } });
  const t = performance.now();
  buildTree(heap, NODES);
  heap.set(heap.global('tree'), 0);
  heap.del(0);
  const g = heap.collector as GenCopy;
  console.log(
    `gen-copy: built ${NODES} objects in ${(performance.now() - t).toFixed(0)} ms ` +
      `(${g.minorCollections} minor collections promoted ${g.promotedBytes} bytes)`,
  );
  const bench = new Bench({ name: 'gen-copy full', ...options });
  bench.add('gen-copy full gc: mark + sweep of the mature tree', () => {
    heap.gc();
  });
  await runBench(bench, rate(g.mature.liveBytes, NODES));
  if (heap.oracle.traverse().reachableObjects !== NODES) throw new Error('gen-copy lost part of the tree');
}

// ---- gen-copy: minor collections of a full nursery with a given survival rate ------------------
for (const survivePercent of [0, 10, 100]) {
  const nurseryBytes = 4 * MiB;
  const heap = new Heap(genCopy, { collectorOptions: { nurseryBytes, minFullTriggerBytes: 2 ** 40 } });
  const g = heap.collector as GenCopy;
  const list = heap.global('list');
  const every = survivePercent === 0 ? 0 : Math.round(100 / survivePercent);
  const perFill = Math.floor(nurseryBytes / NODE_BYTES);
  // Fills the nursery: objects of two fields; every `every`-th is pushed on a list held by g:list.
  // The previous fill's survivors become mature garbage; a full collection (untimed) reclaims them
  // once they pass 32 MiB, so minor collections promote into reused free-list blocks, as in a
  // steady state, rather than into ever more freshly mapped chunks.
  const fill = () => {
    if (g.mature.liveBytes > 32 * MiB) {
      heap.set(list, NULL_ROOT);
      heap.gc();
    }
    heap.set(list, NULL_ROOT);
    for (let i = 0; i < perFill; i++) {
      heap.new(0, 2);
      if (every !== 0 && i % every === 0) {
        heap.put(0, 0, list);
        heap.set(list, 0);
      }
    }
  };
  let copied = 0;
  let collections = 0;
  const minor = () => {
    const before = heap.counters.bytesCopied;
    heap.gc(0);
    copied += heap.counters.bytesCopied - before;
    collections++;
  };
  fill(); // tinybench runs the task once when it is added
  // A fixed number of iterations: tinybench's `time` counts only the timed part, and refilling the
  // nursery (untimed) costs far more than collecting it when nothing survives.
  const bench = new Bench({
    name: `gen-copy minor ${survivePercent}%`,
    time: 0,
    iterations: 30,
    warmupTime: 0,
    warmupIterations: 3,
  });
  bench.add(`gen-copy minor gc, ${survivePercent}% of a 4 MiB nursery survive`, minor, { beforeEach: fill });
  await runBench(bench, (ms) => {
    const survivorBytes = copied / collections;
    return (
      `${(((nurseryBytes / ms) * 1e3) / MiB).toFixed(0)} MiB/s of nursery, ` +
      `${(((survivorBytes / ms) * 1e3) / MiB).toFixed(0)} MiB/s promoted`
    );
  });
}

console.log(`copying collectors over a binary tree of ${NODES} objects (${LEVELS} levels)`);
console.table(rows);
