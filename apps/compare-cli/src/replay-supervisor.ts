/**
 * `gclab replay --strategy-module`: a user's collector may loop forever inside a hook, which no code
 * on its own thread can interrupt. So the replay runs in a child process (this same command, told by
 * `GCLAB_REPLAY_HEARTBEAT` where to write its heartbeat); the contained collector's hooks write the
 * heartbeat (`FileHeartbeat`: always when `collect` starts, otherwise at most once a millisecond), and
 * the parent watches it with `child-watchdog.ts` (as `gclab verify` does): when it stays still past the
 * per-collection limit (the last heartbeat came from `collect`, or from loading the module) or the
 * per-operation limit (any other hook), the child is killed and the fault is reported as the collector's,
 * exit 1. The child writes to the same stdout and stderr, and its exit code is the command's.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Heap } from '@gclab/core';
import { watchHeartbeat } from './child-watchdog.ts';
import type { Heartbeat, HookTimeLimits, OpLocator } from './collector-fault.ts';

/** The environment variable that makes `gclab replay` the watched child, naming its heartbeat file. */
export const HEARTBEAT_ENV = 'GCLAB_REPLAY_HEARTBEAT';

/** What the heartbeat file holds: what the child was doing when it last wrote. */
export interface HeartbeatRecord {
  /** Loading the module, running a hook, or done with the collector's code. */
  phase: 'load' | 'hook' | 'done';
  /** The module path (load) or the collector's name (hook). */
  what: string;
  /** The hook (phase `hook`). */
  hook?: string;
  /** The operation's index and text (phase `hook`). */
  opIndex?: number;
  opText?: string;
  /** `file:line:col` of the operation, or null. */
  location?: string | null;
}

/** The signals passed on to the child. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Fixed size of a heartbeat record (padded), so each write replaces the previous in place. */
const RECORD_BYTES = 2048;

/** The child's side: writes heartbeat records to the file the parent watches. */
export class FileHeartbeat implements Heartbeat {
  private readonly fd: number;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    path: string,
    /** The collector's name, for messages. */
    private readonly collector: () => string,
  ) {
    this.fd = openSync(path, 'w');
  }

  /** Records a phase other than a hook (`load` with the module path, `done`). */
  phase(phase: 'load' | 'done', what: string): void {
    this.write({ phase, what });
  }

  beat(hook: string, heap: Heap, locate: OpLocator): void {
    const now = performance.now();
    if (hook !== 'collect' && now - this.last < 1) return;
    this.last = now;
    this.write({
      phase: 'hook',
      what: this.collector(),
      hook,
      opIndex: heap.opIndex,
      opText: heap.opText().slice(0, 200),
      location: locate(),
    });
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }

  private write(record: HeartbeatRecord): void {
    const text = JSON.stringify(record).slice(0, RECORD_BYTES - 1);
    writeSync(this.fd, text.padEnd(RECORD_BYTES), 0);
  }
}

/**
 * Runs this same command in a watched child (`relaunch`: the Node arguments that start it, see
 * `ProgramHost`); resolves with the exit code the command should return (the child's, or 1 after a
 * stuck collector was stopped, its fault printed on stderr).
 */
export function superviseReplay(limits: HookTimeLimits, relaunch: readonly string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'gclab-replay-'));
  const file = join(dir, 'heartbeat');
  const child = spawn(process.execPath, relaunch, {
    stdio: 'inherit',
    env: { ...process.env, [HEARTBEAT_ENV]: file },
  });
  const killChild = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killChild);
  // A signal to this process (a batch scheduler's SIGTERM, a hang-up) goes on to the child, whose
  // exit then ends this one: the child never outlives the command.
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise<number>((resolve) => {
    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      watchdog.stop();
      process.off('exit', killChild);
      for (const signal of FORWARDED) process.off(signal, forward);
      rmSync(dir, { recursive: true, force: true });
      resolve(code);
    };
    const watchdog = watchHeartbeat(
      file,
      () => {
        const record = readRecord(file);
        if (record === null || record.phase === 'done') return null;
        return { since: 0, ms: limitOf(record, limits).ms };
      },
      (idleMs) => {
        const record = readRecord(file);
        killChild();
        if (record !== null) process.stderr.write(`${stuckMessage(record, limits, idleMs)}\n`);
        finish(1);
      },
      child.pid,
    );
    child.on('exit', (code, signal) => {
      // Killed by a signal: the shell's convention, 128 + its number (130 for SIGINT, 143 for SIGTERM).
      finish(signal === null ? (code ?? 1) : 128 + constants.signals[signal]);
    });
  });
}

/**
 * The limit that holds for what the record says the child is doing, and its option's name: the
 * per-collection limit for `collect` and for loading the module (compiling a TypeScript module on a
 * busy machine can take seconds), the per-operation limit for every other hook.
 */
function limitOf(record: HeartbeatRecord, limits: HookTimeLimits): { ms: number; what: string } {
  return record.phase === 'load' || (record.phase === 'hook' && record.hook === 'collect')
    ? { ms: limits.collectionMs, what: 'per-collection time limit (--collection-time-limit)' }
    : { ms: limits.opMs, what: 'per-operation time limit (--op-time-limit)' };
}

/** The fault of a child stopped at the time limit. */
export function stuckMessage(record: HeartbeatRecord, limits: HookTimeLimits, idleMs: number): string {
  const limit = limitOf(record, limits);
  if (record.phase === 'load') {
    return `collector fault: strategy module ${record.what} did not finish loading within the ${limit.what} of ${limit.ms} ms and was stopped`;
  }
  const where = record.location === null || record.location === undefined ? '' : `${record.location}: `;
  return (
    `${where}collector fault: ${record.what}'s ${record.hook} did not return within the ${limit.what} ` +
    `of ${limit.ms} ms and was stopped after ${Math.round(idleMs)} ms (an infinite loop?), ` +
    // `collect` always writes a heartbeat; other hooks at most once a millisecond.
    `${record.hook === 'collect' ? 'during' : 'at or just after'} op ${record.opIndex} (${record.opText})`
  );
}

function readRecord(file: string): HeartbeatRecord | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text === '' ? null : (JSON.parse(text) as HeartbeatRecord);
  } catch {
    return null;
  }
}
