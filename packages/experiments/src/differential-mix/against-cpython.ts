/**
 * The `differential-mix` experiment: the differential mix (`differential-mix.ts`) run by gclab's
 * `cpython` collector and by the real CPython 3.11 (scripts/differential_mix.py, same seed, same
 * operations), the two collection logs compared line for line. A line is one collection as a
 * `gc.callbacks` callback records it, `OPINDEX GENERATION COLLECTED UNCOLLECTABLE`; the last line is
 * `count C0 C1 C2` (`gc.get_count()` at the end). Both sides run at once (Python in a child process).
 */
import { Heap } from '@gclab/core';
import { type CPythonCollector, cpython } from '@gclab/generational';
import { type Experiment, integerFlag, numberValue } from '../experiment.ts';
import { findPython311, InterpreterNotFoundError, runPythonMix } from '../interpreters/python.ts';
import { wrap } from '../wrap.ts';
import { runMix } from './differential-mix.ts';

/** Options of `runAgainstCPython`. */
export interface AgainstCPythonOptions {
  /** Seed of `random.Random(seed)`. */
  seed: number;
  /** Steps of the mix. */
  steps: number;
  /** Objects of the long-lived chain built before the steps (default 0). */
  longLived?: number;
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
  /** The interpreter that ran the Python side (`python3.11 3.11`). */
  python: string;
  /** gclab's `cpython` collector. */
  gclab: MixSide;
  /** The real CPython. */
  cpython: MixSide;
  /** Whether the two logs are identical, line for line. */
  identical: boolean;
  /** The first line where they differ (1-based), with both sides' lines; null when identical. */
  firstDifference: { line: number; gclab: string | null; cpython: string | null } | null;
}

/** Runs the mix under `cpython` with a callback that records each collection, as Python's does. */
export function gclabMixLog(options: AgainstCPythonOptions): { lines: string[]; heap: Heap; ms: number } {
  const heap = new Heap(cpython);
  const c = heap.collector as CPythonCollector;
  const lines: string[] = [];
  c.gc.callbacks.push((phase, info) => {
    if (phase === 'stop')
      lines.push(`${heap.opIndex} ${info.generation} ${info.collected} ${info.uncollectable}`);
  });
  const t = performance.now();
  runMix(heap, { seed: options.seed, steps: options.steps, longLived: options.longLived ?? 0 });
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

/** Runs both sides and compares their logs; throws `InterpreterNotFoundError` without CPython 3.11. */
export async function runAgainstCPython(options: AgainstCPythonOptions): Promise<AgainstCPythonResult> {
  const python = findPython311();
  if (python.command === null) throw new InterpreterNotFoundError(`differential-mix: ${python.reason}`);
  const longLived = options.longLived ?? 0;
  const pending = runPythonMix(python.command, options.seed, options.steps, longLived);
  const ours = gclabMixLog(options);
  const theirs = await pending;
  const n = Math.max(ours.lines.length, theirs.lines.length);
  let firstDifference: AgainstCPythonResult['firstDifference'] = null;
  for (let i = 0; i < n && firstDifference === null; i++) {
    if (ours.lines[i] !== theirs.lines[i])
      firstDifference = { line: i + 1, gclab: ours.lines[i] ?? null, cpython: theirs.lines[i] ?? null };
  }
  return {
    experiment: 'differential-mix',
    seed: options.seed,
    steps: options.steps,
    longLived,
    python: `${python.command} ${python.version}`,
    gclab: side(ours.lines, ours.ms),
    cpython: side(theirs.lines, theirs.seconds * 1000),
    identical: firstDifference === null,
    firstDifference,
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The text form: both sides' figures, then whether and where the logs differ. */
export function formatAgainstCPython(r: AgainstCPythonResult): string {
  const row = (name: string, s: MixSide): string =>
    `${name.padEnd(14)}  ${fmt(s.collections).padStart(11)}  ${s.byGeneration.map(fmt).join(' / ').padEnd(17)}  ${s.count.join(' ').padEnd(11)}  ${s.ms.toFixed(1).padStart(8)}`;
  const verdict = r.identical
    ? `The logs are identical: all ${fmt(r.gclab.collections)} collections at the same operation, of the same generation, collecting the same objects, and the same final counts.`
    : `The logs differ at line ${r.firstDifference!.line}: gclab ${JSON.stringify(r.firstDifference!.gclab)}, CPython ${JSON.stringify(r.firstDifference!.cpython)}.`;
  return [
    `differential-mix: seed ${r.seed}, ${fmt(r.steps)} steps, ${fmt(r.longLived)} long-lived objects (${r.python})`,
    '',
    `${'side'.padEnd(14)}  collections  gen 0 / 1 / 2      final count  ms (mix)`,
    row('gclab cpython', r.gclab),
    row('CPython 3.11', r.cpython),
    '',
    wrap(verdict, 100),
    '',
  ].join('\n');
}

/** `gclab experiment differential-mix [--steps N] [--seed S] [--long-lived N]`. */
export const differentialMix: Experiment<AgainstCPythonResult> = {
  name: 'differential-mix',
  summary:
    "The differential mix under gclab's cpython collector and under CPython 3.11 itself: are the collection logs identical?",
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
  ],
  examples: [
    'experiment differential-mix',
    'experiment differential-mix --steps 1000000 --long-lived 200000 --json',
  ],
  run: (options) =>
    runAgainstCPython({
      steps: numberValue(options, 'steps'),
      seed: numberValue(options, 'seed'),
      longLived: numberValue(options, 'longLived'),
    }),
  format: formatAgainstCPython,
};
