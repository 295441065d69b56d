/**
 * Full collection of a live binary tree, beside V8's own full collection of the same tree as plain
 * JavaScript objects and beside the bare typed-array mark loop over the simulated tree: @gclab/tracing-gc's
 * `markFromStack`, the loop `MarkBitmap` itself runs, called from one root with no root scan, no
 * telemetry and a stack large enough never to grow.
 *
 * For each size: the tree is built in a fresh heap of the collector and as JavaScript objects (so
 * V8's heap holds that one tree); then each round times, alternately (the order flips every round,
 * so drift cancels), `v8Gc()`, `heap.gc()` (whose mark phase is read from the pause log) and
 * the bare loop (the collector's marking loop alone: a side mark bitmap, mark on pop; the
 * bitmap is allocated once per size, outside the timing, and cleared after each run). The process must run with `--expose-gc` and hold nothing else of size. After every timed
 * step the loop waits `settleMs` (default 200 ms): V8 finishes a collection's sweeping on background
 * threads after `gc()` returns, and on a small machine those threads would otherwise run during the
 * next timed step.
 *
 * Scaling: the smallest size's heap is kept, and during the largest size's rounds it is collected
 * too, so mark time per object at the largest size is paired run by run with the smallest.
 */

import { type CollectorDescriptor, type CollectorOptions, Heap } from '@gclab/core';
import { markFromStack } from '@gclab/tracing-gc';
import { buildTree } from '@gclab/verify';
import { buildJsTree, type JsTreeNode } from './js-tree.ts';

/** Options of `measureFullCollection`. */
export interface FullCollectionOptions {
  /** The collector (a non-moving, stop-the-world tracing collector). */
  descriptor: CollectorDescriptor;
  /** Options for its `create`. */
  collectorOptions?: CollectorOptions;
  /** Tree sizes in objects, ascending. */
  sizes: readonly number[];
  /** Timed rounds per size (after one untimed warm-up round). */
  runs: number;
  /** The pause kind of the collector's mark phase (e.g. 'mark'). */
  markPauseKind: string;
  /** V8's full collection: `globalThis.gc` under `node --expose-gc`. */
  v8Gc: () => void;
  /** Milliseconds to wait after each timed step (default 200; see the file comment). */
  settleMs?: number;
  /** Progress messages. */
  log?: (message: string) => void;
}

/** Runs at one tree size, in milliseconds, index = round. */
export interface FullCollectionSize {
  /** Objects in the tree. */
  nodes: number;
  /** Wall time of `heap.gc()`. */
  gclabMs: number[];
  /** The mark phase of those collections (pause log). */
  markMs: number[];
  /** Wall time of V8's `gc()` with the JavaScript tree live. */
  v8Ms: number[];
  /** The bare mark loop over the simulated tree. */
  bareMs: number[];
}

/** What `measureFullCollection` measured. */
export interface FullCollectionResult {
  /** One entry per size. */
  sizes: FullCollectionSize[];
  /** Mark time of the smallest size's heap, collected in the largest size's rounds. */
  scalingBase: { nodes: number; markMs: number[] } | null;
}

/** Measures full collections and mark loops at every size (see the file comment). */
export async function measureFullCollection(options: FullCollectionOptions): Promise<FullCollectionResult> {
  const { descriptor, sizes, runs, v8Gc } = options;
  const settleMs = options.settleMs ?? 200;
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, settleMs));
  const log = options.log ?? (() => {});
  const heapOptions =
    options.collectorOptions === undefined ? {} : { collectorOptions: options.collectorOptions };
  const out: FullCollectionSize[] = [];
  let base: { heap: Heap; nodes: number } | null = null;
  let scalingBase: { nodes: number; markMs: number[] } | null = null;
  for (let s = 0; s < sizes.length; s++) {
    const nodes = sizes[s]!;
    const last = s === sizes.length - 1 && s > 0;
    log(`full collection: building ${nodes} objects`);
    const heap = new Heap(descriptor, heapOptions);
    buildTree(heap, nodes);
    let js: JsTreeNode | null = buildJsTree(nodes);
    v8Gc();
    await settle();
    const stack = new Int32Array(nodes + 1);
    let marks = new Int32Array(Math.ceil(heap.memory.words.length / 64));
    const markKind = heap.telemetry.pauses.kindId(options.markPauseKind);
    const row: FullCollectionSize = { nodes, gclabMs: [], markMs: [], v8Ms: [], bareMs: [] };
    const baseMarks: number[] = [];
    for (let r = -1; r < runs; r++) {
      const timed = r >= 0;
      const steps = r % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
      for (const step of steps) {
        if (step === 0) {
          const t = performance.now();
          v8Gc();
          const ms = performance.now() - t;
          if (timed) row.v8Ms.push(ms);
        } else if (step === 1) {
          const { ms, markMs } = timeCollection(heap, markKind, nodes);
          if (timed) {
            row.gclabMs.push(ms);
            row.markMs.push(markMs);
          }
        } else if (step === 2) {
          const words = heap.memory.words;
          const root = heap.peekRoot(0);
          const fieldIndex = heap.model.fieldOffset >> 2;
          if (marks.length < Math.ceil(words.length / 64))
            marks = new Int32Array(Math.ceil(words.length / 64));
          const t = performance.now();
          stack[0] = root;
          const marked = markFromStack(words, fieldIndex, marks, stack, 1, outgrown);
          const ms = performance.now() - t;
          marks.fill(0);
          if (marked !== nodes) throw new Error(`the bare mark loop marked ${marked} of ${nodes} objects`);
          if (timed) row.bareMs.push(ms);
        } else if (last && base !== null) {
          const { markMs } = timeCollection(base.heap, markKind, base.nodes);
          if (timed) baseMarks.push(markMs);
        } else {
          continue;
        }
        await settle();
      }
    }
    if (js.left === null && nodes > 1) throw new Error('the JavaScript tree lost its left subtree');
    js = null;
    out.push(row);
    log(`full collection: ${nodes} objects done`);
    if (s === 0) base = { heap, nodes };
    if (last && base !== null) scalingBase = { nodes: base.nodes, markMs: baseMarks };
  }
  return { sizes: out, scalingBase };
}

/** The bare loop's stack holds the whole tree: it never grows. */
function outgrown(): Int32Array {
  throw new Error('the bare mark loop outgrew its stack (sized for the whole tree)');
}

/** One timed `heap.gc()`; checks the whole tree survived and reads the mark pause. */
function timeCollection(heap: Heap, markKind: number, nodes: number): { ms: number; markMs: number } {
  const pauses = heap.telemetry.pauses;
  const before = pauses.length;
  const t = performance.now();
  const freed = heap.gc();
  const ms = performance.now() - t;
  if (freed !== 0) throw new Error(`a collection of a live tree freed ${freed} objects`);
  let markNs = 0;
  let found = false;
  for (let i = before; i < pauses.length; i++) {
    const p = pauses.get(i);
    if (pauses.kindId(p.kind) === markKind) {
      markNs += p.nanos;
      found = true;
    }
  }
  if (!found) throw new Error('the collection recorded no mark pause (wrong markPauseKind?)');
  const unfreed = heap.counters.objectsAllocated - heap.counters.objectsFreed;
  if (unfreed !== nodes) throw new Error(`${unfreed} objects are allocated, the tree has ${nodes}`);
  return { ms, markMs: markNs / 1e6 };
}
