/**
 * Capturing a real program's heap snapshot here, with one command each:
 * - `tsc`: a TypeScript compile of this repository (`tsconfig.check.json`) or of the project
 *   `tsconfig` names, by the project's TypeScript compiler (else the one this repository depends
 *   on) through its API, in a child Node process that then writes `v8.writeHeapSnapshot()`
 *   (`scripts/tsc_heap_snapshot.mjs`, which says why it formats a stack trace first);
 * - `ast-parse`, `json-loads`, `stdlib-import`, or a Python program file of the user's: CPython runs
 *   `scripts/heap_snapshot.py` after `ast.parse` of a large standard-library module, `json.loads`
 *   of a large generated document, an import of a wide slice of the standard library, or the
 *   program (as `__main__`): native 3.11, or 3.12 to 3.15 in WebAssembly.
 * Only small snapshots are kept in the repository (`examples/snapshots/`); the rest are captured
 * at run time into `snapshots/` (ignored by git).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GclabError } from '@gclab/core';
import {
  InterpreterNotFoundError,
  PYTHON_COMMAND,
  type PythonVersion,
  pythonScript,
  pythonUnavailable,
} from '../interpreters/python.ts';

/** The programs a snapshot can be captured from. */
export const CAPTURE_PROGRAMS = ['tsc', 'ast-parse', 'json-loads', 'stdlib-import'] as const;

/** One of `CAPTURE_PROGRAMS`. */
export type CaptureProgram = (typeof CAPTURE_PROGRAMS)[number];

/** Whether `name` is a capture program. */
export function isCaptureProgram(name: string): name is CaptureProgram {
  return (CAPTURE_PROGRAMS as readonly string[]).includes(name);
}

/** A Python program file of the user's (`path/to/program.py`), run by heap_snapshot.py as `__main__`. */
export type PythonProgramFile = `${string}.py`;

/** Whether `name` names a Python program file (by its `.py` ending). */
export function isPythonProgramFile(name: string): name is PythonProgramFile {
  return name.endsWith('.py');
}

/** What a snapshot can be captured from: one of `CAPTURE_PROGRAMS`, or a Python program file. */
export type CaptureTarget = CaptureProgram | PythonProgramFile;

/** The repository's root (this file is `packages/experiments/src/census/capture.ts`). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where captured snapshots go by default: `snapshots/` at the repository's root (git ignores it). */
export const DEFAULT_SNAPSHOT_DIR = join(REPOSITORY_ROOT, 'snapshots');

/**
 * The file name a program's snapshot is captured to (a Python program file's: its name with
 * `.pyheap` for `.py`). A compile of another project than this
 * repository (`tsconfig`) is named after the project's folder, and a Python program run by another
 * interpreter than native 3.11 after the version (`json-loads-3.14.pyheap`), so neither stands in
 * for the default captures (which the debate reads from `snapshots/`).
 */
export function captureFileName(
  program: CaptureTarget,
  options: Pick<CaptureOptions, 'tsconfig' | 'version'> = {},
): string {
  if (program !== 'tsc') {
    const v = options.version;
    const name = isPythonProgramFile(program) ? basename(program, '.py') : program;
    return v === undefined || v === '3.11' ? `${name}.pyheap` : `${name}-${v}.pyheap`;
  }
  if (options.tsconfig === undefined) return 'tsc.heapsnapshot';
  const project = basename(dirname(resolve(options.tsconfig))).replace(/[^\w.-]+/g, '_');
  return `tsc-${project}.heapsnapshot`;
}

/** A capture that failed: the program, and what it printed. */
export class CaptureError extends GclabError {
  override name = 'CaptureError';
}

/** Options of `captureSnapshot`. */
export interface CaptureOptions {
  /** Directory to write into (default `DEFAULT_SNAPSHOT_DIR`). */
  dir?: string;
  /** The Python program's scale (records for json-loads, parses for ast-parse); its default when absent. */
  scale?: number;
  /** The native Python interpreter (default `PYTHON_COMMAND`: `GCLAB_PYTHON` or python3). */
  python?: string;
  /**
   * The CPython version a Python program runs in: 3.11 (the default) natively (`python`), 3.12 to
   * 3.15 compiled to WebAssembly (`scripts/run-pyodide.mjs`).
   */
  version?: PythonVersion;
  /** The TypeScript project `tsc` compiles (default this repository's `tsconfig.check.json`). */
  tsconfig?: string;
  /** Time limit in milliseconds (default 10 minutes). */
  timeoutMs?: number;
}

/**
 * Runs `program` and writes its heap snapshot; returns the snapshot's path. Throws
 * `InterpreterNotFoundError` when python3 is missing for a Python program, `CaptureError` when the
 * program fails.
 */
export function captureSnapshot(program: CaptureTarget, options: CaptureOptions = {}): string {
  const dir = resolve(options.dir ?? DEFAULT_SNAPSHOT_DIR);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, captureFileName(program, options));
  // Written beside, renamed when complete: an interrupted capture never leaves a partial snapshot.
  const partial = `${out}.partial`;
  const timeout = options.timeoutMs ?? 600_000;
  let command: string;
  let args: string[];
  let env: NodeJS.ProcessEnv | undefined;
  let label: string | undefined;
  if (program === 'tsc') {
    command = process.execPath;
    args = [
      '--max-old-space-size=6144',
      fileURLToPath(new URL('../../scripts/tsc_heap_snapshot.mjs', import.meta.url)),
      options.tsconfig ?? join(REPOSITORY_ROOT, 'tsconfig.check.json'),
      partial,
    ];
  } else {
    const file = isPythonProgramFile(program) ? resolve(program) : null;
    const script = [
      pythonScript('heap_snapshot.py'),
      file ?? program,
      partial,
      ...(options.scale === undefined ? [] : [String(options.scale)]),
    ];
    const version = options.version ?? '3.11';
    if (version === '3.11') {
      command = options.python ?? PYTHON_COMMAND;
      args = script;
    } else {
      const missing = pythonUnavailable(version);
      if (missing !== null)
        throw new InterpreterNotFoundError(`capturing ${program} in CPython ${version}: ${missing}`);
      command = process.execPath;
      args = [pythonScript('run-pyodide.mjs'), version, ...script];
      // The interpreter writes the snapshot through a mount of the output directory.
      env = {
        ...process.env,
        GCLAB_PYODIDE_MOUNTS: [dir, ...(file === null ? [] : [dirname(file)])].join(delimiter),
      };
      label = `CPython ${version} in WebAssembly`;
    }
  }
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    timeout,
    maxBuffer: 16 << 20,
    ...(env === undefined ? {} : { env }),
  });
  if (r.error !== undefined || r.status !== 0) rmSync(partial, { force: true });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new InterpreterNotFoundError(`capturing ${program} needs ${command}, which is not on PATH`);
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? (r.status === null ? `killed by ${r.signal}` : `exit ${r.status}`);
    throw new CaptureError(
      `capturing ${program} failed (${label ?? command}: ${why}): ${r.stderr.trim().slice(-2000)}`,
    );
  }
  renameSync(partial, out);
  return out;
}
