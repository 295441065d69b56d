/**
 * Worker threads that run mutator threads' jobs, kept between runs so a campaign pays the start-up
 * (about half a second a worker from TypeScript source) once. A pool used for one variant only keeps
 * each worker's call sites monomorphic, as a benchmark cell should.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { GclabError } from '@gclab/core';
import type { ThreadFigures, ThreadJob } from './thread-body.ts';
import type { WorkerReply } from './worker.ts';

/** A mutator thread failed, or the run did not end in time. */
export class ThreadRunError extends GclabError {
  override name = 'ThreadRunError';
}

const fromSource = import.meta.url.endsWith('.ts');

function spawn(): Worker {
  if (fromSource) {
    // Node 20's workers do not inherit tsx's loader: a small ESM entry registers it first.
    return new Worker(new URL('./tsx-worker.mjs', import.meta.url), {
      workerData: { entry: new URL('./worker.ts', import.meta.url).href },
      execArgv: ['--conditions=@gclab/source'],
    });
  }
  return new Worker(new URL('./worker.js', import.meta.url));
}

/** The most mutator threads worth running here: the machine's cores. */
export function machineThreads(): number {
  return availableParallelism();
}

/** A pool of workers, one per mutator thread of a run. */
export class ThreadPool {
  private readonly workers: Worker[] = [];

  /** Runs `jobs` (one per thread, `jobs[i]` on worker i) and returns each thread's figures, in order. */
  async run(jobs: readonly ThreadJob[], timeoutMs: number): Promise<ThreadFigures[]> {
    while (this.workers.length < jobs.length) this.workers.push(spawn());
    let timer: NodeJS.Timeout | undefined;
    const cleanups: (() => void)[] = [];
    const replies = jobs.map(
      (job, i) =>
        new Promise<ThreadFigures>((resolve, reject) => {
          const worker = this.workers[i]!;
          const onMessage = (reply: WorkerReply): void => {
            if (reply.ok) resolve(reply.figures);
            else
              reject(
                new ThreadRunError(`thread ${i} (${job.variant}) failed: ${reply.name}: ${reply.message}`),
              );
          };
          const onError = (error: Error): void =>
            reject(new ThreadRunError(`thread ${i} (${job.variant}) crashed: ${error.message}`));
          const onExit = (code: number): void =>
            reject(new ThreadRunError(`thread ${i} (${job.variant}) exited with code ${code}`));
          worker.once('message', onMessage);
          worker.once('error', onError);
          worker.once('exit', onExit);
          cleanups.push(() => {
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
          });
          worker.postMessage(job);
        }),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ThreadRunError(`the run did not end within ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([Promise.all(replies), timeout]);
    } catch (error) {
      // A thread that failed leaves the others waiting on a barrier or a lock: end them all.
      for (const c of cleanups) c();
      await this.close();
      throw error;
    } finally {
      clearTimeout(timer);
      for (const c of cleanups) c();
    }
  }

  /** Ends every worker. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
