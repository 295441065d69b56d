/**
 * `gclab python FILE.py`: usage errors (exit 2, no stack trace), a program that fails in one version
 * (exit 1, the other version still reported, figures for both), the --json shape and the text table.
 * Runs at most two versions (native 3.11 and 3.12 as WebAssembly) to stay fast.
 *
 * The tests that need an interpreter fail, never skip, when CI=true and it is missing.
 */
import { type PythonProfileReport, pythonUnavailable } from '@gclab/experiments';
import { describe, expect, it } from 'vitest';
import { fixture } from '../run-cli.ts';
import { runCli } from '../run-in-process.ts';

const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const missing = (['3.11', '3.12'] as const).map(pythonUnavailable).filter((r) => r !== null);
const KNOWN = 'packages/experiments/test/python-profile/fixtures/known_cycles.py';

describe('gclab python: usage errors', () => {
  it('a missing file: exit 2 and the file named', async () => {
    const r = await runCli(['python', 'no/such/program.py']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: no/such/program.py: no such file\n');
  });

  it('an unknown version: exit 2 and the valid versions', async () => {
    const r = await runCli(['python', KNOWN, '--versions', '3.11,2.7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "'2.7' is not a CPython version gclab runs (expected 3.11, 3.12, 3.13, 3.14, 3.15",
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad --census-every or --jobs: exit 2', async () => {
    const runs = await Promise.all(
      [
        ['--census-every', '-1'],
        ['--jobs', '3'],
      ].map((args) => runCli(['python', KNOWN, ...args])),
    );
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/must be an integer from/);
    }
  });
});

describe.skipIf(missing.length > 0 && !inCI)('gclab python on real interpreters', () => {
  const need = (): void => {
    if (missing.length > 0) throw new Error(`CI=true and an interpreter is missing: ${missing.join('; ')}`);
  };

  it('a program failing in 3.12 only: exit 1, 3.11 still reported, --json shape', async () => {
    need();
    const r = await runCli([
      'python',
      fixture('python/fails_from_312.py'),
      '--versions',
      '3.11,3.12',
      '--jobs',
      '2',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as PythonProfileReport;
    expect(Object.keys(report).sort()).toEqual(['args', 'censusEvery', 'program', 'runs']);
    expect(report.program).toMatch(/fails_from_312\.py$/);
    const [v311, v312] = report.runs;
    expect(v311).toMatchObject({ version: '3.11', ok: true, error: null, stdout: 'started\n' });
    expect(v312).toMatchObject({ version: '3.12', ok: false, error: 'RuntimeError: fails from 3.12 on' });
    expect(v312!.stdout).toBe('started\n');
    expect(v312!.stderr).toContain('raise RuntimeError("fails from 3.12 on")');
    expect(v312!.stderr).not.toContain('gc_profile.py');
    for (const run of report.runs) {
      expect(Object.keys(run.figures!).sort()).toEqual(
        [
          'censusCount',
          'censusEvery',
          'censusLast',
          'censusPeak',
          'censusSeconds',
          'collected',
          'collections',
          'error',
          'explicit',
          'foundPeak',
          'leftAtEnd',
          'log',
          'pauseCount',
          'peakAtLeast',
          'pauseMax',
          'pauseSum',
          'release',
          'status',
          'threshold',
          'uncollectable',
          'version',
          'wallSeconds',
        ].sort(),
      );
    }
    expect(v312!.figures).toMatchObject({ status: 1, release: '3.12.7', threshold: [700, 10, 10] });
    expect(r.stderr).toContain('[3.12] FAILED');
  }, 30_000);

  it('prints the table with the program arguments after --, exact counts in 3.11', async () => {
    need();
    const r = await runCli(['python', KNOWN, '--versions', '3.11', '--', 'ignored-arg']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`known_cycles.py ignored-arg`);
    expect(r.stdout).toMatch(/^collections, gen 2\s+2$/m);
    expect(r.stdout).toMatch(/^ {2}of which gc\.collect\(\)\s+2$/m);
    expect(r.stdout).toMatch(/^collected\s+206$/m);
    expect(r.stdout).toMatch(/^garbage left at end\s+150$/m);
    expect(r.stderr).toMatch(/^\[3\.11\] running .*\n\[3\.11\] done in /);
  }, 30_000);
});
