/**
 * Property 5, determinism: a program's deterministic figures (counters, collection log, pause kinds
 * and work units, the collector's own stats, where the program ended) as one comparable text, the
 * figures of each operation (the address a `new` returned, the counters, the collections so far, the
 * output lines it wrote: format 2's finalizers, callbacks and `gc` call results, whose text is
 * collector-specific, so they are compared between the two runs and never with the model),
 * and a plain re-run (no checked mode, no model, single frees unobserved) that must reproduce them
 * exactly. The first operation whose figures differ is named: when only the freed objects and bytes
 * differ, the collector reports its frees differently when nobody observes single frees (a bulk
 * report), which is `reported-figures`, not nondeterminism (the first run's frees were checked
 * against the model).
 */
import {
  type CollectorDescriptor,
  type CollectorOptions,
  formatOp,
  Heap,
  OutOfMemoryError,
  type TraceOp,
  TracePerformer,
} from '@gclab/core';
import { HostMemoryExhaustedError, hostMemoryOption, refusedByHostMemory } from './host-memory-budget.ts';
import { describeError } from './lockstep.ts';
import { PropertyViolation } from './properties.ts';

/**
 * The figures of one operation: what it returned (a `new`'s address), objects and bytes allocated,
 * objects and bytes freed, objects moved, collections logged so far, and the output lines it wrote
 * (trace format 2: finalizers, callbacks, `deref` and `gc` call results; '' for none).
 */
export type StepFigures = readonly [number | null, number, number, number, number, number, number, string];

/** Index of the objects-freed figure in `StepFigures` (bytes freed follows it). */
const FREED = 3;

/** The figures of the operation that just ran on `heap`, returned `result` and wrote `output`. */
export function stepFigures(heap: Heap, result: number | null, output: string): StepFigures {
  const c = heap.counters;
  return [
    result,
    c.objectsAllocated,
    c.bytesAllocated,
    c.objectsFreed,
    c.bytesFreed,
    c.objectsMoved,
    heap.telemetry.collections.length,
    output,
  ];
}

/** What a plain re-run produced. */
export interface PlainRun {
  /** The figures of each operation that ran. */
  steps: StepFigures[];
  /** The fingerprint at the end (or how the run failed). */
  fingerprint: string;
}

/**
 * Compares a checked first run (its step figures and fingerprint) with a plain re-run of the same
 * operations; returns the violation (`reported-figures` or `determinism`) at the first operation
 * that differs, or null.
 */
export function compareRuns(
  ops: readonly TraceOp[],
  first: { steps: readonly StepFigures[]; fingerprint: string },
  second: PlainRun,
): PropertyViolation | null {
  const n = Math.min(first.steps.length, second.steps.length);
  for (let i = 0; i < n; i++) {
    const a = first.steps[i]!;
    const b = second.steps[i]!;
    const differing = a.flatMap((x, k) => (Object.is(x, b[k]) ? [] : [k]));
    if (differing.length === 0) continue;
    const op = `op ${i} (${formatOp(ops[i]!)})`;
    if (differing.every((k) => k === FREED || k === FREED + 1)) {
      return new PropertyViolation(
        'reported-figures',
        i,
        `after ${op} the collector reported ${b[FREED]} objects (${b[FREED + 1]} bytes) freed in all when single ` +
          `frees are unobserved (a plain heap), but ${a[FREED]} (${a[FREED + 1]} bytes) when each free is reported ` +
          'and checked against the model',
      );
    }
    return new PropertyViolation(
      'determinism',
      i,
      `the same operations diverged at ${op}: ${describeStep(a)} on the first run, ${describeStep(b)} on the second`,
    );
  }
  if (first.fingerprint === second.fingerprint) return null;
  const last = Math.max(0, ops.length - 1);
  return new PropertyViolation(
    'determinism',
    last,
    `the same ${ops.length} operations gave different deterministic figures on a second run: ${firstDifference(first.fingerprint, second.fingerprint)}`,
  );
}

/** Step figures in words. */
function describeStep(s: StepFigures): string {
  const [result, objects, bytes, freed, freedBytes, moved, collections, output] = s;
  return (
    `${result === null ? '' : `result ${result}, `}${objects} objects (${bytes} bytes) allocated, ` +
    `${freed} (${freedBytes} bytes) freed, ${moved} moved, ${collections} collections` +
    (output === '' ? '' : `, output ${JSON.stringify(output.split('\n'))}`)
  );
}

/** The deterministic figures of a heap after a program, as canonical JSON. */
export function fingerprint(heap: Heap, outOfMemory: boolean): string {
  const pauses: Array<[string, number]> = [];
  for (let i = 0; i < heap.telemetry.pauses.length; i++) {
    const p = heap.telemetry.pauses.get(i);
    pauses.push([p.kind, p.work]);
  }
  return JSON.stringify({
    counters: { ...heap.counters },
    collections: heap.telemetry.collections,
    pauses,
    stats: heap.collector.stats(),
    reservedBytes: heap.os.reservedBytes,
    peakReservedBytes: heap.os.peakReservedBytes,
    outOfMemory,
  });
}

/**
 * Runs `ops` on a fresh, unchecked heap and returns each operation's figures and the fingerprint (or
 * how it failed). Running past the host-memory budget throws `HostMemoryExhaustedError`.
 */
export function plainRun(
  descriptor: CollectorDescriptor,
  ops: readonly TraceOp[],
  heapLimit: number | null,
  collectorOptions: CollectorOptions,
  hostMemoryLimit?: number,
): PlainRun {
  const steps: StepFigures[] = [];
  let heap: Heap;
  try {
    heap = new Heap(descriptor, {
      collectorOptions,
      ...(heapLimit === null ? {} : { heapLimit }),
      ...hostMemoryOption(hostMemoryLimit),
    });
  } catch (error) {
    return { steps, fingerprint: `threw ${describeError(error)}` };
  }
  // The first run listens to the collection log, and a collector may behave differently when it is
  // observed (CPython's 'stop' callback info dict is a fresh container): listen here too.
  heap.telemetry.collectionListeners.push(() => {});
  const performer = new TracePerformer(heap);
  const output = heap.output;
  let outOfMemory = false;
  for (const op of ops) {
    try {
      const lines = output.length;
      const result = performer.perform(op);
      steps.push(stepFigures(heap, result, output.length === lines ? '' : output.slice(lines).join('\n')));
    } catch (error) {
      if (refusedByHostMemory(error, heap))
        throw new HostMemoryExhaustedError(error, heap.os.memory.budgetBytes);
      if (!(error instanceof OutOfMemoryError))
        return { steps, fingerprint: `threw ${describeError(error)}` };
      outOfMemory = true;
      break;
    }
  }
  const result = { steps, fingerprint: fingerprint(heap, outOfMemory) };
  heap.release();
  return result;
}

/** The first difference between two fingerprints, for a message. */
export function firstDifference(a: string, b: string): string {
  let ja: unknown;
  let jb: unknown;
  try {
    ja = JSON.parse(a);
    jb = JSON.parse(b);
  } catch {
    return `${a.slice(0, 120)} vs ${b.slice(0, 120)}`;
  }
  const walk = (x: unknown, y: unknown, path: string): string | null => {
    if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) {
        const d = walk(
          (x as Record<string, unknown>)[k],
          (y as Record<string, unknown>)[k],
          path === '' ? k : `${path}.${k}`,
        );
        if (d !== null) return d;
      }
      return null;
    }
    return Object.is(x, y) ? null : `${path}: ${JSON.stringify(x)} then ${JSON.stringify(y)}`;
  };
  return walk(ja, jb, '') ?? 'the figures differ';
}
