/**
 * The GC profile of a real Python program under each real CPython (what `gclab python FILE.py`
 * prints): the program runs as `__main__` under scripts/gc_profile.py, once per version, through
 * `runPython` (native 3.11, 3.12-3.15 as WebAssembly), and the figures each run wrote are put side
 * by side.
 *
 * The channel: gc_profile.py writes its figures as JSON to a file in a fresh temporary directory
 * (mounted into WebAssembly), never to the program's stdout or stderr, which are kept as the
 * program's own output. A program that fails (an uncaught exception, a non-zero SystemExit) still
 * gets its figures, with its status and error; a run whose harness wrote nothing (the interpreter
 * is missing, or the program ended the process with os._exit) is reported with the reason. The
 * definitions of the figures (pauses, the high-water mark of cyclic garbage and what is exact or a
 * bound) are in the header of scripts/gc_profile.py and in docs/cpython-versions.md.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GclabError } from '@gclab/core';
import {
  PYTHON_RELEASES,
  PYTHON_VERSIONS,
  type PythonVersion,
  pythonScript,
  runPython,
} from '../interpreters/python.ts';

/** The program to profile does not exist or is not a file. */
export class PythonProgramError extends GclabError {
  override name = 'PythonProgramError';
}

/** What scripts/gc_profile.py writes for one run (see its header for each definition). */
export interface GcProfile {
  /** `major.minor.micro` of the interpreter. */
  version: string;
  /** `sys.version`'s first word (e.g. `3.15.0rc1`). */
  release: string;
  /** gc.get_threshold() when the program started. */
  threshold: number[];
  /** Collections by the generation their callback reported (`"0"`, `"1"`, `"2"`). */
  collections: Record<string, number>;
  /** Each collection in order: generation, collected, uncollectable, 1 if gc.collect() asked. */
  log: Array<[number, number, number, number]>;
  /** Of those, collections the program asked for with gc.collect(). */
  explicit: number;
  /** Objects collected, summed over the collections. */
  collected: number;
  /** Objects found unreachable but uncollectable (gc.garbage), summed. */
  uncollectable: number;
  /** Pauses (one per collection): how many, their total and longest, in seconds. */
  pauseCount: number;
  pauseSum: number;
  pauseMax: number;
  /** Most garbage (collected + uncollectable) one collection found: a lower bound of the peak. */
  foundPeak: number;
  /** Census period (0: no census); censuses taken; the largest count; the last (at the end). */
  censusEvery: number;
  censusCount: number;
  censusPeak: number | null;
  censusLast: number | null;
  /** Seconds the censuses took (taken out of `wallSeconds`). */
  censusSeconds: number;
  /** The program's own wall time, seconds. */
  wallSeconds: number;
  /** Cyclic garbage left when the program ended (one full collection afterwards). */
  leftAtEnd: number;
  /** max(foundPeak, leftAtEnd): the lower bound of the high-water mark the callbacks give. */
  peakAtLeast: number;
  /** The program's exit status (0, SystemExit's code, 1 after an uncaught exception). */
  status: number;
  /** The program's error (`ValueError: boom`), or null. */
  error: string | null;
}

/** One version's run. */
export interface PythonProfileRun {
  /** CPython `major.minor`. */
  version: PythonVersion;
  /** How it ran (`python3`, `pyodide 0.27.7 (WebAssembly)`). */
  runner: string;
  /** True when the program ran to its end with status 0. */
  ok: boolean;
  /** Why not: the program's error, or why the run gave no figures. Null when ok. */
  error: string | null;
  /** The figures, or null when the harness wrote none. */
  figures: GcProfile | null;
  /** The program's standard output and error. */
  stdout: string;
  stderr: string;
  /** Seconds the whole run took, interpreter start-up included. */
  seconds: number;
}

/** The report of `gclab python`. */
export interface PythonProfileReport {
  /** The program (absolute path) and its arguments. */
  program: string;
  args: string[];
  /** Census period given (0: none). */
  censusEvery: number;
  /** One run per requested version, in the requested order. */
  runs: PythonProfileRun[];
}

/** Options of `profilePython`. */
export interface PythonProfileOptions {
  /** The versions, in order (default: all of `PYTHON_VERSIONS`). */
  versions?: readonly PythonVersion[];
  /** The program's arguments. */
  args?: readonly string[];
  /** Take an exact census of unreachable objects at every N-th collection start (0: never). */
  censusEvery?: number;
  /** How many versions run at once (1 or 2; the machine has 2 cores). */
  jobs?: number;
  /** Told of each run's start and end (progress lines for stderr). */
  onProgress?: (line: string) => void;
  /** Per-run time limit, ms. */
  timeoutMs?: number;
}

/** The absolute path of `program`; throws `PythonProgramError` when it is not a readable file. */
export function checkProgram(program: string): string {
  const path = resolve(program);
  if (!existsSync(path)) throw new PythonProgramError(`${program}: no such file`);
  if (!statSync(path).isFile()) throw new PythonProgramError(`${program}: not a file`);
  return path;
}

/** Runs `program` under each version and collects the figures (see the file comment). */
export async function profilePython(
  program: string,
  options: PythonProfileOptions = {},
): Promise<PythonProfileReport> {
  const path = checkProgram(program);
  const versions = options.versions ?? PYTHON_VERSIONS;
  const args = [...(options.args ?? [])];
  const censusEvery = options.censusEvery ?? 0;
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, versions.length));
  const out = mkdtempSync(join(tmpdir(), 'gclab-python-'));
  const runs: PythonProfileRun[] = new Array(versions.length);
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < versions.length) {
        const i = next++;
        const version = versions[i]!;
        options.onProgress?.(`[${version}] running ${program} ...`);
        runs[i] = await runOne(version, path, args, censusEvery, out, options.timeoutMs);
        const r = runs[i]!;
        options.onProgress?.(
          `[${version}] ${r.ok ? 'done' : 'FAILED'} in ${r.seconds.toFixed(1)} s${r.ok ? '' : `: ${r.error}`}`,
        );
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return { program: path, args, censusEvery, runs };
}

async function runOne(
  version: PythonVersion,
  program: string,
  args: readonly string[],
  censusEvery: number,
  outDir: string,
  timeoutMs: number | undefined,
): Promise<PythonProfileRun> {
  const outFile = join(outDir, `${version}.json`);
  const runner = PYTHON_RELEASES[version].runner;
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  try {
    const { stdout, stderr } = await runPython(
      version,
      pythonScript('gc_profile.py'),
      [outFile, String(censusEvery), program, ...args],
      { mounts: [dirname(program), outDir], ...(timeoutMs === undefined ? {} : { timeoutMs }) },
    );
    if (!existsSync(outFile))
      return failed(
        version,
        runner,
        'the program ended the interpreter before its figures were written',
        stdout,
        stderr,
        seconds(),
      );
    const figures = JSON.parse(readFileSync(outFile, 'utf8')) as GcProfile;
    const ok = figures.status === 0;
    return {
      version,
      runner,
      ok,
      error: ok ? null : (figures.error ?? `exit status ${figures.status}`),
      figures,
      stdout,
      stderr,
      seconds: seconds(),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const [first = message, ...rest] = message.split('\n');
    return failed(version, runner, first, '', rest.join('\n'), seconds());
  }
}

function failed(
  version: PythonVersion,
  runner: string,
  error: string,
  stdout: string,
  stderr: string,
  seconds: number,
): PythonProfileRun {
  return { version, runner, ok: false, error, figures: null, stdout, stderr, seconds };
}

/** `1,234`. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Milliseconds with 3 significant digits at least 0.01 (`12.3`, `0.45`). */
function ms(seconds: number): string {
  const v = seconds * 1000;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** The rows of the table: a label and one cell per run ('-' where the run gave no figures). */
function rows(report: PythonProfileReport): Array<[string, string[]]> {
  const cell = (f: (p: GcProfile) => string) =>
    report.runs.map((r) => (r.figures === null ? '-' : f(r.figures)));
  const generations = [
    ...new Set(['0', '1', '2', ...report.runs.flatMap((r) => Object.keys(r.figures?.collections ?? {}))]),
  ].sort();
  const census = report.censusEvery > 0;
  return [
    ['release', report.runs.map((r) => r.figures?.release ?? PYTHON_RELEASES[r.version].release)],
    ['runner', report.runs.map((r) => (r.version === '3.11' ? 'native' : 'wasm32'))],
    ['status', report.runs.map((r) => (r.ok ? 'ok' : 'FAILED'))],
    ['threshold', cell((p) => p.threshold.join('/'))],
    ...generations.map((g): [string, string[]] => [
      `collections, gen ${g}`,
      cell((p) => count(p.collections[g] ?? 0)),
    ]),
    ['  of which gc.collect()', cell((p) => count(p.explicit))],
    ['collected', cell((p) => count(p.collected))],
    ['uncollectable', cell((p) => count(p.uncollectable))],
    ['pause total (ms)', cell((p) => ms(p.pauseSum))],
    ['pause max (ms)', cell((p) => ms(p.pauseMax))],
    ['program wall (ms)', cell((p) => ms(p.wallSeconds))],
    [
      'gc share of wall',
      cell((p) => (p.wallSeconds > 0 ? `${((100 * p.pauseSum) / p.wallSeconds).toFixed(1)}%` : '-')),
    ],
    ['garbage peak >=', cell((p) => count(p.peakAtLeast))],
    ...(census
      ? ([
          ['garbage peak (census)', cell((p) => (p.censusPeak === null ? '-' : count(p.censusPeak)))],
          ['censuses', cell((p) => count(p.censusCount))],
        ] as Array<[string, string[]]>)
      : []),
    ['garbage left at end', cell((p) => count(p.leftAtEnd))],
  ];
}

/** The last `max` lines of `text`, with a line saying how many were left out. */
function tail(text: string, max: number): string[] {
  const lines = text.replace(/\n$/, '').split('\n');
  if (text === '') return [];
  return lines.length <= max ? lines : [`... (${lines.length - max} lines before)`, ...lines.slice(-max)];
}

/** The text form of the report: the table, the notes, each run's error and output. */
export function formatPythonProfile(report: PythonProfileReport, outputLines = 10): string {
  const table = rows(report);
  const head = ['', ...report.runs.map((r) => r.version)];
  const width0 = Math.max(...table.map(([label]) => label.length));
  const widths = report.runs.map((_, i) =>
    Math.max(head[i + 1]!.length, ...table.map(([, cells]) => cells[i]!.length)),
  );
  const line = (label: string, cells: readonly string[]): string =>
    `${label.padEnd(width0)}  ${cells.map((c, i) => c.padStart(widths[i]!)).join('  ')}`.trimEnd();
  const out: string[] = [
    `gclab python ${[report.program, ...report.args].join(' ')}`,
    '',
    line('', head.slice(1)),
    ...table.map(([label, cells]) => line(label, cells)),
    '',
    'garbage peak >=: the most cyclic garbage one collection found (all of it was outstanding at its',
    '  start; exact at a full collection) or what was left at the end, if more: a lower bound of the',
    '  high-water mark. --census-every 1 measures the mark exactly.',
  ];
  if (report.censusEvery > 0)
    out.push(
      `garbage peak (census): unreachable objects counted exactly at every ${report.censusEvery === 1 ? '' : `${report.censusEvery}th `}collection start and at the end;`,
      `  ${report.censusEvery === 1 ? 'the exact high-water mark' : 'exact at those moments, a lower bound of the peak'} (census time is not in wall or pauses).`,
    );
  out.push(
    'Times are wall-clock; 3.12-3.15 run as WebAssembly (pyodide), so compare versions by ratios',
    '  within one run, not with native timings.',
  );
  for (const r of report.runs.filter((run) => !run.ok)) out.push('', `${r.version} failed: ${r.error}`);
  // The program's output: once when every run printed the same, else per version.
  const outputs = report.runs.map((r) => `${r.stdout}\u0000${r.stderr}`);
  const same = outputs.every((o) => o === outputs[0]);
  const groups = same
    ? [{ label: 'all versions', run: report.runs[0]! }]
    : report.runs.map((r) => ({ label: r.version, run: r }));
  for (const { label, run } of groups) {
    const stdout = tail(run.stdout, outputLines);
    const stderr = tail(run.stderr, outputLines);
    if (stdout.length === 0 && stderr.length === 0) continue;
    out.push('', `program output (${label}):`);
    out.push(...stdout.map((l) => `  ${l}`));
    if (stderr.length > 0) out.push('  stderr:', ...stderr.map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}
