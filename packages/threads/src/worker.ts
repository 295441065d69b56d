/**
 * The entry of a mutator worker thread: runs each `ThreadJob` it is sent and posts back its figures,
 * or the error (name and message) that ended it.
 */
import { parentPort } from 'node:worker_threads';
import { runThread, type ThreadJob } from './thread-body.ts';

/** A worker's answer to one job. */
export type WorkerReply =
  | { readonly ok: true; readonly figures: ReturnType<typeof runThread> }
  | { readonly ok: false; readonly name: string; readonly message: string };

parentPort?.on('message', (job: ThreadJob) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, figures: runThread(job) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = { ok: false, name: e.name, message: e.message };
  }
  parentPort?.postMessage(reply);
});
