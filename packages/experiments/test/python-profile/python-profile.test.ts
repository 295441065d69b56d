/**
 * profilePython against the real interpreters: a program with known cyclic garbage
 * (fixtures/known_cycles.py) gives exact, deterministic figures in native 3.11 and in 3.13 as
 * WebAssembly, and the exact census agrees with the full collection at the end.
 *
 * Fails, never skips, when CI=true and an interpreter is missing; elsewhere it is skipped then.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  PythonVersionsError,
  parsePythonVersions,
  pythonUnavailable,
} from '../../src/interpreters/python.ts';
import {
  checkProgram,
  formatPythonProfile,
  PythonProgramError,
  profilePython,
} from '../../src/python-profile/python-profile.ts';

const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const KNOWN = fileURLToPath(new URL('fixtures/known_cycles.py', import.meta.url));
const missing = (['3.11', '3.13'] as const).map(pythonUnavailable).filter((r) => r !== null);

describe('parsePythonVersions and checkProgram', () => {
  it('parses a list, drops repeats, and names a bad version with the valid ones', () => {
    expect(parsePythonVersions('3.14, 3.11,3.14')).toEqual(['3.14', '3.11']);
    expect(() => parsePythonVersions('3.11,3.10')).toThrow(PythonVersionsError);
    expect(() => parsePythonVersions('3.10')).toThrow(
      "'3.10' is not a CPython version gclab runs (expected 3.11, 3.12, 3.13, 3.14, 3.15, all or none)",
    );
  });

  it('rejects a program that does not exist or is a directory', () => {
    expect(() => checkProgram('no/such/prog.py')).toThrow(PythonProgramError);
    expect(() => checkProgram('no/such/prog.py')).toThrow('no/such/prog.py: no such file');
    expect(() => checkProgram(fileURLToPath(new URL('fixtures', import.meta.url)))).toThrow('not a file');
  });
});

describe.skipIf(missing.length > 0 && !inCI)('profilePython on real interpreters', () => {
  it('3.11 and 3.13: exact collections, collected, census and garbage left at the end', async () => {
    if (missing.length > 0) throw new Error(`CI=true and an interpreter is missing: ${missing.join('; ')}`);
    const progress: string[] = [];
    const report = await profilePython(KNOWN, {
      versions: ['3.11', '3.13'],
      censusEvery: 1,
      jobs: 2,
      onProgress: (line) => progress.push(line),
    });
    expect(report.runs.map((r) => [r.version, r.ok, r.error])).toEqual([
      ['3.11', true, null],
      ['3.13', true, null],
    ]);
    for (const run of report.runs) {
      const f = run.figures!;
      expect(run.stdout).toBe('200\n');
      // The program's two gc.collect() are the last collections; the second finds the 100 rings.
      expect(f.log.slice(-2).map((entry) => entry[3])).toEqual([1, 1]);
      expect(f.log.at(-1)).toEqual([2, 200, 0, 1]);
      expect(f.explicit).toBe(2);
      expect(f.uncollectable).toBe(0);
      expect(f.pauseCount).toBe(f.log.length);
      // The census at the start of that collection counted the same 200; at the end, the 50 rings
      // of 3 that the full collection afterwards finds.
      expect(f.censusPeak).toBe(200);
      expect(f.censusLast).toBe(150);
      expect(f.leftAtEnd).toBe(150);
      expect(f.foundPeak).toBe(200);
      expect(f.peakAtLeast).toBe(200);
      expect(f.status).toBe(0);
    }
    // 3.11 (threshold 700) saw one young collection of the start-up's garbage before gc.disable();
    // 3.13 (threshold 2000) none: both deterministic.
    expect(report.runs[0]!.figures!.log).toEqual([
      [0, 6, 0, 0],
      [2, 0, 0, 1],
      [2, 200, 0, 1],
    ]);
    expect(report.runs[1]!.figures!.log).toEqual([
      [2, 9, 0, 1],
      [2, 200, 0, 1],
    ]);
    expect(report.runs[1]!.figures!.threshold).toEqual([2000, 10, 10]);
    expect(progress.filter((l) => l.includes('done'))).toHaveLength(2);
    const text = formatPythonProfile(report);
    expect(text).toMatch(/^collected\s+206\s+209$/m);
    expect(text).toMatch(/^garbage peak >=\s+200\s+200$/m);
    expect(text).toMatch(/^garbage peak \(census\)\s+200\s+200$/m);
    expect(text).toMatch(/^garbage left at end\s+150\s+150$/m);
    expect(text).toContain('program output (all versions):\n  200');
  }, 60_000);
});
