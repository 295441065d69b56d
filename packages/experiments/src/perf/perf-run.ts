/**
 * The `perf` experiment (`npm run perf`, `gclab experiment perf`): gclab's speed beside the systems it
 * models and beside the bare-loop limit of this machine (issue 9). The nine figures, each beside its
 * anchor, medians of `runs` runs (default 5) with min and max, ratios pairing runs made alternately
 * in one process:
 *
 * 1. `mark-sweep` full collection of a live binary tree of 1, 2, 4 and 8 million objects, beside
 *    V8's `gc()` of the same tree as plain objects (same process, started with --expose-gc);
 * 2. `cpython` running the differential mix (1M steps) beside CPython 3.11 running
 *    scripts/differential_mix.py (collection logs checked identical);
 * 3. `refcount` cascade freeing a 4M-node tree beside CPython deleting it (scripts/tree_del.py);
 * 4. `mark-sweep`'s mark phase beside its own marking loop (@gclab/tracing-gc's `markFromStack`) run
 *    bare over the same tree;
 * 5. host memory per two-field object after building 4M objects (a fresh process per run);
 * 6. mark time per object at 8M beside 1M;
 * 7. wall time of the default `npx gclab run`;
 * 8. `immix`'s full-heap trace (its mark phase: objects and lines marked, evacuation checks) beside the
 *    same bare marking loop over the same tree, at 1M and 4M objects (issue 18: within 1.5x);
 * 9. `replayTraceFile` of a 1M-operation trace file under `no-gc` beside the heap API driven directly
 *    with the same operations (issue 20: within 2x).
 *
 * Each group of figures runs in its own child process (scripts/perf.ts --child GROUP: one collector
 * per isolate, so V8 sees monomorphic call sites), started with --expose-gc; the children load no
 * CommonJS module (test/perf/no-commonjs.test.ts). Writes perf.json and perf.md into `out`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gitCommit, machineInfo, writeFileAtomic } from '@gclab/bench';
import { noGc } from '@gclab/core';
import { type CPythonCollector, cpython } from '@gclab/generational';
import { refcount } from '@gclab/refcount';
import { immix, markSweep } from '@gclab/tracing-gc';
import { mixWords, runMix } from '../differential-mix/differential-mix.ts';
import { type Experiment, ExperimentOptionError, integerFlag } from '../experiment.ts';
import { PYTHON_COMMAND, pythonScript, runPythonMix } from '../interpreters/python.ts';
import { measureCascade } from './cascade.ts';
import { measureFullCollection } from './full-collection.ts';
import { type HostMemoryResult, measureHostMemory } from './host-memory.ts';
import { LineProcess } from './line-process.ts';
import { measureOperationMix } from './operation-mix.ts';
import { type PerfFigure, unmeasured } from './perf-figure.ts';
import { formatPerfMarkdown, type PerfReport, writePerfReport } from './perf-report.ts';
import {
  cascadeFigure,
  fullCollectionFigures,
  gclabRunFigure,
  hostMemoryFigure,
  immixMarkFigures,
  operationMixFigure,
  PERF_TARGETS,
  traceReplayFigure,
} from './perf-targets.ts';
import { measureTraceReplay } from './trace-replay.ts';

/** The repository root (`npx gclab run` of figure 7 runs there; `out/perf` is the default output). */
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** The script the children run (`--child GROUP`). */
const PERF_SCRIPT = fileURLToPath(new URL('../../scripts/perf.ts', import.meta.url));
const RESULT_PREFIX = 'PERF-RESULT ';

/** Tree sizes of figures 1, 4 and 6. */
const SIZES = [1_000_000, 2_000_000, 4_000_000, 8_000_000];
/** Tree sizes of figure 8. */
const IMMIX_SIZES = [1_000_000, 4_000_000];
/** Steps of the differential mix (figure 2). */
const MIX_STEPS = 1_000_000;
/** Nodes of the cascade tree (figure 3) and of the host-memory build (figure 5). */
const CASCADE_NODES = 4_000_000;
const MEMORY_NODES = 4_000_000;
/** Operations of the trace of figure 9. */
const TRACE_OPS = 1_000_000;

/** A group of figures measured in one child process. */
export type PerfGroup =
  | 'full-collection'
  | 'operation-mix'
  | 'cascade'
  | 'host-memory'
  | 'immix'
  | 'trace-replay';
const GROUP_FIGURES: Record<PerfGroup, number[]> = {
  'full-collection': [1, 4, 6],
  immix: [8],
  'operation-mix': [2],
  cascade: [3],
  'host-memory': [5],
  'trace-replay': [9],
};

/** Whether `name` is a group a child can run. */
export function isPerfGroup(name: string): name is PerfGroup {
  return Object.hasOwn(GROUP_FIGURES, name);
}

const log = (message: string): void => {
  process.stderr.write(`perf: ${message}\n`);
};

/** Runs one group of figures in this process (a child started with --expose-gc). */
export async function runPerfGroup(group: PerfGroup, runs: number): Promise<unknown> {
  const v8Gc = (globalThis as { gc?: () => void }).gc;
  if (v8Gc === undefined) throw new Error('perf children run with --expose-gc');
  switch (group) {
    case 'full-collection': {
      const result = await measureFullCollection({
        descriptor: markSweep,
        sizes: SIZES,
        runs,
        markPauseKind: 'mark',
        v8Gc,
        log,
      });
      return fullCollectionFigures(markSweep.name, result);
    }
    case 'immix': {
      const result = await measureFullCollection({
        descriptor: immix,
        sizes: IMMIX_SIZES,
        runs,
        markPauseKind: 'mark',
        v8Gc,
        log,
      });
      return immixMarkFigures(immix.name, result);
    }
    case 'operation-mix': {
      // Python draws its step words before it starts its clock; so does this side (round r = seed r).
      const words = Array.from({ length: runs + 1 }, (_, round) => mixWords(round, MIX_STEPS));
      const result = await measureOperationMix({
        descriptor: cpython,
        runs,
        // Python's side registers a gc callback (to log collections); so does this side.
        run: (heap, round) => {
          (heap.collector as CPythonCollector).gc.callbacks.push(() => {});
          return runMix(heap, { seed: round, steps: MIX_STEPS, words: words[round]! });
        },
        anchor: async (round) => {
          const py = await runPythonMix(PYTHON_COMMAND, round, MIX_STEPS);
          return { ms: py.seconds * 1000, output: py.lines.join('\n') };
        },
        check: (heap, output) => {
          const c = heap.collector as CPythonCollector;
          const lines = heap.telemetry.collections.map(
            (r) => `${r.opIndex} ${r.generation} ${r.collected} ${r.uncollectable}`,
          );
          lines.push(`count ${c.gc.get_count().join(' ')}`);
          return lines.join('\n') === output.trimEnd()
            ? null
            : 'the collection logs of gclab and CPython differ';
        },
        log,
      });
      return [operationMixFigure(cpython.name, 'CPython 3.11', result)];
    }
    case 'cascade': {
      const python = new LineProcess(PYTHON_COMMAND, [pythonScript('tree_del.py')]);
      try {
        const result = await measureCascade({
          descriptor: refcount,
          nodes: CASCADE_NODES,
          runs,
          anchor: async (nodes) => (JSON.parse(await python.request(String(nodes))) as { ms: number }).ms,
          log,
        });
        return [cascadeFigure(refcount.name, 'CPython 3.11 del', result)];
      } finally {
        await python.close();
      }
    }
    case 'host-memory':
      return measureHostMemory({ descriptor: markSweep, nodes: MEMORY_NODES, v8Gc });
    case 'trace-replay':
      return [
        traceReplayFigure(noGc.name, measureTraceReplay({ ops: TRACE_OPS, runs, descriptor: noGc, log })),
      ];
  }
}

/** The line a child prints with its result. */
export function perfResultLine(result: unknown): string {
  return `${RESULT_PREFIX}${JSON.stringify(result)}\n`;
}

/** Starts scripts/perf.ts as a child for `group`; resolves with its result. */
function spawnGroup(group: PerfGroup, runs: number): Promise<unknown> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--conditions=@gclab/source',
        '--import',
        tsx,
        PERF_SCRIPT,
        '--child',
        group,
        '--runs',
        String(runs),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(new Error(`the ${group} child failed (${signal ?? `exit ${code}`})`));
      } else {
        resolvePromise(JSON.parse(line.slice(RESULT_PREFIX.length)));
      }
    });
  });
}

/** Wall seconds of `npx gclab run` (defaults), `count` times; or why it could not be measured. */
async function timeGclabRun(count: number, outDir: string): Promise<number[] | string> {
  const seconds: number[] = [];
  for (let r = 0; r < count; r++) {
    log(`npx gclab run: run ${r + 1}/${count}`);
    const t = performance.now();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const proc = spawn('npx', ['gclab', 'run'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
      });
      proc.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
      });
      proc.on('error', (e) => done({ code: -1, stdout, stderr: e.message }));
      proc.on('exit', (code) => done({ code, stdout, stderr }));
    });
    const s = (performance.now() - t) / 1000;
    if (result.code !== 0) {
      return `npx gclab run exited with ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`;
    }
    seconds.push(s);
    if (r === count - 1) {
      writeFileAtomic(join(outDir, 'gclab-run.txt'), result.stdout);
    }
  }
  return seconds;
}

/** Title and target of each figure, for a figure whose child failed. */
const FIGURE_INFO: Record<number, { key: string; title: string; target: number; unit: string }> = {
  1: {
    key: 'full-collection',
    title: 'mark-sweep full collection beside V8 gc()',
    target: PERF_TARGETS.fullCollectionRatio,
    unit: 'ratio',
  },
  2: {
    key: 'operation-mix',
    title: 'cpython differential mix beside CPython 3.11',
    target: PERF_TARGETS.mixRatio,
    unit: 'ratio',
  },
  3: {
    key: 'cascade',
    title: 'refcount cascade beside CPython del',
    target: PERF_TARGETS.cascadeRatio,
    unit: 'ratio',
  },
  4: {
    key: 'mark-vs-bare',
    title: 'mark-sweep mark phase beside a bare mark loop',
    target: PERF_TARGETS.markOverBare,
    unit: 'ratio',
  },
  5: {
    key: 'host-memory',
    title: 'host memory per two-field object',
    target: PERF_TARGETS.bytesPerObject,
    unit: 'B/object',
  },
  6: {
    key: 'mark-scaling',
    title: 'mark time per object, 8M beside 1M',
    target: PERF_TARGETS.scaling,
    unit: 'ratio',
  },
  8: {
    key: 'immix-mark-vs-bare',
    title: 'immix full-heap trace beside a bare mark loop',
    target: PERF_TARGETS.immixMarkOverBare,
    unit: 'ratio',
  },
  9: {
    key: 'trace-replay',
    title: 'no-gc replaying a trace file beside the heap API',
    target: PERF_TARGETS.traceReplayRatio,
    unit: 'ratio',
  },
};

function notMeasured(id: number, reason: string): PerfFigure {
  const info = FIGURE_INFO[id]!;
  const targetText = info.unit === 'ratio' ? `ratio <= ${info.target}` : `<= ${info.target} ${info.unit}`;
  return unmeasured({ id, key: info.key, title: info.title, target: info.target, targetText }, reason);
}

/** Options of `runPerf`. */
export interface PerfOptions {
  /** Timed runs of every figure (default 5). */
  runs?: number;
  /** Figures to measure (default: all nine). */
  only?: readonly number[];
  /** Directory of perf.json, perf.md and gclab-run.txt (default out/perf at the repository root). */
  out?: string;
}

/** What `runPerf` measured and wrote. */
export interface PerfRun {
  /** The report (what perf.json holds). */
  report: PerfReport;
  /** The files written. */
  paths: { json: string; markdown: string };
}

/** Measures the figures (each group in a child process) and writes the report. */
export async function runPerf(options: PerfOptions = {}): Promise<PerfRun> {
  const runs = options.runs ?? 5;
  if (!(Number.isInteger(runs) && runs >= 1))
    throw new ExperimentOptionError(`--runs must be a positive integer, got ${runs}`);
  const outDir = resolve(options.out ?? join(REPO, 'out/perf'));
  const only = options.only;
  const wanted = (id: number) => only === undefined || only.includes(id);
  const started = new Date();
  const loadStart = os.loadavg()[0]!;
  const t0 = performance.now();
  const figures: PerfFigure[] = [];
  for (const group of Object.keys(GROUP_FIGURES) as PerfGroup[]) {
    const ids = GROUP_FIGURES[group];
    if (!ids.some(wanted)) continue;
    log(`${group} (figures ${ids.join(', ')}), load ${os.loadavg()[0]!.toFixed(1)}`);
    try {
      if (group === 'host-memory') {
        const results: HostMemoryResult[] = [];
        for (let r = 0; r < runs; r++) results.push((await spawnGroup(group, runs)) as HostMemoryResult);
        figures.push(hostMemoryFigure(markSweep.name, results));
      } else {
        figures.push(...((await spawnGroup(group, runs)) as PerfFigure[]).filter((f) => wanted(f.id)));
      }
    } catch (error) {
      for (const id of ids.filter(wanted)) figures.push(notMeasured(id, (error as Error).message));
    }
  }
  if (wanted(7)) {
    log(`npx gclab run (figure 7), load ${os.loadavg()[0]!.toFixed(1)}`);
    figures.push(gclabRunFigure(await timeGclabRun(runs, outDir)));
  }
  figures.sort((a, b) => a.id - b.id);
  const machine = machineInfo();
  const pythonVersion = spawnSync(PYTHON_COMMAND, ['--version'], { encoding: 'utf8' });
  const report: PerfReport = {
    schema: 'gclab-perf/1',
    started: started.toISOString(),
    seconds: (performance.now() - t0) / 1000,
    commit: gitCommit(),
    machine: {
      cpus: machine.cpus,
      cpuModel: machine.cpuModel,
      node: process.version,
      python: pythonVersion.status === 0 ? pythonVersion.stdout.trim() : null,
      loadStart,
      loadEnd: os.loadavg()[0]!,
    },
    runs,
    figures,
  };
  return { report, paths: writePerfReport(outDir, report) };
}

/** The text `npm run perf` prints: the Markdown report and the files written. */
export function formatPerfRun(run: PerfRun): string {
  return `${formatPerfMarkdown(run.report)}\nwrote ${run.paths.json} and ${run.paths.markdown}\n`;
}

/** Parses `--only 1,4,6`: figure numbers from 1 to 9. */
export function parseFigureList(text: string): number[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((s) => !/^[1-9]$/.test(s)))
    throw new ExperimentOptionError('expected figure numbers from 1 to 9, separated by commas (e.g. 4,6).');
  return ids.map(Number);
}

/** `gclab experiment perf [--runs N] [--only 1,4] [--out DIR]` (also `npm run perf`). */
export const perf: Experiment<PerfRun> = {
  name: 'perf',
  summary:
    "gclab's speed beside V8, CPython 3.11 and the bare mark loop: the nine perf figures (minutes; writes perf.json and perf.md)",
  options: [
    integerFlag({
      key: 'runs',
      value: 'n',
      description: 'timed runs of every figure (1 to 100)',
      defaultValue: 5,
      min: 1,
      max: 100,
      expected: 'a run count from 1 to 100',
    }),
    {
      key: 'only',
      value: 'figures',
      description: 'the figures to measure, e.g. 4,6 (default: all nine)',
      defaultValue: undefined,
      parse: parseFigureList,
    },
    {
      key: 'out',
      value: 'dir',
      description: 'directory of perf.json, perf.md and gclab-run.txt (default out/perf)',
      defaultValue: undefined,
      parse: (text: string) => text,
    },
  ],
  examples: ['experiment perf', 'experiment perf --only 4,6 --runs 3 --out /tmp/perf'],
  run: (options) =>
    runPerf({
      runs: options.runs as number,
      ...(options.only === undefined ? {} : { only: options.only as number[] }),
      ...(options.out === undefined ? {} : { out: options.out as string }),
    }),
  format: formatPerfRun,
};
