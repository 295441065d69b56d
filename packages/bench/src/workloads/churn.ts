/**
 * `churn`: short-lived temporaries with a tunable survival rate (the weak generational hypothesis as
 * a dial).
 *
 * What it stresses: the nursery. Each step calls a function whose frame builds a little chain of
 * `temps` objects (temp j refers to temp j - 1; at step i temp j has a payload of
 * CHURN_PAYLOADS[(i + j) mod 5] bytes: 0, 8, 16, 24 or 40);
 * with probability `survival` the first temp (a leaf) is stored into a random slot of a long-lived
 * pool (the global `pool`, one object of `poolSize` references), replacing, and so killing, the
 * survivor that was there: old-to-young stores and garbage in the old generation. The rest dies when
 * the call returns. At survival 0 everything but the pool dies young; at 1 one object per step lives
 * until replaced.
 *
 * Option: `survival` (default 0.05), e.g. `churn:survival=0.3`. Sizes: 100,000 / 1,000,000 /
 * 5,000,000 steps of 4 temps, pools of 1,000 / 10,000 / 100,000 slots. The seed picks survivors and
 * slots. The result is the number of stores into the pool.
 */
import type { Heap } from '@gclab/core';
import { Prng } from './prng.ts';
import {
  bySize,
  NO_ARGS,
  numberOption,
  type Workload,
  type WorkloadParams,
  type WorkloadSize,
} from './workload.ts';

/** Shape of a `churn` run. */
export interface ChurnShape {
  /** Steps (calls). */
  readonly steps: number;
  /** Temporaries allocated per step. */
  readonly temps: number;
  /** Slots of the long-lived pool. */
  readonly poolSize: number;
  /** Probability that a step's first temporary survives into the pool. */
  readonly survival: number;
}

/** Shapes by size (survival at its default). */
export const CHURN_SHAPES: Readonly<Record<WorkloadSize, ChurnShape>> = {
  small: { steps: 100_000, temps: 4, poolSize: 1000, survival: 0.05 },
  medium: { steps: 1_000_000, temps: 4, poolSize: 10_000, survival: 0.05 },
  large: { steps: 5_000_000, temps: 4, poolSize: 100_000, survival: 0.05 },
};

/** Payload bytes of temporary j cycle through these. */
export const CHURN_PAYLOADS: readonly number[] = [0, 8, 16, 24, 40];

/** Runs `churn` with `shape`; returns the number of pool stores. */
export function runChurn(heap: Heap, shape: ChurnShape, seed: number): number {
  if (!(shape.survival >= 0 && shape.survival <= 1)) {
    throw new RangeError(`churn: survival must be from 0 to 1, got ${shape.survival}`);
  }
  if (!(Number.isInteger(shape.temps) && shape.temps >= 1)) {
    throw new RangeError(`churn: temps must be a positive integer, got ${shape.temps}`);
  }
  const prng = new Prng(seed);
  const pool = heap.global('pool');
  heap.new(pool, shape.poolSize, 0);
  const payloads = Int32Array.from(CHURN_PAYLOADS);
  const np = payloads.length;
  const temps = shape.temps;
  let stores = 0;
  for (let step = 0; step < shape.steps; step++) {
    heap.call(temps, NO_ARGS);
    heap.new(0, 1, payloads[step % np]!);
    for (let j = 1; j < temps; j++) {
      heap.new(j, 1, payloads[(step + j) % np]!);
      heap.put(j, 0, j - 1);
    }
    if (prng.chance(shape.survival)) {
      heap.put(pool, prng.int(shape.poolSize), 0);
      stores++;
    }
    heap.ret();
  }
  return stores;
}

/** The `churn` workload. */
export const churn: Workload = {
  name: 'churn',
  summary: 'short-lived temporaries with a tunable survival rate into a long-lived pool (option survival)',
  seeded: true,
  run(heap: Heap, params: WorkloadParams): number {
    const base = bySize(params.size, CHURN_SHAPES);
    const shape = { ...base, survival: numberOption(params.options, 'survival', base.survival) };
    return runChurn(heap, shape, params.seed);
  },
};
