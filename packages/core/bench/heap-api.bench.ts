/**
 * Throughput of the heap API under `no-gc`: `new`, `put`, `get` and `set` per second, alone and mixed.
 *
 * A working set of WORKING_SET objects with FIELDS reference fields each is built in the outermost
 * frame's registers r0 .. r(WORKING_SET - 1), its fields pointing at other members. Each task runs
 * BATCH operations per iteration with operands from a precomputed pseudo-random sequence (no
 * allocation, no Math.random in the loop). The heap is rebuilt, outside the timed iterations, once it
 * has allocated more than REBUILD_BYTES, so `new` does not grow the simulated memory without bound.
 *
 * `no-gc` never frees, so every `new` touches fresh host memory. The heaps of most rows have their
 * word array grown to its final size when built (`memory.ensure`), so the rows measure the heap API
 * plus first-touch page faults; the row "new, memory grown on demand" shows the extra cost of the
 * word array doubling (copied) as the simulated OS maps past its end, which every `no-gc` run pays
 * once per doubling.
 *
 * Run: `npm run bench -w @gclab/core` or
 * `npx tsx --conditions=@gclab/source packages/core/bench/heap-api.bench.ts`.
 */
import { Bench } from 'tinybench';
import { Heap, noGc } from '../src/index.ts';

/** Objects in the working set (a power of two). */
const WORKING_SET = 4096;
/** Reference fields per object (a power of two). */
const FIELDS = 4;
/** Operations per timed iteration (a power of two). */
const BATCH = 1 << 16;
/** A scratch register outside the working set, the destination of `get`. */
const SCRATCH = WORKING_SET;
/** A scratch register outside the working set, the destination of `new` in the mixed loop. */
const FRESH = WORKING_SET + 1;
/** Allocated bytes after which the heap is rebuilt between iterations. */
const REBUILD_BYTES = 32 << 20;

const WS = WORKING_SET - 1;
const MASK = BATCH - 1;

/** Operand sequence from a fixed-seed xorshift generator. */
const pick = new Int32Array(BATCH);
{
  let x = Number(process.env.GCLAB_SEED ?? 42) | 0 || 1;
  for (let i = 0; i < BATCH; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    pick[i] = x >>> 1;
  }
}

/** A heap holding the working set, each object's fields pointing at other members. */
function buildHeap(preGrow: boolean): Heap {
  const heap = new Heap(noGc);
  if (preGrow) heap.memory.ensure(REBUILD_BYTES + (8 << 20));
  for (let r = 0; r < WORKING_SET; r++) heap.new(r, FIELDS);
  for (let r = 0; r < WORKING_SET; r++) {
    for (let f = 0; f < FIELDS; f++) heap.put(r, f, pick[(r * FIELDS + f) & MASK]! & WS);
  }
  return heap;
}

let heap = buildHeap(true);
let growingHeap = buildHeap(false);

/** Rebuilds the heap between iterations when `new` has allocated too much. */
function refresh(): void {
  if (heap.counters.bytesAllocated > REBUILD_BYTES) heap = buildHeap(true);
}

function refreshGrowing(): void {
  if (growingHeap.counters.bytesAllocated > REBUILD_BYTES) growingHeap = buildHeap(false);
}

function newLoop(): void {
  const h = heap;
  for (let i = 0; i < BATCH; i++) h.new(pick[i]! & WS, FIELDS);
}

function newGrowingLoop(): void {
  const h = growingHeap;
  for (let i = 0; i < BATCH; i++) h.new(pick[i]! & WS, FIELDS);
}

function putLoop(): void {
  const h = heap;
  for (let i = 0; i < BATCH; i++) {
    const p = pick[i]!;
    h.put(p & WS, i & (FIELDS - 1), (p >>> 12) & WS);
  }
}

function getLoop(): void {
  const h = heap;
  for (let i = 0; i < BATCH; i++) h.get(SCRATCH, pick[i]! & WS, i & (FIELDS - 1));
}

function setLoop(): void {
  const h = heap;
  for (let i = 0; i < BATCH; i++) {
    const p = pick[i]!;
    h.set(p & WS, (p >>> 12) & WS);
  }
}

/**
 * One `new`, `put`, `get` and `set` in turn: the new object is stored into a working-set member's
 * field, so loads see new objects too; every register and field stays non-null.
 */
function mixedLoop(): void {
  const h = heap;
  for (let i = 0; i < BATCH; i += 4) {
    const p = pick[i]!;
    const q = pick[i + 1]!;
    h.new(FRESH, FIELDS);
    h.put(p & WS, i & (FIELDS - 1), FRESH);
    h.get(SCRATCH, q & WS, (i >>> 2) & (FIELDS - 1));
    h.set((p >>> 12) & WS, (q >>> 12) & WS);
  }
}

const bench = new Bench({ name: 'heap API under no-gc', time: 1000, warmupTime: 300 });
const hooks = { beforeEach: refresh };
bench.add('new', newLoop, hooks);
bench.add('put', putLoop, hooks);
bench.add('get', getLoop, hooks);
bench.add('set', setLoop, hooks);
bench.add('mixed new/put/get/set', mixedLoop, hooks);
bench.add('new, memory grown on demand', newGrowingLoop, { beforeEach: refreshGrowing });
await bench.run();

const rows: Array<Record<string, string>> = [];
for (const task of bench.tasks) {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`task ${task.name} did not complete`, { cause: result });
  const opsPerSecond = (BATCH * 1000) / result.latency.mean;
  rows.push({
    task: task.name,
    'Mops/s': (opsPerSecond / 1e6).toFixed(1),
    'ns/op': ((result.latency.mean * 1e6) / BATCH).toFixed(1),
    '±%': result.latency.rme.toFixed(1),
    iterations: String(result.latency.samplesCount),
  });
}
console.log(`${bench.name}: ${WORKING_SET} objects x ${FIELDS} fields, ${BATCH} ops per iteration`);
console.table(rows);
