/**
 * A strict, streaming parser of the trace format, versions 1 and 2 (the header says which; an
 * operation of version 2 in a version-1 trace is an error naming the header it needs). Lines are parsed one at a time, so a
 * file of any size is read in fixed-size chunks (`readTraceFile`) and never held whole. Every error
 * is a `TraceSyntaxError` whose message starts with `file:line:col:` (1-based).
 *
 * Limits that keep a hostile input cheap: a line is at most `MAX_LINE_LENGTH` characters (the reader
 * stops at the first longer line, so reading is linear in the file's size whatever its lines), a
 * file must be valid UTF-8 and may hold no NUL character, and a message shows at most
 * `SHOWN_TOKEN_LENGTH` characters of a token, control characters escaped.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { TraceSyntaxError } from '../errors.ts';
import { MAX_PAYLOAD, MAX_REFS } from '../object-model.ts';
import {
  GC_CALLS,
  type GcCall,
  GLOBAL_NAME,
  gcCallText,
  type ObjectKindName,
  TRACE_HEADER,
  TRACE_HEADER_2,
  type TraceOp,
  type TraceRoot,
  type TraceSource,
} from './ops.ts';

/** The object kinds a version-2 `new` may name. */
const KINDS: readonly ObjectKindName[] = ['object', 'list', 'dict', 'tuple', 'atomic'];
/** The most thresholds `gc.set_threshold` takes. */
const MAX_THRESHOLDS = 3;

/** Largest register number, generation or count a trace may name. */
const MAX_INT = 0x7fff_fffe;

/** The longest line a trace may have, in characters (1 MiB; a line holds one operation). */
export const MAX_LINE_LENGTH = 1 << 20;

/** The most characters of a token (or line) an error message shows. */
export const SHOWN_TOKEN_LENGTH = 40;

interface Token {
  text: string;
  col: number;
}

/** Parses lines in order; feed it with `line()`, then call `end()`. */
export class TraceParser {
  /** Number of the last line fed (1-based). */
  lineNumber = 0;
  /** Column (1-based) of the first token of the last operation returned. */
  opColumn = 1;
  private sawHeader = false;
  /** The trace format version of the header (1 or 2), 0 before the header. */
  version = 0;

  constructor(readonly file: string) {}

  /** Parses one line (without its newline); returns its operation, or null for blank/comment/header. */
  line(text: string): TraceOp | null {
    this.lineNumber++;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.length > MAX_LINE_LENGTH) this.fail(MAX_LINE_LENGTH + 1, longLine(text));
    const nul = text.indexOf('\0');
    if (nul >= 0) this.fail(nul + 1, 'a NUL character (\\0) is not allowed in a trace');
    if (!this.sawHeader) {
      if (text.trim() === '') return null;
      const header = text.trimEnd();
      if (header !== TRACE_HEADER && header !== TRACE_HEADER_2) {
        const col = text.length - text.trimStart().length + 1;
        this.fail(
          col,
          `expected the header '${TRACE_HEADER}' or '${TRACE_HEADER_2}' as the first non-blank line`,
        );
      }
      this.sawHeader = true;
      this.version = header === TRACE_HEADER ? 1 : 2;
      return null;
    }
    const tokens = tokenize(text);
    if (tokens.length === 0) return null;
    this.opColumn = tokens[0]!.col;
    return this.parseOp(tokens, text.length);
  }

  /** Checks the end of input (a trace with no header is an error). */
  end(): void {
    if (!this.sawHeader)
      this.fail(
        1,
        `empty trace: expected the header '${TRACE_HEADER}' or '${TRACE_HEADER_2}'`,
        this.lineNumber + 1,
      );
  }

  private parseOp(t: Token[], lineLength: number): TraceOp {
    const name = t[0]!;
    const at = (i: number): Token => t[i] ?? { text: '', col: lineLength + 1 };
    const arity = (min: number, max: number) => {
      if (t.length - 1 < min)
        this.fail(
          at(t.length).col,
          `'${shown(name.text)}' needs ${min === max ? min : `at least ${min}`} operand${min === 1 ? '' : 's'}, got ${t.length - 1}`,
        );
      if (t.length - 1 > max)
        this.fail(
          t[max + 1]!.col,
          `unexpected operand '${shown(t[max + 1]!.text)}': '${shown(name.text)}' takes ${max === min ? max : `at most ${max}`}`,
        );
    };
    switch (name.text) {
      case 'new': {
        // A kind (version 2) is the last operand and the only one that is not a number.
        const last = t[t.length - 1]!;
        const kinded =
          t.length > 3 &&
          !/^[0-9]+$/.test(last.text) &&
          (this.version === 2 || KINDS.some((k) => k === last.text));
        arity(2, kinded ? 4 : 3);
        const dst = this.root(t[1]!);
        const refs = this.int(t[2]!, 'a reference field count', MAX_REFS);
        const bytes = t.length > (kinded ? 4 : 3) ? this.int(t[3]!, 'a payload byte count', MAX_PAYLOAD) : 0;
        if (!kinded) return { op: 'new', dst, refs, bytes };
        this.needsVersion2(last, 'an object kind');
        const kind = KINDS.find((k) => k === last.text);
        if (kind === undefined)
          this.fail(last.col, `unknown object kind '${shown(last.text)}' (expected ${KINDS.join(', ')})`);
        return { op: 'new', dst, refs, bytes, kind };
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
      case 'finalizer': {
        this.needsVersion2(name, "'finalizer'");
        arity(1, 3);
        const obj = this.root(t[1]!);
        if (t.length === 2) return { op: 'finalizer', obj, action: { kind: 'finalize', resurrect: null } };
        const how = t[2]!;
        if (how.text === 'legacy') {
          arity(2, 2);
          return { op: 'finalizer', obj, action: { kind: 'legacy' } };
        }
        if (how.text !== 'resurrect')
          this.fail(
            how.col,
            `expected 'resurrect g:NAME' or 'legacy' after the root, got '${shown(how.text)}'`,
          );
        arity(3, 3);
        const into = this.root(t[3]!);
        if (into.kind !== 'global')
          this.fail(t[3]!.col, `a finalizer resurrects into a global (g:NAME), got '${shown(t[3]!.text)}'`);
        return { op: 'finalizer', obj, action: { kind: 'finalize', resurrect: into.name } };
      }
      case 'weakref': {
        this.needsVersion2(name, "'weakref'");
        arity(2, 3);
        const dst = this.root(t[1]!);
        const referent = this.root(t[2]!);
        if (t.length > 3 && t[3]!.text !== 'callback')
          this.fail(t[3]!.col, `expected 'callback' or the end of the line, got '${shown(t[3]!.text)}'`);
        return { op: 'weakref', dst, referent, callback: t.length > 3 };
      }
      case 'deref':
        this.needsVersion2(name, "'deref'");
        arity(2, 2);
        return { op: 'deref', dst: this.root(t[1]!), weakref: this.root(t[2]!) };
      case 'safepoint':
        this.needsVersion2(name, "'safepoint'");
        arity(0, 0);
        return { op: 'safepoint' };
      case 'immortal':
        this.needsVersion2(name, "'immortal'");
        arity(1, 1);
        return { op: 'immortal', obj: this.root(t[1]!) };
      default:
        if (name.text.startsWith('gc.')) return { op: 'gc-call', gc: this.gcCall(name, t, arity) };
        return this.fail(
          name.col,
          `unknown operation '${shown(name.text)}' (expected new, set, del, put, get, call, ret, gc${
            this.version === 2
              ? ', refcount, finalizer, weakref, deref, safepoint, immortal or gc.CALL'
              : ' or refcount'
          })`,
        );
    }
  }

  /** A `gc.CALL` operation (version 2). */
  private gcCall(name: Token, t: Token[], arity: (min: number, max: number) => void): GcCall {
    this.needsVersion2(name, `'${shown(name.text)}'`);
    const call = GC_CALLS.find((c) => gcCallText(c) === name.text);
    if (call === undefined)
      this.fail(
        name.col,
        `unknown gc call '${shown(name.text)}' (expected ${GC_CALLS.map(gcCallText).join(', ')})`,
      );
    switch (call) {
      case 'collect':
        arity(0, 1);
        return { call, generation: t.length > 1 ? this.int(t[1]!, 'a generation', 2) : null };
      case 'set_threshold': {
        arity(1, MAX_THRESHOLDS);
        const thresholds = t.slice(1).map((tok) => this.int(tok, 'a threshold', MAX_INT));
        return { call, thresholds };
      }
      case 'set_debug':
        arity(1, 1);
        return { call, flags: this.int(t[1]!, 'debug flags', MAX_INT) };
      case 'is_tracked':
      case 'is_finalized':
        arity(1, 1);
        return { call, src: this.root(t[1]!) };
      default:
        arity(0, 0);
        return { call };
    }
  }

  /** Throws unless the trace is of version 2 (`what` needs it). */
  private needsVersion2(tok: Token, what: string): void {
    if (this.version !== 2)
      this.fail(tok.col, `${what} needs the header '${TRACE_HEADER_2}' (this trace is version 1)`);
  }

  private root(tok: Token): TraceRoot {
    const s = tok.text;
    if (s.startsWith('g:')) {
      const name = s.slice(2);
      if (!GLOBAL_NAME.test(name))
        this.fail(tok.col + 2, `bad global name '${shown(name)}' (expected [A-Za-z_][A-Za-z0-9_.]*)`);
      return { kind: 'global', name };
    }
    if (/^r[0-9]+$/.test(s)) {
      const index = Number(s.slice(1));
      if (index > MAX_INT) this.fail(tok.col, `register number too large: ${shown(s)}`);
      return { kind: 'reg', index };
    }
    if (s === 'null') this.fail(tok.col, `null is not a root here (expected rN or g:NAME)`);
    return this.fail(tok.col, `expected a root (rN or g:NAME), got '${shown(s)}'`);
  }

  private source(tok: Token): TraceSource {
    return tok.text === 'null' ? null : this.root(tok);
  }

  private int(tok: Token, what: string, max: number): number {
    if (!/^[0-9]+$/.test(tok.text))
      this.fail(tok.col, `expected ${what} (a non-negative integer), got '${shown(tok.text)}'`);
    const n = Number(tok.text);
    if (n > max) this.fail(tok.col, `${what} must be at most ${max}, got ${shown(tok.text)}`);
    return n;
  }

  private fail(col: number, message: string, line = this.lineNumber): never {
    throw new TraceSyntaxError(this.file, line, col, message);
  }
}

/**
 * A token (or any text from a trace) as a message shows it: at most `SHOWN_TOKEN_LENGTH`
 * characters, then `...` and the full length; control characters escaped (`\x00`), so a message
 * never carries raw bytes from the input.
 */
export function shown(text: string): string {
  const cut = text.length > SHOWN_TOKEN_LENGTH ? text.slice(0, SHOWN_TOKEN_LENGTH) : text;
  let escaped = '';
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    escaped += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : cut[i];
  }
  return cut === text ? escaped : `${escaped}... (${text.length} characters)`;
}

/** The message of a line longer than `MAX_LINE_LENGTH`, its start shown. */
function longLine(start: string, unit = 'characters'): string {
  return `line longer than ${MAX_LINE_LENGTH} ${unit} (it starts '${shown(start.slice(0, SHOWN_TOKEN_LENGTH))}...')`;
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

/**
 * Parses lines from any iterable of strings, yielding operations as they come. Pass `parser` to
 * read where the last operation yielded came from (`lineNumber`, `opColumn`).
 */
export function* parseTraceLines(
  lines: Iterable<string>,
  file = '<lines>',
  parser = new TraceParser(file),
): Generator<TraceOp> {
  for (const line of lines) {
    const op = parser.line(line);
    if (op !== null) yield op;
  }
  parser.end();
}

/**
 * Reads a file's lines in 64 KiB chunks (the file is never loaded whole). Lines are cut at the bytes
 * (a newline is one byte in UTF-8), so each byte is looked at a bounded number of times: reading is
 * linear in the file's size, however long its lines. A line longer than `MAX_LINE_LENGTH` bytes,
 * and bytes that are not valid UTF-8, end the read with a `TraceSyntaxError` at their line and
 * column. A leading byte order mark is dropped.
 */
export function* readLines(path: string, chunkBytes = 1 << 16): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    // Bytes of the line in progress (no newline yet), as chunks, and their total length.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineNumber = 0;
    const lineOf = (line: Buffer): string => {
      lineNumber++;
      const bom = lineNumber === 1 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf;
      const bytes = bom ? line.subarray(3) : line;
      if (bytes.length > MAX_LINE_LENGTH) {
        throw new TraceSyntaxError(
          path,
          lineNumber,
          MAX_LINE_LENGTH + 1,
          longLine(decoder.decode(bytes.subarray(0, SHOWN_TOKEN_LENGTH)), 'bytes'),
        );
      }
      if (!isUtf8(bytes)) throw new TraceSyntaxError(path, lineNumber, badUtf8Column(bytes), 'invalid UTF-8');
      return decoder.decode(bytes);
    };
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkBytes, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      let from = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
        const piece = chunk.subarray(from, nl);
        if (pendingBytes === 0) yield lineOf(piece);
        else {
          pending.push(piece);
          const line = Buffer.concat(pending, pendingBytes + piece.length);
          pending = [];
          pendingBytes = 0;
          yield lineOf(line);
        }
        from = nl + 1;
      }
      if (from < chunk.length) {
        // Copied: `buffer` is refilled by the next read.
        pending.push(Buffer.from(chunk.subarray(from)));
        pendingBytes += chunk.length - from;
        if (pendingBytes > MAX_LINE_LENGTH) yield lineOf(Buffer.concat(pending, pendingBytes));
      }
    }
    if (pendingBytes > 0) yield lineOf(Buffer.concat(pending, pendingBytes));
  } finally {
    closeSync(fd);
  }
}

/** The 1-based column (in characters, as the parser counts them) of the first bad UTF-8 byte. */
function badUtf8Column(bytes: Buffer): number {
  let column = 1;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length || !isUtf8(bytes.subarray(i, i + n))) return column;
    i += n;
    column += n === 4 ? 2 : 1; // a 4-byte character is two UTF-16 code units
  }
  return column;
}

/**
 * Streams the operations of a trace file; errors name `path:line:col`. Pass `parser` to read where
 * the last operation yielded came from.
 */
export function readTraceFile(path: string, parser = new TraceParser(path)): Generator<TraceOp> {
  return parseTraceLines(readLines(path), path, parser);
}
