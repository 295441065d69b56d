import {
  HeapIntegrityError,
  MemoryError,
  MutatorError,
  OutOfMemoryError,
  TraceSyntaxError,
} from '@gclab/core';
import { ThreadRunError } from '@gclab/threads';
import { describe, expect, it } from 'vitest';
import { StrategyModuleError, UnknownCollectorError, UsageError } from '../src/errors.ts';
import { reportError } from '../src/report-error.ts';

describe('reportError', () => {
  it('gives usage errors exit 2 and a message', () => {
    expect(reportError(new TraceSyntaxError('t.trace', 3, 7, 'bad'))).toEqual({
      text: 't.trace:3:7: bad',
      exitCode: 2,
    });
    expect(reportError(new UsageError('no file'))).toEqual({ text: 'error: no file', exitCode: 2 });
    expect(reportError(new UnknownCollectorError('x', ['a', 'b'])).exitCode).toBe(2);
    expect(reportError(new StrategyModuleError('m.ts', 'no such file'))).toEqual({
      text: 'error: strategy module m.ts: no such file',
      exitCode: 2,
    });
  });

  it('gives failed runs exit 1 and the error message, without a stack', () => {
    expect(reportError(new MutatorError(4, 'ret', 'ret with no called frame to return from'))).toEqual({
      text: 'op 4 (ret): ret with no called frame to return from',
      exitCode: 1,
    });
    expect(reportError(new HeapIntegrityError(9, 'freed')).exitCode).toBe(1);
    const oom = new OutOfMemoryError({
      requestedBytes: 16,
      reservedBytes: 0,
      heapLimit: 4096,
      allocatedBytes: 0,
      collector: 'x',
    });
    expect(reportError(oom)).toEqual({ text: oom.message, exitCode: 1 });
    expect(reportError(new ThreadRunError('thread 1 (atomic) crashed: out of memory'))).toEqual({
      text: 'error: thread 1 (atomic) crashed: out of memory',
      exitCode: 1,
    });
  });

  it('treats anything else as an internal error with its stack, exit 70', () => {
    const report = reportError(new TypeError('x is undefined'));
    expect(report.exitCode).toBe(70);
    expect(report.text).toMatch(/^gclab: internal error .*\nTypeError: x is undefined\n\s+at /);
    expect(reportError(new MemoryError('unmap of an unmapped range')).exitCode).toBe(70);
    expect(reportError('a string').text).toContain('a string');
  });
});
