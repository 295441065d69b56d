import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  glob,
  MAX_LINE_LENGTH,
  MAX_PAYLOAD,
  MAX_REFS,
  parseTrace,
  parseTraceLines,
  readLines,
  readTraceFile,
  reg,
  SHOWN_TOKEN_LENGTH,
  shown,
  type TraceOp,
  TraceParser,
  TraceSyntaxError,
  writeTrace,
} from '../../src/index.ts';
import { programArb, seed } from '../support/programs.ts';
import { traceOpArb } from '../support/trace-ops.ts';

const REPO = join(import.meta.dirname, '../../../..');
const EXAMPLES = join(REPO, 'examples/traces');
const TRACE_FORMAT_DOC = join(REPO, 'docs/trace-format.md');

const tmp = mkdtempSync(join(tmpdir(), 'gclab-parser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileCounter = 0;
/** Writes `text` to a fresh temporary file and returns its path. */
function tempFile(text: string | Buffer): string {
  const path = join(tmp, `t${fileCounter++}.trace`);
  writeFileSync(path, text);
  return path;
}

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

/** The complete traces in the ```trace blocks of docs/trace-format.md. */
function docTraces(): string[] {
  const doc = readFileSync(TRACE_FORMAT_DOC, 'utf8');
  return [...doc.matchAll(/```trace\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('the parser accepts', () => {
  it('every example trace, from a string and streamed from its file', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.trace'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const path = join(EXAMPLES, f);
      const fromString = parseTrace(readFileSync(path, 'utf8'), path);
      expect(fromString.length).toBeGreaterThan(5);
      expect([...readTraceFile(path)]).toEqual(fromString);
    }
  });

  it('every complete trace in docs/trace-format.md', () => {
    const traces = docTraces();
    expect(traces.length).toBeGreaterThanOrEqual(3);
    for (const t of traces) expect(parseTrace(t, 'docs/trace-format.md').length).toBeGreaterThan(0);
  });

  it('each operation with its operands', () => {
    const ops = parseTrace(`
gclab-trace 1
new r0 2
new g:a.b_1 0 24
set r1 null
set g:_x r0
del g:a.b_1
put r0 1 g:_x
put r0 0 null
get r2 r0 1
call 3
call 2 r0 null
ret
gc
gc 2
refcount r7
`);
    const expected: TraceOp[] = [
      { op: 'new', dst: reg(0), refs: 2, bytes: 0 },
      { op: 'new', dst: glob('a.b_1'), refs: 0, bytes: 24 },
      { op: 'set', dst: reg(1), src: null },
      { op: 'set', dst: glob('_x'), src: reg(0) },
      { op: 'del', dst: glob('a.b_1') },
      { op: 'put', obj: reg(0), index: 1, src: glob('_x') },
      { op: 'put', obj: reg(0), index: 0, src: null },
      { op: 'get', dst: reg(2), obj: reg(0), index: 1 },
      { op: 'call', nregs: 3, args: [] },
      { op: 'call', nregs: 2, args: [reg(0), null] },
      { op: 'ret' },
      { op: 'gc', generation: null },
      { op: 'gc', generation: 2 },
      { op: 'refcount', src: reg(7) },
    ];
    expect(ops).toEqual(expected);
  });

  it('comments, blank lines, tabs, trailing spaces, CRLF and a missing final newline', () => {
    const text =
      '\r\n  \t\r\ngclab-trace 1   \r\n# comment\r\n\tnew\tr0  1 8   # trailing comment\r\n' +
      'new r1 0#glued comment\r\n   \r\n# new r9 9\r\nset r1 r0';
    const expected: TraceOp[] = [
      { op: 'new', dst: reg(0), refs: 1, bytes: 8 },
      { op: 'new', dst: reg(1), refs: 0, bytes: 0 },
      { op: 'set', dst: reg(1), src: reg(0) },
    ];
    expect(parseTrace(text)).toEqual(expected);
    expect([...readTraceFile(tempFile(text))]).toEqual(expected);
  });

  it('the largest operands the format allows', () => {
    const ops = parseTrace(
      `gclab-trace 1\nnew r2147483646 ${MAX_REFS} ${MAX_PAYLOAD}\nput r0 ${MAX_REFS - 1} null\ngc 2147483646\n`,
    );
    expect(ops).toEqual([
      { op: 'new', dst: reg(2147483646), refs: MAX_REFS, bytes: MAX_PAYLOAD },
      { op: 'put', obj: reg(0), index: MAX_REFS - 1, src: null },
      { op: 'gc', generation: 2147483646 },
    ]);
    expect(parseTrace('gclab-trace 1\nnew r007 01')).toEqual([{ op: 'new', dst: reg(7), refs: 1, bytes: 0 }]);
  });
});

describe('the parser rejects malformed input at file:line:col', () => {
  const H = 'gclab-trace 1\n';
  const V2 = 'gclab-trace 2\n';
  // [trace text, expected "file:line:col", expected words of the reason]
  const cases: Array<[string, string, RegExp]> = [
    ['', 'bad.trace:1:1', /empty trace/],
    ['\n\n  \n', 'bad.trace:4:1', /empty trace/],
    ['gclab-trace 3\n', 'bad.trace:1:1', /expected the header 'gclab-trace 1' or 'gclab-trace 2'/],
    ['gclab-trace  1\n', 'bad.trace:1:1', /expected the header/],
    ['  gclab-trace 1\n', 'bad.trace:1:3', /expected the header/],
    ['\n\ngclab-trace 1x\n', 'bad.trace:3:1', /expected the header/],
    ['# comment first\ngclab-trace 1\n', 'bad.trace:1:1', /first non-blank line/],
    ['gclab-trace 1 # comment\n', 'bad.trace:1:1', /expected the header/],
    ['new r0 1\n', 'bad.trace:1:1', /expected the header/],
    [`${H}foo r0\n`, 'bad.trace:2:1', /unknown operation 'foo'/],
    [`${H}NEW r0 1\n`, 'bad.trace:2:1', /unknown operation 'NEW'/],
    [`${H}\n# c\n   frob\n`, 'bad.trace:4:4', /unknown operation 'frob'/],
    [`${H}  new r0\n`, 'bad.trace:2:9', /'new' needs at least 2 operands, got 1/],
    [`${H}new r0 1 2 3\n`, 'bad.trace:2:12', /unexpected operand '3': 'new' takes at most 3/],
    [`${H}new x 1\n`, 'bad.trace:2:5', /expected a root \(rN or g:NAME\), got 'x'/],
    [`${H}new R0 1\n`, 'bad.trace:2:5', /expected a root/],
    [`${H}new r-1 1\n`, 'bad.trace:2:5', /expected a root/],
    [`${H}new r1.5 1\n`, 'bad.trace:2:5', /expected a root/],
    [`${H}new r 1\n`, 'bad.trace:2:5', /expected a root/],
    [`${H}new r99999999999 1\n`, 'bad.trace:2:5', /register number too large/],
    [`${H}new g: 1\n`, 'bad.trace:2:7', /bad global name ''/],
    [`${H}new g:1a 1\n`, 'bad.trace:2:7', /bad global name '1a'/],
    [`${H}new g:a-b 1\n`, 'bad.trace:2:7', /bad global name 'a-b'/],
    [
      `${H}new r0 -1\n`,
      'bad.trace:2:8',
      /expected a reference field count \(a non-negative integer\), got '-1'/,
    ],
    [`${H}new r0 1e3\n`, 'bad.trace:2:8', /expected a reference field count/],
    [`${H}new r0 ${MAX_REFS + 1}\n`, 'bad.trace:2:8', /reference field count must be at most 16777215/],
    [`${H}new r0 1 x\n`, 'bad.trace:2:10', /expected a payload byte count/],
    [`${H}new r0 1 ${MAX_PAYLOAD + 1}\n`, 'bad.trace:2:10', /payload byte count must be at most/],
    [`${H}set r0\n`, 'bad.trace:2:7', /'set' needs 2 operands, got 1/],
    [`${H}set null r0\n`, 'bad.trace:2:5', /null is not a root here/],
    [`${H}set r0 r1 r2\n`, 'bad.trace:2:11', /unexpected operand 'r2': 'set' takes 2/],
    [`${H}del\n`, 'bad.trace:2:4', /'del' needs 1 operand, got 0/],
    [`${H}del null\n`, 'bad.trace:2:5', /null is not a root here/],
    [`${H}put r0 x r1\n`, 'bad.trace:2:8', /expected a field index/],
    [`${H}put r0 ${MAX_REFS} r1\n`, 'bad.trace:2:8', /field index must be at most 16777214/],
    [`${H}put r0 0 nil\n`, 'bad.trace:2:10', /expected a root/],
    [`${H}get r0 null 0\n`, 'bad.trace:2:8', /null is not a root here/],
    [`${H}get r0 r1\n`, 'bad.trace:2:10', /'get' needs 3 operands, got 2/],
    [`${H}call\n`, 'bad.trace:2:5', /'call' needs at least 1 operand, got 0/],
    [`${H}call r0\n`, 'bad.trace:2:6', /expected a register count/],
    [`${H}call 1 r0 r1\n`, 'bad.trace:2:6', /call passes 2 arguments to a frame of 1 registers/],
    [`${H}call 1 x\n`, 'bad.trace:2:8', /expected a root/],
    [`${H}ret r0\n`, 'bad.trace:2:5', /unexpected operand 'r0': 'ret' takes 0/],
    [`${H}gc -1\n`, 'bad.trace:2:4', /expected a generation/],
    [`${H}gc 1 2\n`, 'bad.trace:2:6', /'gc' takes at most 1/],
    [`${H}refcount null\n`, 'bad.trace:2:10', /null is not a root here/],
    [`${H}refcount\n`, 'bad.trace:2:9', /'refcount' needs 1 operand/],
    [`${H}new r0\r 1\n`, 'bad.trace:2:5', /expected a root/],
    [`${H}new r0 1\nset r0 r1\n\n# ok so far\nput r0 0 r1 r2\n`, 'bad.trace:6:13', /unexpected operand 'r2'/],
    // Version-2 operations in a version-1 trace, and malformed version-2 operations.
    [`${H}new r0 1 tuple\n`, 'bad.trace:2:10', /an object kind needs the header 'gclab-trace 2'/],
    [`${H}new r0 1 8 dict\n`, 'bad.trace:2:12', /an object kind needs the header 'gclab-trace 2'/],
    [
      `${H}finalizer r0\n`,
      'bad.trace:2:1',
      /'finalizer' needs the header 'gclab-trace 2' \(this trace is version 1\)/,
    ],
    [`${H}weakref r1 r0\n`, 'bad.trace:2:1', /'weakref' needs the header/],
    [`${H}deref r1 r0\n`, 'bad.trace:2:1', /'deref' needs the header/],
    [`${H}safepoint\n`, 'bad.trace:2:1', /'safepoint' needs the header/],
    [`${H}gc.collect\n`, 'bad.trace:2:1', /'gc.collect' needs the header/],
    [
      `${V2}new r0 1 set\n`,
      'bad.trace:2:10',
      /unknown object kind 'set' \(expected object, list, dict, tuple, atomic\)/,
    ],
    [`${V2}new r0 1 2 3\n`, 'bad.trace:2:12', /unexpected operand '3': 'new' takes at most 3/],
    [`${V2}new r0 1 2 list x\n`, 'bad.trace:2:17', /unexpected operand 'x': 'new' takes at most 4/],
    [`${V2}finalizer\n`, 'bad.trace:2:10', /'finalizer' needs at least 1 operand, got 0/],
    [`${V2}finalizer null\n`, 'bad.trace:2:11', /null is not a root here/],
    [
      `${V2}finalizer r0 bye\n`,
      'bad.trace:2:14',
      /expected 'resurrect g:NAME' or 'legacy' after the root, got 'bye'/,
    ],
    [
      `${V2}finalizer r0 resurrect r1\n`,
      'bad.trace:2:24',
      /a finalizer resurrects into a global \(g:NAME\), got 'r1'/,
    ],
    [`${V2}finalizer r0 resurrect\n`, 'bad.trace:2:23', /'finalizer' needs 3 operands, got 2/],
    [`${V2}finalizer r0 legacy r1\n`, 'bad.trace:2:21', /unexpected operand 'r1': 'finalizer' takes 2/],
    [`${V2}weakref r1\n`, 'bad.trace:2:11', /'weakref' needs at least 2 operands, got 1/],
    [`${V2}weakref r1 null\n`, 'bad.trace:2:12', /null is not a root here/],
    [`${V2}weakref r1 r0 cb\n`, 'bad.trace:2:15', /expected 'callback' or the end of the line, got 'cb'/],
    [`${V2}deref r1\n`, 'bad.trace:2:9', /'deref' needs 2 operands, got 1/],
    [`${V2}safepoint 1\n`, 'bad.trace:2:11', /unexpected operand '1': 'safepoint' takes 0/],
    [`${H}immortal r0\n`, 'bad.trace:2:1', /'immortal' needs the header/],
    [`${V2}immortal\n`, 'bad.trace:2:9', /'immortal' needs 1 operand, got 0/],
    [`${V2}immortal null\n`, 'bad.trace:2:10', /null is not a root here/],
    [
      `${V2}gc.frobnicate\n`,
      'bad.trace:2:1',
      /unknown gc call 'gc.frobnicate' \(expected gc.collect, gc.get_count/,
    ],
    [`${V2}gc.collect 3\n`, 'bad.trace:2:12', /a generation must be at most 2, got 3/],
    [`${V2}gc.set_threshold\n`, 'bad.trace:2:17', /'gc.set_threshold' needs at least 1 operand, got 0/],
    [`${V2}gc.set_threshold 1 2 3 4\n`, 'bad.trace:2:24', /'gc.set_threshold' takes at most 3/],
    [`${V2}gc.set_debug x\n`, 'bad.trace:2:14', /expected debug flags/],
    [`${V2}gc.get_count r0\n`, 'bad.trace:2:14', /'gc.get_count' takes 0/],
    [`${V2}gc.is_tracked\n`, 'bad.trace:2:14', /'gc.is_tracked' needs 1 operand, got 0/],
    [
      `${V2}frob r0\n`,
      'bad.trace:2:1',
      /unknown operation 'frob' \(expected new, set, del, put, get, call, ret, gc, refcount, finalizer, weakref, deref, safepoint, immortal or gc.CALL\)/,
    ],
  ];

  it('the error examples of docs/trace-format.md as documented', () => {
    const doc = readFileSync(TRACE_FORMAT_DOC, 'utf8');
    const rows = [...doc.matchAll(/^\| `([^`]+)`\s+\| `(t\.trace:[^`]+)`/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const [, input, message] of rows) {
      expect((thrown(() => parseTrace(`gclab-trace 1\n${input}\n`, 't.trace')) as Error).message).toBe(
        message,
      );
    }
  });

  it.each(cases)('%j -> %s', (text, where, reason) => {
    const error = thrown(() => parseTrace(text, 'bad.trace'));
    expect(error).toBeInstanceOf(TraceSyntaxError);
    const e = error as TraceSyntaxError;
    expect(`${e.file}:${e.line}:${e.column}`).toBe(where);
    expect(e.message.startsWith(`${where}: `)).toBe(true);
    expect(e.reason).toMatch(reason);
    // The streaming reader reports the same position from a file.
    const path = tempFile(text);
    const streamed = thrown(() => [...readTraceFile(path)]);
    expect((streamed as Error).message).toBe(e.message.replace('bad.trace', path));
  });
});

describe('mutated traces', () => {
  const vocabulary = [
    'new',
    'set',
    'del',
    'put',
    'get',
    'call',
    'ret',
    'gc',
    'refcount',
    'null',
    'r0',
    'r1',
    'r2147483647',
    'r99999999999999999999',
    'g:x',
    'g:',
    'g:a.b',
    '0',
    '1',
    '16777215',
    '16777216',
    '-1',
    '1e9',
    '#',
    'gclab-trace',
    'gclab-trace 1',
    'x',
  ];
  const characters = [
    ' ',
    '\t',
    '\n',
    '\r',
    '#',
    ':',
    'g',
    'r',
    '0',
    '9',
    '-',
    '.',
    '_',
    'é',
    '\u00a0',
    '\ufeff',
    '\0',
    '\u2028',
    '😀',
  ];

  /** Applies one mutation, chosen by `m`, to `text`. */
  function mutate(text: string, m: readonly [number, number, number, string]): string {
    const [kind, at, length, extra] = m;
    const p = text.length === 0 ? 0 : at % (text.length + 1);
    switch (kind % 8) {
      case 0: // insert a character
        return text.slice(0, p) + characters[length % characters.length]! + text.slice(p);
      case 1: // delete a run of characters
        return text.slice(0, p) + text.slice(p + 1 + (length % 4));
      case 2: // replace a character by an arbitrary one
        return text.slice(0, p) + extra + text.slice(p + 1);
      default: {
        const tokens = text.split(/([ \t\n]+)/);
        const i = at % Math.max(1, tokens.length);
        const word = vocabulary[length % vocabulary.length]!;
        if (kind % 8 === 3) tokens.splice(i, 0, word, ' ');
        else if (kind % 8 === 4) tokens.splice(i, 1);
        else if (kind % 8 === 5) tokens[i] = word;
        else {
          const lines = text.split('\n');
          const j = at % lines.length;
          const k = length % lines.length;
          if (kind % 8 === 6)
            lines.splice(j, 0, lines[k]!); // duplicate a line
          else [lines[j], lines[k]] = [lines[k]!, lines[j]!]; // swap two lines
          return lines.join('\n');
        }
        return tokens.join('');
      }
    }
  }

  const examples = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.trace'))
    .map((f) => readFileSync(join(EXAMPLES, f), 'utf8'));
  const baseArb = fc.oneof(
    fc.constantFrom(...examples),
    fc.array(traceOpArb, { maxLength: 12 }).map((ops) => writeTrace(ops, ['generated'])),
    programArb(30).map(({ ops }) => writeTrace(ops)),
  );
  const mutationArb = fc.tuple(
    fc.nat(),
    fc.nat(),
    fc.nat(),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  const mutatedArb = fc
    .tuple(baseArb, fc.array(mutationArb, { minLength: 1, maxLength: 8 }))
    .map(([base, ms]) => ms.reduce(mutate, base));

  it('never make the parser throw anything but a TraceSyntaxError at a real position', () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutatedArb, (text) => {
        let ops: TraceOp[];
        try {
          ops = parseTrace(text, 'fuzz.trace');
        } catch (e) {
          expect(e).toBeInstanceOf(TraceSyntaxError);
          const { line, column, message } = e as TraceSyntaxError;
          const lines = text.split('\n');
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lines.length + 1);
          expect(column).toBeGreaterThanOrEqual(1);
          expect(column).toBeLessThanOrEqual((lines[line - 1]?.length ?? 0) + 1);
          expect(message.startsWith(`fuzz.trace:${line}:${column}: `)).toBe(true);
          rejected++;
          return;
        }
        // Whatever parses writes back to the same operations.
        expect(parseTrace(writeTrace(ops))).toEqual(ops);
      }),
      { seed, numRuns: 1500 },
    );
    expect(rejected).toBeGreaterThan(300); // the mutations do break traces
  });

  it('parse the same from a string and from a file read in small chunks', () => {
    const wellFormed = mutatedArb.filter(
      (t) => !/[\uD800-\uDFFF]/.test(t.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')),
    );
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 1, max: 64 }), (text, chunk) => {
        const path = tempFile(text);
        const outcome = (fn: () => unknown) => {
          try {
            return fn();
          } catch (e) {
            return (e as Error).message;
          }
        };
        const fromString = outcome(() => parseTrace(text, path));
        const fromFile = outcome(() => [...parseTraceLines(readLines(path, chunk), path)]);
        expect(fromFile).toEqual(fromString);
      }),
      { seed, numRuns: 300 },
    );
  });
  it('the file reader (its fast path for common lines) gives what the string parser gives', () => {
    // Texts made of well-formed lines of the fast path's operations, then mutated (a text inserted,
    // or replacing one character): every outcome (operations or the error's message) must be the
    // same from a file read in any chunk size.
    const lineArb = fc.oneof(
      fc.constantFrom('new r0 1', 'new r12 2 16', 'new g:a 0', 'set r1 null', 'set g:b.c r0', 'del r0'),
      fc.constantFrom('put r0 0 r1', 'put g:a 1 null', 'get r2 r0 0', 'ret', 'gc', 'gc 1', '# note', ''),
      fc.constantFrom('  new\tr3  1\t7 # c', 'set r0 r1#x', 'new r0 1 object', 'gc.collect', 'refcount r0'),
      // At the limits, and just past them.
      fc.constantFrom('new r0 16777215', 'new r0 16777216', 'put r0 16777214 r1', 'put r0 16777215 r1'),
      fc.constantFrom('new r0 0 2147483640', 'new r0 0 2147483641', 'gc 2147483646', 'gc 2147483647'),
      fc.constantFrom(
        'del r2147483646',
        'del r2147483647',
        'set g:1a r0',
        'set r0 nul',
        'get r0 r1 16777215',
      ),
    );
    const mutate = fc.oneof(
      fc.constant(''),
      fc.constantFrom(' ', '\t', '\r', '#', 'x', '9', 'r', 'g:', 'null', '99999999999', '\u00e9', '\n'),
    );
    const textArb = fc
      .tuple(fc.boolean(), fc.array(fc.tuple(lineArb, mutate, fc.nat(20), fc.boolean()), { maxLength: 30 }))
      .map(([v2, lines]) =>
        [
          v2 ? 'gclab-trace 2' : 'gclab-trace 1',
          ...lines.map(([l, m, at, replace]) => {
            const k = at % (l.length + 1);
            return l.slice(0, k) + m + l.slice(replace ? k + 1 : k);
          }),
        ].join('\n'),
      );
    const outcome = (fn: () => unknown) => {
      try {
        return fn();
      } catch (e) {
        return (e as Error).message;
      }
    };
    fc.assert(
      fc.property(textArb, fc.boolean(), fc.integer({ min: 1, max: 64 }), (text, newline, chunk) => {
        const path = tempFile(newline ? `${text}\n` : text);
        const fromString = outcome(() => parseTrace(newline ? `${text}\n` : text, path));
        expect(outcome(() => [...readTraceFile(path, chunk)])).toEqual(fromString);
        expect(outcome(() => [...readTraceFile(path)])).toEqual(fromString);
      }),
      { seed, numRuns: 400 },
    );
  });
});

describe('streaming', () => {
  it('readLines splits at chunk boundaries, in multi-byte characters and CRLF pairs', () => {
    const text =
      'gclab-trace 1\r\n# é😀 unicode in a comment\r\n\r\nnew r0 1\nset r1 r0\r\nlast line, no newline é';
    const path = tempFile(text);
    const expected = text.split('\n');
    for (const chunk of [1, 2, 3, 5, 7, 64, 1 << 16]) expect([...readLines(path, chunk)]).toEqual(expected);
    expect([...readLines(tempFile('a\nb\n'), 1)]).toEqual(['a', 'b']);
    expect([...readLines(tempFile(''), 4)]).toEqual([]);
    expect([...readLines(tempFile('\n'), 4)]).toEqual(['']);
  });

  it('readLines matches split on random text for any chunk size', () => {
    const unit = fc.constantFrom('a', 'b', ' ', '\n', '\r', '#', 'é', '€', '😀');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 80 }), fc.integer({ min: 1, max: 16 }), (text, chunk) => {
        const expected = text.split('\n');
        if (expected[expected.length - 1] === '') expected.pop();
        expect([...readLines(tempFile(text), chunk)]).toEqual(expected);
      }),
      { seed, numRuns: 200 },
    );
  });

  describe('a multi-megabyte trace', () => {
    const LINES = 300_000;
    const line = (i: number) => `new r${i % 10} ${i % 4}  # padding to make the file bigger: ${i}`;
    const path = join(tmp, 'big.trace');
    let size = 0;
    beforeAll(() => {
      const fd = openSync(path, 'w');
      writeSync(fd, 'gclab-trace 1\n');
      for (let start = 0; start < LINES; start += 10_000) {
        const block: string[] = [];
        for (let i = start; i < start + 10_000; i++) block.push(line(i));
        writeSync(fd, `${block.join('\n')}\n`);
      }
      closeSync(fd);
      size = readFileSync(path).length;
    });

    it('is parsed completely, in order', () => {
      expect(size).toBeGreaterThan(10 << 20);
      let n = 0;
      for (const op of readTraceFile(path)) {
        if (op.op !== 'new' || op.dst.kind !== 'reg' || op.dst.index !== n % 10 || op.refs !== n % 4) {
          throw new Error(`op ${n} is ${JSON.stringify(op)}`);
        }
        n++;
      }
      expect(n).toBe(LINES);
    });

    it('is read as it is consumed, not loaded whole', () => {
      // Take the first lines, then change the file near its end: the reader sees the change, so
      // it had not read that far when it yielded the first lines.
      const lines = readLines(path, 4096);
      expect(lines.next().value).toBe('gclab-trace 1');
      expect(lines.next().value).toBe(line(0));
      const target = line(LINES - 5);
      const offset = readFileSync(path, 'latin1').lastIndexOf(target);
      const changed = target.replace('padding', 'PADDING');
      const w = openSync(path, 'r+');
      writeSync(w, changed, offset);
      closeSync(w);
      let seen = false;
      for (const l of lines) if (l === changed) seen = true;
      expect(seen).toBe(true);
      // The op stream is as lazy: an error late in the file comes after the early ops were yielded.
      const w2 = openSync(path, 'r+');
      writeSync(w2, 'bad', offset);
      closeSync(w2);
      const ops = readTraceFile(path);
      expect(ops.next().value).toEqual({ op: 'new', dst: reg(0), refs: 0, bytes: 0 });
      const error = thrown(() => [...ops]);
      expect((error as Error).message).toBe(
        `${path}:${LINES - 5 + 2}:1: unknown operation 'bad' (expected new, set, del, put, get, call, ret, gc or refcount)`,
      );
    });
  });

  it('parseTraceLines yields each operation before reading further lines', () => {
    const seen: string[] = [];
    function* lines() {
      for (const l of ['gclab-trace 1', 'new r0 0', 'oops']) {
        seen.push(l);
        yield l;
      }
    }
    const ops = parseTraceLines(lines(), 'gen');
    expect(ops.next().value).toEqual({ op: 'new', dst: reg(0), refs: 0, bytes: 0 });
    expect(seen).toEqual(['gclab-trace 1', 'new r0 0']);
    expect(() => ops.next()).toThrow('gen:3:1: unknown operation');
  });

  it('TraceParser numbers lines as fed, skipping nothing', () => {
    const parser = new TraceParser('p');
    expect(parser.line('')).toBeNull();
    expect(parser.line('gclab-trace 1')).toBeNull();
    expect(parser.line('# c')).toBeNull();
    expect(parser.line('ret')).toEqual({ op: 'ret' });
    expect(parser.lineNumber).toBe(4);
    expect(() => parser.line('ret 1')).toThrow('p:5:5:');
    parser.end();
    expect(() => new TraceParser('q').end()).toThrow('q:1:1: empty trace');
  });
});

describe('programs', () => {
  it('write and parse back every generated valid program', () => {
    fc.assert(
      fc.property(programArb(60), ({ ops }) => {
        expect(parseTrace(writeTrace(ops))).toEqual(ops);
      }),
      { seed, numRuns: 100 },
    );
  });
});

describe('hostile inputs', () => {
  it('a line longer than MAX_LINE_LENGTH is an error at its line and column, its start shown truncated', () => {
    const long = `new r0 0 ${'7'.repeat(MAX_LINE_LENGTH + 10)}`;
    const path = tempFile(`gclab-trace 1\n${long}\nnew r1 0\n`);
    for (const read of [() => [...readTraceFile(path)], () => parseTrace(readFileSync(path, 'utf8'), path)]) {
      const e = thrown(read) as TraceSyntaxError;
      expect(e).toBeInstanceOf(TraceSyntaxError);
      expect([e.line, e.column]).toEqual([2, MAX_LINE_LENGTH + 1]);
      expect(e.message).toMatch(
        /^.*:2:1048577: line longer than 1048576 (bytes|characters) \(it starts 'new r0 0 7+\.\.\.'\)$/,
      );
      expect(e.message.length).toBeLessThan(path.length + 200);
    }
  });

  it('a line of exactly MAX_LINE_LENGTH characters is read whole', () => {
    const comment = `#${'x'.repeat(MAX_LINE_LENGTH - 1)}`;
    const path = tempFile(`gclab-trace 1\n${comment}\nnew r0 0\n`);
    expect([...readTraceFile(path)]).toEqual([{ op: 'new', dst: reg(0), refs: 0, bytes: 0 }]);
  });

  it('reading stays linear: many long lines cost about what one short-lined file of the same size does', () => {
    // 8 lines of 512 KiB each, read in 64-byte chunks: a quadratic reader re-scans each line
    // thousands of times; counted here as the number of lines yielded, exactly, and no error.
    const lines = Array.from({ length: 8 }, () => `#${'y'.repeat((MAX_LINE_LENGTH >> 1) - 1)}`);
    const path = tempFile(`gclab-trace 1\n${lines.join('\n')}\n`);
    expect([...readLines(path, 1 << 16)].length).toBe(9);
  });

  it('invalid UTF-8 is an error at its line and column (in characters)', () => {
    const bad = Buffer.concat([
      Buffer.from('gclab-trace 1\n# é ok\nnew r0 0 # é'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' rest\n'),
    ]);
    for (const chunk of [1, 3, 1 << 16]) {
      const e = thrown(() => [
        ...parseTraceLines(readLines(tempFile(bad), chunk), 'bad.trace'),
      ]) as TraceSyntaxError;
      expect(e).toBeInstanceOf(TraceSyntaxError);
      expect(e.message).toMatch(/:3:13: invalid UTF-8$/);
    }
    // A truncated multi-byte character at the very end of the file too.
    const cut = Buffer.concat([Buffer.from('gclab-trace 1\n# '), Buffer.from([0xe2, 0x82])]);
    expect((thrown(() => [...readTraceFile(tempFile(cut))]) as Error).message).toMatch(
      /:2:3: invalid UTF-8$/,
    );
  });

  it('a NUL character is an error at its column, and the message never holds a raw NUL', () => {
    const path = tempFile('gclab-trace 1\nnew r0\u0000 0\n');
    const e = thrown(() => [...readTraceFile(path)]) as TraceSyntaxError;
    expect(e).toBeInstanceOf(TraceSyntaxError);
    expect([e.line, e.column]).toEqual([2, 7]);
    expect(e.message).toContain('a NUL character (\\0) is not allowed in a trace');
    expect(e.message).not.toContain('\u0000');
    const header = thrown(() => parseTrace('gclab\u0000-trace 1\n')) as TraceSyntaxError;
    expect([header.line, header.column]).toEqual([1, 6]);
  });

  it('messages show at most SHOWN_TOKEN_LENGTH characters of a token, control characters escaped', () => {
    const token = 'z'.repeat(5000);
    const e = thrown(() => parseTrace(`gclab-trace 1\n${token} r0\n`)) as TraceSyntaxError;
    expect(e.message).toBe(
      `<string>:2:1: unknown operation '${'z'.repeat(SHOWN_TOKEN_LENGTH)}... (5000 characters)' (expected new, set, del, put, get, call, ret, gc or refcount)`,
    );
    expect(shown('a\u0001b\u007f')).toBe('a\\x01b\\x7f');
    const bell = thrown(() => parseTrace('gclab-trace 1\nnew r0 1\u0007\n')) as TraceSyntaxError;
    expect(bell.message).toContain("got '1\\x07'");
  });
});
