/**
 * Typed errors of the snapshot readers: a malformed snapshot names `file:line:col`, as a malformed
 * trace does; a snapshot that cannot be read names the file and the reason.
 */
import { GclabError, TraceSyntaxError } from '@gclab/core';

/**
 * A malformed heap snapshot: the message starts with `file:line:col:`. It is a kind of core's
 * `TraceSyntaxError` (a heap snapshot is a recorded heap, as a trace is a recorded program), so
 * whatever reports a malformed trace (`file:line:col`, exit 2) reports it the same way.
 */
export class SnapshotSyntaxError extends TraceSyntaxError {
  override name = 'SnapshotSyntaxError';
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
