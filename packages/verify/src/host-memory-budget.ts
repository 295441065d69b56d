/**
 * The host-memory budget of a campaign: the most host memory the word array backing each heap's
 * simulated memory may grow to (core's `HeapOptions.hostMemoryLimit`), for every heap the verifier
 * creates (the lockstep run's, the determinism check's second run, the heap-limit probe's).
 *
 * A map refused by the budget makes the collector raise `OutOfMemoryError`, but that is a limit of
 * the host, not the collector's behaviour: it is never checked against the out-of-memory rule nor
 * reported as a counterexample. A budget below what the campaign needs before any program runs
 * (the heap-limit probe, or the campaign's largest heap limit) is `HostMemoryBudgetError`, a
 * mistake of the caller; a program that runs past it is `HostMemoryExhaustedError`, which stops
 * the campaign.
 */
import { GclabError, type Heap, OutOfMemoryError } from '@gclab/core';

/** The budget is smaller than the campaign needs before any program runs. */
export class HostMemoryBudgetError extends GclabError {
  override name = 'HostMemoryBudgetError';
  constructor(
    /** The budget, in bytes. */
    readonly budgetBytes: number,
    /** What needs more: the probe, or a heap limit. */
    what: string,
    /** Bytes it needs at least. */
    readonly neededBytes: number,
  ) {
    super(
      `the host-memory budget of ${budgetBytes} bytes is below what ${what} needs ` +
        `(at least ${neededBytes} bytes): raise it`,
    );
  }
}

/** A program ran past the host-memory budget: the campaign stops (no property was violated). */
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
        '(a limit of the host, not a fault of the collector)',
    );
  }
}

/** Whether `error` is an out-of-memory error of `heap` refused by its host-memory budget. */
export function refusedByHostMemory(error: unknown, heap: Heap): error is OutOfMemoryError {
  return error instanceof OutOfMemoryError && heap.os.lastRefusal === 'host-memory';
}

/** `{ hostMemoryLimit }` when a budget is set, ready to spread into heap options. */
export function hostMemoryOption(limit: number | undefined): { hostMemoryLimit?: number } {
  return limit === undefined ? {} : { hostMemoryLimit: limit };
}
