import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { GETREFCOUNT_311, runGetrefcount } from '../../src/debate/getrefcount.ts';
import { ROOT } from '../run-cli.ts';

describe('the getrefcount example', () => {
  it('prints 2, 3, 2 in the 3.11 convention and 2, 4, 2 in the 3.10 one under counting collectors', () => {
    const runs = runGetrefcount(['refcount', 'cpython', 'mark-sweep']);
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
    const example = readFileSync(join(ROOT, 'examples/traces/getrefcount.trace'), 'utf8');
    const ops = parseTrace(example);
    const ours = parseTrace(GETREFCOUNT_311);
    // The example ends with a `gc` that changes no count.
    expect([...ops].slice(0, [...ours].length)).toEqual([...ours]);
  });
});
