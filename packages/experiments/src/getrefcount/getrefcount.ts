/**
 * The article's `sys.getrefcount` example replayed under the counting collectors, in the calling
 * conventions of CPython 3.10, 3.11 and 3.14 (the `getrefcount` experiment and claim 4 of the
 * debate), and per CPython version: what the real interpreter prints
 * (scripts/getrefcount_example.py, run by each of `PYTHON_VERSIONS`) beside what that version's model
 * prints in that version's convention.
 *
 * `getrefcount(a)` is modelled as a call of one argument whose callee reads the count of r0
 * (examples/traces/getrefcount.trace explains the model). The two conventions differ in a call
 * from Python to Python, `bar(a)`:
 * - 3.11 moves the argument from the caller's evaluation stack into the new frame: inside bar the
 *   object has the global, bar's parameter and getrefcount's argument: 3.
 * - 3.10 copies it: the caller's stack keeps its reference for the whole call, one more: 4.
 * - 3.14 loads a local variable as a borrowed reference (`LOAD_FAST_BORROW`): inside bar,
 *   getrefcount's argument adds nothing, so the object has the global and bar's parameter: 2. At
 *   module level `a` is a global, loaded as a new reference, as before: 2.
 * NOTE: the 3.10 trace holds that stack reference in a register of the outermost frame (`set r0
 * g:a` before the call, `del r0` after it), which is what the evaluation stack slot is. The 3.14
 * trace reads the count of bar's parameter directly (`refcount r0` in bar's frame, no call): a
 * borrowed argument is a read, not a reference.
 */
import { type CollectorDescriptor, Heap, parseTrace, replay } from '@gclab/core';
import { type Experiment, ExperimentOptionError } from '../experiment.ts';
import {
  PYTHON_RELEASES,
  PYTHON_VERSIONS,
  type PythonVersion,
  PythonVersionsError,
  parsePythonVersions,
  pythonUnavailable,
  runPython,
  VERSION_COLLECTOR,
} from '../interpreters/python.ts';

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

/** The example under CPython 3.14's convention: inside bar, getrefcount's argument is borrowed. */
export const GETREFCOUNT_314 = `gclab-trace 1
new g:a 0
call 1 g:a
refcount r0
ret
call 1 g:a
refcount r0
ret
call 1 g:a
refcount r0
ret
`;

/** A calling convention of the example: the trace that models it. */
export type GetrefcountConvention = '3.10' | '3.11' | '3.14';

/** The convention of each modelled CPython version (3.12 and 3.13 call as 3.11; 3.15 as 3.14). */
export const VERSION_CONVENTION: Readonly<Record<PythonVersion, GetrefcountConvention>> = {
  '3.11': '3.11',
  '3.12': '3.11',
  '3.13': '3.11',
  '3.14': '3.14',
  '3.15': '3.14',
};

const CONVENTION_TRACE: Readonly<Record<GetrefcountConvention, string>> = {
  '3.10': GETREFCOUNT_310,
  '3.11': GETREFCOUNT_311,
  '3.14': GETREFCOUNT_314,
};

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
  /** Values under 3.14's convention. */
  cpython314: Array<number | null>;
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
      cpython314: run(GETREFCOUNT_314),
      append: run(APPEND_TRACE),
    };
  });
}

/** One CPython version: what the real interpreter prints, and what its model prints. */
export interface GetrefcountVersionRow {
  /** `major.minor`. */
  version: PythonVersion;
  /** The release that ran (e.g. `3.14.2`) and how. */
  release: string;
  /** The version's calling convention (the trace replayed). */
  convention: GetrefcountConvention;
  /** The model's name, and its values (null when that collector is not among the caller's). */
  collector: string;
  model: number[] | null;
  /** What the real interpreter printed; null when it could not run here (`unavailable` says why). */
  real: number[] | null;
  unavailable: string | null;
}

/**
 * Runs the example in the real interpreters of `versions` (at once; those that cannot run here are
 * reported as unavailable) and each version's trace under its model among `collectors`.
 */
export async function runGetrefcountVersions(
  collectors: readonly CollectorDescriptor[],
  versions: readonly PythonVersion[] = PYTHON_VERSIONS,
): Promise<GetrefcountVersionRow[]> {
  const real = await Promise.all(
    versions.map(async (version): Promise<number[] | string> => {
      const reason = pythonUnavailable(version);
      if (reason !== null) return reason;
      const out = await runPython(version, 'getrefcount_example.py', [], { quick: true });
      return out.stdout.trim().split(/\s+/).map(Number);
    }),
  );
  return versions.map((version, k) => {
    const convention = VERSION_CONVENTION[version];
    const collector = VERSION_COLLECTOR[version];
    const descriptor = collectors.find((d) => d.name === collector);
    const measured = real[k]!;
    return {
      version,
      release: `${PYTHON_RELEASES[version].release} (${PYTHON_RELEASES[version].runner})`,
      convention,
      collector,
      model:
        descriptor === undefined
          ? null
          : replay(
              new Heap(descriptor, { checked: true }),
              parseTrace(CONVENTION_TRACE[convention]),
            ).output.map(Number),
      real: typeof measured === 'string' ? null : measured,
      unavailable: typeof measured === 'string' ? measured : null,
    };
  });
}

const values = (v: ReadonlyArray<number | null> | null): string =>
  v === null ? '—' : v.map((x) => (x === null ? 'null' : String(x))).join(', ');

/** The text form: a line per collector, then a line per CPython version. */
export function formatGetrefcount(
  runs: readonly GetrefcountRun[],
  versions: readonly GetrefcountVersionRow[] = [],
): string {
  const width = Math.max(...runs.map((r) => r.collector.length));
  const lines = [
    'sys.getrefcount(a) at module level, inside bar(a), after bar returned:',
    '',
    `${'collector'.padEnd(width)}  3.11 convention   3.10 convention   3.14 convention   append (before, after)`,
    ...runs.map(
      (r) =>
        `${r.collector.padEnd(width)}  ${values(r.cpython311).padEnd(16)}  ${values(r.cpython310).padEnd(16)}  ${values(r.cpython314).padEnd(16)}  ${values(r.append)}`,
    ),
    '',
    'Inside bar the object is referenced by the global a, bar’s parameter and getrefcount’s argument: 3.',
    'Up to 3.10 the caller’s evaluation stack also kept the argument during the call to bar: 4. From 3.14',
    'a local is loaded as a borrowed reference, so getrefcount’s argument inside bar adds nothing: 2.',
    'Collectors that keep no exact count print null (lxr counts, but in 2 bits and not for roots).',
  ];
  if (versions.length > 0) {
    lines.push(
      '',
      'Per CPython version: the real interpreter running the example, and the version’s model:',
      '',
      `version  convention  real     model    collector     release`,
      ...versions.map(
        (v) =>
          `${v.version.padEnd(7)}  ${v.convention.padEnd(10)}  ${values(v.real).padEnd(7)}  ${values(v.model).padEnd(7)}  ${v.collector.padEnd(12)}  ${v.unavailable === null ? v.release : `not run: ${v.unavailable}`}`,
      ),
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** The figures of the `getrefcount` experiment (what `--json` prints). */
export interface GetrefcountResult {
  /** Experiment name (`getrefcount`). */
  experiment: 'getrefcount';
  /** One run per collector. */
  runs: GetrefcountRun[];
  /** One row per CPython version. */
  versions: GetrefcountVersionRow[];
}

/** The `getrefcount` experiment: every collector of the context, in its order. */
export const getrefcount: Experiment<GetrefcountResult> = {
  name: 'getrefcount',
  summary:
    "The article's sys.getrefcount example under every collector in three calling conventions, and in each real CPython 3.11-3.15 beside its model",
  options: [
    {
      key: 'versions',
      value: 'list',
      description: 'CPython versions to run for real beside their models: 3.11,...,3.15, all or none',
      defaultValue: [...PYTHON_VERSIONS],
      parse: (text: string): PythonVersion[] => {
        try {
          return parsePythonVersions(text);
        } catch (error) {
          if (error instanceof PythonVersionsError) throw new ExperimentOptionError(error.message);
          throw error;
        }
      },
    },
  ],
  examples: ['experiment getrefcount', 'experiment getrefcount --versions 3.11,3.14'],
  run: async (options, context) => ({
    experiment: 'getrefcount',
    runs: runGetrefcount(context.collectors),
    versions: await runGetrefcountVersions(
      context.collectors,
      (options['versions'] as PythonVersion[] | undefined) ?? PYTHON_VERSIONS,
    ),
  }),
  format: (result) => formatGetrefcount(result.runs, result.versions),
};
