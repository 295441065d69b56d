/**
 * `trace:FILE`: any trace file as a workload, streamed from disk and replayed against the heap by
 * core's `replayTraceFile` (a file of any length is never held whole). A file in TraceFileSim's
 * format (detected from its content) is replayed through core's `readTraceFileSim`.
 *
 * What it stresses: whatever the recorded program does; this is how a recorded or shrunk program
 * becomes a benchmark. Size and seed do not apply (the file is the program). The result is the
 * number of operations replayed. Parsing costs time inside the measured run, the same for every
 * collector. `checkTraceFile` reads a trace through once without running it, so a runner can turn a
 * missing or malformed file into one error before any cell runs.
 */
import { statSync } from 'node:fs';
import {
  detectTraceFormat,
  GclabError,
  type Heap,
  readTraceFileSim,
  replay,
  replayTraceFile,
  TraceFileReader,
} from '@gclab/core';
import type { Workload, WorkloadParams } from './workload.ts';

/** Prefix of a trace workload's spec: `trace:path/to/file.trace`. */
export const TRACE_PREFIX = 'trace:';

/** The `trace` workload: its spec's `file` option names the trace file. */
export const traceFile: Workload = {
  name: 'trace',
  summary: 'a trace file replayed as a workload (trace:FILE)',
  seeded: false,
  run(heap: Heap, params: WorkloadParams): number {
    const file = params.options?.['file'];
    if (file === undefined || file === '')
      throw new RangeError(`the trace workload needs a file: ${TRACE_PREFIX}FILE`);
    return detectTraceFormat(file) === 'gclab'
      ? replayTraceFile(heap, file).ops
      : replay(heap, readTraceFileSim(file)).ops;
  },
};

/** A trace workload's file that cannot be read. */
export class TraceFileError extends GclabError {
  override name = 'TraceFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`workload '${TRACE_PREFIX}${file}': ${reason}`);
  }
}

/**
 * Checks that `file` is a readable, well-formed trace by parsing it through (streamed; nothing is
 * replayed). Throws `TraceFileError` for a missing or unreadable file and core's `TraceSyntaxError`
 * (`file:line:col: reason`) for a malformed one.
 */
export function checkTraceFile(file: string): void {
  try {
    if (statSync(file).isDirectory()) throw new TraceFileError(file, `${file} is a directory`);
    if (detectTraceFormat(file) === 'tracefilesim') {
      for (const _ of readTraceFileSim(file)) {
        // Translating is the check.
      }
      return;
    }
    const reader = new TraceFileReader(file);
    try {
      while (reader.next()) {
        // Parsing is the check.
      }
    } finally {
      reader.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new TraceFileError(file, `cannot read ${file}: ${reason}`);
  }
}
