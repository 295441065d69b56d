/**
 * Containment of a collector that never returns: `gclab verify` runs each collector's campaign in
 * a child process (`verify-child.ts`) and watches the file the child writes each operation to
 * before running it. When no operation starts for longer than the time limit, the collector is
 * stuck in one operation (a loop that neither returns nor calls back into the heap, which the
 * in-process time limit of @gclab/verify cannot interrupt): the child is killed and the campaign
 * fails `time-limit`, with the operations of the run in progress as its counterexample (not
 * shrunk: each attempt would hang again). `verify --trace` runs the same way (`superviseTrace`); its
 * child also writes each hook it enters and leaves, so the failure names the hook that never
 * returned.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerExecArgv } from '@gclab/bench';
import {
  type CollectorDescriptor,
  type CollectorOptions,
  GclabError,
  parseTrace,
  TRACE_HEADER,
  type TraceOp,
  writeTrace,
} from '@gclab/core';
import { defaultCompleteness, emptyCoverage, regressionCorpus, type VerifyResult } from '@gclab/verify';
import { type Watchdog, watchHeartbeat } from './child-watchdog.ts';
import { UsageError } from './errors.ts';

/** A collector the child loads: a registered name or a module path. */
export interface VerifyTarget {
  /** A registered collector's name. */
  strategy?: string;
  /** A collector module's path (relative to the working directory). */
  strategyModule?: string;
}

/** A trace the child checks (`verify --trace`) instead of running campaigns. */
export interface TraceTask {
  /** The trace file's path. */
  file: string;
  /** The heap limit it runs under (null = none). */
  heapLimit: number | null;
  /** The collector options it runs with. */
  collectorOptions: CollectorOptions;
}

/** What the child found on a trace (`verifyTrace`'s result, as plain data). */
export interface TraceOutcome {
  /** The violation, or null. */
  violation: { property: string; opIndex: number; reason: string } | null;
  /** Operations executed. */
  ops: number;
  /** Whether the trace ended with an accepted out-of-memory. */
  outOfMemory: boolean;
}

/** What the supervisor asks the child to verify: its targets one after the other. */
export interface VerifyTask {
  /** The collectors, in order. */
  targets: VerifyTarget[];
  /** Programs to run per collector. */
  runs: number;
  /** fast-check seed. */
  seed: number;
  /** Most steps per program. */
  maxOps: number;
  /** Milliseconds a program may run. */
  timeLimitMs: number;
  /** Host-memory budget in bytes of each heap the campaigns create (absent: none). */
  hostMemoryLimit?: number;
  /** Long programs in stress mode per collector (absent: the verifier's default). */
  stressRuns?: number;
  /** Share of programs using trace format 2 (absent: the verifier's default). */
  format2?: number;
  /** A trace to check under the first target instead of campaigns (`verify --trace`). */
  trace?: TraceTask;
  /** Where the child writes the operations of the run in progress. */
  opsFile: string;
}

/** What the child sends back; `index` is the target's in the task. */
export type ChildMessage =
  | { type: 'started'; index: number }
  | { type: 'progress'; index: number; done: number }
  | { type: 'result'; index: number; result: VerifyResult }
  | { type: 'trace'; outcome: TraceOutcome }
  | { type: 'error'; kind: 'usage' | 'failure' | 'host-memory' | 'internal'; text: string };

/** What `superviseVerifications` tells its caller. */
export interface SupervisorEvents {
  /** Collector `index` starts. */
  started(index: number): void;
  /** Collector `index` has run `done` programs. */
  progress(index: number, done: number): void;
  /** Collector `index` finished (passed, failed, or stopped at the time limit). */
  finished(index: number, result: VerifyResult): void;
}

const CHILD_PATH = fileURLToPath(new URL('./verify-child.ts', import.meta.url));

/**
 * Verifies `descriptors` (loaded in the child from `task.targets`, same order) one after the other in a
 * child process; a collector stopped at the time limit gets a `time-limit` result and the rest go
 * on in a fresh child. Rejects with the child's error (`UsageError`, `GclabError`, or an internal
 * `Error`).
 */
export async function superviseVerifications(
  descriptors: readonly CollectorDescriptor[],
  task: Omit<VerifyTask, 'opsFile'>,
  events: SupervisorEvents,
): Promise<void> {
  let next = 0;
  while (next < descriptors.length) {
    next = await superviseChild(descriptors, next, task, events);
  }
}

/**
 * A child process (`verify-child.ts`) with the ops file it writes each operation to, the tail of its
 * output, and a watchdog that calls `onStall` when, after the child said it started, no operation
 * has started for longer than `limitMs`.
 */
class WatchedChild {
  private readonly dir = mkdtempSync(join(tmpdir(), 'gclab-verify-'));
  /** Where the child writes the run in progress. */
  readonly opsFile = join(this.dir, 'ops');
  /** The child. */
  readonly child = fork(CHILD_PATH, [], {
    execArgv: workerExecArgv(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  /** Null until the child has started and loaded the collector: its start-up is not the collector's time. */
  started: number | null = null;
  /** Whether `finish` ran. */
  settled = false;
  private output = '';
  private readonly watchdog: Watchdog;

  constructor(limitMs: number, onStall: () => void) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    // The ops file is the heartbeat: the child writes each operation to it before running it.
    this.watchdog = watchHeartbeat(
      this.opsFile,
      () => (this.started === null ? null : { since: this.started, ms: limitMs }),
      () => onStall(),
      this.child.pid,
    );
  }

  /** The last of what the child printed. */
  get tail(): string {
    return this.output;
  }

  /** The first time only: stops the watchdog, kills the child, removes its files, then runs `f`. */
  finish(f: () => void): void {
    if (this.settled) return;
    this.settled = true;
    this.watchdog.stop();
    this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    f();
  }
}

/** A campaign's program ran past `--host-memory` (a limit of the host, not a counterexample): exit 1. */
export class HostMemoryRunError extends GclabError {
  override name = 'HostMemoryRunError';
}

/** The error a child reported, as the command throws it. */
function childError(message: Extract<ChildMessage, { type: 'error' }>): Error {
  if (message.kind === 'usage') return new UsageError(message.text);
  if (message.kind === 'host-memory') return new HostMemoryRunError(message.text);
  return message.kind === 'failure' ? new GclabError(message.text) : new Error(message.text);
}

/** One child verifying targets `first` onward; resolves with the index to go on from. */
function superviseChild(
  descriptors: readonly CollectorDescriptor[],
  first: number,
  task: Omit<VerifyTask, 'opsFile'>,
  events: SupervisorEvents,
): Promise<number> {
  let current = first;
  let programs = 0;
  events.started(current);
  return new Promise<number>((resolve, reject) => {
    const watched: WatchedChild = new WatchedChild(task.timeLimitMs, () => {
      const elapsed = Date.now() - (watched.started ?? Date.now());
      const result = timeLimitResult(
        descriptors[current]!,
        task,
        stuckRun(watched.opsFile),
        programs,
        elapsed,
      );
      watched.finish(() => {
        events.finished(current, result);
        resolve(current + 1);
      });
    });
    watched.child.on('message', (message: ChildMessage) => {
      if (watched.settled) return;
      if (message.type === 'started') {
        watched.started = Date.now();
      } else if (message.type === 'progress') {
        programs = message.done;
        events.progress(first + message.index, message.done);
      } else if (message.type === 'result') {
        events.finished(first + message.index, message.result);
        current = first + message.index + 1;
        programs = 0;
        watched.started = null;
        if (current === descriptors.length) watched.finish(() => resolve(current));
        else events.started(current);
      } else if (message.type === 'error') {
        watched.finish(() => reject(childError(message)));
      }
    });
    // 'close', not 'exit': the child's last messages and output may arrive after its 'exit'.
    watched.child.on('close', (code, signal) => {
      watched.finish(() =>
        reject(
          new Error(
            `the verification of ${descriptors[current]!.name} exited (${signal ?? code}) without a result:\n${watched.tail}`,
          ),
        ),
      );
    });
    watched.child.send({
      ...task,
      targets: task.targets.slice(first),
      opsFile: watched.opsFile,
    } satisfies VerifyTask);
  });
}

/**
 * Checks one trace (`task.trace`) under `descriptor` (loaded in the child from `task.targets[0]`) in a
 * child process, as `superviseVerifications` runs campaigns: when no operation starts for longer
 * than the time limit, the child is killed and the outcome is a `time-limit` violation naming the
 * operation and the hook that never returned. Rejects with the child's error.
 */
export function superviseTrace(
  descriptor: CollectorDescriptor,
  task: Omit<VerifyTask, 'opsFile'> & { trace: TraceTask },
): Promise<TraceOutcome> {
  return new Promise<TraceOutcome>((resolve, reject) => {
    const watched: WatchedChild = new WatchedChild(task.timeLimitMs, () => {
      const stuck = stuckRun(watched.opsFile);
      const opIndex = Math.max(0, stuck.ops.length - 1);
      const hook = stuck.hook === null ? 'a hook' : `its ${stuck.hook} hook`;
      const where =
        stuck.ops.length === 0 ? 'before the first operation' : `in op ${opIndex}, inside ${hook},`;
      const reason =
        `the collector ran past the time limit of ${task.timeLimitMs} ms ${where} and was stopped ` +
        '(it neither returned nor called back into the heap: an infinite loop?)';
      watched.finish(() =>
        resolve({
          violation: { property: 'time-limit', opIndex, reason },
          ops: stuck.ops.length,
          outOfMemory: false,
        }),
      );
    });
    watched.child.on('message', (message: ChildMessage) => {
      if (watched.settled) return;
      if (message.type === 'started') watched.started = Date.now();
      else if (message.type === 'trace') watched.finish(() => resolve(message.outcome));
      else if (message.type === 'error') watched.finish(() => reject(childError(message)));
    });
    watched.child.on('close', (code, signal) => {
      watched.finish(() =>
        reject(
          new Error(
            `the check of ${task.trace.file} under ${descriptor.name} exited (${signal ?? code}) without a result:\n${watched.tail}`,
          ),
        ),
      );
    });
    watched.child.send({ ...task, opsFile: watched.opsFile } satisfies VerifyTask);
  });
}

/** The run in progress when the child was stopped: its heap limit and operations (empty before the first run). */
function stuckRun(opsFile: string): StuckRun {
  let text: string;
  try {
    text = readFileSync(opsFile, 'utf8');
  } catch {
    return { heapLimit: null, ops: [], corpus: null, hook: null };
  }
  const [limit, ...lines] = text.split('\n');
  const heapLimit = limit === undefined || limit === '' || limit === 'none' ? null : Number(limit);
  const corpusLine = /^# corpus (\d+) (\S+)$/.exec(lines[0] ?? '');
  const corpus = corpusLine === null ? null : { index: Number(corpusLine[1]), name: corpusLine[2]! };
  // Hook lines (`# enter HOOK`, `# leave HOOK`, written only when the child watches hooks): the
  // innermost hook entered and not left is the one running.
  const hooks: string[] = [];
  for (const line of lines) {
    if (line.startsWith(`${ENTER_HOOK} `)) hooks.push(line.slice(ENTER_HOOK.length + 1));
    else if (line.startsWith(`${LEAVE_HOOK} `)) hooks.pop();
  }
  return {
    heapLimit,
    ops: parseTrace([TRACE_HEADER, ...lines].join('\n'), opsFile),
    corpus,
    hook: hooks.at(-1) ?? null,
  };
}

/** The ops file's line prefix for a hook entered (then its name). */
export const ENTER_HOOK = '# enter';
/** The ops file's line prefix for a hook that returned or threw (then its name). */
export const LEAVE_HOOK = '# leave';

/** What the child was running when it was stopped: a regression corpus trace or a random program. */
interface StuckRun {
  heapLimit: number | null;
  ops: TraceOp[];
  /** The corpus trace (its index and name), or null for a random program. */
  corpus: { index: number; name: string } | null;
  /** The hook running when it was stopped, when the child watched hooks, else null. */
  hook: string | null;
}

/** The failed result of a campaign stopped at the time limit. */
function timeLimitResult(
  descriptor: CollectorDescriptor,
  task: Omit<VerifyTask, 'opsFile'>,
  stuck: StuckRun,
  programs: number,
  elapsedMs: number,
): VerifyResult {
  const { ops, heapLimit, corpus } = stuck;
  const opIndex = Math.max(0, ops.length - 1);
  const where =
    ops.length === 0
      ? 'before its first program ran'
      : `in op ${opIndex} of the ${corpus === null ? 'program' : `regression corpus trace ${corpus.name}`} it was running`;
  const reason =
    `the collector ran past the time limit of ${task.timeLimitMs} ms ${where} and was stopped ` +
    '(it neither returned nor called back into the heap: an infinite loop?)';
  const trace = writeTrace(ops, [
    `counterexample found by the gclab verifier for collector '${descriptor.name}'`,
    'property: time-limit',
    `at op ${opIndex}: ${reason}`,
    `heap limit: ${heapLimit === null ? 'none' : `${heapLimit} bytes`}`,
    corpus === null
      ? `fast-check seed ${task.seed} (not shrunk: each attempt would hang again)`
      : `regression corpus trace ${corpus.name} (not shrunk: each attempt would hang again)`,
  ]);
  return {
    collector: descriptor.name,
    passed: false,
    seed: task.seed,
    completeness: defaultCompleteness(descriptor),
    heapLimits: [heapLimit],
    // What the killed child had reached is lost with it.
    coverage: emptyCoverage(),
    figures: {
      corpusTraces: corpus === null ? regressionCorpus().length : corpus.index,
      programs: corpus === null ? programs + 1 : 0,
      operations: ops.length,
      skippedSteps: 0,
      fullCollections: 0,
      outOfMemory: 0,
      elapsedMs,
    },
    failure: {
      property: 'time-limit',
      reason,
      opIndex,
      ops,
      trace,
      heapLimit,
      collectorOptions: {},
      seed: task.seed,
      path: null,
      shrinks: 0,
      shrunkOps: ops.length,
      corpusTrace: corpus === null ? null : corpus.name,
    },
  };
}
