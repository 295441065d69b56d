/**
 * Worker processes and the pool that runs tasks on them.
 *
 * Each worker is a fresh Node process (`child_process.fork` of `worker.ts` with execArgv
 * `--conditions=@gclab/source --import <tsx>`). Tasks come in groups: the tasks of one group run one
 * after the other in the same process; each group gets a fresh process. With one task per group
 * every cell has its own process; grouping by collector keeps one collector per process and saves
 * start-ups. `concurrency` groups run at once. A worker that exits, crashes or exceeds the timeout
 * while running a task yields an error reply for that task (with the end of its stderr); the rest
 * of its group continues in a new process. Aborting kills the running workers; unstarted tasks are
 * not run and running ones get an `interrupted` reply.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerReply, WorkerTask } from './protocol.ts';

const WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** execArgv of worker processes: tsx's loader and the source export condition. */
export function workerExecArgv(): string[] {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--conditions=@gclab/source', '--import', tsx];
}

const TAIL = 4000;

/** Signals that stop a whole run when sent to its process group (Ctrl-C, a scheduler's time limit). */
const STOP_SIGNALS: ReadonlySet<string> = new Set(['SIGINT', 'SIGTERM', 'SIGHUP']);

/** One worker process running one task at a time. */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private output = '';
  private pending: ((reply: WorkerReply) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopReason: string | null = null;
  private lastError: string | null = null;
  /** Whether the process has exited. */
  exited = false;

  constructor() {
    this.child = fork(WORKER_PATH, [], {
      execArgv: workerExecArgv(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-TAIL);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('message', (reply: WorkerReply) => this.settle(reply));
    this.child.on('error', (error) => {
      // A failed send (EPIPE) means the process is dying: its 'exit' says why (Ctrl-C, a crash) and
      // settles the task. Only a process that never started settles here.
      this.lastError = `worker process error: ${error.message}`;
      if (this.child.pid === undefined) {
        this.exited = true;
        this.settle({ ok: false, message: this.lastError });
      }
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      if (this.pending === null) return;
      const why =
        this.stopReason ??
        this.lastError ??
        `worker process exited (${signal === null ? `code ${code}` : `signal ${signal}`})`;
      const tail = this.output.trim();
      this.settle({
        ok: false,
        message: tail === '' ? why : `${why}; its last output:\n${tail}`,
        // Ctrl-C (or a scheduler's SIGTERM, SIGHUP) reaches the whole process group: a worker that
        // had not yet installed its handler dies of it before the runner hears of the interrupt.
        // That is an interruption too.
        ...(this.stopReason === 'interrupted' || (signal !== null && STOP_SIGNALS.has(signal))
          ? { interrupted: true }
          : {}),
      });
    });
  }

  /** Runs `task`; resolves with the reply (never rejects). `timeoutMs` 0 = no timeout. */
  run(task: WorkerTask, timeoutMs = 0): Promise<WorkerReply> {
    if (this.exited) return Promise.resolve({ ok: false, message: 'worker process has exited' });
    return new Promise((resolve) => {
      this.pending = resolve;
      if (timeoutMs > 0) {
        this.timer = setTimeout(() => this.stop(`timed out after ${timeoutMs} ms`), timeoutMs);
      }
      try {
        this.child.send(task);
      } catch (error) {
        this.settle({
          ok: false,
          message: `cannot send the task to the worker process: ${(error as Error).message}`,
        });
      }
    });
  }

  /** Kills the process; a running task gets an error reply giving `reason`. */
  stop(reason: string): void {
    this.stopReason = reason;
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Lets the process exit after its current task (closes the IPC channel). */
  close(): void {
    if (!this.exited && this.child.connected) this.child.disconnect();
  }

  private settle(reply: WorkerReply): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const pending = this.pending;
    this.pending = null;
    pending?.(reply);
  }
}

/** Options of `runTasks`. */
export interface PoolOptions {
  /** Groups running at once. */
  concurrency: number;
  /** Per-task timeout in milliseconds (0 = none). */
  timeoutMs?: number;
  /** Stops the pool. */
  signal?: AbortSignal;
}

/**
 * Runs `tasks` on worker processes, `groupOf(i)` naming each task's group; `onDone(i, reply)` is
 * called as each task finishes (not for tasks interrupted by the signal).
 */
export async function runTasks(
  tasks: readonly WorkerTask[],
  groupOf: (index: number) => string,
  options: PoolOptions,
  onDone: (index: number, reply: WorkerReply) => void,
): Promise<void> {
  const groups = new Map<string, number[]>();
  tasks.forEach((_, i) => {
    const key = groupOf(i);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  });
  const queue = [...groups.values()];
  const active = new Set<WorkerProcess>();
  const signal = options.signal;
  const onAbort = (): void => {
    for (const worker of active) worker.stop('interrupted');
  };
  signal?.addEventListener('abort', onAbort);
  const lane = async (): Promise<void> => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      let worker: WorkerProcess | null = null;
      for (const index of group) {
        if (signal?.aborted) break;
        if (worker === null || worker.exited) {
          worker = new WorkerProcess();
          active.add(worker);
        }
        const reply = await worker.run(tasks[index]!, options.timeoutMs ?? 0);
        // After an interrupt, a task that did not complete is not a result (its worker got Ctrl-C too).
        if (!reply.ok && (reply.interrupted === true || signal?.aborted === true)) break;
        onDone(index, reply);
      }
      if (worker !== null) {
        worker.close();
        active.delete(worker);
      }
      if (signal?.aborted) return;
    }
  };
  try {
    const lanes = Math.max(1, Math.floor(options.concurrency));
    await Promise.all(Array.from({ length: Math.min(lanes, queue.length) }, lane));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
