/**
 * Containment of a collector's own failures during a lockstep run: which hook an exception came out
 * of (for `crash`), and a per-program limit of CPU time (`time-limit`) checked at every hook return and at
 * every report the collector makes to the heap (`recordFree`, `recordMove`, ...), so a collector that
 * loops while calling back into the heap, or is merely far too slow, fails instead of hanging.
 *
 * What it cannot do: interrupt a synchronous loop that never returns and never calls back into the
 * heap (`while (true) {}` in `collect`, a cycle in a free list walked forever): JavaScript offers no
 * way to stop it from the same thread. The CLI contains those by running the campaigns (and
 * `verify --trace`) in a child process that it kills past the limit (apps/compare-cli's
 * `verify-supervisor.ts`); a `HookWatch` tells that process which hook is running, so the failure
 * can name the hook that never returned.
 */
import { COLLECTOR_HOOKS, type Collector, GclabError } from '@gclab/core';

/** Default time limit of one program (its lockstep run, one operation after another), in milliseconds. */
export const DEFAULT_TIME_LIMIT_MS = 10_000;

/** Thrown into a collector that ran past the time limit of its program. */
export class TimeLimitExceeded extends GclabError {
  override name = 'TimeLimitExceeded';
  constructor(
    readonly limitMs: number,
    readonly where: string,
  ) {
    super(`the program ran past its time limit of ${limitMs} ms (${where})`);
  }
}

/** Told when each hook of the collector is entered and when it returns (or throws). */
export interface HookWatch {
  /** `hook` is entered. */
  entered(hook: string): void;
  /** `hook` returned or threw. */
  left(hook: string): void;
}

/** The optional hooks of trace format 2, wrapped like the others when a collector has them. */
const OPTIONAL_HOOKS = ['safepoint', 'gcModule', 'immortalized'] as const;

/**
 * Watches a collector's hooks: the hook an exception left first, and the program's deadline. The
 * limit is on the CPU time this process spent since the program started: a wall-clock deadline that
 * passes is pushed back by the time the process was waiting for a core (a loaded machine does not fail
 * a collector), so only the process's own work counts.
 */
export class HookGuard {
  /** The innermost hook a non-Gclab exception came out of, or null. */
  failedHook: string | null = null;
  /** Wall-clock time past which the CPU time is looked at. */
  private deadline: number;
  /** The process's CPU usage when the program started. */
  private readonly cpuStart = process.cpuUsage();

  /** Wraps every hook of `collector` in place; the deadline is `limitMs` from now. */
  constructor(
    collector: Collector,
    readonly limitMs: number,
    watch: HookWatch | null = null,
  ) {
    this.deadline = performance.now() + limitMs;
    const hooks = collector as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const hook of [...COLLECTOR_HOOKS, ...OPTIONAL_HOOKS]) {
      const original = hooks[hook];
      if (typeof original !== 'function') continue;
      hooks[hook] = (...args: unknown[]): unknown => {
        let result: unknown;
        watch?.entered(hook);
        try {
          result = original.apply(collector, args);
        } catch (error) {
          if (!(error instanceof GclabError) && this.failedHook === null) this.failedHook = hook;
          throw error;
        } finally {
          watch?.left(hook);
        }
        this.check(`when ${hook} returned`);
        return result;
      };
    }
  }

  /** Throws `TimeLimitExceeded` when the program has used more than its limit of CPU time. */
  check(where: string): void {
    const now = performance.now();
    if (now <= this.deadline) return;
    const cpu = process.cpuUsage(this.cpuStart);
    const usedMs = (cpu.user + cpu.system) / 1000;
    if (usedMs > this.limitMs) throw new TimeLimitExceeded(this.limitMs, where);
    // Waiting for a core is not the collector's time: look again once the rest could be used.
    this.deadline = now + (this.limitMs - usedMs);
  }
}
