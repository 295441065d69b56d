/**
 * The article's `sys.getrefcount` example replayed under the counting collectors, in the calling
 * conventions of CPython 3.11 and of CPython 3.10 (the `getrefcount` experiment and claim 4 of the
 * debate).
 *
 * `getrefcount(a)` is modelled as a call of one argument whose callee reads the count of r0
 * (examples/traces/getrefcount.trace explains the model). The two conventions differ in a call
 * from Python to Python, `bar(a)`:
 * - 3.11 moves the argument from the caller's evaluation stack into the new frame: inside bar the
 *   object has the global, bar's parameter and getrefcount's argument: 3.
 * - 3.10 copies it: the caller's stack keeps its reference for the whole call, one more: 4.
 * NOTE: the 3.10 trace holds that stack reference in a register of the outermost frame (`set r0
 * g:a` before the call, `del r0` after it), which is what the evaluation stack slot is.
 */
import { type CollectorDescriptor, Heap, parseTrace, replay } from '@gclab/core';
import type { Experiment } from '../experiment.ts';

/** The example under CPython 3.11's calling convention (the one of examples/traces/getrefcount.trace). */
export const GETREFCOUNT_311 = `gclab-trace 1
new g:a 0
call 1 g:a
refcount r0
ret
call 1 g:a
call 1 r0
refcount r0
ret
ret
call 1 g:a
refcount r0
ret
`;

/** The example under CPython 3.10's calling convention: the caller's stack keeps the argument. */
export const GETREFCOUNT_310 = `gclab-trace 1
new g:a 0
call 1 g:a
refcount r0
ret
set r0 g:a
call 1 r0
call 1 r0
refcount r0
ret
ret
del r0
call 1 g:a
refcount r0
ret
`;

/**
 * Appending: `l = [None]; x = object()`, the count of x, `l[0] = x` (the list's slot, as append
 * fills one), the count again: 1, then 2. The counts are read directly (not through a call).
 */
export const APPEND_TRACE = `gclab-trace 1
new g:l 1
new g:x 0
refcount g:x
put g:l 0 g:x
refcount g:x
`;

/** The values `getrefcount` printed under one collector. */
export interface GetrefcountRun {
  /** Collector name. */
  collector: string;
  /** Values under 3.11's convention (null where the collector keeps no count). */
  cpython311: Array<number | null>;
  /** Values under 3.10's convention. */
  cpython310: Array<number | null>;
  /** The count of x before and after it is stored in the list. */
  append: Array<number | null>;
}

/** Replays both conventions under each collector (the caller's descriptors, in its order). */
export function runGetrefcount(collectors: readonly CollectorDescriptor[]): GetrefcountRun[] {
  return collectors.map((descriptor) => {
    const run = (text: string): Array<number | null> =>
      replay(new Heap(descriptor, { checked: true }), parseTrace(text)).output;
    return {
      collector: descriptor.name,
      cpython311: run(GETREFCOUNT_311),
      cpython310: run(GETREFCOUNT_310),
      append: run(APPEND_TRACE),
    };
  });
}

/** The text form: a line per collector. */
export function formatGetrefcount(runs: readonly GetrefcountRun[]): string {
  const width = Math.max(...runs.map((r) => r.collector.length));
  const values = (v: Array<number | null>): string =>
    v.map((x) => (x === null ? 'null' : String(x))).join(', ');
  return [
    'sys.getrefcount(a) at module level, inside bar(a), after bar returned:',
    '',
    `${'collector'.padEnd(width)}  CPython 3.11 convention  CPython 3.10 convention  append (before, after)`,
    ...runs.map(
      (r) =>
        `${r.collector.padEnd(width)}  ${values(r.cpython311).padEnd(23)}  ${values(r.cpython310).padEnd(23)}  ${values(r.append)}`,
    ),
    '',
    'Inside bar the object is referenced by the global a, bar’s parameter and getrefcount’s argument: 3.',
    'Up to 3.10 the caller’s evaluation stack also kept the argument during the call to bar: 4. Collectors',
    'that keep no count print null.',
    '',
  ].join('\n');
}

/** The figures of the `getrefcount` experiment (what `--json` prints). */
export interface GetrefcountResult {
  /** Experiment name (`getrefcount`). */
  experiment: 'getrefcount';
  /** One run per collector. */
  runs: GetrefcountRun[];
}

/** The `getrefcount` experiment: every collector of the context, in its order. */
export const getrefcount: Experiment<GetrefcountResult> = {
  name: 'getrefcount',
  summary:
    "The article's sys.getrefcount example under every collector, in CPython 3.11's and 3.10's calling conventions",
  options: [],
  examples: ['experiment getrefcount'],
  run: (_options, context) => ({ experiment: 'getrefcount', runs: runGetrefcount(context.collectors) }),
  format: (result) => formatGetrefcount(result.runs),
};
