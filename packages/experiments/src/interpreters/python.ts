/**
 * The one module that reaches a real Python interpreter (DESIGN.md, "Layers": real interpreters are
 * reached through one small module used by tests and experiments, never by a collector): finding
 * CPython on PATH and running the Python scripts of `packages/experiments/scripts/`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GclabError } from '@gclab/core';

/** The interpreter `perf` and the scripts run by default: `GCLAB_PYTHON`, else `python3`. */
export const PYTHON_COMMAND = process.env.GCLAB_PYTHON ?? 'python3';

/** The absolute path of `name` in `packages/experiments/scripts/` (e.g. `differential_mix.py`). */
export function pythonScript(name: string): string {
  return fileURLToPath(new URL(`../../scripts/${name}`, import.meta.url));
}

/** The interpreter an experiment needs is not on PATH; the message says what was looked for. */
export class InterpreterNotFoundError extends GclabError {
  override name = 'InterpreterNotFoundError';
}

/** A CPython interpreter found on PATH (`version` is `major.minor`), or why none was. */
export type PythonLookup = { command: string; version: string } | { command: null; reason: string };

/**
 * Looks for CPython among `commands`, in order, and returns the first whose `major.minor` version
 * passes `accept`; `what` names the requirement in the reason when none does.
 */
export function findCPython(
  commands: readonly string[],
  accept: (major: number, minor: number) => boolean,
  what: string,
): PythonLookup {
  const seen: string[] = [];
  for (const command of commands) {
    const probe = spawnSync(
      command,
      ['-c', 'import sys, platform; print(platform.python_implementation(), "%d.%d" % sys.version_info[:2])'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (probe.error !== undefined || probe.status !== 0) {
      seen.push(`${command}: not found`);
      continue;
    }
    const [impl, version = ''] = probe.stdout.trim().split(' ');
    const [major, minor] = version.split('.').map(Number) as [number, number];
    if (impl === 'CPython' && accept(major, minor)) return { command, version };
    seen.push(`${command}: ${impl} ${version}`);
  }
  return { command: null, reason: `no ${what} on PATH (${seen.join('; ')})` };
}

let python311: PythonLookup | undefined;

/** CPython 3.11 (what the differential mix models): `python3.11`, then `python3` (looked up once). */
export function findPython311(): PythonLookup {
  python311 ??= findCPython(
    ['python3.11', 'python3'],
    (major, minor) => major === 3 && minor === 11,
    'CPython 3.11',
  );
  return python311;
}

/** Output of a finished Python script. */
export interface PythonOutput {
  /** Exit status (null when it was killed). */
  status: number | null;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/**
 * Runs `scripts/<script>` with `command` and waits for it; `env` replaces the environment when given.
 * Throws when the interpreter cannot be started or the script exits with a non-zero status.
 */
export function runPythonScript(
  command: string,
  script: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): PythonOutput {
  const path = pythonScript(script);
  const r = spawnSync(command, [path, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: options.timeoutMs ?? 300_000,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`${command} ${path} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Output of one Python run of the differential mix: the log lines and the loop's own seconds. */
export interface PythonMixResult {
  /** The collection log (`OPINDEX GENERATION COLLECTED UNCOLLECTABLE`), then `count C0 C1 C2`. */
  lines: string[];
  /** Seconds of the mix's loop, timed by Python itself (after start-up and drawing the words). */
  seconds: number;
  /**
   * `gc.get_freeze_count()` after the script's `gc.freeze()`: the interpreter's own tracked objects
   * and the script's, all in the permanent generation when the mix starts (3.14's heap_size counts them).
   */
  frozen: number;
}

/**
 * Runs `scripts/differential_mix.py SEED STEPS LONG_LIVED` asynchronously (so gclab can run the same
 * mix meanwhile on the other core).
 */
export function runPythonMix(
  command: string,
  seed: number,
  steps: number,
  longLived = 0,
): Promise<PythonMixResult> {
  const script = pythonScript('differential_mix.py');
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [script, String(seed), String(steps), String(longLived)],
      { maxBuffer: 64 << 20, timeout: 300_000 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`${command} ${script} failed: ${error.message}\n${stderr}`));
          return;
        }
        try {
          resolve(parseMixOutput(stdout, stderr));
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}

/** The log lines and the timing of one run of differential_mix.py, from its standard output and error. */
function parseMixOutput(stdout: string, stderr: string): PythonMixResult {
  const match = /seconds ([0-9.]+)/.exec(stderr);
  const frozen = /frozen (\d+)/.exec(stderr);
  if (match === null || frozen === null)
    throw new Error(`differential_mix.py printed no timing or freeze count: ${stderr}`);
  return { lines: stdout.trimEnd().split('\n'), seconds: Number(match[1]), frozen: Number(frozen[1]) };
}

/**
 * Runs `scripts/differential_mix.py SEED STEPS LONG_LIVED VERSION` under CPython `version` (through
 * `runPython`: 3.11 native, 3.12 on in pyodide), asynchronously. From 3.12 the log's operation
 * indexes count a `safepoint` after each allocation (runMix's `safepoints` option).
 */
export async function runPythonMixVersion(
  version: PythonVersion,
  seed: number,
  steps: number,
  longLived = 0,
): Promise<PythonMixResult> {
  const out = await runPython(version, 'differential_mix.py', [
    String(seed),
    String(steps),
    String(longLived),
    version,
  ]);
  return parseMixOutput(out.stdout, out.stderr);
}

/**
 * The CPython versions gclab runs for real: 3.11 is the native `python3` (found on PATH, as
 * `findPython311` does); 3.12-3.15 are CPython compiled to WebAssembly, the `pyodide` npm package
 * pinned per version under the aliases `pyodide-3.12` ... `pyodide-3.15` (package.json), run in a
 * child Node process by scripts/run-pyodide.mjs.
 */
export const PYTHON_VERSIONS = ['3.11', '3.12', '3.13', '3.14', '3.15'] as const;
/** One of `PYTHON_VERSIONS`. */
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];

/** The exact release each version runs (what `sys.version` says), and how it is run. */
export const PYTHON_RELEASES: Readonly<Record<PythonVersion, { release: string; runner: string }>> = {
  '3.11': { release: '3.11', runner: 'native python3.11 or python3 on PATH' },
  '3.12': { release: '3.12.7', runner: 'WebAssembly, pyodide 0.27.7' },
  '3.13': { release: '3.13.2', runner: 'WebAssembly, pyodide 0.29.3' },
  '3.14': { release: '3.14.2', runner: 'WebAssembly, pyodide 314.0.8' },
  '3.15': { release: '3.15.0rc1', runner: 'WebAssembly, pyodide 315.0.0-alpha.2' },
};

/** gclab's model of each CPython version: the collector of that name. */
export const VERSION_COLLECTOR: Readonly<Record<PythonVersion, string>> = {
  '3.11': 'cpython',
  '3.12': 'cpython-3.12',
  '3.13': 'cpython-3.13',
  '3.14': 'cpython-3.14',
  '3.15': 'cpython-3.15',
};

/** Whether `text` names one of `PYTHON_VERSIONS`. */
export function isPythonVersion(text: string): text is PythonVersion {
  return (PYTHON_VERSIONS as readonly string[]).includes(text);
}

/** Why the interpreter of `version` cannot run here, or null when it can. */
export function pythonUnavailable(version: PythonVersion): string | null {
  if (version === '3.11') {
    const found = findPython311();
    return found.command === null ? found.reason : null;
  }
  try {
    import.meta.resolve(`pyodide-${version}`);
    return null;
  } catch {
    return `the npm package pyodide-${version} (CPython ${version}) is not installed: run npm ci`;
  }
}

/**
 * Runs the Python script at `scriptPath` (absolute, or a name in `packages/experiments/scripts/`)
 * with `args` under CPython `version`; resolves with its output once it exits with status 0.
 * Rejects with `InterpreterNotFoundError` when the version cannot run here, and with an Error
 * holding its standard error when the script fails. `mounts` names directories (besides the
 * script's own) that the script reads or writes: the native interpreter sees every file anyway,
 * WebAssembly sees them once run-pyodide.mjs mounts them (GCLAB_PYODIDE_MOUNTS). `quick`: a short
 * script whose speed is not measured (WebAssembly's baseline compiler only: about 1 s less CPU to
 * start, Python itself slower).
 */
export function runPython(
  version: PythonVersion,
  scriptPath: string,
  args: readonly string[],
  options: { timeoutMs?: number; mounts?: readonly string[]; quick?: boolean } = {},
): Promise<PythonOutput> {
  const reason = pythonUnavailable(version);
  if (reason !== null) return Promise.reject(new InterpreterNotFoundError(`CPython ${version}: ${reason}`));
  const script = scriptPath.includes('/') ? scriptPath : pythonScript(scriptPath);
  const [command, argv] =
    version === '3.11'
      ? [findPython311().command!, [script, ...args]]
      : [
          process.execPath,
          [
            // A short script starts a third faster in WebAssembly's baseline compiler alone (no
            // optimizing tier-up, which costs more CPU than it saves in a second or two of Python).
            ...(options.quick === true ? ['--liftoff-only'] : []),
            pythonScript('run-pyodide.mjs'),
            version,
            script,
            ...args,
          ],
        ];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      argv,
      {
        maxBuffer: 256 << 20,
        timeout: options.timeoutMs ?? 600_000,
        ...(options.mounts === undefined
          ? {}
          : { env: { ...process.env, GCLAB_PYODIDE_MOUNTS: options.mounts.join(delimiter) } }),
      },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(
            new Error(`CPython ${version}: ${script} failed (${error.message.split('\n')[0]})\n${stderr}`),
          );
          return;
        }
        resolve({ status: 0, stdout, stderr });
      },
    );
  });
}

/** A list of versions that does not parse; the message names the bad item. */
export class PythonVersionsError extends GclabError {
  override name = 'PythonVersionsError';
}

/**
 * Parses a comma-separated list of `PYTHON_VERSIONS` (`3.11,3.14`), `all`, or `none` (no real
 * interpreter). Throws `PythonVersionsError` naming the first item that is not a version.
 */
export function parsePythonVersions(text: string): PythonVersion[] {
  const trimmed = text.trim();
  if (trimmed === 'all') return [...PYTHON_VERSIONS];
  if (trimmed === 'none') return [];
  const out: PythonVersion[] = [];
  for (const item of trimmed.split(',').map((s) => s.trim())) {
    if (!isPythonVersion(item))
      throw new PythonVersionsError(
        `'${item}' is not a CPython version gclab runs (expected ${PYTHON_VERSIONS.join(', ')}, all or none)`,
      );
    if (!out.includes(item)) out.push(item);
  }
  return out;
}
