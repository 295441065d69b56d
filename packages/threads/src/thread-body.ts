/**
 * What one mutator thread does in a run, start to end (the body a worker runs for a job):
 * publish its objects, meet the others at the start barrier, run its program, then wait for the
 * others while still answering its eval breaker, and run the plan's `finish` with them.
 */
import { awaitBarrier } from './barrier.ts';
import { CONTROL, SharedLayout } from './layout.ts';
import { Mutator, type MutatorFigures, type ProgramOptions } from './mutator.ts';
import type { PlanFigures } from './thread-plan.ts';
import { createThreadPlan, type ThreadVariantName, threadVariant } from './variants.ts';

/** A thread's part of a run, as posted to its worker. */
export interface ThreadJob {
  readonly buffer: SharedArrayBuffer;
  readonly variant: ThreadVariantName;
  readonly threads: number;
  readonly heapBytes: number;
  readonly tid: number;
  readonly program: ProgramOptions;
  readonly switchIntervalMs: number;
}

/** A thread's figures after a run. */
export interface ThreadFigures {
  tid: number;
  /** When its program started and ended, in ms since the epoch (comparable across threads). */
  startMs: number;
  endMs: number;
  plan: PlanFigures;
  mutator: MutatorFigures;
  allocations: number;
  frees: number;
  bytesAllocated: number;
  corruptFreeLists: number;
}

/** Runs thread `job.tid`'s part of a run over the shared memory. */
export function runThread(job: ThreadJob): ThreadFigures {
  const words = new Int32Array(job.buffer);
  const layout = new SharedLayout(job.threads, job.heapBytes);
  const plan = createThreadPlan(threadVariant(job.variant), words, layout, job.tid, job.switchIntervalMs);
  const mutator = new Mutator(plan, job.program);
  const breaker = layout.breaker(job.tid);
  const now = (): number => performance.timeOrigin + performance.now();

  plan.restoreThread();
  mutator.publish();
  plan.saveThread();
  awaitBarrier(words, job.threads);

  plan.restoreThread();
  const startMs = now();
  mutator.run();
  const endMs = now();
  plan.heap.retireChunk();
  plan.saveThread();

  // Wait for the others, answering safepoints and merge requests meanwhile.
  Atomics.add(words, CONTROL.done, 1);
  while (Atomics.load(words, CONTROL.done) < job.threads) {
    const bits = Atomics.load(words, breaker);
    if (bits !== 0) plan.service(bits);
    else Atomics.wait(words, breaker, 0, 1);
  }
  plan.finish();
  plan.heap.retireChunk();
  return {
    tid: job.tid,
    startMs,
    endMs,
    plan: plan.figures,
    mutator: mutator.figures,
    allocations: plan.heap.allocations,
    frees: plan.heap.frees,
    bytesAllocated: plan.heap.bytesAllocated,
    corruptFreeLists: plan.heap.corruptFreeLists,
  };
}
