/**
 * The memory-management variants a threaded run can use, by name: what `--variant` and the
 * experiment accept, and how each builds its plan for one thread.
 */
import { GclabError } from '@gclab/core';
import type { SharedLayout } from './layout.ts';
import { AtomicCounting } from './plans/atomic-counting.ts';
import { BiasedCounting } from './plans/biased-counting.ts';
import { GilCounting } from './plans/gil-counting.ts';
import { NonAtomicCounting } from './plans/non-atomic-counting.ts';
import { StopTheWorldTracing } from './plans/stop-the-world-tracing.ts';
import { ThreadHeap } from './thread-heap.ts';
import type { ThreadPlan } from './thread-plan.ts';

/** A variant's name. */
export type ThreadVariantName = 'gil' | 'atomic' | 'biased' | 'biased-immortal' | 'non-atomic' | 'tracing';

/** A variant: its name, one line, whether it is safe without a GIL, and its plan factory. */
export interface ThreadVariant {
  readonly name: ThreadVariantName;
  readonly summary: string;
  /** False for the demonstration that loses updates. */
  readonly correct: boolean;
  readonly headerWords: number;
  create(heap: ThreadHeap, threads: number, switchIntervalMs: number): ThreadPlan;
}

/** Every variant, in report order. */
export const THREAD_VARIANTS: readonly ThreadVariant[] = [
  {
    name: 'gil',
    summary: 'plain counts under one global lock, switched every 5 ms (CPython before 3.13)',
    correct: true,
    headerWords: GilCounting.headerWords,
    create: (heap, threads, interval) => new GilCounting(heap, threads, interval),
  },
  {
    name: 'atomic',
    summary: 'every increment and decrement an atomic add (no lock)',
    correct: true,
    headerWords: AtomicCounting.headerWords,
    create: (heap, threads) => new AtomicCounting(heap, threads),
  },
  {
    name: 'biased',
    summary: 'biased counting: plain for the owner, atomic for other threads, merged by a queue (PEP 703)',
    correct: true,
    headerWords: BiasedCounting.headerWords,
    create: (heap, threads) => new BiasedCounting(heap, threads, false),
  },
  {
    name: 'biased-immortal',
    summary: 'biased counting with immortal singletons (PEP 683): None, True and small ints never counted',
    correct: true,
    headerWords: BiasedCounting.headerWords,
    create: (heap, threads) => new BiasedCounting(heap, threads, true),
  },
  {
    name: 'non-atomic',
    summary: 'plain counts, no lock: the demonstration that loses updates',
    correct: false,
    headerWords: NonAtomicCounting.headerWords,
    create: (heap, threads) => new NonAtomicCounting(heap, threads),
  },
  {
    name: 'tracing',
    summary: 'no counts: TLABs, plain stores, parallel stop-the-world mark-sweep at safepoints',
    correct: true,
    headerWords: StopTheWorldTracing.headerWords,
    create: (heap, threads) => new StopTheWorldTracing(heap, threads),
  },
];

/** An unknown variant name. */
export class UnknownThreadVariantError extends GclabError {
  override name = 'UnknownThreadVariantError';
}

/** The variant named `name`; throws `UnknownThreadVariantError` listing the names otherwise. */
export function threadVariant(name: string): ThreadVariant {
  const found = THREAD_VARIANTS.find((v) => v.name === name);
  if (found === undefined) {
    throw new UnknownThreadVariantError(
      `unknown variant "${name}": expected one of ${THREAD_VARIANTS.map((v) => v.name).join(', ')}`,
    );
  }
  return found;
}

/** Builds thread `tid`'s heap view and plan for `variant` over the shared words. */
export function createThreadPlan(
  variant: ThreadVariant,
  words: Int32Array,
  layout: SharedLayout,
  tid: number,
  switchIntervalMs: number,
): ThreadPlan {
  return variant.create(
    new ThreadHeap(words, layout, variant.headerWords, tid),
    layout.threads,
    switchIntervalMs,
  );
}
