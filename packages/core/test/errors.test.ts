import { describe, expect, it } from 'vitest';
import {
  GclabError,
  HeapIntegrityError,
  MemoryError,
  MutatorError,
  OutOfMemoryError,
  TraceSyntaxError,
} from '../src/index.ts';

describe('typed errors', () => {
  it('are GclabErrors with their own names and actionable messages', () => {
    const oom = new OutOfMemoryError({
      requestedBytes: 24,
      reservedBytes: 4096,
      heapLimit: 4096,
      allocatedBytes: 4000,
      collector: 'no-gc',
    });
    const syntax = new TraceSyntaxError('a.trace', 3, 7, 'expected a root');
    const mutator = new MutatorError(5, 'put r0 3 r1', 'field index 3 out of range');
    const integrity = new HeapIntegrityError(9, 'register slot 0 is null');
    const memory = new MemoryError('unmap: bad range');
    for (const e of [oom, syntax, mutator, integrity, memory]) expect(e).toBeInstanceOf(GclabError);
    expect([oom, syntax, mutator, integrity, memory].map((e) => e.name)).toEqual([
      'OutOfMemoryError',
      'TraceSyntaxError',
      'MutatorError',
      'HeapIntegrityError',
      'MemoryError',
    ]);
    expect(oom.message).toBe(
      'out of memory: no-gc could not allocate 24 bytes (reserved 4096 of limit 4096 bytes, 4000 bytes in unfreed objects)',
    );
    expect(oom.figures.requestedBytes).toBe(24);
    expect(syntax.message).toBe('a.trace:3:7: expected a root');
    expect([syntax.file, syntax.line, syntax.column, syntax.reason]).toEqual([
      'a.trace',
      3,
      7,
      'expected a root',
    ]);
    expect(mutator.message).toBe('op 5 (put r0 3 r1): field index 3 out of range');
    expect(integrity.message).toBe('heap integrity violated after op 9: register slot 0 is null');
    expect(integrity.opIndex).toBe(9);
  });
});
