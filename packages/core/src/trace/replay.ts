/**
 * Replays trace operations against a heap: each operation becomes the heap method of the same name.
 */
import type { Heap } from '../heap.ts';
import { NULL_ROOT } from '../roots.ts';
import type { TraceOp, TraceSource } from './ops.ts';

/** What a replay produced. */
export interface ReplayResult {
  /** Operations executed. */
  ops: number;
  /** Values recorded by `refcount` operations, in order (null where the collector does not count). */
  output: Array<number | null>;
}

/** Options of `replay`. */
export interface ReplayOptions {
  /** Called after each operation with its index. */
  onOp?: (index: number, op: TraceOp) => void;
  /** Called by each `refcount` operation with the value it records and its index, as it runs. */
  onRefcount?: (value: number | null, index: number) => void;
}

/** Runs `ops` against `heap` in order. Mutator errors propagate as `MutatorError`. */
export function replay(heap: Heap, ops: Iterable<TraceOp>, options: ReplayOptions = {}): ReplayResult {
  const globals = new Map<string, number>();
  const code = (src: TraceSource): number => {
    if (src === null) return NULL_ROOT;
    if (src.kind === 'reg') return src.index;
    let g = globals.get(src.name);
    if (g === undefined) {
      g = heap.global(src.name);
      globals.set(src.name, g);
    }
    return g;
  };
  const output: Array<number | null> = [];
  let args = new Int32Array(16);
  let count = 0;
  for (const op of ops) {
    switch (op.op) {
      case 'new':
        heap.new(code(op.dst), op.refs, op.bytes);
        break;
      case 'set':
        heap.set(code(op.dst), code(op.src));
        break;
      case 'del':
        heap.del(code(op.dst));
        break;
      case 'put':
        heap.put(code(op.obj), op.index, code(op.src));
        break;
      case 'get':
        heap.get(code(op.dst), code(op.obj), op.index);
        break;
      case 'call': {
        const n = op.args.length;
        if (n > args.length) args = new Int32Array(n * 2);
        for (let i = 0; i < n; i++) args[i] = code(op.args[i]!);
        heap.call(op.nregs, args.subarray(0, n));
        break;
      }
      case 'ret':
        heap.ret();
        break;
      case 'gc':
        heap.gc(op.generation ?? -1);
        break;
      case 'refcount': {
        const value = heap.refcount(code(op.src));
        output.push(value);
        options.onRefcount?.(value, count);
        break;
      }
    }
    options.onOp?.(count, op);
    count++;
  }
  return { ops: count, output };
}
