/**
 * Replays trace operations against a heap through `TracePerformer`: each operation becomes the heap
 * method of the same name.
 */
import type { Heap } from '../heap.ts';
import type { TraceOp } from './ops.ts';
import { TracePerformer } from './perform.ts';

/** What a replay produced. */
export interface ReplayResult {
  /** Operations executed. */
  ops: number;
  /** Values recorded by `refcount` operations, in order (null where the collector does not count). */
  output: Array<number | null>;
  /**
   * Every line the run wrote, in order: each `refcount` value (`2`, `null`) and, in format 2, what
   * finalizers, weak-reference callbacks, `deref` and `gc` calls wrote (see docs/trace-format.md).
   * For a version-1 trace, the `refcount` values as text.
   */
  lines: string[];
}

/** Options of `replay`. */
export interface ReplayOptions {
  /** Called after each operation with its index. */
  onOp?: (index: number, op: TraceOp) => void;
  /** Called by each `refcount` operation with the value it records and its index, as it runs. */
  onRefcount?: (value: number | null, index: number) => void;
  /** Called with each output line (`lines`) as it is written. */
  onLine?: (line: string) => void;
}

/** Runs `ops` against `heap` in order. Mutator errors propagate as `MutatorError`. */
export function replay(heap: Heap, ops: Iterable<TraceOp>, options: ReplayOptions = {}): ReplayResult {
  const performer = new TracePerformer(heap);
  const output: Array<number | null> = [];
  const lines: string[] = [];
  const write = (line: string): void => {
    lines.push(line);
    options.onLine?.(line);
  };
  const previous = heap.onOutput;
  heap.onOutput = write;
  let count = 0;
  try {
    for (const op of ops) {
      const value = performer.perform(op);
      if (op.op === 'refcount') {
        output.push(value);
        write(value === null ? 'null' : String(value));
        options.onRefcount?.(value, count);
      }
      options.onOp?.(count, op);
      count++;
    }
  } finally {
    heap.onOutput = previous;
  }
  return { ops: count, output, lines };
}
