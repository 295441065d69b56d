import { readFileSync } from 'node:fs';
import { parseTrace } from '@gclab/core';
import { cpython, cpython312, cpython313, cpython314, cpython315 } from '@gclab/generational';
import { refcount } from '@gclab/refcount';
import { markSweep } from '@gclab/tracing-gc';
import { describe, expect, it } from 'vitest';
import {
  GETREFCOUNT_311,
  getrefcount,
  runGetrefcount,
  runGetrefcountVersions,
} from '../../src/getrefcount/getrefcount.ts';
import { PYTHON_VERSIONS, pythonUnavailable } from '../../src/interpreters/python.ts';

const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const missing = PYTHON_VERSIONS.filter((v) => pythonUnavailable(v) !== null);

describe('the getrefcount example', () => {
  it('prints 2, 3, 2 in the 3.11 convention and 2, 4, 2 in the 3.10 one under counting collectors', () => {
    const runs = runGetrefcount([refcount, cpython, markSweep]);
    expect(runs[0]).toEqual({
      collector: 'refcount',
      cpython311: [2, 3, 2],
      cpython310: [2, 4, 2],
      cpython314: [2, 2, 2],
      append: [1, 2],
    });
    expect(runs[1]).toEqual({
      collector: 'cpython',
      cpython311: [2, 3, 2],
      cpython310: [2, 4, 2],
      cpython314: [2, 2, 2],
      append: [1, 2],
    });
    expect(runs[2]!.cpython311).toEqual([null, null, null]);
  });

  it('the 3.11 trace is the one of examples/traces/getrefcount.trace, op for op', () => {
    const example = readFileSync(
      new URL('../../../../examples/traces/getrefcount.trace', import.meta.url),
      'utf8',
    );
    const ops = parseTrace(example);
    const ours = parseTrace(GETREFCOUNT_311);
    // The example ends with a `gc` that changes no count.
    expect([...ops].slice(0, [...ours].length)).toEqual([...ours]);
  });

  it('as an experiment, runs the collectors its caller hands it, in that order', async () => {
    const r = await getrefcount.run({ versions: [] }, { collectors: [markSweep, refcount] });
    expect(r.experiment).toBe('getrefcount');
    expect(r.runs.map((run) => run.collector)).toEqual(['mark-sweep', 'refcount']);
    expect(r.versions).toEqual([]);
    expect(getrefcount.format(r)).toMatch(/^refcount\s+2, 3, 2\s+2, 4, 2\s+2, 2, 2\s+1, 2$/m);
  });

  it('a version whose model is not among the collectors has no model row, and says which it needs', async () => {
    expect(await runGetrefcountVersions([refcount], [])).toEqual([]);
    const [row] = await runGetrefcountVersions([refcount], ['3.11']);
    expect(row!.collector).toBe('cpython');
    expect(row!.model).toBeNull();
  });
});

describe.skipIf(missing.length > 0 && !inCI)('the getrefcount example in the real interpreters', () => {
  it('prints 2, 3, 2 in CPython 3.11-3.13 and 2, 2, 2 in 3.14 and 3.15; each model prints what its version prints', async () => {
    if (missing.length > 0)
      throw new Error(
        `CI=true and these interpreters cannot run: ${missing.map((v) => `${v}: ${pythonUnavailable(v)}`).join('; ')}`,
      );
    const rows = await runGetrefcountVersions([cpython, cpython312, cpython313, cpython314, cpython315]);
    expect(rows.map((r) => [r.version, r.real])).toEqual([
      ['3.11', [2, 3, 2]],
      ['3.12', [2, 3, 2]],
      ['3.13', [2, 3, 2]],
      ['3.14', [2, 2, 2]],
      ['3.15', [2, 2, 2]],
    ]);
    expect(rows.every((r) => r.unavailable === null)).toBe(true);
    expect(rows.map((r) => r.model)).toEqual(rows.map((r) => r.real));
  }, 60_000);
});
