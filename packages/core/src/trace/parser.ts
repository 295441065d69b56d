/**
 * A strict, streaming parser of the trace format, version 1. Lines are parsed one at a time, so a
 * file of any size is read in fixed-size chunks (`readTraceFile`) and never held whole. Every error
 * is a `TraceSyntaxError` whose message starts with `file:line:col:` (1-based).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { TraceSyntaxError } from '../errors.ts';
import { MAX_PAYLOAD, MAX_REFS } from '../object-model.ts';
import { GLOBAL_NAME, TRACE_HEADER, type TraceOp, type TraceRoot, type TraceSource } from './ops.ts';

/** Largest register number, generation or count a trace may name. */
const MAX_INT = 0x7fff_fffe;

interface Token {
  text: string;
  col: number;
}

/** Parses lines in order; feed it with `line()`, then call `end()`. */
export class TraceParser {
  /** Number of the last line fed (1-based). */
  lineNumber = 0;
  private sawHeader = false;

  constructor(readonly file: string) {}

  /** Parses one line (without its newline); returns its operation, or null for blank/comment/header. */
  line(text: string): TraceOp | null {
    this.lineNumber++;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (!this.sawHeader) {
      if (text.trim() === '') return null;
      if (text.trimEnd() !== TRACE_HEADER) {
        const col = text.length - text.trimStart().length + 1;
        this.fail(col, `expected the header '${TRACE_HEADER}' as the first non-blank line`);
      }
      this.sawHeader = true;
      return null;
    }
    const tokens = tokenize(text);
    if (tokens.length === 0) return null;
    return this.parseOp(tokens, text.length);
  }

  /** Checks the end of input (a trace with no header is an error). */
  end(): void {
    if (!this.sawHeader)
      this.fail(1, `empty trace: expected the header '${TRACE_HEADER}'`, this.lineNumber + 1);
  }

  private parseOp(t: Token[], lineLength: number): TraceOp {
    const name = t[0]!;
    const at = (i: number): Token => t[i] ?? { text: '', col: lineLength + 1 };
    const arity = (min: number, max: number) => {
      if (t.length - 1 < min)
        this.fail(
          at(t.length).col,
          `'${name.text}' needs ${min === max ? min : `at least ${min}`} operand${min === 1 ? '' : 's'}, got ${t.length - 1}`,
        );
      if (t.length - 1 > max)
        this.fail(
          t[max + 1]!.col,
          `unexpected operand '${t[max + 1]!.text}': '${name.text}' takes ${max === min ? max : `at most ${max}`}`,
        );
    };
    switch (name.text) {
      case 'new': {
        arity(2, 3);
        const dst = this.root(t[1]!);
        const refs = this.int(t[2]!, 'a reference field count', MAX_REFS);
        const bytes = t.length > 3 ? this.int(t[3]!, 'a payload byte count', MAX_PAYLOAD) : 0;
        return { op: 'new', dst, refs, bytes };
      }
      case 'set':
        arity(2, 2);
        return { op: 'set', dst: this.root(t[1]!), src: this.source(t[2]!) };
      case 'del':
        arity(1, 1);
        return { op: 'del', dst: this.root(t[1]!) };
      case 'put':
        arity(3, 3);
        return {
          op: 'put',
          obj: this.root(t[1]!),
          index: this.int(t[2]!, 'a field index', MAX_REFS - 1),
          src: this.source(t[3]!),
        };
      case 'get':
        arity(3, 3);
        return {
          op: 'get',
          dst: this.root(t[1]!),
          obj: this.root(t[2]!),
          index: this.int(t[3]!, 'a field index', MAX_REFS - 1),
        };
      case 'call': {
        arity(1, Number.POSITIVE_INFINITY);
        const nregs = this.int(t[1]!, 'a register count', MAX_INT);
        const args: TraceSource[] = [];
        for (let i = 2; i < t.length; i++) args.push(this.source(t[i]!));
        if (args.length > nregs)
          this.fail(t[1]!.col, `call passes ${args.length} arguments to a frame of ${nregs} registers`);
        return { op: 'call', nregs, args };
      }
      case 'ret':
        arity(0, 0);
        return { op: 'ret' };
      case 'gc':
        arity(0, 1);
        return { op: 'gc', generation: t.length > 1 ? this.int(t[1]!, 'a generation', MAX_INT) : null };
      case 'refcount':
        arity(1, 1);
        return { op: 'refcount', src: this.root(t[1]!) };
      default:
        return this.fail(
          name.col,
          `unknown operation '${name.text}' (expected new, set, del, put, get, call, ret, gc or refcount)`,
        );
    }
  }

  private root(tok: Token): TraceRoot {
    const s = tok.text;
    if (s.startsWith('g:')) {
      const name = s.slice(2);
      if (!GLOBAL_NAME.test(name))
        this.fail(tok.col + 2, `bad global name '${name}' (expected [A-Za-z_][A-Za-z0-9_.]*)`);
      return { kind: 'global', name };
    }
    if (/^r[0-9]+$/.test(s)) {
      const index = Number(s.slice(1));
      if (index > MAX_INT) this.fail(tok.col, `register number too large: ${s}`);
      return { kind: 'reg', index };
    }
    if (s === 'null') this.fail(tok.col, `null is not a root here (expected rN or g:NAME)`);
    return this.fail(tok.col, `expected a root (rN or g:NAME), got '${s}'`);
  }

  private source(tok: Token): TraceSource {
    return tok.text === 'null' ? null : this.root(tok);
  }

  private int(tok: Token, what: string, max: number): number {
    if (!/^[0-9]+$/.test(tok.text))
      this.fail(tok.col, `expected ${what} (a non-negative integer), got '${tok.text}'`);
    const n = Number(tok.text);
    if (n > max) this.fail(tok.col, `${what} must be at most ${max}, got ${tok.text}`);
    return n;
  }

  private fail(col: number, message: string, line = this.lineNumber): never {
    throw new TraceSyntaxError(this.file, line, col, message);
  }
}

/** Splits a line into tokens with 1-based columns, stopping at a '#' comment. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 9) {
      i++;
      continue;
    }
    if (ch === 35) break; // '#'
    const start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 35) break;
      i++;
    }
    tokens.push({ text: text.slice(start, i), col: start + 1 });
  }
  return tokens;
}

/** Parses a whole trace held in a string (for tests and small traces). */
export function parseTrace(text: string, file = '<string>'): TraceOp[] {
  const parser = new TraceParser(file);
  const ops: TraceOp[] = [];
  // As `readLines` reads a file: a leading byte order mark is dropped (TextDecoder does so), and a
  // final newline ends the last line rather than starting another.
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const op = parser.line(line);
    if (op !== null) ops.push(op);
  }
  parser.end();
  return ops;
}

/** Parses lines from any iterable of strings, yielding operations as they come. */
export function* parseTraceLines(lines: Iterable<string>, file = '<lines>'): Generator<TraceOp> {
  const parser = new TraceParser(file);
  for (const line of lines) {
    const op = parser.line(line);
    if (op !== null) yield op;
  }
  parser.end();
}

/** Reads a file's lines in 64 KiB chunks (the file is never loaded whole). */
export function* readLines(path: string, chunkBytes = 1 << 16): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const decoder = new TextDecoder('utf-8');
    let carry = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkBytes, null);
      if (n === 0) break;
      const text = carry + decoder.decode(buffer.subarray(0, n), { stream: true });
      const lines = text.split('\n');
      carry = lines.pop()!;
      yield* lines;
    }
    const rest = carry + decoder.decode();
    if (rest.length > 0) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Streams the operations of a trace file; errors name `path:line:col`. */
export function readTraceFile(path: string): Generator<TraceOp> {
  return parseTraceLines(readLines(path), path);
}
