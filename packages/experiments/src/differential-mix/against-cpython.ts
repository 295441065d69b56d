/**
 * The `differential-mix` experiment: the differential mix (`differential-mix.ts`) run by gclab's
 * model of a CPython version (`cpython` for 3.11, `cpython-3.12` ... for the later ones) and by that
 * real CPython (scripts/differential_mix.py, same seed, same operations), the two collection logs
 * compared line for line. A line is one collection as a `gc.callbacks` callback records it,
 * `OPINDEX GENERATION COLLECTED UNCOLLECTABLE`; the last line is `count C0 C1 C2` (`gc.get_count()` at
 * the end). Python runs first (in a child process): it reports how many objects it froze, which the
 * 3.14 model needs (`mixEnvironment`). From 3.12 the mix has a `safepoint` after each allocation
 * (where the eval breaker runs a scheduled collection) on both sides.
 */
import { type CollectorDescriptor, Heap } from '@gclab/core';
import { type CPythonCollector, cpython } from '@gclab/generational';
import { type Experiment, ExperimentOptionError, integerFlag, numberValue } from '../experiment.ts';
import {
  InterpreterNotFoundError,
  isPythonVersion,
  PYTHON_RELEASES,
  PYTHON_VERSIONS,
  type PythonVersion,
  pythonUnavailable,
  runPythonMixVersion,
  VERSION_COLLECTOR,
} from '../interpreters/python.ts';
import { wrap } from '../wrap.ts';
import { ROOT_SLOTS, runMix } from './differential-mix.ts';

/** Options of `runAgainstCPython`. */
export interface AgainstCPythonOptions {
  /** Seed of `random.Random(seed)`. */
  seed: number;
  /** Steps of the mix. */
  steps: number;
  /** Objects of the long-lived chain built before the steps (default 0). */
  longLived?: number;
  /** The CPython version (default 3.11): the real interpreter, and with it whether the mix has safepoints. */
  version?: PythonVersion;
  /** gclab's model of that version (default `cpython`, the 3.11 model). */
  collector?: CollectorDescriptor;
  /** The model's options (default: `mixEnvironment` of the version and the objects Python froze). */
  collectorOptions?: Record<string, number>;
}

/** The name of gclab's collector modelling CPython `version`: `cpython` (3.11), else `cpython-VERSION`. */
export function mixCollectorName(version: PythonVersion): string {
  return VERSION_COLLECTOR[version];
}

/** One side's collection log, summed up. */
export interface MixSide {
  /** Collections in the log. */
  collections: number;
  /** Collections of generation 0, 1 and 2. */
  byGeneration: [number, number, number];
  /** `gc.get_count()` at the end. */
  count: number[];
  /** Milliseconds of the mix (gclab: wall time of `runMix`; CPython: its own timing of its loop). */
  ms: number;
}

/** The figures of the experiment. */
export interface AgainstCPythonResult {
  /** Experiment name (`differential-mix`). */
  experiment: 'differential-mix';
  /** Seed, steps and long-lived objects of the run. */
  seed: number;
  steps: number;
  longLived: number;
  /** The CPython version compared. */
  version: PythonVersion;
  /** The interpreter that ran the Python side (`CPython 3.12.7, pyodide 0.27.7 (WebAssembly)`). */
  python: string;
  /** The gclab collector that modelled it. */
  collector: string;
  /** gclab's side. */
  gclab: MixSide;
  /** The real CPython. */
  cpython: MixSide;
  /** Whether the two logs are identical, line for line. */
  identical: boolean;
  /** The first line where they differ (1-based), with both sides' lines; null when identical. */
  firstDifference: { line: number; gclab: string | null; cpython: string | null } | null;
}

/**
 * What the model of `version` must be told of the Python program's environment that the mix's
 * operations do not say. Only 3.14 needs it, because its collector marks from the roots and sizes
 * its increments by the heap: the 64 root slots `R` are a list frozen by gc.freeze(), which CPython
 * never marks through (`frozenRegisters`), and heap_size counts the `frozen` objects of the
 * interpreter and the script (`interpreterObjects`). Versions up to 3.13 and 3.15 find external
 * references by reference counts alone and need nothing.
 */
export function mixEnvironment(version: PythonVersion, frozen: number): Record<string, number> {
  return version === '3.14' ? { frozenRegisters: ROOT_SLOTS, interpreterObjects: frozen } : {};
}

/**
 * Runs the mix under `options.collector` (default `cpython`) with a callback that records each
 * collection, as Python's does; with a `safepoint` after each allocation when `version` is 3.12 on.
 */
export function gclabMixLog(
  options: AgainstCPythonOptions,
  frozen = 0,
): { lines: string[]; heap: Heap; ms: number } {
  const heap = new Heap(options.collector ?? cpython, {
    collectorOptions: options.collectorOptions ?? mixEnvironment(options.version ?? '3.11', frozen),
  });
  const c = heap.collector as CPythonCollector;
  const lines: string[] = [];
  c.gc.callbacks.push((phase, info) => {
    if (phase === 'stop')
      lines.push(`${heap.opIndex} ${info.generation} ${info.collected} ${info.uncollectable}`);
  });
  const t = performance.now();
  runMix(heap, {
    seed: options.seed,
    steps: options.steps,
    longLived: options.longLived ?? 0,
    safepoints: (options.version ?? '3.11') !== '3.11',
  });
  const ms = performance.now() - t;
  lines.push(`count ${c.gc.get_count().join(' ')}`);
  return { lines, heap, ms };
}

function side(lines: readonly string[], ms: number): MixSide {
  const byGeneration: [number, number, number] = [0, 0, 0];
  const log = lines.slice(0, -1);
  for (const line of log) {
    const g = Number(line.split(' ')[1]);
    if (g === 0 || g === 1 || g === 2) byGeneration[g]++;
  }
  const last = lines.at(-1) ?? '';
  const count = last.startsWith('count ') ? last.slice(6).split(' ').map(Number) : [];
  return { collections: log.length, byGeneration, count, ms };
}

/** The first line (1-based) where the two logs differ, with both sides' lines; null when identical. */
export function firstDifference(
  gclab: readonly string[],
  cpython: readonly string[],
): AgainstCPythonResult['firstDifference'] {
  const n = Math.max(gclab.length, cpython.length);
  for (let i = 0; i < n; i++) {
    if (gclab[i] !== cpython[i]) return { line: i + 1, gclab: gclab[i] ?? null, cpython: cpython[i] ?? null };
  }
  return null;
}

/**
 * Runs both sides and compares their logs; throws `InterpreterNotFoundError` when the version's
 * interpreter cannot run here.
 */
export async function runAgainstCPython(options: AgainstCPythonOptions): Promise<AgainstCPythonResult> {
  const version = options.version ?? '3.11';
  const reason = pythonUnavailable(version);
  if (reason !== null) throw new InterpreterNotFoundError(`differential-mix: CPython ${version}: ${reason}`);
  const longLived = options.longLived ?? 0;
  // The model runs after the interpreter, which says how many objects it froze.
  const theirs = await runPythonMixVersion(version, options.seed, options.steps, longLived);
  const ours = gclabMixLog(options, theirs.frozen);
  const first = firstDifference(ours.lines, theirs.lines);
  return {
    experiment: 'differential-mix',
    seed: options.seed,
    steps: options.steps,
    longLived,
    version,
    python: `CPython ${PYTHON_RELEASES[version].release}, ${PYTHON_RELEASES[version].runner}`,
    collector: (options.collector ?? cpython).name,
    gclab: side(ours.lines, ours.ms),
    cpython: side(theirs.lines, theirs.seconds * 1000),
    identical: first === null,
    firstDifference: first,
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The text form: both sides' figures, then whether and where the logs differ. */
export function formatAgainstCPython(r: AgainstCPythonResult): string {
  const row = (name: string, s: MixSide): string =>
    `${name.padEnd(18)}  ${fmt(s.collections).padStart(11)}  ${s.byGeneration.map(fmt).join(' / ').padEnd(17)}  ${s.count.join(' ').padEnd(11)}  ${s.ms.toFixed(1).padStart(8)}`;
  const verdict = r.identical
    ? `The logs are identical: all ${fmt(r.gclab.collections)} collections at the same operation, of the same generation, collecting the same objects, and the same final counts.`
    : `The logs differ at line ${r.firstDifference!.line}: gclab ${JSON.stringify(r.firstDifference!.gclab)}, CPython ${JSON.stringify(r.firstDifference!.cpython)}.`;
  return [
    `differential-mix: seed ${r.seed}, ${fmt(r.steps)} steps, ${fmt(r.longLived)} long-lived objects (${r.python})`,
    '',
    `${'side'.padEnd(18)}  collections  gen 0 / 1 / 2      final count  ms (mix)`,
    row(`gclab ${r.collector}`, r.gclab),
    row(`CPython ${r.version}`, r.cpython),
    '',
    wrap(verdict, 100),
    '',
  ].join('\n');
}

/** `--version V`: the CPython version, one of `PYTHON_VERSIONS`. */
const versionFlag = {
  key: 'version',
  value: 'v',
  description: `the CPython version compared (${PYTHON_VERSIONS.join(', ')}) and gclab's model of it`,
  defaultValue: '3.11',
  parse: (text: string): PythonVersion => {
    const v = text.trim();
    if (!isPythonVersion(v))
      throw new ExperimentOptionError(`expected one of ${PYTHON_VERSIONS.join(', ')}.`);
    return v;
  },
};

/** `gclab experiment differential-mix [--steps N] [--seed S] [--long-lived N] [--version V]`. */
export const differentialMix: Experiment<AgainstCPythonResult> = {
  name: 'differential-mix',
  summary:
    "The differential mix under gclab's model of a CPython version (3.11 by default) and under that CPython itself: are the collection logs identical?",
  options: [
    integerFlag({
      key: 'steps',
      value: 'n',
      description: 'steps of the mix (0 to 10,000,000)',
      defaultValue: 1_000_000,
      min: 0,
      max: 10_000_000,
      expected: 'a step count from 0 to 10000000',
    }),
    integerFlag({
      key: 'seed',
      value: 's',
      description: 'seed of random.Random(seed) on both sides',
      defaultValue: 1,
      min: 0,
      max: 2 ** 32 - 1,
      expected: 'a seed from 0 to 4294967295',
    }),
    integerFlag({
      key: 'longLived',
      value: 'n',
      description: 'long-lived objects built before the steps (0 to 10,000,000)',
      defaultValue: 0,
      min: 0,
      max: 10_000_000,
      expected: 'a count of long-lived objects from 0 to 10000000',
    }),
    versionFlag,
  ],
  examples: [
    'experiment differential-mix',
    'experiment differential-mix --steps 1000000 --long-lived 200000 --json',
    'experiment differential-mix --version 3.13 --steps 1000000',
  ],
  run: async (options, context) => {
    const version = options['version'] as PythonVersion;
    const name = mixCollectorName(version);
    const collector = context.collectors.find((c) => c.name === name);
    if (collector === undefined)
      throw new ExperimentOptionError(`--version ${version}: no registered collector is named ${name}.`);
    return runAgainstCPython({
      steps: numberValue(options, 'steps'),
      seed: numberValue(options, 'seed'),
      longLived: numberValue(options, 'longLived'),
      version,
      collector,
    });
  },
  format: formatAgainstCPython,
};
