/**
 * A reference-counting cascade freeing a whole binary tree, beside an anchor doing the same (CPython
 * deleting the same tree: packages/experiments/scripts/tree_del.py through `LineProcess`).
 *
 * Each round builds the tree in a fresh heap (untimed), then times `del r0`, which drops the only
 * reference to the root: an immediate reference counter frees all `nodes` objects in that one
 * operation (checked: a collector that frees fewer is refused). Rounds alternate with the anchor's,
 * the order flipping every round.
 */

import { type CollectorDescriptor, type CollectorOptions, Heap } from '@gclab/core';
import { buildTree } from '@gclab/verify';

/** Options of `measureCascade`. */
export interface CascadeOptions {
  /** The collector (frees at count zero). */
  descriptor: CollectorDescriptor;
  /** Options for its `create`. */
  collectorOptions?: CollectorOptions;
  /** Objects in the tree. */
  nodes: number;
  /** Timed rounds (after one untimed warm-up round). */
  runs: number;
  /** One run of the anchor: builds the same tree and returns the milliseconds its deletion took. */
  anchor: (nodes: number) => Promise<number>;
  /** Progress messages. */
  log?: (message: string) => void;
}

/** Runs in milliseconds, index = round. */
export interface CascadeResult {
  /** Objects in the tree. */
  nodes: number;
  /** Wall time of gclab's `del r0`. */
  gclabMs: number[];
  /** The anchor's deletion. */
  anchorMs: number[];
}

/** Measures the cascade beside the anchor (see the file comment). */
export async function measureCascade(options: CascadeOptions): Promise<CascadeResult> {
  const { descriptor, nodes, runs, anchor } = options;
  const log = options.log ?? (() => {});
  const heapOptions =
    options.collectorOptions === undefined ? {} : { collectorOptions: options.collectorOptions };
  const out: CascadeResult = { nodes, gclabMs: [], anchorMs: [] };
  for (let r = -1; r < runs; r++) {
    const timed = r >= 0;
    for (const side of r % 2 === 0 ? [0, 1] : [1, 0]) {
      if (side === 0) {
        const ms = await anchor(nodes);
        if (timed) out.anchorMs.push(ms);
      } else {
        const heap = new Heap(descriptor, heapOptions);
        buildTree(heap, nodes);
        const t = performance.now();
        heap.del(0);
        const ms = performance.now() - t;
        const left = heap.counters.objectsAllocated - heap.counters.objectsFreed;
        if (left !== 0) throw new Error(`del r0 left ${left} of ${nodes} objects allocated: no cascade`);
        if (timed) out.gclabMs.push(ms);
      }
    }
    log(`cascade: round ${r + 1}/${runs} done`);
  }
  return out;
}
