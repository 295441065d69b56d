/**
 * Atomic file writes: the text goes to a temporary file beside the target, which is then renamed
 * over it, so a reader (or a run interrupted or killed half-way) never sees a partly written file.
 * A target that exists and is not a regular file (`/dev/stdout`, a named pipe, `/dev/null`) is
 * written in place: renaming over a device would replace it.
 *
 * `checkWritable` proves, before a long run starts, that the write at its end can succeed: it
 * creates the target's directory and a probe file there. Every failure is an `OutputFileError`
 * naming the file and the reason (`EACCES`, `ENOSPC`, ...), never a raw Node error.
 */
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { GclabError } from '@gclab/core';

/** A file that cannot be written; `code` is the system error code when there is one. */
export class OutputFileError extends GclabError {
  override name = 'OutputFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly code: string | undefined = undefined,
  ) {
    super(`cannot write ${file}: ${reason}`);
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  ENAMETOOLONG: 'name too long',
  EIO: 'input/output error',
  EFBIG: 'file too large',
};

/** An `OutputFileError` for the Node error `error` met while writing `file`. */
export function outputFileError(file: string, error: unknown): OutputFileError {
  if (error instanceof OutputFileError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === undefined ? String((error as Error).message) : `${REASONS[code] ?? code} (${code})`;
  return new OutputFileError(file, reason, code);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Creates directory `dir` and its missing parents. Not `mkdirSync(dir, { recursive: true })`: on
 * Node 20 that loops forever where a parent exists but refuses new entries with ENOENT (`/proc`).
 * NOTE: here each missing component is made once, from the nearest existing ancestor down, so the
 * loop runs at most once per path component.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  for (let stat = statOrNull(at); stat === null; stat = statOrNull(at)) {
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  const existing = statOrNull(at);
  if (existing !== null && !existing.isDirectory()) {
    throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
  }
  for (let i = missing.length - 1; i >= 0; i--) mkdirSync(missing[i]!);
}

function tempName(file: string): string {
  return `${file}.${process.pid}.${Date.now()}.tmp`;
}

/** Writes `text` to `file` atomically, creating its directory when needed; throws `OutputFileError`. */
export function writeFileAtomic(file: string, text: string): void {
  try {
    const stat = statOrNull(file);
    if (stat?.isDirectory()) throw new OutputFileError(file, 'is a directory', 'EISDIR');
    if (stat !== null && !stat.isFile()) {
      writeFileSync(file, text);
      return;
    }
    makeDirectory(dirname(file));
  } catch (error) {
    throw outputFileError(file, error);
  }
  const temp = tempName(file);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw outputFileError(file, error);
  }
}

/**
 * Opens the device or pipe `file` for writing and closes it again. O_NONBLOCK: a named pipe with no
 * reader yet fails with ENXIO instead of waiting for one; that pipe is fine (the reader comes later).
 */
function openForWriting(file: string): void {
  try {
    closeSync(openSync(file, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
  }
}

/**
 * Checks that `writeFileAtomic(file, ...)` can succeed: `file` is not a directory, its directory
 * exists or can be made, and a file can be created there (or, for a device or pipe, `file` opens for
 * writing). Throws `OutputFileError` naming the reason. A full disk is only found when writing.
 */
export function checkWritable(file: string): void {
  try {
    const stat = statOrNull(file);
    if (stat?.isDirectory()) throw new OutputFileError(file, 'is a directory', 'EISDIR');
    if (stat !== null && !stat.isFile()) {
      openForWriting(file);
      return;
    }
    makeDirectory(dirname(file));
    const probe = tempName(file);
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    throw outputFileError(file, error);
  }
}
