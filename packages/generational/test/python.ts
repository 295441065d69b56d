/**
 * Finding CPython 3.11 and running the Python side of the differential mix.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Python script of the differential mix. */
export const MIX_SCRIPT = fileURLToPath(new URL('../scripts/differential_mix.py', import.meta.url));

/** A CPython 3.11 interpreter found on PATH, or why none was. */
export type PythonLookup = { command: string; version: string } | { command: null; reason: string };

/** Looks for `python3.11`, then `python3`, and checks that it is CPython 3.11. */
export function findPython311(): PythonLookup {
  const seen: string[] = [];
  for (const command of ['python3.11', 'python3']) {
    const probe = spawnSync(
      command,
      ['-c', 'import sys, platform; print(platform.python_implementation(), "%d.%d" % sys.version_info[:2])'],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    if (probe.error !== undefined || probe.status !== 0) {
      seen.push(`${command}: not found`);
      continue;
    }
    const [impl, version] = probe.stdout.trim().split(' ');
    if (impl === 'CPython' && version === '3.11') return { command, version: version };
    seen.push(`${command}: ${impl} ${version}`);
  }
  return { command: null, reason: `no CPython 3.11 on PATH (${seen.join('; ')})` };
}

/** Output of one Python run: the log lines (collections, then `count ...`) and the loop's seconds. */
export interface PythonMixResult {
  lines: string[];
  seconds: number;
}

/** Runs the Python mix asynchronously (so gclab can run meanwhile on the other core). */
export function runPythonMix(
  command: string,
  seed: number,
  steps: number,
  longLived = 0,
): Promise<PythonMixResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [MIX_SCRIPT, String(seed), String(steps), String(longLived)],
      { maxBuffer: 64 << 20, timeout: 300_000 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`${command} ${MIX_SCRIPT} failed: ${error.message}\n${stderr}`));
          return;
        }
        const match = /seconds ([0-9.]+)/.exec(stderr);
        resolve({
          lines: stdout.trimEnd().split('\n'),
          seconds: match === null ? Number.NaN : Number(match[1]),
        });
      },
    );
  });
}
