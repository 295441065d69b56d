/**
 * Checks every collector of this package must pass: checked-mode runs over random programs of
 * @gclab/verify's kit (no integrity error, and no garbage left after a final full collection), long
 * runs of such programs with collections between them for the copying collectors, and the example
 * traces of `examples/traces` replayed with zero leaked bytes after a final `gc`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CollectorDescriptor,
  Heap,
  type HeapOptions,
  OutOfMemoryError,
  readTraceFile,
  replay,
} from '@gclab/core';
import { defaultSeed, ProgramRun, programArbitrary } from '@gclab/verify';
import fc from 'fast-check';
import { expect } from 'vitest';

const seed = defaultSeed();

/** Options of `checkRandomMutators`. */
export interface RandomRunOptions {
  /** fast-check runs. */
  numRuns: number;
  /** Most operations per run (default 150). */
  maxOps?: number;
  /** Bytes of a `big` payload unit (default `bigUnit(null)`, 4 KiB: mostly large objects). */
  bigUnit?: number;
  /** Whether programs hold explicit `gc` steps (default true; false = only the final one). */
  explicitGc?: boolean;
  /**
   * Called when an allocation raised `OutOfMemoryError`: it must assert that the error was
   * legitimate. Without it, an out-of-memory error fails the property.
   */
  onOutOfMemory?: (heap: Heap, error: OutOfMemoryError) => void;
  /** Called after each run, after the final collection. */
  after?: (heap: Heap) => void;
}

/** Asserts that the oracle finds no garbage after a final full collection. */
function collectAndCheck(heap: Heap, run: ProgramRun, where: string): void {
  heap.gc();
  const r = heap.oracle.traverse();
  if (r.garbageBytes !== 0 || r.garbageObjects !== 0) {
    throw new Error(
      `${r.garbageObjects} objects (${r.garbageBytes} bytes) of garbage ${where} in\n${run.trace()}`,
    );
  }
}

/**
 * Property: random programs run in checked mode without integrity errors, and after a final full
 * collection the oracle finds no garbage (cycles included). Returns the number of collections that
 * allocations started (explicit `gc` operations not counted), so callers can assert that the heap
 * settings made the collector's own triggers fire.
 */
export function checkRandomMutators(
  descriptor: CollectorDescriptor,
  heapOptions: HeapOptions,
  options: RandomRunOptions,
): number {
  let collections = 0;
  const maxOps = options.maxOps ?? 150;
  const programs = programArbitrary({
    maxOps,
    minOps: Math.floor(maxOps / 3),
    heapLimits: [null],
    generations: [],
    explicitGc: options.explicitGc ?? true,
  });
  fc.assert(
    fc.property(programs, (program) => {
      const heap = new Heap(descriptor, { ...heapOptions, checked: true });
      const run = new ProgramRun(heap);
      try {
        run.run({ steps: program.steps, bigUnit: options.bigUnit ?? program.bigUnit });
      } catch (error) {
        if (error instanceof OutOfMemoryError && options.onOutOfMemory !== undefined) {
          options.onOutOfMemory(heap, error);
          return;
        }
        throw error;
      }
      for (const c of heap.telemetry.collections) if (run.ops[c.opIndex]?.op === 'new') collections++;
      collectAndCheck(heap, run, 'left after gc');
      options.after?.(heap);
    }),
    { seed, numRuns: options.numRuns },
  );
  return collections;
}

/** What follows a chunk of a long run: nothing, a minor collection or a full one. */
type After = 'none' | 'minor' | 'full';

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

/**
 * Property for the copying collectors: long runs in checked mode, each a list of chunks (random
 * programs of up to 40 steps with no explicit collection, so the small spaces also fill up by
 * themselves) each followed by nothing, `gc 0` or `gc`, on one heap; no integrity error, and no
 * garbage after a final `gc`.
 */
export function checkLongRuns(
  descriptor: CollectorDescriptor,
  heapOptions: HeapOptions,
  options: LongRunOptions,
): LongRunFigures {
  const figures: LongRunFigures = { ops: 0, collections: {}, automatic: 0, outOfMemory: 0 };
  const after = fc.oneof(
    { weight: 10, arbitrary: fc.constant<After>('none') },
    { weight: 1, arbitrary: fc.constant<After>('minor') },
    { weight: 1, arbitrary: fc.constant<After>('full') },
  );
  // Mostly chunks whose `big` payloads are 64 to 256 bytes (their pressure segments are allocation
  // bursts that fill small spaces), some whose `big` payloads are a sixteenth to a quarter of the
  // heap limit, or 4 to 16 KiB without one (large objects).
  const chunkOf = (sizing: number | null) =>
    programArbitrary({ maxOps: 40, heapLimits: [sizing], generations: [], explicitGc: false });
  const chunk = fc.oneof(
    { weight: 3, arbitrary: chunkOf(1024) },
    { weight: 1, arbitrary: chunkOf(heapOptions.heapLimit ?? null) },
  );
  const runs = fc.array(fc.tuple(chunk, after), {
    minLength: options.minChunks ?? 20,
    maxLength: options.maxChunks ?? 60,
    size: 'max',
  });
  fc.assert(
    fc.property(runs, (chunks) => {
      const heap = new Heap(descriptor, { ...heapOptions, checked: true });
      const run = new ProgramRun(heap);
      try {
        for (const [program, next] of chunks) {
          run.run(program);
          if (next !== 'none') run.perform({ op: 'gc', generation: next === 'minor' ? 0 : null });
        }
      } catch (error) {
        if (error instanceof OutOfMemoryError && options.onOutOfMemory !== undefined) {
          options.onOutOfMemory(heap, error);
          figures.outOfMemory++;
          return;
        }
        throw new Error(`${String(error)} in\n${run.trace()}`, { cause: error });
      }
      collectAndCheck(heap, run, 'after gc');
      figures.ops += heap.counters.ops;
      const explicit = run.ops.filter((op) => op.op === 'gc').length + 1;
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

/** Paths of the example traces (`examples/traces/*.trace` at the repository root), sorted. */
export function exampleTraces(): string[] {
  const dir = fileURLToPath(new URL('../../../examples/traces', import.meta.url));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.trace'))
    .sort()
    .map((f) => join(dir, f));
}

/** Replays a trace file under `descriptor`, then a final `gc`; asserts zero leaked bytes. */
export function replayWithoutLeak(descriptor: CollectorDescriptor, file: string): Heap {
  const heap = new Heap(descriptor);
  replay(heap, readTraceFile(file));
  heap.gc();
  const r = heap.oracle.traverse();
  expect(r.garbageBytes).toBe(0);
  expect(r.garbageObjects).toBe(0);
  expect(heap.counters.bytesAllocated - heap.counters.bytesFreed).toBe(r.reachableBytes);
  return heap;
}
