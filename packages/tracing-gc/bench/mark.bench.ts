/**
 * Mark rate, sweep rate and compaction rate of the marking collectors on a live binary tree of
 * 2^LEVELS - 1 objects (4 194 303 by default: two reference fields, no payload, 16 or 24 bytes)
 * built through the heap API depth first, so it lies in memory in allocation order.
 *
 * Rows (each timed iteration is one whole pass over the tree):
 * - "bare mark loop": the lower bound: mark-sweep's marking algorithm bare (Int32Array stack, side
 *   mark bitmap, mark on pop, field 0 followed directly), no collector;
 * - "MarkBitmap (mark-sweep)": the real marking loop of mark-sweep (`MarkBitmap.markFromRoots`:
 *   side mark bitmap, mark on pop); the tree is swept (unmarked) between iterations, outside the timing;
 * - "sweep, all live (mark-sweep)": `SegregatedFreeListSpace.sweepBitmap` over the marked tree
 *   (allocation and mark bitmap words compared, no live block read) plus clearing the bitmap; the
 *   tree is marked again between iterations;
 * - "full gc (mark-sweep)": `heap.gc()`: mark + sweep;
 * - "incremental marking, budget 1000": the incremental collector's mark steps until marking is
 *   complete (each step a pause record), then its lazy sweep finished outside the timing;
 * - "full gc (mark-compact)": mark, forwarding, update and slide passes over the live tree (nothing
 *   moves: it is already dense).
 * Two one-shot figures follow (they destroy their heap): sweeping a heap of pure garbage, and a
 * mark-compact collection that slides the right half of the tree down over its dead left half.
 *
 * Run: `npm run bench -w @gclab/tracing-gc` or
 * `npx tsx --conditions=@gclab/source packages/tracing-gc/bench/mark.bench.ts` (LEVELS=18 for a quick run).
 */
import { Heap, NULL_ROOT } from '@gclab/core';
import { buildTree } from '@gclab/verify';
import { Bench } from 'tinybench';
import {
  Incremental,
  IncrementalState,
  incremental,
  type MarkCompact,
  type MarkSweep,
  markCompact,
  markFromStack,
  markSweep,
} from '../src/index.ts';

const LEVELS = Number(process.env.LEVELS ?? 22);
const NODES = 2 ** LEVELS - 1;
/** Never collect while building (the growth trigger's floor). */
const QUIET = { minHeapBytes: 2 ** 40 };

interface Row {
  task: string;
  'ms/pass': string;
  rate: string;
  '±%': string;
  passes: number;
}
const rows: Row[] = [];

function build(heap: Heap): number {
  const t = performance.now();
  buildTree(heap, NODES);
  heap.set(heap.global('tree'), 0);
  heap.del(0);
  return performance.now() - t;
}

async function runBench(bench: Bench, unit: (ms: number) => string): Promise<void> {
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed')
      throw new Error(`task ${task.name} did not complete`, { cause: result });
    rows.push({
      task: task.name,
      'ms/pass': result.latency.mean.toFixed(1),
      rate: unit(result.latency.mean),
      '±%': result.latency.rme.toFixed(1),
      passes: result.latency.samplesCount,
    });
  }
}

const objectsPerSecond = (ms: number) => `${(((NODES / ms) * 1e3) / 1e6).toFixed(1)} M objects/s`;
const bytesPerSecond = (bytes: number) => (ms: number) =>
  `${(((bytes / ms) * 1e3) / 2 ** 20).toFixed(0)} MiB/s (${objectsPerSecond(ms)})`;
const options = { time: 3000, warmupTime: 500, iterations: 5, warmupIterations: 2 };

// ---- mark-sweep heap: bare loop, Marker, sweep, full gc --------------------------------------
{
  const heap = new Heap(markSweep, { collectorOptions: QUIET });
  const buildMs = build(heap);
  console.log(`built ${NODES} objects in ${buildMs.toFixed(0)} ms (${heap.counters.bytesAllocated} bytes)`);
  const ms = heap.collector as MarkSweep;
  const treeBytes = ms.space.liveBytes;

  // The lower bound: mark-sweep's marking algorithm (side mark bitmap, mark on pop, field 0 followed
  // directly) with nothing else: `markFromStack` called bare from one root, the limit of perf figure 4.
  const words = heap.memory.words;
  const marks = new Int32Array(Math.ceil(words.length / 64));
  const stack = new Int32Array(1 << 16);
  const root = heap.peekRoot(heap.global('tree'));
  const fieldIndex = heap.model.fieldOffset >> 2;
  const noGrow = (): Int32Array => {
    throw new Error('the bare mark loop outgrew its stack');
  };
  let bareMarked = 0;
  const bare = () => {
    stack[0] = root;
    bareMarked = markFromStack(words, fieldIndex, marks, stack, 1, noGrow);
  };

  // tinybench calls a task once outside its hooks when it is added, so each function first puts the
  // tree in the state it expects (`marked` says which state it is in).
  let marked = false;
  const mark = () => {
    if (marked) sweep();
    ms.marks.markFromRoots();
    marked = true;
  };
  const sweep = () => {
    if (!marked) mark();
    ms.space.sweepBitmap(heap, ms.marks.bits);
    ms.marks.clear();
    marked = false;
  };

  const bench = new Bench({ name: 'mark-sweep', ...options });
  const clearMarks = (): void => {
    marks.fill(0);
  };
  bench.add('bare mark loop (side bitmap, mark on pop)', bare, { beforeEach: clearMarks });
  bench.add('MarkBitmap (mark-sweep): side mark bitmap, mark on pop', mark, { afterEach: sweep });
  await runBench(bench, objectsPerSecond);
  if (bareMarked !== NODES) throw new Error(`bare loop marked ${bareMarked} of ${NODES}`);

  const sweepBench = new Bench({ name: 'mark-sweep sweep', ...options });
  sweepBench.add('sweep, all live (mark-sweep)', sweep, { beforeEach: mark });
  await runBench(sweepBench, bytesPerSecond(treeBytes));
  const gcBench = new Bench({ name: 'mark-sweep gc', ...options });
  gcBench.add('full gc (mark-sweep): mark + sweep', () => heap.gc());
  await runBench(gcBench, objectsPerSecond);
  const kept = heap.oracle.traverse().reachableObjects;
  if (kept !== NODES) throw new Error(`the tree was not kept: ${kept} reachable`);

  // One shot: sweep a heap whose every object is garbage.
  heap.del(heap.global('tree'));
  const t = performance.now();
  const result = ms.space.sweepBitmap(heap, ms.marks.bits);
  const sweptMs = performance.now() - t;
  if (result.objectsFreed !== NODES) throw new Error(`freed ${result.objectsFreed} of ${NODES}`);
  rows.push({
    task: 'sweep, all garbage (one shot)',
    'ms/pass': sweptMs.toFixed(1),
    rate: bytesPerSecond(result.bytesSwept)(sweptMs),
    '±%': '-',
    passes: 1,
  });
}

// ---- incremental: bounded mark steps over the same tree --------------------------------------
{
  const heap = new Heap(incremental, { collectorOptions: { ...QUIET, budget: 1000 } });
  build(heap);
  const inc = heap.collector as Incremental;
  let steps = 0;
  const markIncrementally = () => {
    inc.startCycle();
    while (inc.state === IncrementalState.marking) {
      inc.step(1000);
      steps++;
    }
  };
  const finishSweep = () => {
    while (inc.step(1000)) {}
  };
  const bench = new Bench({ name: 'incremental', ...options });
  bench.add('incremental marking, budget 1000 per step', markIncrementally, { afterEach: finishSweep });
  await runBench(bench, objectsPerSecond);
  const pauses = heap.telemetry.pauses;
  let markSteps = 0;
  let maxStepWork = 0;
  let maxStepNanos = 0;
  for (let i = 0; i < pauses.length; i++) {
    const p = pauses.get(i);
    if (p.kind !== 'mark-step') continue;
    markSteps++;
    maxStepWork = Math.max(maxStepWork, p.work);
    maxStepNanos = Math.max(maxStepNanos, p.nanos);
  }
  console.log(
    `incremental: ${markSteps} mark steps over ${steps} calls, max work ${maxStepWork} units, ` +
      `max step ${(maxStepNanos / 1e6).toFixed(3)} ms`,
  );
  if (!(inc instanceof Incremental)) throw new Error('not incremental');
}

// ---- mark-compact: full gc over the dense tree, then one slide of half the tree --------------
{
  const heap = new Heap(markCompact);
  build(heap);
  const mc = heap.collector as MarkCompact;
  const used = mc.space.usedBytes;
  const bench = new Bench({ name: 'mark-compact', ...options });
  bench.add('full gc (mark-compact): mark + 3 passes, nothing moves', () => heap.gc());
  await runBench(bench, bytesPerSecond(used));
  // Cut the left subtree (allocated first, depth first): the right half slides down over it.
  const tree = heap.global('tree');
  heap.put(tree, 0, NULL_ROOT);
  const movedBefore = heap.counters.objectsMoved;
  const t = performance.now();
  heap.gc();
  const ms = performance.now() - t;
  const moved = heap.counters.objectsMoved - movedBefore;
  rows.push({
    task: `mark-compact gc sliding ${moved} objects over ${(NODES - 1) / 2} dead (one shot)`,
    'ms/pass': ms.toFixed(1),
    rate: `${(((used / ms) * 1e3) / 2 ** 20).toFixed(0)} MiB/s walked`,
    '±%': '-',
    passes: 1,
  });
}

console.log(`mark/sweep/compact over a binary tree of ${NODES} objects (${LEVELS} levels), allocation order`);
console.table(rows);
