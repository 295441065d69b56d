/**
 * Long random mutators for the copying collectors, built from `random-mutator.ts`: a run is a list of
 * chunks of raw choices (some of them allocation bursts), each followed by nothing, `gc 0` (a minor
 * collection where there is one) or `gc`. Chunks keep runs long (fast-check's default sizes cap one
 * array at about ten elements unless told otherwise), allocate enough to fill small spaces many times, and put explicit
 * minor collections between arbitrary operations. Every run is in checked mode; after a
 * final `gc` the oracle must find no garbage.
 */
import {
  type CollectorDescriptor,
  Heap,
  type HeapOptions,
  OutOfMemoryError,
  type TraceOp,
} from '@gclab/core';
import fc from 'fast-check';
import { type Choice, choicesArbitrary, runChoices, traceText } from './random-mutator.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

/** What follows a chunk: nothing, a minor collection or a full one. */
type After = 'none' | 'minor' | 'full';

/**
 * An allocation burst: 10 to 40 choices that are mostly `new` (kind 0) with some `put` (kind 3), so
 * runs allocate enough to fill small spaces many times and build structures that survive.
 */
function burstArbitrary(): fc.Arbitrary<Choice[]> {
  const n = fc.nat(1000);
  const choice: fc.Arbitrary<Choice> = fc.oneof(
    // `new`: operand c is the payload (as choicesArbitrary maps it).
    { weight: 3, arbitrary: fc.tuple(fc.constant(0), n, n, fc.constantFrom(0, 16, 40, 120, 248)) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(3), n, n, n) },
  );
  return fc.array(choice, { minLength: 10, maxLength: 40, size: 'max' });
}

/**
 * Arbitrary run: `minChunks` to `maxChunks` chunks, each either up to 10 choices of every kind or an
 * allocation burst, and each followed by nothing, `gc 0` or `gc`.
 */
export function runArbitrary(minChunks: number, maxChunks: number): fc.Arbitrary<Array<[Choice[], After]>> {
  const after = fc.oneof(
    { weight: 10, arbitrary: fc.constant<After>('none') },
    { weight: 1, arbitrary: fc.constant<After>('minor') },
    { weight: 1, arbitrary: fc.constant<After>('full') },
  );
  // Explicit collections come only between chunks, so that the small spaces also fill up by themselves.
  const chunk = fc.oneof(choicesArbitrary({ maxOps: 10, gcWeight: 0 }), burstArbitrary());
  return fc.array(fc.tuple(chunk, after), {
    minLength: minChunks,
    maxLength: maxChunks,
    size: 'max',
  });
}

/** Options of `checkLongRuns`. */
export interface LongRunOptions {
  /** fast-check runs. */
  numRuns: number;
  /** Fewest chunks per run (default 20). */
  minChunks?: number;
  /** Most chunks per run (default 60). */
  maxChunks?: number;
  /** Asserts that an `OutOfMemoryError` was legitimate; without it one fails the property. */
  onOutOfMemory?: (heap: Heap, error: OutOfMemoryError) => void;
  /** Called after each completed run (after its final `gc`). */
  after?: (heap: Heap) => void;
}

/** Figures summed over the runs of `checkLongRuns`. */
export interface LongRunFigures {
  /** Operations performed. */
  ops: number;
  /** Collections by kind or generation. */
  collections: Record<string, number>;
  /** Collections the collector started by itself (all of them minus the explicit `gc` operations). */
  automatic: number;
  /** Runs ended by a (legitimate) `OutOfMemoryError`. */
  outOfMemory: number;
}

/** Property: long random runs in checked mode, no integrity error, no garbage after a final `gc`. */
export function checkLongRuns(
  descriptor: CollectorDescriptor,
  heapOptions: HeapOptions,
  options: LongRunOptions,
): LongRunFigures {
  const figures: LongRunFigures = { ops: 0, collections: {}, automatic: 0, outOfMemory: 0 };
  fc.assert(
    fc.property(runArbitrary(options.minChunks ?? 20, options.maxChunks ?? 60), (run) => {
      const heap = new Heap(descriptor, { ...heapOptions, checked: true });
      const ops: TraceOp[] = [];
      try {
        for (const [choices, after] of run) {
          ops.push(...runChoices(heap, choices));
          if (after !== 'none') {
            const generation = after === 'minor' ? 0 : null;
            ops.push({ op: 'gc', generation });
            heap.gc(generation ?? -1);
          }
        }
      } catch (error) {
        if (error instanceof OutOfMemoryError && options.onOutOfMemory !== undefined) {
          options.onOutOfMemory(heap, error);
          figures.outOfMemory++;
          return;
        }
        throw new Error(`${String(error)} in\n${traceText(ops)}`, { cause: error });
      }
      heap.gc();
      const r = heap.oracle.traverse();
      if (r.garbageObjects !== 0 || r.garbageBytes !== 0) {
        throw new Error(
          `${r.garbageObjects} objects (${r.garbageBytes} bytes) of garbage after gc in\n${traceText(ops)}`,
        );
      }
      figures.ops += heap.counters.ops;
      const explicit = ops.filter((op) => op.op === 'gc').length + 1;
      figures.automatic += heap.telemetry.collections.length - explicit;
      for (const [kind, n] of Object.entries(heap.telemetry.collectionsByKind)) {
        figures.collections[kind] = (figures.collections[kind] ?? 0) + n;
      }
      options.after?.(heap);
    }),
    { seed, numRuns: options.numRuns },
  );
  return figures;
}
