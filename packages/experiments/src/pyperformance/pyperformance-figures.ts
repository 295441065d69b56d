/**
 * The `pyperformance` experiment: pyperformance's GC benchmarks (python/pyperformance; the programs in
 * @gclab/bench's workloads/pyperformance/) measured the same way in a real CPython and under
 * gclab's model of that version. The Python side is pyperformance_gc.py, which runs the benchmarks'
 * own bodies (pyperformance_benchmarks.py, copied from the cited sources) once per version, every
 * benchmark in one interpreter start; the gclab side runs each program's steps under the collector
 * `VERSION_COLLECTOR` names, with a `gc.callbacks` callback as Python's. Both report, per benchmark:
 * tracked objects after the setup, the net containers of one iteration's mutator part with the
 * collector disabled (generation 0's count) and what it leaves tracked, what each explicit collection
 * collects, and per iteration the automatic collections and what they collect by generation.
 */
import { fileURLToPath } from 'node:url';
import { KEPT, PYPERFORMANCE_PROGRAMS, type PyperformanceProgram } from '@gclab/bench';
import { type CollectorDescriptor, Heap } from '@gclab/core';
import type { CPythonCollector } from '@gclab/generational';
import { type Experiment, ExperimentOptionError, integerFlag, numberValue } from '../experiment.ts';
import {
  PYTHON_RELEASES,
  PYTHON_VERSIONS,
  type PythonVersion,
  parsePythonVersions,
  pythonUnavailable,
  runPython,
  VERSION_COLLECTOR,
} from '../interpreters/python.ts';
import { wrap } from '../wrap.ts';

/** One iteration's collections, by generation, and what each explicit collection collected. */
export interface IterationFigures {
  collections: [number, number, number];
  collected: [number, number, number];
  explicit: number[];
}

/** What one side measured of one benchmark. */
export interface BenchmarkFigures {
  /** Objects tracked after the setup (and a full collection). */
  tracked: number;
  /** Generation 0's count after one iteration's mutator part less before it, the collector disabled. */
  net: number;
  /** Tracked objects after that mutator part less before it. */
  live: number;
  /** Objects collected by each explicit collection of that iteration. */
  explicit: number[];
  /** The measured iterations, the collector enabled. */
  iterations: IterationFigures[];
}

/** The benchmarks and their default sizes (the harness's scale; the sources' in brackets). */
export const PYPERFORMANCE_SIZES: Readonly<Record<string, number>> = {
  gc_collect: 100, // CYCLES (100)
  gc_traversal: 1000, // N_LEVELS (1000)
  btree: 20_000, // NUM_NODES (200,000)
  async_tree_none: 4, // NUM_RECURSE_LEVELS (6)
  async_tree_io: 4,
  async_tree_memoization: 4,
  async_tree_cpu_io_mixed: 4,
  deepcopy: 25, // repetitions of the loop body per iteration
};

/** The program of the harness's benchmark `name`. */
export function pyperformanceProgram(name: string): PyperformanceProgram {
  const p = PYPERFORMANCE_PROGRAMS.find((q) => q.name === name);
  if (p === undefined) throw new ExperimentOptionError(`no pyperformance program is named ${name}.`);
  return p;
}

/**
 * Measures `program` at `size` under `collector` (a `cpython` collector) the way pyperformance_gc.py
 * measures the Python benchmark: setup, a warm-up iteration, one iteration's mutator part with the
 * collector disabled, then `iterations` iterations.
 */
export function measureModel(
  program: PyperformanceProgram,
  size: number,
  iterations: number,
  collector: CollectorDescriptor,
): BenchmarkFigures {
  const heap = new Heap(collector);
  const c = heap.collector as CPythonCollector;
  const gc = c.gc;
  const log: [number, number, boolean][] = [];
  let explicitNow = false;
  gc.callbacks.push((phase, info) => {
    if (phase === 'stop') log.push([info.generation, info.collected, explicitNow]);
  });
  const collect = (): void => {
    explicitNow = true;
    heap.gc();
    explicitNow = false;
  };
  const tracked = (): number => c.generationSize(0) + c.generationSize(1) + c.generationSize(2);
  collect();
  const before = tracked();
  program.setup(heap, size);
  collect();
  const figures: BenchmarkFigures = {
    tracked: tracked() - before,
    net: 0,
    live: 0,
    explicit: [],
    iterations: [],
  };
  const iteration = (): void => {
    for (let i = 0; i < program.pre; i++) collect();
    program.body(heap, size);
    for (let i = 0; i < program.post; i++) collect();
    if (program.keeps) heap.del(heap.global(KEPT));
  };
  iteration();
  for (let i = 0; i < program.pre; i++) collect();
  gc.disable();
  const live = tracked();
  const start = gc.get_count()[0];
  program.body(heap, size);
  figures.net = gc.get_count()[0] - start;
  figures.live = tracked() - live;
  log.length = 0;
  for (let i = 0; i < program.post; i++) collect();
  figures.explicit = log.map((e) => e[1]);
  if (program.keeps) heap.del(heap.global(KEPT));
  gc.enable();
  for (let k = 0; k < iterations; k++) {
    log.length = 0;
    iteration();
    const it: IterationFigures = { collections: [0, 0, 0], collected: [0, 0, 0], explicit: [] };
    for (const [g, n, explicit] of log) {
      if (explicit) it.explicit.push(n);
      else {
        it.collections[g as 0 | 1 | 2]++;
        it.collected[g as 0 | 1 | 2] += n;
      }
    }
    figures.iterations.push(it);
  }
  heap.release();
  return figures;
}

/** Both sides of one version. */
export interface VersionFigures {
  version: PythonVersion;
  /** The interpreter, or why it could not run. */
  python: string;
  /** gclab's collector. */
  collector: string;
  /** Per benchmark: gclab's figures and CPython's (or its error). */
  benchmarks: Record<string, { gclab: BenchmarkFigures; cpython: BenchmarkFigures | { error: string } }>;
}

/** The figures of the experiment. */
export interface PyperformanceResult {
  experiment: 'pyperformance';
  iterations: number;
  sizes: Record<string, number>;
  versions: VersionFigures[];
}

const HARNESS = fileURLToPath(new URL('./pyperformance_gc.py', import.meta.url));

/** What pyperformance_gc.py prints: the release it ran in, and the figures by benchmark. */
export interface HarnessOutput {
  /** `sys.version` up to the first space (`3.11.7`). */
  version: string;
  /** The figures, or why a benchmark could not run there. */
  benchmarks: Record<string, BenchmarkFigures | { error: string }>;
}

/** Runs pyperformance_gc.py under CPython `version`; resolves with its output. */
export async function runHarness(
  version: PythonVersion,
  iterations: number,
  sizes: Readonly<Record<string, number>>,
): Promise<HarnessOutput> {
  const args = [version, String(iterations), ...Object.entries(sizes).map(([n, s]) => `${n}=${s}`)];
  const out = await runPython(version, HARNESS, args, { timeoutMs: 600_000 });
  return JSON.parse(out.stdout) as HarnessOutput;
}

/** Runs every benchmark of `sizes` in each version and under its model. */
export async function runPyperformance(options: {
  versions: readonly PythonVersion[];
  iterations: number;
  sizes?: Readonly<Record<string, number>>;
  collectors: readonly CollectorDescriptor[];
}): Promise<PyperformanceResult> {
  const sizes = options.sizes ?? PYPERFORMANCE_SIZES;
  const versions: VersionFigures[] = [];
  for (const version of options.versions) {
    const name = VERSION_COLLECTOR[version];
    const collector = options.collectors.find((c) => c.name === name);
    if (collector === undefined)
      throw new ExperimentOptionError(`--versions ${version}: no registered collector is named ${name}.`);
    const reason = pythonUnavailable(version);
    let theirs: HarnessOutput | { error: string };
    try {
      theirs = reason === null ? await runHarness(version, options.iterations, sizes) : { error: reason };
    } catch (e) {
      theirs = { error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
    }
    const benchmarks: VersionFigures['benchmarks'] = {};
    for (const [bench, size] of Object.entries(sizes)) {
      const gclab = measureModel(pyperformanceProgram(bench), size, options.iterations, collector);
      const cpython =
        'error' in theirs ? { error: theirs.error } : (theirs.benchmarks[bench] ?? { error: 'not measured' });
      benchmarks[bench] = { gclab, cpython };
    }
    const release = 'version' in theirs ? theirs.version : PYTHON_RELEASES[version].release;
    versions.push({
      version,
      python: `CPython ${release}, ${PYTHON_RELEASES[version].runner}`,
      collector: name,
      benchmarks,
    });
  }
  return { experiment: 'pyperformance', iterations: options.iterations, sizes: { ...sizes }, versions };
}

/** Sums the iterations' figures. */
export function iterationTotals(f: BenchmarkFigures): IterationFigures {
  const t: IterationFigures = { collections: [0, 0, 0], collected: [0, 0, 0], explicit: [] };
  for (const it of f.iterations) {
    for (let g = 0; g < 3; g++) {
      t.collections[g as 0 | 1 | 2] += it.collections[g]!;
      t.collected[g as 0 | 1 | 2] += it.collected[g]!;
    }
    t.explicit.push(...it.explicit);
  }
  return t;
}

const cells = (f: BenchmarkFigures): string[] => {
  const t = iterationTotals(f);
  return [
    String(f.tracked),
    String(f.net),
    String(f.live),
    f.explicit.join('+') || '-',
    t.collections.join('/'),
    t.collected.join('/'),
  ];
};

/** The text form: per version, one line per benchmark and side. */
export function formatPyperformance(r: PyperformanceResult): string {
  const head = [
    'benchmark',
    'side',
    'tracked',
    'net',
    'live',
    'explicit',
    'auto gen 0/1/2',
    'collected 0/1/2',
  ];
  const out: string[] = [
    `pyperformance: ${r.iterations} iterations after a warm-up; sizes ${Object.entries(r.sizes)
      .map(([n, s]) => `${n}=${s}`)
      .join(' ')}`,
    '',
  ];
  for (const v of r.versions) {
    out.push(`CPython ${v.version} (${v.python}) and gclab ${v.collector}`);
    const rows: string[][] = [head];
    for (const [name, b] of Object.entries(v.benchmarks)) {
      rows.push([name, 'gclab', ...cells(b.gclab)]);
      rows.push([
        '',
        'CPython',
        ...('error' in b.cpython ? [`not run: ${b.cpython.error}`] : cells(b.cpython)),
      ]);
    }
    const widths = head.map((_, i) =>
      Math.max(...rows.filter((row) => row.length > 2).map((row) => (row[i] ?? '').length)),
    );
    for (const row of rows)
      out.push(
        row
          .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
          .join('  ')
          .trimEnd(),
      );
    out.push('');
  }
  out.push(
    wrap(
      'tracked: objects tracked after the setup; net: generation 0 count after one iteration body less before, collector disabled; live: tracked objects that body left; explicit: objects each explicit gc.collect() of that iteration collected; auto: automatic collections and what they collected, summed over the iterations. Why the sides differ: docs/pyperformance.md.',
      100,
    ),
    '',
  );
  return out.join('\n');
}

/** `gclab experiment pyperformance [--versions LIST] [--iterations N]`. */
export const pyperformance: Experiment<PyperformanceResult> = {
  name: 'pyperformance',
  summary:
    "pyperformance's GC benchmarks (gc_collect, gc_traversal, btree_gc, async_tree, deepcopy) in real CPython and under gclab's model of it: objects, collections, collected",
  options: [
    {
      key: 'versions',
      value: 'list',
      description: 'CPython versions, comma-separated (3.11 ... 3.15), or all',
      defaultValue: '3.11',
      parse: (text: string): PythonVersion[] => {
        let versions: PythonVersion[];
        try {
          versions = parsePythonVersions(text);
        } catch {
          versions = [];
        }
        if (versions.length === 0)
          throw new ExperimentOptionError(
            `expected CPython versions among ${PYTHON_VERSIONS.join(', ')}, or all.`,
          );
        return versions;
      },
    },
    integerFlag({
      key: 'iterations',
      value: 'n',
      description: 'measured iterations per benchmark, after a warm-up (1 to 100)',
      defaultValue: 3,
      min: 1,
      max: 100,
      expected: 'an iteration count from 1 to 100',
    }),
  ],
  examples: ['experiment pyperformance', 'experiment pyperformance --versions 3.11,3.13 --json'],
  run: (options, context) => {
    const versions = options['versions'];
    return runPyperformance({
      versions: typeof versions === 'string' ? parsePythonVersions(versions) : (versions as PythonVersion[]),
      iterations: numberValue(options, 'iterations'),
      collectors: context.collectors,
    });
  },
  format: formatPyperformance,
};
