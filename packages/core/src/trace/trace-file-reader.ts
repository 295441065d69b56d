/**
 * A streaming reader of trace files: reads the file in chunks into one byte buffer, finds each line
 * there and hands its bytes to the one decoder (`TraceDecoder`, parser.ts), so reading a line
 * makes no string and no object. Memory is the buffer (one chunk plus the longest line, at most
 * `MAX_LINE_LENGTH` bytes), whatever the file's size; each byte is looked at a bounded number of
 * times, so reading is linear in the file's size however long its lines.
 *
 * Checks: a line longer than `MAX_LINE_LENGTH` bytes, bytes that are not valid UTF-8, and a NUL
 * byte end the read with a `TraceSyntaxError` at their line and column. UTF-8 and NUL are checked a
 * buffer-full of complete lines at a time (one native call each); only a region that fails is
 * checked line by line, so the error names the first bad line and earlier lines' errors come first.
 * A leading UTF-8 byte order mark is dropped.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { TraceSyntaxError } from '../errors.ts';
import type { TraceOp } from './ops.ts';
import {
  type DecodedOp,
  DecodedOpCode,
  longLine,
  MAX_LINE_LENGTH,
  SHOWN_TOKEN_LENGTH,
  TraceDecoder,
  toTraceOp,
} from './parser.ts';

/** Bytes read from the file at a time by default. */
export const TRACE_CHUNK_BYTES = 1 << 18;

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Reads a trace file line by line (`nextLine`) or operation by operation (`next`). */
export class TraceFileReader {
  /** The decoder: line number, column of the last operation, version. */
  readonly decoder: TraceDecoder;
  /** The last operation decoded by `next` (overwritten by the next one). */
  readonly op: DecodedOp;
  /** Bytes of the current line: `bytes[lineStart..lineEnd)`, no newline. */
  bytes: Buffer;
  lineStart = 0;
  lineEnd = 0;
  /** Lines returned by `nextLine` so far. */
  lines = 0;
  private fd: number;
  /** Unconsumed bytes are `bytes[pos..len)`; no newline in `bytes[pos..scan)`. */
  private pos = 0;
  private len = 0;
  private scan = 0;
  private eof = false;
  private started = false;
  /** Bytes before this offset were checked (UTF-8, no NUL) a region at a time. */
  private checkedTo = 0;
  /** Bytes before this offset failed a region check: their lines are checked one by one. */
  private suspectTo = 0;
  /** Whether the current line is checked for NUL by the decoder. */
  private lineSuspect = false;

  constructor(
    /** The file. */
    readonly path: string,
    /** Bytes read at a time. */
    readonly chunkBytes = TRACE_CHUNK_BYTES,
  ) {
    if (!(Number.isInteger(chunkBytes) && chunkBytes >= 1))
      throw new RangeError(`chunk size must be a positive integer, got ${chunkBytes}`);
    this.decoder = new TraceDecoder(path);
    this.op = this.decoder.op;
    this.bytes = Buffer.allocUnsafe(Math.max(chunkBytes * 2, 256));
    this.fd = openSync(path, 'r');
  }

  /**
   * Decodes lines until one holds an operation (in `op`); false at the end of the file, after
   * checking the trace had a header. Errors are `TraceSyntaxError`s at `path:line:col`.
   */
  next(): boolean {
    const decoder = this.decoder;
    for (;;) {
      // Lines in a checked region go to the decoder's fast path first.
      const pos = this.pos;
      if (pos < this.checkedTo && pos >= this.suspectTo) {
        const newline = decoder.decodeFast(this.bytes, pos, Math.min(this.checkedTo + 1, this.len));
        if (newline >= 0) {
          this.lines++;
          if (newline - pos > MAX_LINE_LENGTH) this.tooLong(pos, this.lines);
          this.lineStart = pos;
          this.lineEnd = newline;
          this.pos = newline + 1;
          this.scan = newline + 1;
          if (this.op.op !== DecodedOpCode.none) return true;
          continue;
        }
      }
      if (!this.nextLine()) break;
      if (decoder.decode(this.bytes, this.lineStart, this.lineEnd, this.lineSuspect) !== DecodedOpCode.none)
        return true;
    }
    decoder.end();
    return false;
  }

  /** Advances to the next line (`lineStart`, `lineEnd`); false at the end of the file (then closed). */
  nextLine(): boolean {
    for (;;) {
      const bytes = this.bytes;
      const len = this.len;
      let i = this.scan;
      while (i < len && bytes[i] !== 10) i++;
      if (i < len) {
        this.take(i, i + 1);
        return true;
      }
      this.scan = i;
      if (len - this.pos > MAX_LINE_LENGTH) this.tooLong(this.pos, this.lines + 1);
      if (this.eof) {
        if (this.pos < len) {
          this.take(len, len);
          return true;
        }
        this.close();
        return false;
      }
      this.fill();
    }
  }

  /** The current line as text (with a final `\r`, if any). */
  lineText(): string {
    return UTF8.decode(this.bytes.subarray(this.lineStart, this.lineEnd));
  }

  /** Closes the file (reading stops). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.eof = true;
  }

  /** Makes `bytes[pos..end)` the current line and moves past it to `next`; checks it. */
  private take(end: number, next: number): void {
    const start = this.pos;
    this.lineStart = start;
    this.lineEnd = end;
    this.pos = next;
    this.scan = next;
    this.lines++;
    this.started = true; // no byte order mark after the first line
    if (end - start > MAX_LINE_LENGTH) this.tooLong(start, this.lines);
    if (end > this.checkedTo) this.checkRegion(start, end);
    this.lineSuspect = end <= this.suspectTo;
    if (this.lineSuspect && !isUtf8(this.bytes.subarray(start, end))) {
      throw new TraceSyntaxError(
        this.path,
        this.lines,
        badUtf8Column(this.bytes.subarray(start, end)),
        'invalid UTF-8',
      );
    }
  }

  /** Checks the complete lines from `start` (at least to `end`) as one region. */
  private checkRegion(start: number, end: number): void {
    const bytes = this.bytes;
    let to = this.eof ? this.len : bytes.lastIndexOf(10, this.len - 1);
    if (to < end) to = end;
    const region = bytes.subarray(start, to);
    if (!isUtf8(region) || region.indexOf(0) >= 0) this.suspectTo = to;
    this.checkedTo = to;
  }

  /** Reads the next chunk after the unconsumed bytes (moved to the front of the buffer). */
  private fill(): void {
    const shift = this.pos;
    if (shift > 0) {
      this.bytes.copyWithin(0, shift, this.len);
      this.len -= shift;
      this.scan -= shift;
      this.pos = 0;
      this.checkedTo = Math.max(0, this.checkedTo - shift);
      this.suspectTo = Math.max(0, this.suspectTo - shift);
    }
    if (this.bytes.length - this.len < this.chunkBytes) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.len + this.chunkBytes));
      this.bytes.copy(grown, 0, 0, this.len);
      this.bytes = grown;
    }
    const n = readSync(this.fd, this.bytes, this.len, this.chunkBytes, null);
    if (n === 0) {
      this.close();
      return;
    }
    this.len += n;
    if (!this.started) {
      // A byte order mark is dropped once its three bytes are in.
      if (this.len < 3) return;
      this.started = true;
      const b = this.bytes;
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
        this.pos = 3;
        this.scan = Math.max(this.scan, 3);
      }
    }
  }

  /** Throws the error of line `line`, longer than `MAX_LINE_LENGTH` bytes, starting at `start`. */
  private tooLong(start: number, line: number): never {
    throw new TraceSyntaxError(
      this.path,
      line,
      MAX_LINE_LENGTH + 1,
      longLine(UTF8.decode(this.bytes.subarray(start, start + SHOWN_TOKEN_LENGTH)), 'bytes'),
    );
  }
}

/** The 1-based column (in characters, as the parser counts them) of the first bad UTF-8 byte. */
function badUtf8Column(bytes: Uint8Array): number {
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
 * Reads a file's lines (as strings, a final `\r` kept) in chunks of `chunkBytes` (the file is never
 * loaded whole), with the checks of `TraceFileReader`.
 */
export function* readLines(path: string, chunkBytes = 1 << 16): Generator<string> {
  const reader = new TraceFileReader(path, chunkBytes);
  try {
    while (reader.nextLine()) yield reader.lineText();
  } finally {
    reader.close();
  }
}

/** Streams the operations of a trace file as `TraceOp`s; errors name `path:line:col`. */
export function* readTraceFile(path: string, chunkBytes = TRACE_CHUNK_BYTES): Generator<TraceOp> {
  const reader = new TraceFileReader(path, chunkBytes);
  try {
    while (reader.next()) yield toTraceOp(reader.op);
  } finally {
    reader.close();
  }
}
