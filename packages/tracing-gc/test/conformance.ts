/**
 * Checks every collector of this package must pass: checked-mode runs over random mutators (no
 * integrity error, and no garbage left after a final full collection), and the example traces of
 * `examples/traces` replayed with zero leaked bytes after a final `gc`.
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
import fc from 'fast-check';
import { expect } from 'vitest';
import { type Choice, choicesArbitrary, runChoices, traceText } from './random-mutator.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

/** Options of `checkRandomMutators`. */
export interface RandomRunOptions {
  /** fast-check runs. */
  numRuns: number;
  /** Most operations per run. */
  maxOps?: number;
  /** Payload sizes of new objects (see `choicesArbitrary`). */
  payloads?: readonly number[];
  /** Relative weight of explicit `gc` operations (default 1; 0 = only the final one). */
  gcWeight?: number;
  /**
   * Called when an allocation raised `OutOfMemoryError`: it must assert that the error was
   * legitimate. Without it, an out-of-memory error fails the property.
   */
  onOutOfMemory?: (heap: Heap, error: OutOfMemoryError) => void;
  /** Called after each run, after the final collection. */
  after?: (heap: Heap) => void;
}

/**
 * Property: random mutators run in checked mode without integrity errors, and after a final full
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
  fc.assert(
    fc.property(
      choicesArbitrary({
        maxOps: options.maxOps ?? 150,
        payloads: options.payloads,
        gcWeight: options.gcWeight,
      }),
      (choices: Choice[]) => {
        const heap = new Heap(descriptor, { ...heapOptions, checked: true });
        let ops: ReturnType<typeof runChoices> = [];
        try {
          ops = runChoices(heap, choices);
        } catch (error) {
          if (error instanceof OutOfMemoryError && options.onOutOfMemory !== undefined) {
            options.onOutOfMemory(heap, error);
            return;
          }
          throw error;
        }
        for (const c of heap.telemetry.collections) if (ops[c.opIndex]?.op === 'new') collections++;
        heap.gc();
        const r = heap.oracle.traverse();
        if (r.garbageBytes !== 0 || r.garbageObjects !== 0) {
          throw new Error(
            `${r.garbageObjects} objects (${r.garbageBytes} bytes) of garbage left after gc in\n${traceText(ops)}`,
          );
        }
        options.after?.(heap);
      },
    ),
    { seed, numRuns: options.numRuns },
  );
  return collections;
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
