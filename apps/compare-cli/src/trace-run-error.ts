/**
 * An error of a replay located in its trace: a mutator error, out of memory or a corrupted heap, its
 * message prefixed with `file:line:col:` of the operation that raised it (as compilers print it, so
 * editors can jump to it). An out-of-memory error says which limit refused the memory when it was the
 * simulated address space or the host-memory budget (the message already shows the heap limit).
 */
import {
  ADDRESS_SPACE_BYTES,
  GclabError,
  type Heap,
  type HeapIntegrityError,
  type MutatorError,
  OutOfMemoryError,
} from '@gclab/core';
import { JsHeapFullError } from './js-heap-guard.ts';

/** A run error that `TraceRunError` locates. */
export type RunError = MutatorError | OutOfMemoryError | HeapIntegrityError | JsHeapFullError;

/** A run error with the trace location of the operation that raised it; `cause` is the error. */
export class TraceRunError extends GclabError {
  override name = 'TraceRunError';
  constructor(
    /** `file:line:col` of the operation. */
    readonly location: string,
    /** The error of the run. */
    override readonly cause: RunError,
    heap: Heap,
  ) {
    super(`${location}: ${describe(cause, heap)}`);
  }
}

function describe(cause: RunError, heap: Heap): string {
  if (cause instanceof JsHeapFullError) return `op ${heap.opIndex} (${heap.opText()}): ${cause.message}`;
  if (!(cause instanceof OutOfMemoryError)) return cause.message;
  const op = `op ${heap.opIndex} (${heap.opText()}): ${cause.message}`;
  const os = heap.os;
  if (os.lastRefusal === 'address-space') {
    return `${op}: the simulated address space (${ADDRESS_SPACE_BYTES} bytes, just under 2 GiB) has no free range that large`;
  }
  if (os.lastRefusal === 'host-memory') {
    return `${op}: the host-memory budget of ${os.memory.budgetBytes} bytes is reached (raise it with --host-memory)`;
  }
  return op;
}
