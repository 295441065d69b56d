/**
 * A strict parser of the trace format, versions 1 and 2 (the header says which; an operation of
 * version 2 in a version-1 trace is an error naming the header it needs). One decoder,
 * `TraceDecoder`, reads a line as UTF-8 bytes into a reusable `DecodedOp` (numbers and byte ranges,
 * no string or object made per line); the streaming file reader (`trace-file-reader.ts`) feeds it
 * the bytes of its buffer, and `TraceParser` feeds it a string's bytes and turns the result into a
 * `TraceOp`. Every error is a `TraceSyntaxError` whose message starts with `file:line:col:`
 * (1-based; the column in UTF-16 code units, computed from the bytes only when an error is raised).
 *
 * Limits that keep a hostile input cheap: a line is at most `MAX_LINE_LENGTH` characters (bytes in
 * a file), a file must be valid UTF-8 and may hold no NUL character, and a message shows at most
 * `SHOWN_TOKEN_LENGTH` characters of a token, control characters escaped.
 */
import { TraceSyntaxError } from '../errors.ts';
import { MAX_PAYLOAD, MAX_REFS } from '../object-model.ts';
import {
  GC_CALLS,
  type GcCall,
  gcCallText,
  type ObjectKindName,
  TRACE_HEADER,
  TRACE_HEADER_2,
  type TraceOp,
  type TraceRoot,
  type TraceSource,
} from './ops.ts';

/** The object kinds a version-2 `new` may name (`DecodedOp.kind` is an index in this list). */
export const KINDS: readonly ObjectKindName[] = ['object', 'list', 'dict', 'tuple', 'atomic'];
/** The most thresholds `gc.set_threshold` takes. */
const MAX_THRESHOLDS = 3;
/** Largest register number, generation or count a trace may name. */
const MAX_INT = 0x7fff_fffe;
/** `gc.CALL` names as a trace writes them, in `GC_CALLS` order. */
const GC_CALL_TEXTS = GC_CALLS.map(gcCallText);

/** The longest line a trace may have, in characters (1 MiB; a line holds one operation). */
export const MAX_LINE_LENGTH = 1 << 20;

/** The most characters of a token (or line) an error message shows. */
export const SHOWN_TOKEN_LENGTH = 40;

/** Operation codes of a `DecodedOp` (`DecodedOp.op`). */
export const DecodedOpCode = {
  /** A blank, comment or header line: no operation. */
  none: 0,
  new: 1,
  set: 2,
  del: 3,
  put: 4,
  get: 5,
  call: 6,
  ret: 7,
  gc: 8,
  refcount: 9,
  finalizer: 10,
  weakref: 11,
  deref: 12,
  safepoint: 13,
  immortal: 14,
  gcCall: 15,
} as const;

/** What a root operand of a `DecodedOp` is (`DecodedOp.rootKind`). */
export const RootKind = { register: 0, global: 1, null: 2 } as const;

/** A finalizer's action in a `DecodedOp` (`a` of a `finalizer`). */
export const FinalizerActionCode = { finalize: 0, resurrect: 1, legacy: 2 } as const;

/**
 * One decoded line, overwritten by the next: the operation code, its root operands (a register's
 * number, or a global's name as a byte range of `bytes`, or null) and its numbers. Operands by
 * operation (roots `root0`, `root1`, ... as `rootKind[i]`/`rootValue[i]`/`rootStart[i]`..`rootEnd[i]`):
 *
 *     new       root0 = dst; a = refs; b = bytes; kind = index in KINDS, or -1
 *     set       root0 = dst; root1 = src (may be null)
 *     del       root0 = dst
 *     put       root0 = obj; a = index; root1 = src
 *     get       root0 = dst; root1 = obj; a = index
 *     call      a = nregs; root0..root(roots-1) = the arguments
 *     gc        a = generation, or -1
 *     refcount  root0 = src
 *     finalizer root0 = obj; a = FinalizerActionCode; root1 = the global it resurrects into
 *     weakref   root0 = dst; root1 = referent; a = 1 with a callback
 *     deref     root0 = dst; root1 = the weak reference
 *     immortal  root0 = obj
 *     gcCall    call = index in GC_CALLS; a, b, c = its numbers (`ints` of them); root0 = src
 */
export class DecodedOp {
  /** A `DecodedOpCode`. */
  op: number = DecodedOpCode.none;
  /** Root operands. */
  roots = 0;
  /** Numbers (see the class comment). */
  a = 0;
  b = 0;
  c = 0;
  /** How many numbers a `gc.CALL` gave. */
  ints = 0;
  /** `new`: index in the version-2 kinds, or -1. */
  kind = -1;
  /** `gcCall`: index in `GC_CALLS`. */
  call = 0;
  /** Per root operand: a `RootKind`. */
  rootKind: Int32Array = new Int32Array(4);
  /** Per root operand: the register's number. */
  rootValue: Int32Array = new Int32Array(4);
  /** Per root operand: a global's name, bytes `rootStart` to `rootEnd` of `bytes`. */
  rootStart: Int32Array = new Int32Array(4);
  rootEnd: Int32Array = new Int32Array(4);
  /** The bytes the operands' ranges refer to (valid until the next line is decoded). */
  bytes: Uint8Array = EMPTY_BYTES;

  /** Makes room for `n` root operands. */
  reserve(n: number): void {
    if (n <= this.rootKind.length) return;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(Math.max(n, a.length * 2));
      b.set(a);
      return b;
    };
    this.rootKind = grow(this.rootKind);
    this.rootValue = grow(this.rootValue);
    this.rootStart = grow(this.rootStart);
    this.rootEnd = grow(this.rootEnd);
  }

  /** The name of global operand `i`. */
  globalName(i: number): string {
    return LATIN1.decode(this.bytes.subarray(this.rootStart[i]!, this.rootEnd[i]!));
  }
}

/** Every buffer the decoder reads is a `Buffer`, so its element loads see one map. */
const EMPTY_BYTES: Uint8Array = Buffer.alloc(0);
/** Global names are ASCII: one byte, one character. */
const LATIN1 = new TextDecoder('latin1');
/** Keeps a U+FEFF inside a line (only the file reader drops the one at the start of a file). */
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The one decoder of trace lines: feed it each line's bytes in order with `decode`, then call
 * `end`. It keeps the line number and the header's version; the operation of the last line is in
 * `op`.
 */
export class TraceDecoder {
  /** Number of the last line decoded (1-based). */
  lineNumber = 0;
  /** Column (1-based) of the first token of the last operation decoded. */
  opColumn = 1;
  /** The trace format version of the header (1 or 2), 0 before the header. */
  version = 0;
  /** The last line's operation. */
  readonly op = new DecodedOp();
  private tokStart: Int32Array = new Int32Array(16);
  private tokEnd: Int32Array = new Int32Array(16);
  private tokens = 0;
  private bytes: Uint8Array = EMPTY_BYTES;
  private lineStart = 0;
  private lineEnd = 0;

  constructor(readonly file: string) {}

  /**
   * Decodes the line held in `bytes[start..end)` (no newline; a final `\r` is ignored) into `op`
   * and returns its code (`DecodedOpCode.none` for a blank, comment or header line). `scanNul`:
   * whether the line may hold a NUL byte (an error); a reader that has checked its chunk passes
   * false. The bytes must be valid UTF-8.
   */
  decode(bytes: Uint8Array, start: number, end: number, scanNul = true): number {
    this.lineNumber++;
    if (end > start && bytes[end - 1] === 13) end--;
    this.bytes = bytes;
    this.lineStart = start;
    this.lineEnd = end;
    if (scanNul) {
      for (let i = start; i < end; i++) {
        if (bytes[i] === 0) this.fail(i, 'a NUL character (\\0) is not allowed in a trace');
      }
    }
    const op = this.op;
    op.bytes = bytes;
    if (this.version === 0) {
      this.header();
      op.op = DecodedOpCode.none;
      return DecodedOpCode.none;
    }
    if (!this.tokenize()) {
      op.op = DecodedOpCode.none;
      return DecodedOpCode.none;
    }
    this.opColumn = this.tokStart[0]! - start + 1; // only spaces and tabs precede it
    op.op = this.parseOp();
    return op.op;
  }

  /**
   * The fast path for the common lines of a trace after its header: decodes the line starting at
   * `bytes[start]` if it is a blank or comment line or one of `new ROOT REFS [BYTES]`, `set ROOT
   * SRC`, `del ROOT`, `put ROOT INDEX SRC`, `get ROOT ROOT2 INDEX`, `ret` or `gc [GENERATION]` with
   * every operand well formed and within its limits, and ends with a newline before `limit`. Then it
   * counts the line and returns the newline's index, with `op` exactly as `decode` sets it. For any
   * other line (another operation, anything `decode` would reject, a `\r`, a byte above 0x7f
   * outside a comment, no newline before `limit`) it returns -1 without counting the line (`op`
   * may hold partial operands): the caller then passes the whole line to `decode`, which alone
   * raises errors. The bytes must be valid
   * UTF-8 with no NUL (the caller has checked them).
   */
  decodeFast(bytes: Uint8Array, start: number, limit: number): number {
    if (this.version === 0) return -1;
    let i = start;
    while (i < limit && (bytes[i] === 32 || bytes[i] === 9)) i++;
    if (i >= limit) return -1;
    const opStart = i;
    const op = this.op;
    let code: number = DecodedOpCode.none;
    switch (bytes[i]) {
      case 10: // blank line
      case 35: // comment line
        break;
      case 110: // new ROOT REFS [BYTES]
        if (bytes[i + 1] !== 101 || bytes[i + 2] !== 119) return -1;
        i = this.fastNew(bytes, i + 3, limit);
        code = DecodedOpCode.new;
        break;
      case 115: // set ROOT SRC
        if (bytes[i + 1] !== 101 || bytes[i + 2] !== 116) return -1;
        i = this.fastSet(bytes, i + 3, limit);
        code = DecodedOpCode.set;
        break;
      case 100: // del ROOT
        if (bytes[i + 1] !== 101 || bytes[i + 2] !== 108) return -1;
        i = this.fastRoot(bytes, i + 3, limit, 0, false);
        code = DecodedOpCode.del;
        break;
      case 112: // put ROOT INDEX SRC
        if (bytes[i + 1] !== 117 || bytes[i + 2] !== 116) return -1;
        i = this.fastPut(bytes, i + 3, limit);
        code = DecodedOpCode.put;
        break;
      case 103: // get ROOT ROOT2 INDEX | gc [GENERATION]
        if (bytes[i + 1] === 101 && bytes[i + 2] === 116) {
          i = this.fastGet(bytes, i + 3, limit);
          code = DecodedOpCode.get;
        } else if (bytes[i + 1] === 99 && isDelimiter(bytes[i + 2])) {
          i += 2;
          op.a = -1;
          if (isBlank(bytes[i]) && isDigit(bytes[this.fastSpace(bytes, i, limit)])) {
            i = this.fastInt(bytes, i, limit, MAX_INT);
            op.a = this.fastValue;
          }
          code = DecodedOpCode.gc;
        } else return -1;
        break;
      case 114: // ret
        if (bytes[i + 1] !== 101 || bytes[i + 2] !== 116 || !isDelimiter(bytes[i + 3])) return -1;
        i += 3;
        code = DecodedOpCode.ret;
        break;
      default:
        return -1;
    }
    // The end of the line: blanks, then a comment or the newline.
    if (i < 0) return -1;
    while (i < limit && (bytes[i] === 32 || bytes[i] === 9)) i++;
    if (i < limit && bytes[i] === 35) while (i < limit && bytes[i] !== 10) i++;
    if (i >= limit || bytes[i] !== 10) return -1;
    this.lineNumber++;
    if (code !== DecodedOpCode.none) this.opColumn = opStart - start + 1;
    op.op = code;
    op.bytes = bytes;
    return i;
  }

  /** The fast path's last integer. */
  private fastValue = 0;

  // The operands of each common operation are read by a function of their own (from `i`, just past
  // the operation's name; past them, or -1), so that V8 inlines the operand helpers into each: one
  // `decodeFast` holding every operand call exceeds its inlining budget.

  /** `new`'s operands: ROOT REFS [BYTES]. */
  private fastNew(bytes: Uint8Array, i: number, limit: number): number {
    i = this.fastRoot(bytes, i, limit, 0, false);
    i = this.fastInt(bytes, i, limit, MAX_REFS);
    if (i < 0) return -1;
    const op = this.op;
    op.a = this.fastValue;
    op.b = 0;
    op.kind = -1;
    if (isBlank(bytes[i]) && isDigit(bytes[this.fastSpace(bytes, i, limit)])) {
      i = this.fastInt(bytes, i, limit, MAX_PAYLOAD);
      if (i < 0) return -1;
      op.b = this.fastValue;
    }
    return i;
  }

  /** `set`'s operands: ROOT SRC. */
  private fastSet(bytes: Uint8Array, i: number, limit: number): number {
    return this.fastRoot(bytes, this.fastRoot(bytes, i, limit, 0, false), limit, 1, true);
  }

  /** `put`'s operands: ROOT INDEX SRC. */
  private fastPut(bytes: Uint8Array, i: number, limit: number): number {
    i = this.fastInt(bytes, this.fastRoot(bytes, i, limit, 0, false), limit, MAX_REFS - 1);
    this.op.a = this.fastValue;
    return this.fastRoot(bytes, i, limit, 1, true);
  }

  /** `get`'s operands: ROOT ROOT2 INDEX. */
  private fastGet(bytes: Uint8Array, i: number, limit: number): number {
    i = this.fastRoot(bytes, this.fastRoot(bytes, i, limit, 0, false), limit, 1, false);
    i = this.fastInt(bytes, i, limit, MAX_REFS - 1);
    this.op.a = this.fastValue;
    return i;
  }

  /** Past one or more blanks from `i`, or -1 if there is none (or `i` is -1). */
  private fastSpace(bytes: Uint8Array, i: number, limit: number): number {
    if (i < 0 || i >= limit || !isBlank(bytes[i])) return -1;
    i++;
    while (i < limit && isBlank(bytes[i])) i++;
    return i;
  }

  /** Past blanks from `i` (at least one), a decimal integer of at most `max` into `fastValue`; past it, or -1. */
  private fastInt(bytes: Uint8Array, i: number, limit: number, max: number): number {
    if (i < 0 || !isBlank(bytes[i])) return -1;
    i++;
    while (i < limit && isBlank(bytes[i])) i++;
    const s = i;
    let n = 0;
    while (i < limit && isDigit(bytes[i])) n = n * 10 + (bytes[i++]! - 48);
    if (i === s || n > max || !isDelimiter(bytes[i])) return -1;
    this.fastValue = n;
    return i;
  }

  /** Past blanks from `i` (at least one), a root (or, with `orNull`, a source) into root operand `k`; past it, or -1. */
  private fastRoot(bytes: Uint8Array, i: number, limit: number, k: number, orNull: boolean): number {
    if (i < 0 || !isBlank(bytes[i])) return -1;
    i++;
    while (i < limit && isBlank(bytes[i])) i++;
    if (i >= limit) return -1;
    if (bytes[i] !== 114) return this.fastNamedRoot(bytes, i, limit, k, orNull);
    // rN, the common case, kept small enough to be inlined.
    const s = ++i;
    let n = 0;
    let c = bytes[i]!;
    while (c >= 48 && c <= 57 && i < limit) {
      n = n * 10 + (c - 48);
      c = bytes[++i]!;
    }
    if (i === s || n > MAX_INT || !isDelimiter(c)) return -1;
    const op = this.op;
    op.rootKind[k] = RootKind.register;
    op.rootValue[k] = n;
    op.roots = k + 1;
    return i;
  }

  /** A global (or, with `orNull`, null) from `i` into root operand `k`; past it, or -1. */
  private fastNamedRoot(bytes: Uint8Array, i: number, limit: number, k: number, orNull: boolean): number {
    const op = this.op;
    const first = bytes[i];
    if (first === 103 && bytes[i + 1] === 58) {
      const s = i + 2;
      i = s;
      while (i < limit && !isDelimiter(bytes[i])) i++;
      if (i >= limit || !isGlobalName(bytes, s, i)) return -1;
      op.rootKind[k] = RootKind.global;
      op.rootStart[k] = s;
      op.rootEnd[k] = i;
    } else if (
      orNull &&
      first === 110 &&
      bytes[i + 1] === 117 &&
      bytes[i + 2] === 108 &&
      bytes[i + 3] === 108 &&
      isDelimiter(bytes[i + 4])
    ) {
      i += 4;
      op.rootKind[k] = RootKind.null;
    } else return -1;
    op.roots = k + 1;
    return i;
  }

  /** Checks the end of input (a trace with no header is an error). */
  end(): void {
    if (this.version === 0)
      throw new TraceSyntaxError(
        this.file,
        this.lineNumber + 1,
        1,
        `empty trace: expected the header '${TRACE_HEADER}' or '${TRACE_HEADER_2}'`,
      );
  }

  /** The header (or a blank line before it): sets `version`. */
  private header(): void {
    const text = UTF8.decode(this.bytes.subarray(this.lineStart, this.lineEnd));
    if (text.trim() === '') return;
    const header = text.trimEnd();
    if (header !== TRACE_HEADER && header !== TRACE_HEADER_2) {
      throw new TraceSyntaxError(
        this.file,
        this.lineNumber,
        text.length - text.trimStart().length + 1,
        `expected the header '${TRACE_HEADER}' or '${TRACE_HEADER_2}' as the first non-blank line`,
      );
    }
    this.version = header === TRACE_HEADER ? 1 : 2;
  }

  /** Splits the line into tokens at spaces and tabs, stopping at a '#' comment; false if none. */
  private tokenize(): boolean {
    const bytes = this.bytes;
    const end = this.lineEnd;
    let starts = this.tokStart;
    let ends = this.tokEnd;
    let n = 0;
    let i = this.lineStart;
    while (i < end) {
      const ch = bytes[i]!;
      if (ch === 32 || ch === 9) {
        i++;
        continue;
      }
      if (ch === 35) break; // '#'
      if (n === starts.length) {
        this.growTokens();
        starts = this.tokStart;
        ends = this.tokEnd;
      }
      starts[n] = i;
      i++;
      while (i < end) {
        const c = bytes[i]!;
        if (c === 32 || c === 9 || c === 35) break;
        i++;
      }
      ends[n] = i;
      n++;
    }
    this.tokens = n;
    return n > 0;
  }

  private growTokens(): void {
    const start = new Int32Array(this.tokStart.length * 2);
    start.set(this.tokStart);
    const end = new Int32Array(this.tokEnd.length * 2);
    end.set(this.tokEnd);
    this.tokStart = start;
    this.tokEnd = end;
  }

  /** Whether token `t` is the ASCII word `word`. */
  private is(t: number, word: string): boolean {
    const s = this.tokStart[t]!;
    const n = word.length;
    if (this.tokEnd[t]! - s !== n) return false;
    const bytes = this.bytes;
    for (let i = 0; i < n; i++) if (bytes[s + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  /** Whether token `t` is all decimal digits (and not empty). */
  private isDigits(t: number): boolean {
    const bytes = this.bytes;
    const e = this.tokEnd[t]!;
    for (let i = this.tokStart[t]!; i < e; i++) {
      const c = bytes[i]!;
      if (c < 48 || c > 57) return false;
    }
    return true;
  }

  /** Token `t` as text (for messages and rare words). */
  private text(t: number): string {
    return UTF8.decode(this.bytes.subarray(this.tokStart[t]!, this.tokEnd[t]!));
  }

  /** The operation of the tokens; its operands written to `op`. */
  private parseOp(): number {
    const bytes = this.bytes;
    const s = this.tokStart[0]!;
    const len = this.tokEnd[0]! - s;
    const op = this.op;
    op.roots = 0;
    // Dispatch on the first byte and the length; `is` confirms the word.
    switch (bytes[s]) {
      case 110: // n
        if (len === 3 && this.is(0, 'new')) return this.parseNew();
        break;
      case 115: // s
        if (len === 3 && this.is(0, 'set')) {
          this.arity(2, 2);
          this.root(1, 0);
          this.source(2, 1);
          return DecodedOpCode.set;
        }
        if (len === 9 && this.is(0, 'safepoint')) {
          this.needsVersion2(0, "'safepoint'");
          this.arity(0, 0);
          return DecodedOpCode.safepoint;
        }
        break;
      case 100: // d
        if (len === 3 && this.is(0, 'del')) {
          this.arity(1, 1);
          this.root(1, 0);
          return DecodedOpCode.del;
        }
        if (len === 5 && this.is(0, 'deref')) {
          this.needsVersion2(0, "'deref'");
          this.arity(2, 2);
          this.root(1, 0);
          this.root(2, 1);
          return DecodedOpCode.deref;
        }
        break;
      case 112: // p
        if (len === 3 && this.is(0, 'put')) {
          this.arity(3, 3);
          this.root(1, 0);
          op.a = this.int(2, 'a field index', MAX_REFS - 1);
          this.source(3, 1);
          return DecodedOpCode.put;
        }
        break;
      case 103: // g
        if (len === 3 && this.is(0, 'get')) {
          this.arity(3, 3);
          this.root(1, 0);
          this.root(2, 1);
          op.a = this.int(3, 'a field index', MAX_REFS - 1);
          return DecodedOpCode.get;
        }
        if (len === 2 && this.is(0, 'gc')) {
          this.arity(0, 1);
          op.a = this.tokens > 1 ? this.int(1, 'a generation', MAX_INT) : -1;
          return DecodedOpCode.gc;
        }
        if (len >= 3 && bytes[s + 1] === 99 && bytes[s + 2] === 46) return this.parseGcCall(); // 'gc.'
        break;
      case 99: // c
        if (len === 4 && this.is(0, 'call')) return this.parseCall();
        break;
      case 114: // r
        if (len === 3 && this.is(0, 'ret')) {
          this.arity(0, 0);
          return DecodedOpCode.ret;
        }
        if (len === 8 && this.is(0, 'refcount')) {
          this.arity(1, 1);
          this.root(1, 0);
          return DecodedOpCode.refcount;
        }
        break;
      case 102: // f
        if (len === 9 && this.is(0, 'finalizer')) return this.parseFinalizer();
        break;
      case 119: // w
        if (len === 7 && this.is(0, 'weakref')) {
          this.needsVersion2(0, "'weakref'");
          this.arity(2, 3);
          this.root(1, 0);
          this.root(2, 1);
          if (this.tokens > 3 && !this.is(3, 'callback'))
            this.failAt(3, `expected 'callback' or the end of the line, got '${shown(this.text(3))}'`);
          op.a = this.tokens > 3 ? 1 : 0;
          return DecodedOpCode.weakref;
        }
        break;
      case 105: // i
        if (len === 8 && this.is(0, 'immortal')) {
          this.needsVersion2(0, "'immortal'");
          this.arity(1, 1);
          this.root(1, 0);
          return DecodedOpCode.immortal;
        }
        break;
    }
    return this.failAt(
      0,
      `unknown operation '${shown(this.text(0))}' (expected new, set, del, put, get, call, ret, gc${
        this.version === 2
          ? ', refcount, finalizer, weakref, deref, safepoint, immortal or gc.CALL'
          : ' or refcount'
      })`,
    );
  }

  /** `new ROOT REFS [BYTES] [KIND]`: a kind (version 2) is the last operand and the only one not a number. */
  private parseNew(): number {
    const op = this.op;
    const n = this.tokens;
    const last = n - 1;
    const kinded = n > 3 && !this.isDigits(last) && (this.version === 2 || this.kindIndex(last) >= 0);
    this.arity(2, kinded ? 4 : 3);
    this.root(1, 0);
    op.a = this.int(2, 'a reference field count', MAX_REFS);
    op.b = n > (kinded ? 4 : 3) ? this.int(3, 'a payload byte count', MAX_PAYLOAD) : 0;
    op.kind = -1;
    if (!kinded) return DecodedOpCode.new;
    this.needsVersion2(last, 'an object kind');
    const kind = this.kindIndex(last);
    if (kind < 0)
      this.failAt(last, `unknown object kind '${shown(this.text(last))}' (expected ${KINDS.join(', ')})`);
    op.kind = kind;
    return DecodedOpCode.new;
  }

  /** Index of token `t` in KINDS, or -1. */
  private kindIndex(t: number): number {
    for (let k = 0; k < KINDS.length; k++) if (this.is(t, KINDS[k]!)) return k;
    return -1;
  }

  /** `call NREGS [SRC ...]`. */
  private parseCall(): number {
    this.arity(1, Number.POSITIVE_INFINITY);
    const nregs = this.int(1, 'a register count', MAX_INT);
    const args = this.tokens - 2;
    this.op.reserve(args);
    for (let i = 0; i < args; i++) this.source(i + 2, i);
    if (args > nregs) this.failAt(1, `call passes ${args} arguments to a frame of ${nregs} registers`);
    this.op.a = nregs;
    return DecodedOpCode.call;
  }

  /** `finalizer ROOT [resurrect GLOBAL | legacy]` (version 2). */
  private parseFinalizer(): number {
    this.needsVersion2(0, "'finalizer'");
    this.arity(1, 3);
    const op = this.op;
    this.root(1, 0);
    op.a = FinalizerActionCode.finalize;
    if (this.tokens === 2) return DecodedOpCode.finalizer;
    if (this.is(2, 'legacy')) {
      this.arity(2, 2);
      op.a = FinalizerActionCode.legacy;
      return DecodedOpCode.finalizer;
    }
    if (!this.is(2, 'resurrect'))
      this.failAt(2, `expected 'resurrect g:NAME' or 'legacy' after the root, got '${shown(this.text(2))}'`);
    this.arity(3, 3);
    this.root(3, 1);
    if (op.rootKind[1] !== RootKind.global)
      this.failAt(3, `a finalizer resurrects into a global (g:NAME), got '${shown(this.text(3))}'`);
    op.a = FinalizerActionCode.resurrect;
    return DecodedOpCode.finalizer;
  }

  /** A `gc.CALL` operation (version 2). */
  private parseGcCall(): number {
    const op = this.op;
    const name = this.text(0);
    this.needsVersion2(0, `'${shown(name)}'`);
    const call = GC_CALL_TEXTS.indexOf(name);
    if (call < 0) this.failAt(0, `unknown gc call '${shown(name)}' (expected ${GC_CALL_TEXTS.join(', ')})`);
    op.call = call;
    op.ints = 0;
    switch (GC_CALLS[call]) {
      case 'collect':
        this.arity(0, 1);
        op.ints = this.tokens > 1 ? 1 : 0;
        op.a = this.tokens > 1 ? this.int(1, 'a generation', 2) : -1;
        break;
      case 'set_threshold':
        this.arity(1, MAX_THRESHOLDS);
        op.ints = this.tokens - 1;
        op.a = this.int(1, 'a threshold', MAX_INT);
        if (this.tokens > 2) op.b = this.int(2, 'a threshold', MAX_INT);
        if (this.tokens > 3) op.c = this.int(3, 'a threshold', MAX_INT);
        break;
      case 'set_debug':
        this.arity(1, 1);
        op.ints = 1;
        op.a = this.int(1, 'debug flags', MAX_INT);
        break;
      case 'is_tracked':
      case 'is_finalized':
        this.arity(1, 1);
        this.root(1, 0);
        break;
      default:
        this.arity(0, 0);
    }
    return DecodedOpCode.gcCall;
  }

  /** Checks the operand count is within `min`..`max`. */
  private arity(min: number, max: number): void {
    const operands = this.tokens - 1;
    if (operands < min) {
      const name = shown(this.text(0));
      this.fail(
        this.lineEnd,
        `'${name}' needs ${min === max ? min : `at least ${min}`} operand${min === 1 ? '' : 's'}, got ${operands}`,
      );
    }
    if (operands > max)
      this.failAt(
        max + 1,
        `unexpected operand '${shown(this.text(max + 1))}': '${shown(this.text(0))}' takes ${max === min ? max : `at most ${max}`}`,
      );
  }

  /** Throws unless the trace is of version 2 (`what` needs it). */
  private needsVersion2(t: number, what: string): void {
    if (this.version !== 2)
      this.failAt(t, `${what} needs the header '${TRACE_HEADER_2}' (this trace is version 1)`);
  }

  /** Token `t` as root operand `i`. */
  private root(t: number, i: number): void {
    const bytes = this.bytes;
    const s = this.tokStart[t]!;
    const e = this.tokEnd[t]!;
    const op = this.op;
    const first = bytes[s]!;
    if (first === 114 && e - s > 1) {
      // rN
      let n = 0;
      let k = s + 1;
      for (; k < e; k++) {
        const c = bytes[k]!;
        if (c < 48 || c > 57) break;
        n = n * 10 + (c - 48);
      }
      if (k === e) {
        if (n > MAX_INT) this.failAt(t, `register number too large: ${shown(this.text(t))}`);
        op.rootKind[i] = RootKind.register;
        op.rootValue[i] = n;
        op.roots = i + 1;
        return;
      }
    } else if (first === 103 && e - s >= 2 && bytes[s + 1] === 58) {
      // g:NAME
      if (!isGlobalName(bytes, s + 2, e))
        this.fail(
          s + 2,
          `bad global name '${shown(UTF8.decode(bytes.subarray(s + 2, e)))}' (expected [A-Za-z_][A-Za-z0-9_.]*)`,
        );
      op.rootKind[i] = RootKind.global;
      op.rootStart[i] = s + 2;
      op.rootEnd[i] = e;
      op.roots = i + 1;
      return;
    }
    if (this.is(t, 'null')) this.failAt(t, `null is not a root here (expected rN or g:NAME)`);
    this.failAt(t, `expected a root (rN or g:NAME), got '${shown(this.text(t))}'`);
  }

  /** Token `t` as source operand `i`: a root or null. */
  private source(t: number, i: number): void {
    if (this.is(t, 'null')) {
      this.op.rootKind[i] = RootKind.null;
      this.op.roots = i + 1;
    } else this.root(t, i);
  }

  /** Token `t` as a non-negative integer of at most `max`. */
  private int(t: number, what: string, max: number): number {
    const bytes = this.bytes;
    const s = this.tokStart[t]!;
    const e = this.tokEnd[t]!;
    let n = 0;
    for (let k = s; k < e; k++) {
      const c = bytes[k]!;
      if (c < 48 || c > 57)
        return this.failAt(t, `expected ${what} (a non-negative integer), got '${shown(this.text(t))}'`);
      n = n * 10 + (c - 48);
    }
    if (n > max) this.failAt(t, `${what} must be at most ${max}, got ${shown(this.text(t))}`);
    return n;
  }

  private failAt(t: number, message: string): never {
    return this.fail(this.tokStart[t]!, message);
  }

  /** Throws at byte `at` of the current line, its column counted in UTF-16 code units. */
  private fail(at: number, message: string): never {
    throw new TraceSyntaxError(this.file, this.lineNumber, columnOf(this.bytes, this.lineStart, at), message);
  }
}

/** The 1-based column, in UTF-16 code units, of byte `at` of the line starting at byte `start`. */
export function columnOf(bytes: Uint8Array, start: number, at: number): number {
  for (let i = start; i < at; i++)
    if (bytes[i]! >= 0x80) return UTF8.decode(bytes.subarray(start, at)).length + 1;
  return at - start + 1;
}

/** A space or a tab. */
function isBlank(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

/** A decimal digit. */
function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/** What ends a token on the fast path: a blank, a comment or the newline. */
function isDelimiter(c: number | undefined): boolean {
  return c === 32 || c === 9 || c === 35 || c === 10;
}

/** Whether `bytes[s..e)` is a global's name: [A-Za-z_][A-Za-z0-9_.]*. */
function isGlobalName(bytes: Uint8Array, s: number, e: number): boolean {
  if (s === e) return false;
  for (let i = s; i < e; i++) {
    const c = bytes[i]!;
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!(letter || (i > s && ((c >= 48 && c <= 57) || c === 46)))) return false;
  }
  return true;
}

/** Root operand `i` of `d` as a `TraceRoot` (it is not null). */
function rootOf(d: DecodedOp, i: number): TraceRoot {
  return d.rootKind[i] === RootKind.global
    ? { kind: 'global', name: d.globalName(i) }
    : { kind: 'reg', index: d.rootValue[i]! };
}

/** Root operand `i` of `d` as a `TraceSource`. */
function sourceOf(d: DecodedOp, i: number): TraceSource {
  return d.rootKind[i] === RootKind.null ? null : rootOf(d, i);
}

/** The decoded operation `d` as a `TraceOp` (an object of its own). */
export function toTraceOp(d: DecodedOp): TraceOp {
  switch (d.op) {
    case DecodedOpCode.new: {
      const base = { op: 'new', dst: rootOf(d, 0), refs: d.a, bytes: d.b } as const;
      return d.kind < 0 ? base : { ...base, kind: KINDS[d.kind]! };
    }
    case DecodedOpCode.set:
      return { op: 'set', dst: rootOf(d, 0), src: sourceOf(d, 1) };
    case DecodedOpCode.del:
      return { op: 'del', dst: rootOf(d, 0) };
    case DecodedOpCode.put:
      return { op: 'put', obj: rootOf(d, 0), index: d.a, src: sourceOf(d, 1) };
    case DecodedOpCode.get:
      return { op: 'get', dst: rootOf(d, 0), obj: rootOf(d, 1), index: d.a };
    case DecodedOpCode.call: {
      const args: TraceSource[] = [];
      for (let i = 0; i < d.roots; i++) args.push(sourceOf(d, i));
      return { op: 'call', nregs: d.a, args };
    }
    case DecodedOpCode.ret:
      return { op: 'ret' };
    case DecodedOpCode.gc:
      return { op: 'gc', generation: d.a < 0 ? null : d.a };
    case DecodedOpCode.refcount:
      return { op: 'refcount', src: rootOf(d, 0) };
    case DecodedOpCode.finalizer: {
      const obj = rootOf(d, 0);
      if (d.a === FinalizerActionCode.legacy) return { op: 'finalizer', obj, action: { kind: 'legacy' } };
      const resurrect = d.a === FinalizerActionCode.resurrect ? d.globalName(1) : null;
      return { op: 'finalizer', obj, action: { kind: 'finalize', resurrect } };
    }
    case DecodedOpCode.weakref:
      return { op: 'weakref', dst: rootOf(d, 0), referent: rootOf(d, 1), callback: d.a === 1 };
    case DecodedOpCode.deref:
      return { op: 'deref', dst: rootOf(d, 0), weakref: rootOf(d, 1) };
    case DecodedOpCode.safepoint:
      return { op: 'safepoint' };
    case DecodedOpCode.immortal:
      return { op: 'immortal', obj: rootOf(d, 0) };
    case DecodedOpCode.gcCall:
      return { op: 'gc-call', gc: gcCallOf(d) };
    default:
      throw new RangeError(`no operation decoded (code ${d.op})`);
  }
}

/** The `gc.CALL` of a decoded `gcCall`. */
function gcCallOf(d: DecodedOp): GcCall {
  const call = GC_CALLS[d.call]!;
  switch (call) {
    case 'collect':
      return { call, generation: d.a < 0 ? null : d.a };
    case 'set_threshold':
      return { call, thresholds: [d.a, d.b, d.c].slice(0, d.ints) };
    case 'set_debug':
      return { call, flags: d.a };
    case 'is_tracked':
    case 'is_finalized':
      return { call, src: rootOf(d, 0) };
    default:
      return { call };
  }
}

/** Parses lines in order; feed it with `line()`, then call `end()`. */
export class TraceParser {
  private readonly decoder: TraceDecoder;
  private buffer: Uint8Array = Buffer.alloc(256);
  private static readonly encoder = new TextEncoder();

  constructor(readonly file: string) {
    this.decoder = new TraceDecoder(file);
  }

  /** Number of the last line fed (1-based). */
  get lineNumber(): number {
    return this.decoder.lineNumber;
  }

  /** Column (1-based) of the first token of the last operation returned. */
  get opColumn(): number {
    return this.decoder.opColumn;
  }

  /** The trace format version of the header (1 or 2), 0 before the header. */
  get version(): number {
    return this.decoder.version;
  }

  /** Parses one line (without its newline); returns its operation, or null for blank/comment/header. */
  line(text: string): TraceOp | null {
    const body = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (body.length > MAX_LINE_LENGTH) {
      throw new TraceSyntaxError(this.file, this.decoder.lineNumber + 1, MAX_LINE_LENGTH + 1, longLine(body));
    }
    if (this.buffer.length < body.length * 3) this.buffer = Buffer.alloc(body.length * 3);
    const { written } = TraceParser.encoder.encodeInto(body, this.buffer);
    const code = this.decoder.decode(this.buffer, 0, written, true);
    return code === DecodedOpCode.none ? null : toTraceOp(this.decoder.op);
  }

  /** Checks the end of input (a trace with no header is an error). */
  end(): void {
    this.decoder.end();
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
export function longLine(start: string, unit = 'characters'): string {
  return `line longer than ${MAX_LINE_LENGTH} ${unit} (it starts '${shown(start.slice(0, SHOWN_TOKEN_LENGTH))}...')`;
}

/** Parses a whole trace held in a string (for tests and small traces). */
export function parseTrace(text: string, file = '<string>'): TraceOp[] {
  const parser = new TraceParser(file);
  const ops: TraceOp[] = [];
  // As the file reader reads a file: a leading byte order mark is dropped, and a final newline
  // ends the last line rather than starting another.
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
