/**
 * A program of heap operations run by a collector, beside an anchor running the same program (the
 * cpython differential mix beside CPython 3.11 running packages/experiments/scripts/
 * differential_mix.py). Each round runs the anchor and the program in a fresh heap alternately (the
 * order flipping every round); the program is timed as a whole. A `check` may compare the two sides'
 * outputs (e.g. the collection logs), so a figure is never taken from a run that went wrong.
 */
import { type CollectorDescriptor, type CollectorOptions, Heap } from '@gclab/core';

/** Options of `measureOperationMix`. */
export interface OperationMixOptions {
  /** The collector. */
  descriptor: CollectorDescriptor;
  /** Options for its `create`. */
  collectorOptions?: CollectorOptions;
  /** Timed rounds (after one untimed warm-up round). */
  runs: number;
  /** Runs the program on `heap` for round `round` (timed); returns the number of operations. */
  run: (heap: Heap, round: number) => number;
  /** The anchor's run for round `round`: its own timing in milliseconds and its output. */
  anchor: (round: number) => Promise<{ ms: number; output: string }>;
  /** Compares gclab's heap after round `round` with the anchor's output: a message when they differ. */
  check?: (heap: Heap, anchorOutput: string, round: number) => string | null;
  /** Progress messages. */
  log?: (message: string) => void;
}

/** Runs in milliseconds, index = round. */
export interface OperationMixResult {
  /** Heap operations per run. */
  ops: number;
  /** gclab's wall time. */
  gclabMs: number[];
  /** The anchor's time. */
  anchorMs: number[];
}

/** Measures the program beside the anchor (see the file comment). */
export async function measureOperationMix(options: OperationMixOptions): Promise<OperationMixResult> {
  const { descriptor, runs, run, anchor, check } = options;
  const log = options.log ?? (() => {});
  const heapOptions =
    options.collectorOptions === undefined ? {} : { collectorOptions: options.collectorOptions };
  const out: OperationMixResult = { ops: 0, gclabMs: [], anchorMs: [] };
  for (let r = -1; r < runs; r++) {
    const timed = r >= 0;
    const round = r + 1;
    let heap: Heap | null = null;
    let output = '';
    for (const side of r % 2 === 0 ? [0, 1] : [1, 0]) {
      if (side === 0) {
        const a = await anchor(round);
        output = a.output;
        if (timed) out.anchorMs.push(a.ms);
      } else {
        heap = new Heap(descriptor, heapOptions);
        const t = performance.now();
        out.ops = run(heap, round);
        const ms = performance.now() - t;
        if (timed) out.gclabMs.push(ms);
      }
    }
    if (check !== undefined && heap !== null) {
      const problem = check(heap, output, round);
      if (problem !== null) throw new Error(`round ${round}: ${problem}`);
    }
    log(`operation mix: round ${round}/${runs + 1} done`);
  }
  return out;
}
