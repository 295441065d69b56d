/**
 * The test_gc cases against the real CPython 3.11 (native) and 3.12, 3.13, 3.14 and 3.15 (pyodide):
 * each trace of packages/generational/test/test-gc/ (a test of Lib/test/test_gc.py written as a
 * format-2 trace) replays under the version's collector (`cpython`, `cpython-3.12` ...),
 * and scripts/test_gc_cases.py runs every case in one interpreter start per version (its batch
 * mode: `== CASE` before each case's lines); the lines must be identical, case for case.
 *
 * The pyodide builds of 3.12 and 3.13 have no _testcapi, so test_legacy_finalizer (a tp_del
 * object) cannot run there: the script says `unavailable`, and only that case may say it.
 *
 * It fails, never skips, when CI=true and an interpreter cannot run; elsewhere it is skipped then.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CollectorDescriptor, Heap, parseTrace, replay } from '@gclab/core';
import { cpython, cpython312, cpython313, cpython314, cpython315 } from '@gclab/generational';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PythonVersion, pythonUnavailable, runPython } from '../../src/interpreters/python.ts';

const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const folder = fileURLToPath(new URL('../../../generational/test/test-gc/', import.meta.url));
const cases = readdirSync(folder)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

/** The batch output of test_gc_cases.py, split into each case's lines. */
function splitCases(stdout: string): Map<string, string[]> {
  const byCase = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of stdout.trimEnd().split('\n')) {
    if (line.startsWith('== ')) {
      current = [];
      byCase.set(line.slice(3), current);
    } else if (current !== null) current.push(line);
  }
  return byCase;
}

const VERSIONS: readonly [PythonVersion, CollectorDescriptor][] = [
  ['3.11', cpython],
  ['3.12', cpython312],
  ['3.13', cpython313],
  ['3.14', cpython314],
  ['3.15', cpython315],
];

const outputs = new Map<PythonVersion, Promise<Map<string, string[]>>>();
beforeAll(() => {
  for (const [version] of VERSIONS) {
    if (pythonUnavailable(version) !== null) continue;
    const run = runPython(version, 'test_gc_cases.py', cases, { timeoutMs: 120_000, quick: true }).then((o) =>
      splitCases(o.stdout),
    );
    run.catch(() => {}); // awaited by the tests
    outputs.set(version, run);
  }
});

describe.each(VERSIONS)('test_gc cases against CPython %s', (version, collector) => {
  const unavailable = pythonUnavailable(version);
  describe.skipIf(unavailable !== null && !inCI)(collector.name, () => {
    const lines = async (): Promise<Map<string, string[]>> => {
      const run = outputs.get(version);
      if (run === undefined) throw new Error(`CI=true and CPython ${version} cannot run: ${unavailable}`);
      return run;
    };

    it('the interpreter ran every case (legacy finalizers only may be unavailable)', async () => {
      const byCase = await lines();
      expect([...byCase.keys()]).toEqual(cases);
      const missing = cases.filter((c) => byCase.get(c)![0]?.startsWith('unavailable') === true);
      expect(missing).toEqual(version === '3.12' || version === '3.13' ? ['legacy_finalizer'] : []);
    }, 120_000);

    it.each(cases)(
      '%s: the same lines as CPython',
      async (name) => {
        const python = (await lines()).get(name)!;
        if (python[0]?.startsWith('unavailable') === true) return; // checked above
        const heap = new Heap(collector, { checked: true });
        const text = readFileSync(`${folder}${name}.trace`, 'utf8');
        expect(replay(heap, parseTrace(text)).lines).toEqual(python);
      },
      120_000,
    );
  });
});
