/**
 * The guard on the JavaScript heap of a replay. The simulated memory lives in a typed array under
 * the host-memory budget, but the replay's own bookkeeping (globals by name, checked mode's shadow
 * graph, the collection log) lives in V8's heap, and a trace can make it grow without bound (three
 * million globals take 600 MB). V8 ends a process whose heap is full with a fatal error, no message
 * of ours and no exit code we choose; so every `CHECK_EVERY_OPS` operations the guard compares the
 * heap in use with V8's limit and, past `FULL_FRACTION` of it, stops the run with a typed error.
 */
import { getHeapStatistics } from 'node:v8';
import { GclabError } from '@gclab/core';

/** How many operations pass between two looks at the heap (a look costs a few microseconds). */
export const CHECK_EVERY_OPS = 1 << 16;

/** The share of V8's heap limit past which the run stops. */
export const FULL_FRACTION = 0.85;

/** The replay's JavaScript heap is nearly full: the run stops before V8 would crash the process. */
export class JsHeapFullError extends GclabError {
  override name = 'JsHeapFullError';
}

/** Throws `JsHeapFullError` when the heap in use is past `FULL_FRACTION` of `limitBytes`. */
export function checkJsHeap(limitBytes = getHeapStatistics().heap_size_limit): void {
  const used = getHeapStatistics().used_heap_size;
  if (used > FULL_FRACTION * limitBytes) {
    throw new JsHeapFullError(
      `the replay's own data (globals, frames, checked mode's shadow, the collection log) fills ` +
        `${used} bytes of the ${limitBytes}-byte JavaScript heap: stopped before the host runs out of memory`,
    );
  }
}
