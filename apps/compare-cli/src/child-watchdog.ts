/**
 * The watchdog over a child process that runs a user's collector: the child touches a heartbeat file
 * as it goes, and when the file stays untouched for longer than the time limit, the collector is
 * stuck in a loop that neither returns nor reaches a heartbeat (JavaScript cannot interrupt it from
 * its own thread). The caller then kills the child and reports the fault. Used by `gclab verify`
 * (`verify-supervisor.ts`, one heartbeat per operation) and by `gclab replay --strategy-module`
 * (`replay-supervisor.ts`, heartbeats from the contained collector's hooks).
 */
import { readFileSync, statSync } from 'node:fs';

/** How often the heartbeat file is looked at, in milliseconds. */
export const POLL_MS = 100;

/** What the watchdog holds the child to now: no heartbeat for `ms` after `since` (epoch ms). */
export interface HeartbeatLimit {
  /** Epoch milliseconds to count from when the file has not been touched since. */
  since: number;
  /** The longest the heartbeat may stay still, in milliseconds. */
  ms: number;
}

/** A running watchdog. */
export interface Watchdog {
  /** Stops watching (idempotent). */
  stop(): void;
}

/**
 * Every `POLL_MS`, asks `limit()` what holds now (null: nothing, e.g. the child is starting) and
 * compares the time since the later of `since` and the file's last modification with `ms`; past it,
 * stops and calls `expired(idleMs)` once.
 *
 * With the child's `pid` on Linux, the limit counts the child's CPU time, not the wall clock: a child
 * that spent the time waiting for a busy machine (other processes on the same cores) is not stuck,
 * and only one that used `ms` of CPU since its last heartbeat is. A child that uses no CPU at all
 * and never beats again still expires, at `WALL_FACTOR` times the limit.
 */
export function watchHeartbeat(
  file: string,
  limit: () => HeartbeatLimit | null,
  expired: (idleMs: number) => void,
  pid?: number,
): Watchdog {
  let lastBeat = Number.NaN;
  let cpuAtBeat = 0;
  const timer = setInterval(() => {
    const now = limit();
    if (now === null) return;
    let last = now.since;
    try {
      last = Math.max(last, statSync(file).mtimeMs);
    } catch {
      // Not written yet.
    }
    const cpu = pid === undefined ? null : processCpuMs(pid);
    if (last !== lastBeat) {
      lastBeat = last;
      cpuAtBeat = cpu ?? 0;
    }
    const idle = Date.now() - last;
    if (idle <= now.ms) return;
    if (cpu !== null && cpu - cpuAtBeat <= now.ms && idle <= now.ms * WALL_FACTOR) return;
    clearInterval(timer);
    expired(idle);
  }, POLL_MS);
  return { stop: () => clearInterval(timer) };
}

/** How many times its limit a child may go without a heartbeat while using little CPU. */
export const WALL_FACTOR = 10;

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user and system) process `pid` has used, in milliseconds; null where /proc is not. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces): utime is the
    // 14th field of the line, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
