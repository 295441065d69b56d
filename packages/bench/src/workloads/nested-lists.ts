/**
 * `nested-lists`: a deep, densely linked live structure traced again and again, after
 * pyperformance's `gc_traversal` benchmark.
 *
 * What it stresses: the cost of tracing live data when there is no garbage at all. It builds
 * `create_recursive_containers(levels)`: starting from an empty list, for k = 0 .. levels - 1,
 * `new_list = [current_list] * k; current_list = new_list`, so the lists form a chain in which list k
 * refers to its predecessor k times (levels + 1 objects, levels * (levels - 1) / 2 references; list 0
 * is empty, so the initial list is garbage at once, as in the Python original). The result is kept in the
 * global `all_cycles` and `gc` is called `collections` times. A tracing collector traces every
 * reference on every collection; reference counting never needs to.
 *
 * Sizes: levels = 1,000 / 2,000 / 4,000 with 20 / 40 / 50 collections. The seed is not used. The
 * result is the number of references stored.
 */
import type { Heap } from '@gclab/core';
import { bySize, NO_ARGS, type Workload, type WorkloadParams, type WorkloadSize } from './workload.ts';

/** Shape of a `nested-lists` run. */
export interface NestedListsShape {
  /** Lists built after the initial empty one. */
  readonly levels: number;
  /** Explicit collections of the finished structure. */
  readonly collections: number;
}

/** Shapes by size. */
export const NESTED_LISTS_SHAPES: Readonly<Record<WorkloadSize, NestedListsShape>> = {
  small: { levels: 1000, collections: 20 },
  medium: { levels: 2000, collections: 40 },
  large: { levels: 4000, collections: 50 },
};

// create_recursive_containers' frame: r0 = current_list, r1 = new_list.
const CURRENT = 0;
const NEW = 1;

/** Runs `nested-lists` with `shape`; returns the number of references stored. */
export function runNestedLists(heap: Heap, shape: NestedListsShape): number {
  const all = heap.global('all_cycles');
  let stores = 0;
  heap.call(2, NO_ARGS);
  heap.new(CURRENT, 0, 0);
  for (let n = 0; n < shape.levels; n++) {
    heap.new(NEW, n, 0);
    for (let i = 0; i < n; i++) heap.put(NEW, i, CURRENT);
    heap.set(CURRENT, NEW);
    stores += n;
  }
  heap.set(all, CURRENT);
  heap.ret();
  for (let i = 0; i < shape.collections; i++) heap.gc();
  return stores;
}

/** The `nested-lists` workload. */
export const nestedLists: Workload = {
  name: 'nested-lists',
  summary: 'pyperformance gc_traversal: a deep nested live structure, no garbage, repeated collections',
  seeded: false,
  run(heap: Heap, params: WorkloadParams): number {
    return runNestedLists(heap, bySize(params.size, NESTED_LISTS_SHAPES));
  },
};
