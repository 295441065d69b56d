/**
 * Typed errors of the snapshot readers: a malformed snapshot names `file:line:col`, as a malformed
 * trace does; a snapshot that cannot be read names the file and the reason.
 */
import { GclabError } from '@gclab/core';

/** A malformed heap snapshot: the message starts with `file:line:col:`. */
export class SnapshotSyntaxError extends GclabError {
  override name = 'SnapshotSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

/** A heap snapshot that cannot be read (missing, a directory, unreadable, of no known format). */
export class SnapshotFileError extends GclabError {
  override name = 'SnapshotFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`snapshot ${file}: ${reason}`);
  }
}
