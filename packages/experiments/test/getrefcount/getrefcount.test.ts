import { readFileSync } from 'node:fs';
import { parseTrace } from '@gclab/core';
import { cpython } from '@gclab/generational';
import { refcount } from '@gclab/refcount';
import { markSweep } from '@gclab/tracing-gc';
import { describe, expect, it } from 'vitest';
import { GETREFCOUNT_311, getrefcount, runGetrefcount } from '../../src/getrefcount/getrefcount.ts';

describe('the getrefcount example', () => {
  it('prints 2, 3, 2 in the 3.11 convention and 2, 4, 2 in the 3.10 one under counting collectors', () => {
    const runs = runGetrefcount([refcount, cpython, markSweep]);
    expect(runs[0]).toEqual({
      collector: 'refcount',
      cpython311: [2, 3, 2],
      cpython310: [2, 4, 2],
      append: [1, 2],
    });
    expect(runs[1]).toEqual({
      collector: 'cpython',
      cpython311: [2, 3, 2],
      cpython310: [2, 4, 2],
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
    const r = await getrefcount.run({}, { collectors: [markSweep, refcount] });
    expect(r.experiment).toBe('getrefcount');
    expect(r.runs.map((run) => run.collector)).toEqual(['mark-sweep', 'refcount']);
    expect(getrefcount.format(r)).toMatch(/^refcount\s+2, 3, 2\s+2, 4, 2\s+1, 2$/m);
  });
});
