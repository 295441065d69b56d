/**
 * Host memory per simulated object: what this Node process holds (V8 heap in use plus array buffers,
 * `process.memoryUsage()`) after building a binary tree of `nodes` two-field objects in a heap of
 * the collector, divided by `nodes`. Run it in a fresh process started with `--expose-gc`, so the
 * figure holds nothing but the heap and what the process needs anyway; both the total and the growth
 * over the process before the build are reported.
 */

import { type CollectorDescriptor, type CollectorOptions, Heap } from '@gclab/core';
import { buildTree } from '@gclab/verify';

/** Options of `measureHostMemory`. */
export interface HostMemoryOptions {
  /** The collector. */
  descriptor: CollectorDescriptor;
  /** Options for its `create`. */
  collectorOptions?: CollectorOptions;
  /** Objects to build (a binary tree: two reference fields each). */
  nodes: number;
  /** V8's full collection (`globalThis.gc` under `--expose-gc`), run before each reading. */
  v8Gc: () => void;
}

/** What `measureHostMemory` measured, in bytes. */
export interface HostMemoryResult {
  /** Objects built. */
  nodes: number;
  /** Simulated bytes of those objects (the heap's allocated bytes). */
  simulatedBytes: number;
  /** V8 heap used plus array buffers before the build. */
  bytesBefore: number;
  /** The same after the build (the heap still live). */
  bytesAfter: number;
  /** `bytesAfter / nodes`. */
  perObject: number;
  /** `(bytesAfter - bytesBefore) / nodes`. */
  perObjectGrowth: number;
}

/** V8 heap in use plus array buffers, after a full collection. */
export function hostBytes(v8Gc: () => void): number {
  v8Gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Builds the tree and reads the process's memory (see the file comment). */
export function measureHostMemory(options: HostMemoryOptions): HostMemoryResult {
  const { descriptor, nodes, v8Gc } = options;
  const heapOptions =
    options.collectorOptions === undefined ? {} : { collectorOptions: options.collectorOptions };
  const bytesBefore = hostBytes(v8Gc);
  const heap = new Heap(descriptor, heapOptions);
  buildTree(heap, nodes);
  const bytesAfter = hostBytes(v8Gc);
  const simulatedBytes = heap.counters.bytesAllocated - heap.counters.bytesFreed;
  if (heap.peekRoot(0) === 0) throw new Error('the tree was lost before the reading');
  return {
    nodes,
    simulatedBytes,
    bytesBefore,
    bytesAfter,
    perObject: bytesAfter / nodes,
    perObjectGrowth: (bytesAfter - bytesBefore) / nodes,
  };
}
