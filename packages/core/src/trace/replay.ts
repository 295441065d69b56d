/**
 * Replays trace operations against a heap through `TracePerformer`: each operation becomes the heap
 * method of the same name. `ReplayOutput` collects what a replay writes; the file replay
 * (`trace-file-replay.ts`) shares it.
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

/**
 * What a replay writes: the `refcount` values and every output line, also passed to the listeners.
 * While it is attached (`attach` to `detach`), the heap's own output lines come here.
 */
export class ReplayOutput {
  /** Values recorded by `refcount` operations. */
  readonly output: Array<number | null> = [];
  /** Every line written. */
  readonly lines: string[] = [];
  private previous: ((line: string) => void) | null = null;

  constructor(private readonly options: Omit<ReplayOptions, 'onOp'>) {}

  /** Writes one output line. */
  readonly write = (line: string): void => {
    this.lines.push(line);
    this.options.onLine?.(line);
  };

  /** Records the value of the `refcount` operation number `index`. */
  refcount(value: number | null, index: number): void {
    this.output.push(value);
    this.write(value === null ? 'null' : String(value));
    this.options.onRefcount?.(value, index);
  }

  /** Routes `heap`'s output lines here. */
  attach(heap: Heap): void {
    this.previous = heap.onOutput;
    heap.onOutput = this.write;
  }

  /** Restores `heap`'s previous output. */
  detach(heap: Heap): void {
    heap.onOutput = this.previous;
  }

  /** The result of a replay of `ops` operations. */
  result(ops: number): ReplayResult {
    return { ops, output: this.output, lines: this.lines };
  }
}

/** Runs `ops` against `heap` in order. Mutator errors propagate as `MutatorError`. */
export function replay(heap: Heap, ops: Iterable<TraceOp>, options: ReplayOptions = {}): ReplayResult {
  const performer = new TracePerformer(heap);
  const out = new ReplayOutput(options);
  out.attach(heap);
  let count = 0;
  try {
    for (const op of ops) {
      const value = performer.perform(op);
      if (op.op === 'refcount') out.refcount(value, count);
      options.onOp?.(count, op);
      count++;
    }
  } finally {
    out.detach(heap);
  }
  return out.result(count);
}
