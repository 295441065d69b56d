import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectTraceFormat,
  formatOp,
  Heap,
  isTraceFileSimLine,
  noGc,
  readTraceFileSim,
  replay,
  TraceSyntaxError,
} from '../../src/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gclab-tfs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function file(text: string): string {
  const path = join(tmp, `t${n++}.trace`);
  writeFileSync(path, text);
  return path;
}
/** The gclab operations of a TraceFileSim text, in trace syntax. */
const ops = (text: string): string[] => [...readTraceFileSim(file(text))].map(formatOp);
/** The message of the error reading `text` throws, its path replaced by `t.trace`. */
function error(text: string): string {
  const path = file(text);
  try {
    [...readTraceFileSim(path)];
  } catch (e) {
    expect(e).toBeInstanceOf(TraceSyntaxError);
    return (e as Error).message.replace(path, 't.trace');
  }
  throw new Error('expected an error');
}

describe('TraceFileSim traces', () => {
  it('become gclab operations on root set globals, pointer writes as put', () => {
    expect(
      ops(
        'a T1 O1 S128 N2 C1\n+ T1 O1\n\na T1 O2 S16 N0\n+ T1 O2\nw T1 P1 #1 O2 F8 S8 V0\nw T1 P1 #0 O0\n- T1 O2\n',
      ),
    ).toEqual([
      'new g:t1.o1 2 96', // 128 - 16 - 2 * 8
      'new g:t1.o2 0',
      'put g:t1.o1 1 g:t1.o2',
      'put g:t1.o1 0 null',
      'del g:t1.o2',
    ]);
  });

  it('reach an object outside every root set along the fields, through scratch registers', () => {
    // O1 (rooted) -> O2 -> O3, then O2.slot0 = O3 again and thread 2 takes O3.
    const text =
      'a T1 O1 S24 N1\n+ T1 O1\na T1 O2 S24 N1\n+ T1 O2\na T1 O3 S24 N1\n+ T1 O3\n' +
      'w T1 P1 #0 O2\nw T1 P2 #0 O3\n- T1 O2\n- T1 O3\nw T1 P2 #0 O3\n+ T2 O3\n';
    expect(ops(text).slice(7)).toEqual([
      'get r0 g:t1.o1 0',
      'get r1 g:t1.o1 0',
      'get r1 r1 0',
      'put r0 0 r1',
      'set r0 null',
      'set r1 null',
      'get r0 g:t1.o1 0',
      'get r0 r0 0',
      'set g:t2.o3 r0',
      'set r0 null',
    ]);
    const heap = new Heap(noGc, { checked: true });
    replay(heap, readTraceFileSim(file(text)));
    expect(heap.oracle.traverse().reachableObjects).toBe(3);
    expect([heap.peekRoot(0), heap.peekRoot(1)]).toEqual([0, 0]); // the scratch registers keep nothing alive
  });

  it('share objects between threads, hold statics as roots, and ignore reads, stores and locks', () => {
    const text =
      // `c ... S8 V0` as TraceFileSim's own Tests/TraceFiles/thousand.trace writes it (the field's
      // size and kind, unused), and an `r` line with every letter: attributes an operation does not
      // use are ignored, as TraceFileSim's getNextLine does.
      'a T1 O1 S24 N1\n+ T1 O1\n+ T1 O1\n+ T2 O1\nc T1 C4 F16 O1 S8 V1\n- T1 O1\n- T2 O1\nx T1 L1\nr T1 O1 F0 S8 V0 I2 C3 P1 #0 N1 L0\ns T1 O1 F0\nc C4 F16 O0\n% done\n';
    expect(ops(text)).toEqual([
      'new g:t1.o1 1',
      'set g:t2.o1 g:t1.o1',
      'set g:c4.f16 g:t1.o1',
      'del g:t1.o1',
      'del g:t2.o1',
      'del g:c4.f16',
    ]);
    const heap = new Heap(noGc, { checked: true });
    replay(heap, readTraceFileSim(file(text)));
    expect(heap.oracle.traverse().garbageObjects).toBe(1);
  });

  it.each([
    ['q T1 O1\n', "t.trace:1:1: unknown TraceFileSim operation 'q' (expected a, +, -, w, c, r, s, x or %)"],
    ['a T1 O1 S8\n', "t.trace:1:11: a 'a' line needs attribute N"],
    ['a T1 O1 S8 N1 Z3\n', "t.trace:1:15: unknown attribute 'Z3' (TraceFileSim's are C I F S V O P # N T L)"],
    ['a T1 O1 S8 N1\n+ O1\n', "t.trace:2:5: a '+' line needs attribute T"],
    ['a T1 Ox S8 N1\n', "t.trace:1:7: expected a number after O, got 'x'"],
    ['a T1 O1 O2 S8 N1\n', 't.trace:1:9: attribute O given twice'],
    ['aT1\n', "t.trace:1:2: expected a space after the operation 'a', got 'T'"],
    ['a T1 O1 S8 N1\na T1 O1 S8 N1\n', 't.trace:2:6: object O1 is allocated twice'],
    ['a T1 O1 S8 N1\n- T2 O1\n', 't.trace:2:6: object O1 is not in the root set of thread T2'],
    ['a T1 O1 S8 N1\nw T1 P1 #1 O0\n', 't.trace:2:9: slot 1 out of range: object O1 has 1 pointer slots'],
    ['+ T1 O5\n', 't.trace:1:6: object O5 does not exist: never allocated, or unreachable since (collected)'],
    [
      'a T1 O1 S8 N1\n- T1 O1\n+ T1 O1\n',
      't.trace:3:6: object O1 is unreachable (TraceFileSim would have collected it)',
    ],
    ['w T1 P0 #0 O0\n', 't.trace:1:6: P0 is null, not an object'],
  ])('%j is an error at its line and column', (text, message) => {
    expect(error(text)).toBe(message);
  });

  it('are told from gclab traces by their content', () => {
    expect(detectTraceFormat(file('\n\na T1 O1 S8 N0\n'))).toBe('tracefilesim');
    expect(detectTraceFormat(file('% a comment\n'))).toBe('tracefilesim');
    expect(detectTraceFormat(file('gclab-trace 1\nnew r0 1\n'))).toBe('gclab');
    expect(detectTraceFormat(file(''))).toBe('gclab');
    expect(detectTraceFormat(file('  gclab-trace 1\n'))).toBe('gclab');
    expect(isTraceFileSimLine('w T1 P1 #0 O2 F0 S4 V0\r')).toBe(true);
    expect(isTraceFileSimLine('new r0 1')).toBe(false);
    expect(isTraceFileSimLine('a T1 Ox')).toBe(true); // malformed, but TraceFileSim's: its error follows
    expect(isTraceFileSimLine('ret')).toBe(false);
    expect(isTraceFileSimLine('x')).toBe(true);
  });
});
