/**
 * Containment of a user's collector module (`--strategy-module`) during a replay: every hook of the
 * collector is wrapped so that whatever goes wrong inside it is reported as the collector's fault
 * (`CollectorFaultError`, exit 1), naming the hook and the operation, never blamed on the trace and
 * never an internal error (exit 70):
 *
 * - an exception out of a hook (other than `OutOfMemoryError`, the contract's way to give up, and
 *   `HeapIntegrityError`, checked mode's verdict);
 * - `allocate` returning something that is not the address of a mapped, 8-aligned block of the
 *   requested size (checked before the heap formats it, so a bad address is never written through);
 * - a hook that returns past its time limit: the per-collection limit for `collect` (and for any hook
 *   during which the collector collected), the per-operation limit for every other hook.
 *
 * A hook that never returns cannot be stopped from its own thread: the replay then runs in a child
 * process (`replay-supervisor.ts`) and the wrapper writes a heartbeat, `Heartbeat`, that the parent
 * watches (`child-watchdog.ts`, shared with `gclab verify`).
 */
import {
  COLLECTOR_HOOKS,
  type Collector,
  GclabError,
  type Heap,
  HeapIntegrityError,
  hex,
  OutOfMemoryError,
} from '@gclab/core';

/** Time limits of a contained collector, in milliseconds. */
export interface HookTimeLimits {
  /** The longest one hook call may take (allocate, barriers, root writes, ...). */
  opMs: number;
  /** The longest one collection may take (`collect`, or a hook that collected). */
  collectionMs: number;
}

/** Default limits: generous for a correct collector on a large heap, short enough not to look hung. */
export const DEFAULT_HOOK_TIME_LIMITS: HookTimeLimits = { opMs: 10_000, collectionMs: 60_000 };

/** Where the operation running now came from, for messages (`file:line:col`), or null. */
export type OpLocator = () => string | null;

/** A fault of a user's collector: an exception, a bad result, or a hook past its time limit. */
export class CollectorFaultError extends GclabError {
  override name = 'CollectorFaultError';
  constructor(
    /** The collector's name. */
    readonly collector: string,
    /** The hook the fault came out of. */
    readonly hook: string,
    /** Index of the operation that was running. */
    readonly opIndex: number,
    /** That operation in trace syntax. */
    readonly opText: string,
    /** Where it came from (`file:line:col`), or null. */
    readonly location: string | null,
    /** What went wrong. */
    readonly reason: string,
  ) {
    super(
      `${location === null ? '' : `${location}: `}collector fault: ${collector}'s ${hook} ${reason} ` +
        `during op ${opIndex} (${opText})`,
    );
  }
}

/**
 * Receives a heartbeat at hook entries so that a parent process can tell a hook that never returns
 * (see `replay-supervisor.ts`); null when the replay runs in-process.
 */
export interface Heartbeat {
  /**
   * Called at the entry of `hook` during the heap's running operation, found in the trace by
   * `locate` (cheap: it decides when to write).
   */
  beat(hook: string, heap: Heap, locate: OpLocator): void;
}

/**
 * Wraps every hook of `collector` (in place, so the collector's calls to its own hooks, such as an
 * allocation slow path calling `this.collect`, are watched too). Returns the collector.
 */
export function containCollector(
  collector: Collector,
  heap: Heap,
  limits: HookTimeLimits,
  locate: OpLocator,
  heartbeat: Heartbeat | null = null,
): Collector {
  const hooks = collector as unknown as Record<string, (...args: unknown[]) => unknown>;
  // Set while a `collect` runs, so the hook that called it gets the collection limit.
  let collected = false;
  const fault = (hook: string, reason: string): CollectorFaultError =>
    new CollectorFaultError(heap.descriptor.name, hook, heap.opIndex, heap.opText(), locate(), reason);
  for (const hook of COLLECTOR_HOOKS) {
    const original = hooks[hook];
    if (typeof original !== 'function') continue;
    const isCollect = hook === 'collect';
    hooks[hook] = (...args: unknown[]): unknown => {
      heartbeat?.beat(hook, heap, locate);
      const outer = collected;
      collected = false;
      const start = performance.now();
      let result: unknown;
      try {
        result = original.apply(collector, args);
      } catch (error) {
        if (
          error instanceof CollectorFaultError ||
          error instanceof OutOfMemoryError ||
          error instanceof HeapIntegrityError
        )
          throw error;
        throw fault(hook, `threw ${describeError(error)}`);
      }
      const elapsed = performance.now() - start;
      const collection = isCollect || collected;
      collected = outer || collection;
      const limit = collection ? limits.collectionMs : limits.opMs;
      if (elapsed > limit) {
        throw fault(
          hook,
          `took ${Math.round(elapsed)} ms, past the per-${collection ? 'collection' : 'operation'} time limit of ${limit} ms`,
        );
      }
      if (hook === 'allocate') checkAllocation(heap, result, args[0] as number, fault);
      return result;
    };
  }
  return collector;
}

/** Throws the collector's fault unless `addr` is an 8-aligned block of `size` mapped bytes. */
function checkAllocation(
  heap: Heap,
  addr: unknown,
  size: number,
  fault: (hook: string, reason: string) => CollectorFaultError,
): void {
  if (typeof addr !== 'number' || !Number.isInteger(addr)) {
    throw fault('allocate', `returned ${describeValue(addr)}, not an address`);
  }
  if (addr <= 0 || addr % 8 !== 0) {
    throw fault('allocate', `returned ${addr < 0 ? addr : hex(addr)}, not an 8-aligned address`);
  }
  if (!heap.os.isMapped(addr))
    throw fault('allocate', `returned ${hex(addr)}, which is not in a mapped range`);
  if (!heap.os.isMapped(addr + size - 1)) {
    throw fault(
      'allocate',
      `returned ${hex(addr)} for ${size} bytes, which run past the end of its mapped range`,
    );
  }
}

/** `Error: message` and the first stack frame, for an exception out of a hook. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return describeValue(error);
  const frame = error.stack
    ?.split('\n')
    .find((line) => line.trimStart().startsWith('at '))
    ?.trim();
  return `${error.name}: ${error.message}${frame === undefined ? '' : ` (${frame})`}`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return String(value).slice(0, 40);
}
