/**
 * `big-del`: build a large structure and drop its last reference (`x = [(s,) for ...]; del x`).
 *
 * What it stresses: the pause of freeing a big structure at once. Under reference counting the
 * `del` starts a cascade that frees every element before the next operation (a pause proportional
 * to the structure, the claim that "reference counting has no pauses" gets tested here); a tracing
 * collector pays at its next collection instead (an explicit `gc` follows), an incremental one
 * spreads the work.
 *
 * Each round builds a list (one object of `elements` references, the global `x`) whose element i
 * is a one-field tuple referring to a 16-byte string, then `del x` and `gc`. Objects per round:
 * 2 * elements + 1. Sizes: 100,000 / 1,000,000 / 4,000,000 elements, 2 rounds. The seed is not
 * used. The result is the number of elements built.
 */
import type { Heap } from '@gclab/core';
import { bySize, type Workload, type WorkloadParams, type WorkloadSize } from './workload.ts';

/** Shape of a `big-del` run. */
export interface BigDelShape {
  /** Elements of the list. */
  readonly elements: number;
  /** Build-drop-collect rounds. */
  readonly rounds: number;
}

/** Shapes by size. */
export const BIG_DEL_SHAPES: Readonly<Record<WorkloadSize, BigDelShape>> = {
  small: { elements: 100_000, rounds: 2 },
  medium: { elements: 1_000_000, rounds: 2 },
  large: { elements: 4_000_000, rounds: 2 },
};

/** Payload bytes of each element's string. */
export const BIG_DEL_STRING_BYTES = 16;

const TUPLE = 0;
const STRING = 1;

/** Runs `big-del` with `shape`; returns the number of elements built. */
export function runBigDel(heap: Heap, shape: BigDelShape): number {
  const x = heap.global('x');
  for (let round = 0; round < shape.rounds; round++) {
    heap.new(x, shape.elements, 0);
    for (let i = 0; i < shape.elements; i++) {
      heap.new(TUPLE, 1, 0);
      heap.new(STRING, 0, BIG_DEL_STRING_BYTES);
      heap.put(TUPLE, 0, STRING);
      heap.put(x, i, TUPLE);
    }
    heap.del(TUPLE);
    heap.del(STRING);
    heap.del(x);
    heap.gc();
  }
  return shape.elements * shape.rounds;
}

/** The `big-del` workload. */
export const bigDel: Workload = {
  name: 'big-del',
  summary: 'a million-element structure built then dropped by one del: the cascade pause',
  seeded: false,
  run(heap: Heap, params: WorkloadParams): number {
    return runBigDel(heap, bySize(params.size, BIG_DEL_SHAPES));
  },
};
