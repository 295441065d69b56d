/**
 * `cpython-mix`: a CPython-like operation mix as a workload of `gclab run`, for comparing collectors.
 * It is NOT the differential mix of @gclab/experiments (the program that the real CPython 3.11 runs
 * too, collection for collection): it was modelled on the kinds of steps of that mix but is a program
 * of its own (its own PRNG, weights, ring and chain lengths, temporaries made by calls), and no real
 * interpreter runs it. Its name stays because results files record it.
 *
 * What it stresses: everything a CPython-like collector meets at once, on objects with one reference
 * field (the test's `__slots__` instances, all containers): objects kept in roots, cycles kept and
 * dropped, two-object cyclic garbage, self-cycles, temporaries freed at return, drops, chains and
 * links between roots. Under `cpython` it fires generation-0 collections every 701 net container
 * allocations; under plain reference counting the cyclic garbage leaks.
 *
 * The roots are registers r0 .. r63 of the outermost frame; r64 .. r66 are scratch. Each step draws
 * one operation with these weights (out of 100) and its roots uniformly:
 * - keep (20): `new rK 1`.
 * - cycle kept (5) / cycle dropped (5): a ring of m = 2 .. 8 objects, kept in rK or dropped.
 * - pair garbage (10): two objects referring to each other, dropped.
 * - self-cycle (5): an object referring to itself, dropped.
 * - temporary (20): a call allocating one object, freed when it returns.
 * - drop (15): `del rK`.
 * - chain (10): a chain of m = 1 .. 8 objects kept in rK.
 * - link (10): `put rA 0 rB` when rA is not null (rB may be null).
 * Expected allocations per step: 1.6. Option `longLived=N` first allocates N objects kept alive in a
 * chain from the global `long_lived` (the test's second run, which exercises CPython's long-lived
 * rule). Sizes: 200,000 / 1,000,000 / 5,000,000 steps. The result is the number of objects allocated.
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

/** Steps by size. */
export const CPYTHON_MIX_STEPS: Readonly<Record<WorkloadSize, number>> = {
  small: 200_000,
  medium: 1_000_000,
  large: 5_000_000,
};

/** Number of root registers the mix uses. */
export const CPYTHON_MIX_ROOTS = 64;

/** Weights of the mix's operations (they sum to 100). */
export interface CpythonMixWeights {
  readonly keep: number;
  readonly cycleKept: number;
  readonly cycleDropped: number;
  readonly pairGarbage: number;
  readonly selfCycle: number;
  readonly temporary: number;
  readonly drop: number;
  readonly chain: number;
  readonly link: number;
}

/** The operations of the mix with their weights (out of 100). */
export const CPYTHON_MIX_WEIGHTS: CpythonMixWeights = {
  keep: 20,
  cycleKept: 5,
  cycleDropped: 5,
  pairGarbage: 10,
  selfCycle: 5,
  temporary: 20,
  drop: 15,
  chain: 10,
  link: 10,
};

const S0 = CPYTHON_MIX_ROOTS;
const S1 = CPYTHON_MIX_ROOTS + 1;
const S2 = CPYTHON_MIX_ROOTS + 2;

/** Builds a chain of `m` one-field objects with its head in S0 and its tail in S1. */
function chainInScratch(heap: Heap, m: number): void {
  heap.new(S0, 1, 0);
  heap.set(S1, S0);
  for (let i = 1; i < m; i++) {
    heap.new(S2, 1, 0);
    heap.put(S1, 0, S2);
    heap.set(S1, S2);
  }
}

function clearScratch(heap: Heap): void {
  heap.del(S0);
  heap.del(S1);
  heap.del(S2);
}

/** Runs `steps` steps of the mix (after `longLived` long-lived objects); returns objects allocated. */
export function runCpythonMix(heap: Heap, steps: number, seed: number, longLived = 0): number {
  const prng = new Prng(seed);
  let allocated = 0;
  if (longLived > 0) {
    const head = heap.global('long_lived');
    heap.new(head, 1, 0);
    heap.set(S1, head);
    for (let i = 1; i < longLived; i++) {
      heap.new(S2, 1, 0);
      heap.put(S1, 0, S2);
      heap.set(S1, S2);
    }
    clearScratch(heap);
    allocated += longLived;
  }
  // Cumulative weights: a draw w in [0, 100) picks the first operation whose bound exceeds it.
  const W = CPYTHON_MIX_WEIGHTS;
  const keep = W.keep;
  const cycleKept = keep + W.cycleKept;
  const cycleDropped = cycleKept + W.cycleDropped;
  const pair = cycleDropped + W.pairGarbage;
  const self = pair + W.selfCycle;
  const temporary = self + W.temporary;
  const drop = temporary + W.drop;
  const chain = drop + W.chain;
  for (let step = 0; step < steps; step++) {
    const w = prng.int(100);
    const k = prng.int(CPYTHON_MIX_ROOTS);
    if (w < keep) {
      heap.new(k, 1, 0);
      allocated++;
    } else if (w < cycleDropped) {
      // A ring of m objects, kept or dropped.
      const m = 2 + prng.int(7);
      chainInScratch(heap, m);
      heap.put(S1, 0, S0);
      if (w < cycleKept) heap.set(k, S0);
      clearScratch(heap);
      allocated += m;
    } else if (w < pair) {
      heap.new(S0, 1, 0);
      heap.new(S1, 1, 0);
      heap.put(S0, 0, S1);
      heap.put(S1, 0, S0);
      heap.del(S0);
      heap.del(S1);
      allocated += 2;
    } else if (w < self) {
      heap.new(S0, 1, 0);
      heap.put(S0, 0, S0);
      heap.del(S0);
      allocated++;
    } else if (w < temporary) {
      heap.call(1, NO_ARGS);
      heap.new(0, 1, 0);
      heap.ret();
      allocated++;
    } else if (w < drop) {
      heap.del(k);
    } else if (w < chain) {
      const m = 1 + prng.int(8);
      chainInScratch(heap, m);
      heap.set(k, S0);
      clearScratch(heap);
      allocated += m;
    } else {
      const b = prng.int(CPYTHON_MIX_ROOTS);
      if (heap.peekRoot(k) !== 0) heap.put(k, 0, b);
    }
  }
  return allocated;
}

/** The `cpython-mix` workload. */
export const cpythonMix: Workload = {
  name: 'cpython-mix',
  summary:
    'the CPython differential test mix: roots, kept and dropped cycles, pairs, self-cycles, temporaries, chains, links',
  seeded: true,
  run(heap: Heap, params: WorkloadParams): number {
    const longLived = numberOption(params.options, 'longLived', 0);
    if (!(Number.isInteger(longLived) && longLived >= 0)) {
      throw new RangeError(`cpython-mix: longLived must be a non-negative integer, got ${longLived}`);
    }
    return runCpythonMix(heap, bySize(params.size, CPYTHON_MIX_STEPS), params.seed, longLived);
  },
};
