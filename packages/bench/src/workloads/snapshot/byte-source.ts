/**
 * A file read forward a byte at a time from a fixed 1 MiB buffer (synchronous `readSync`), keeping
 * the line and column of the next byte, so the snapshot readers parse files of any size in bounded
 * memory and name `file:line:col` in their errors. `peek()` is -1 at the end of the file; the
 * readers' one shared token, a decimal integer, is `readUnsigned`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { SnapshotSyntaxError } from './snapshot-error.ts';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 10;
const ZERO = 0x30;
const NINE = 0x39;

/** Bytes of one file, read in chunks. */
export class ByteSource {
  private readonly fd: number;
  private readonly buffer = new Uint8Array(CHUNK_BYTES);
  private pos = 0;
  private end = 0;
  /** File offset of `buffer[0]`. */
  private base = 0;
  private eof = false;
  /** Line (1-based) of the next byte. */
  line = 1;
  /** File offset where the current line starts. */
  private lineStart = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
  }

  /** The next byte, or -1 at the end of the file. */
  peek(): number {
    if (this.pos < this.end) return this.buffer[this.pos]!;
    return this.fill() ? this.buffer[this.pos]! : -1;
  }

  /** Consumes the next byte (after a `peek` that was not -1). */
  advance(): void {
    if (this.buffer[this.pos] === NEWLINE) {
      this.line++;
      this.lineStart = this.base + this.pos + 1;
    }
    this.pos++;
  }

  /**
   * Reads a non-negative decimal integer; `what` names it in the errors (no digit next, or more
   * than `max`).
   */
  readUnsigned(what: string, max: number): number {
    let c = this.peek();
    if (c < ZERO || c > NINE) throw this.error(`expected ${what}, found ${describeByte(c)}`);
    let value = 0;
    do {
      value = value * 10 + (c - ZERO);
      this.advance();
      c = this.peek();
    } while (c >= ZERO && c <= NINE);
    if (value > max) throw this.error(`${what} too large: ${value}`);
    return value;
  }

  /** Column (1-based) of the next byte. */
  get column(): number {
    return this.base + this.pos - this.lineStart + 1;
  }

  /** File offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** A `SnapshotSyntaxError` at the next byte. */
  error(reason: string): SnapshotSyntaxError {
    return new SnapshotSyntaxError(this.file, this.line, this.column, reason);
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }

  private fill(): boolean {
    if (this.eof) return false;
    this.base += this.end;
    this.pos = 0;
    this.end = readSync(this.fd, this.buffer, 0, CHUNK_BYTES, null);
    if (this.end === 0) this.eof = true;
    return this.end > 0;
  }
}

/** How a byte reads in an error message. */
export function describeByte(byte: number): string {
  if (byte < 0) return 'the end of the file';
  if (byte >= 0x20 && byte < 0x7f) return `'${String.fromCharCode(byte)}'`;
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
