/**
 * Reads a heap snapshot of either format, told apart by its first bytes: a CPython heap snapshot
 * starts with `gclab-python-heap`, a V8 `.heapsnapshot` with `{`. A missing, unreadable or
 * unrecognised file is a `SnapshotFileError`; a malformed one a `SnapshotSyntaxError`.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CPYTHON_SNAPSHOT_MAGIC, readCpythonSnapshot } from './cpython-snapshot.ts';
import type { HeapGraph, SnapshotFormat } from './heap-graph.ts';
import { SnapshotFileError } from './snapshot-error.ts';
import { readV8Snapshot } from './v8-snapshot.ts';

/** The format of `file` from its first bytes; throws `SnapshotFileError` when it cannot tell. */
export function snapshotFormat(file: string): SnapshotFormat {
  let head: string;
  try {
    if (statSync(file).isDirectory()) throw new SnapshotFileError(file, 'is a directory');
    const fd = openSync(file, 'r');
    try {
      const bytes = Buffer.alloc(64);
      const n = readSync(fd, bytes, 0, 64, 0);
      head = bytes.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new SnapshotFileError(file, `cannot read it: ${reason}`);
  }
  if (head.startsWith(CPYTHON_SNAPSHOT_MAGIC)) return 'cpython';
  if (head.trimStart().startsWith('{')) return 'v8';
  throw new SnapshotFileError(
    file,
    `not a heap snapshot: expected a V8 .heapsnapshot ('{') or a CPython heap snapshot ('${CPYTHON_SNAPSHOT_MAGIC}')`,
  );
}

/** Reads the heap snapshot `file` (either format) into a graph. */
export function readSnapshot(file: string): HeapGraph {
  return snapshotFormat(file) === 'cpython' ? readCpythonSnapshot(file) : readV8Snapshot(file);
}
