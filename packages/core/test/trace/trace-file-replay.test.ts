import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Heap,
  MutatorError,
  noGc,
  parseTrace,
  replay,
  replayTraceFile,
  TraceFileReader,
  writeTrace,
} from '../../src/index.ts';
import { programArb, seed } from '../support/programs.ts';

const EXAMPLES = join(import.meta.dirname, '../../../../examples/traces');
const tmp = mkdtempSync(join(tmpdir(), 'gclab-file-replay-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What a run leaves: its output and the heap's counters. */
function endState(heap: Heap, result: { ops: number; output: unknown[]; lines: string[] }) {
  return { ...result, counters: { ...heap.counters }, reach: heap.oracle.traverse() };
}

describe('replayTraceFile', () => {
  it('runs every example trace as replay does from parsed operations', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.trace'));
    for (const f of files) {
      const path = join(EXAMPLES, f);
      const a = new Heap(noGc, { checked: true });
      const fromOps = endState(a, replay(a, parseTrace(readFileSync(path, 'utf8'), path)));
      const b = new Heap(noGc, { checked: true });
      const fromFile = endState(b, replayTraceFile(b, path));
      expect(fromFile).toEqual(fromOps);
    }
  });

  it('runs generated programs as replay does, globals, calls and all', () => {
    fc.assert(
      fc.property(programArb(80), ({ ops }) => {
        const path = join(tmp, 'p.trace');
        writeFileSync(path, writeTrace(ops));
        const a = new Heap(noGc);
        const expected = endState(a, replay(a, ops));
        const b = new Heap(noGc);
        expect(endState(b, replayTraceFile(b, path))).toEqual(expected);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('calls onOp per operation and leaves the reader where an error happened', () => {
    const path = join(tmp, 'e.trace');
    writeFileSync(path, 'gclab-trace 1\nnew g:a 1\n\n# c\n  put g:a 3 null\nnew r0 0\n');
    const reader = new TraceFileReader(path);
    const seen: number[] = [];
    const heap = new Heap(noGc);
    expect(() => replayTraceFile(heap, reader, { onOp: (i) => seen.push(i) })).toThrow(MutatorError);
    expect(seen).toEqual([0]);
    expect([reader.decoder.lineNumber, reader.decoder.opColumn]).toEqual([5, 3]);
  });
});
