import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatOp,
  formatSource,
  glob,
  parseTrace,
  reg,
  TRACE_HEADER,
  type TraceOp,
  writeTrace,
} from '../../src/index.ts';
import { seed } from '../support/programs.ts';
import { traceOpArb } from '../support/trace-ops.ts';

describe('formatOp', () => {
  it('writes each operation in its canonical form', () => {
    const cases: Array<[TraceOp, string]> = [
      [{ op: 'new', dst: reg(0), refs: 2, bytes: 0 }, 'new r0 2'],
      [{ op: 'new', dst: glob('a.b'), refs: 0, bytes: 16 }, 'new g:a.b 0 16'],
      [{ op: 'set', dst: reg(1), src: null }, 'set r1 null'],
      [{ op: 'set', dst: glob('x'), src: reg(3) }, 'set g:x r3'],
      [{ op: 'del', dst: glob('x') }, 'del g:x'],
      [{ op: 'put', obj: reg(0), index: 3, src: glob('y') }, 'put r0 3 g:y'],
      [{ op: 'get', dst: reg(2), obj: glob('y'), index: 0 }, 'get r2 g:y 0'],
      [{ op: 'call', nregs: 0, args: [] }, 'call 0'],
      [{ op: 'call', nregs: 4, args: [reg(0), null, glob('z')] }, 'call 4 r0 null g:z'],
      [{ op: 'ret' }, 'ret'],
      [{ op: 'gc', generation: null }, 'gc'],
      [{ op: 'gc', generation: 0 }, 'gc 0'],
      [{ op: 'refcount', src: reg(9) }, 'refcount r9'],
      [{ op: 'new', dst: reg(0), refs: 2, bytes: 0, kind: 'tuple' }, 'new r0 2 tuple'],
      [{ op: 'new', dst: reg(0), refs: 0, bytes: 8, kind: 'atomic' }, 'new r0 0 8 atomic'],
      [{ op: 'finalizer', obj: reg(0), action: { kind: 'finalize', resurrect: null } }, 'finalizer r0'],
      [
        { op: 'finalizer', obj: glob('a'), action: { kind: 'finalize', resurrect: 'saved' } },
        'finalizer g:a resurrect g:saved',
      ],
      [{ op: 'finalizer', obj: reg(1), action: { kind: 'legacy' } }, 'finalizer r1 legacy'],
      [{ op: 'weakref', dst: reg(1), referent: reg(0), callback: false }, 'weakref r1 r0'],
      [{ op: 'weakref', dst: glob('w'), referent: reg(0), callback: true }, 'weakref g:w r0 callback'],
      [{ op: 'deref', dst: reg(2), weakref: glob('w') }, 'deref r2 g:w'],
      [{ op: 'safepoint' }, 'safepoint'],
      [{ op: 'immortal', obj: glob('s') }, 'immortal g:s'],
      [{ op: 'gc-call', gc: { call: 'collect', generation: null } }, 'gc.collect'],
      [{ op: 'gc-call', gc: { call: 'collect', generation: 1 } }, 'gc.collect 1'],
      [{ op: 'gc-call', gc: { call: 'set_threshold', thresholds: [700, 10] } }, 'gc.set_threshold 700 10'],
      [{ op: 'gc-call', gc: { call: 'set_debug', flags: 32 } }, 'gc.set_debug 32'],
      [{ op: 'gc-call', gc: { call: 'garbage_clear' } }, 'gc.garbage.clear'],
      [{ op: 'gc-call', gc: { call: 'is_tracked', src: reg(3) } }, 'gc.is_tracked r3'],
      [{ op: 'gc-call', gc: { call: 'get_count' } }, 'gc.get_count'],
    ];
    for (const [op, text] of cases) expect(formatOp(op)).toBe(text);
    expect(formatSource(null)).toBe('null');
  });
});

describe('writeTrace', () => {
  it('writes the header, comment lines, then one line per op, ending with a newline', () => {
    const text = writeTrace(
      [{ op: 'new', dst: reg(0), refs: 1, bytes: 0 }, { op: 'ret' }],
      ['seed 42', 'two\nlines'],
    );
    expect(text).toBe(`${TRACE_HEADER}\n# seed 42\n# two\n# lines\nnew r0 1\nret\n`);
    expect(writeTrace([])).toBe('gclab-trace 1\n');
    // Version 2 exactly when an operation needs it.
    expect(writeTrace([{ op: 'new', dst: reg(0), refs: 1, bytes: 0 }, { op: 'safepoint' }])).toBe(
      'gclab-trace 2\nnew r0 1\nsafepoint\n',
    );
    expect(parseTrace(writeTrace([]))).toEqual([]);
  });

  it('round-trips: parse(write(ops)) gives back the operations', () => {
    fc.assert(
      fc.property(
        fc.array(traceOpArb, { maxLength: 40 }),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
        (ops, comments) => {
          expect(parseTrace(writeTrace(ops, comments))).toEqual(ops);
        },
      ),
      { seed, numRuns: 500 },
    );
  });

  it('is a fixed point on parsed text: write(parse(write(ops))) = write(ops)', () => {
    fc.assert(
      fc.property(fc.array(traceOpArb, { maxLength: 20 }), (ops) => {
        const text = writeTrace(ops);
        expect(writeTrace(parseTrace(text))).toBe(text);
      }),
      { seed, numRuns: 200 },
    );
  });
});
