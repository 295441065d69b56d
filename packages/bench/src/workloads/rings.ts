/**
 * `rings`: cyclic garbage, after pyperformance's `gc_collect` benchmark.
 *
 * What it stresses: reclamation of cycles. Each round builds `cycles` rings of doubly linked nodes
 * (`create_cycle`: a node, then `links` more, each linked `prev`/`next`, the last closed back onto the
 * first) kept in one list held by the global `all_cycles`; then `del all_cycles` and an explicit
 * `gc`. Every ring becomes cyclic garbage at once: plain reference counting frees the list but leaks
 * every ring; a cycle collector or a tracing collector reclaims them.
 *
 * A Node has two references (prev, next) and no payload; the list is one object with `cycles`
 * references. Sizes: small = 5 rounds of 1,000 rings of 21 nodes; medium = 10 x 10,000 x 21;
 * large = 10 x 10,000 x 101. The seed is not used. The result is the number of nodes built.
 */
import { type Heap, ObjectKind } from '@gclab/core';
import { bySize, type Workload, type WorkloadParams, type WorkloadSize } from './workload.ts';

/** Shape of a `rings` run. */
export interface RingsShape {
  /** Rounds of build-drop-collect. */
  readonly rounds: number;
  /** Rings per round. */
  readonly cycles: number;
  /** Links added after each ring's first node (a ring has links + 1 nodes). */
  readonly links: number;
}

/** Shapes by size. */
export const RINGS_SHAPES: Readonly<Record<WorkloadSize, RingsShape>> = {
  small: { rounds: 5, cycles: 1000, links: 20 },
  medium: { rounds: 10, cycles: 10_000, links: 20 },
  large: { rounds: 10, cycles: 10_000, links: 100 },
};

const PREV = 0;
const NEXT = 1;
// create_cycle's frame: r0 = node (the argument), r1 = current, r2 = next_node.
const NODE = 0;
const CURRENT = 1;
const NEXT_NODE = 2;
const ARG_R0 = Int32Array.of(0);

/**
 * `create_gc_cycles(cycles, links)` of pyperformance's gc_collect: a list of `cycles` references held
 * in root `list`, each the first node of a ring of `links + 1` nodes (`create_cycle`, called with
 * register 0 as its `node`). Nodes are of `kind` (`ObjectKind.default` for `rings`; instances for
 * the pyperformance workload). Returns the number of nodes built.
 */
export function buildRings(
  heap: Heap,
  list: number,
  cycles: number,
  links: number,
  listKind: ObjectKind = ObjectKind.default,
  nodeKind: ObjectKind = ObjectKind.default,
): number {
  heap.new(list, cycles, 0, listKind);
  for (let c = 0; c < cycles; c++) {
    heap.new(0, 2, 0, nodeKind);
    // create_cycle(node, links)
    heap.call(3, ARG_R0);
    heap.set(CURRENT, NODE);
    for (let i = 0; i < links; i++) {
      heap.new(NEXT_NODE, 2, 0, nodeKind);
      heap.put(CURRENT, NEXT, NEXT_NODE);
      heap.put(NEXT_NODE, PREV, CURRENT);
      heap.set(CURRENT, NEXT_NODE);
    }
    heap.put(CURRENT, NEXT, NODE);
    heap.put(NODE, PREV, CURRENT);
    heap.ret();
    heap.put(list, c, 0);
  }
  heap.del(0);
  return cycles * (links + 1);
}

/** Runs `rings` with `shape`; returns the number of nodes built. */
export function runRings(heap: Heap, shape: RingsShape): number {
  const all = heap.global('all_cycles');
  let nodes = 0;
  for (let round = 0; round < shape.rounds; round++) {
    nodes += buildRings(heap, all, shape.cycles, shape.links);
    heap.del(all);
    heap.gc();
  }
  return nodes;
}

/** The `rings` workload. */
export const rings: Workload = {
  name: 'rings',
  summary: 'pyperformance gc_collect: rings of doubly linked nodes dropped as cyclic garbage, then gc',
  seeded: false,
  run(heap: Heap, params: WorkloadParams): number {
    return runRings(heap, bySize(params.size, RINGS_SHAPES));
  },
};
