/**
 * @gclab/threads: a shared-memory heap run by several mutator threads (worker threads over one
 * `SharedArrayBuffer`, core's object layout), with reference counting under a GIL, atomic, biased
 * (PEP 703) and biased with immortal singletons (PEP 683), a non-atomic demonstration that loses
 * updates, and parallel stop-the-world tracing; every run ends with a check of the final graph.
 */

export { awaitBarrier } from './barrier.ts';
export { CountingPlan } from './counting-plan.ts';
export { checkGraph, type GraphCheck } from './graph-check.ts';
export {
  BREAKER,
  CHUNK_BYTES,
  CONTROL,
  FRAMES,
  FREE_BIT,
  FROZEN_BIT,
  MAILBOX,
  MAIN_TID,
  MARK_BIT,
  MAX_THREADS,
  MERGE_QUEUE,
  PUBLISHED_PER_THREAD,
  REGISTERS,
  SharedLayout,
  SINGLETONS,
  ThreadHeapConfigError,
} from './layout.ts';
export { Mutator, type MutatorFigures, type ProgramOptions } from './mutator.ts';
export { AtomicCounting } from './plans/atomic-counting.ts';
export { BiasedCounting, IMMORTAL_LOCAL, REF_MERGED, REF_QUEUED } from './plans/biased-counting.ts';
export { GilCounting, SWITCH_INTERVAL_MS } from './plans/gil-counting.ts';
export { NonAtomicCounting } from './plans/non-atomic-counting.ts';
export { StopTheWorldTracing } from './plans/stop-the-world-tracing.ts';
export {
  finishRun,
  type PreparedRun,
  prepareRun,
  resolveRunOptions,
  runThreads,
  type ThreadRunOptions,
  type ThreadRunResult,
  type ThreadTotals,
} from './run-threads.ts';
export { runThread, type ThreadFigures, type ThreadJob } from './thread-body.ts';
export { type ExhaustedHandler, ThreadHeap } from './thread-heap.ts';
export { emptyFigures, type PlanFigures, ThreadPlan } from './thread-plan.ts';
export { machineThreads, ThreadPool, ThreadRunError } from './thread-pool.ts';
export {
  createThreadPlan,
  THREAD_VARIANTS,
  type ThreadVariant,
  type ThreadVariantName,
  threadVariant,
  UnknownThreadVariantError,
} from './variants.ts';
