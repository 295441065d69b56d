/**
 * The watchdog over a child process that runs a user's collector: the child touches a heartbeat file
 * as it goes, and when the file stays untouched for longer than the time limit, the collector is
 * stuck in a loop that neither returns nor reaches a heartbeat (JavaScript cannot interrupt it from
 * its own thread). The caller then kills the child and reports the fault. Used by `gclab verify`
 * (`verify-supervisor.ts`, one heartbeat per operation) and by `gclab replay --strategy-module`
 * (`replay-supervisor.ts`, heartbeats from the contained collector's hooks).
 */
import { statSync } from 'node:fs';

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
 */
export function watchHeartbeat(
  file: string,
  limit: () => HeartbeatLimit | null,
  expired: (idleMs: number) => void,
): Watchdog {
  const timer = setInterval(() => {
    const now = limit();
    if (now === null) return;
    let last = now.since;
    try {
      last = Math.max(last, statSync(file).mtimeMs);
    } catch {
      // Not written yet.
    }
    const idle = Date.now() - last;
    if (idle <= now.ms) return;
    clearInterval(timer);
    expired(idle);
  }, POLL_MS);
  return { stop: () => clearInterval(timer) };
}
