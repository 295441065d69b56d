/**
 * The host-memory budget of a run: the most host memory the word array backing one heap's simulated
 * memory may grow to (core's `HeapOptions.hostMemoryLimit`). A map past it is refused and the
 * collector raises `OutOfMemoryError`; that is a limit of the machine running the cell, not a figure
 * of the collector, so it is not an `oom` result: `HostMemoryExhaustedError` makes the cell (or the
 * minimum-heap search) fail, naming the budget.
 */
import { GclabError, type Heap, OutOfMemoryError } from '@gclab/core';

/** A run stopped by the host-memory budget (not by the heap limit or the collector). */
export class HostMemoryExhaustedError extends GclabError {
  override name = 'HostMemoryExhaustedError';
  constructor(
    /** The collector's out-of-memory error. */
    override readonly cause: OutOfMemoryError,
    /** The budget, in bytes. */
    readonly budgetBytes: number,
  ) {
    super(
      `${cause.message}: the host-memory budget of ${budgetBytes} bytes is reached ` +
        '(a limit of the host, not of the collector: raise it with --host-memory)',
    );
  }
}

/**
 * `error` as `HostMemoryExhaustedError` when it is an out-of-memory error of `heap` whose last
 * refused map was refused by the host-memory budget; else `error` itself.
 */
export function hostMemoryError(error: unknown, heap: Heap): unknown {
  if (error instanceof OutOfMemoryError && heap.os.lastRefusal === 'host-memory') {
    return new HostMemoryExhaustedError(error, heap.os.memory.budgetBytes);
  }
  return error;
}

/** `{ hostMemoryLimit }` when a budget is set, ready to spread into heap or task options. */
export function hostMemoryOption(limit: number | undefined): { hostMemoryLimit?: number } {
  return limit === undefined ? {} : { hostMemoryLimit: limit };
}
