/**
 * `trace:FILE`: any trace file as a workload, streamed from disk (core's `readTraceFile`, so a file
 * of any length is never held whole) and replayed against the heap.
 *
 * What it stresses: whatever the recorded program does; this is how a recorded or shrunk program
 * becomes a benchmark. Size and seed do not apply (the file is the program). The result is the
 * number of operations replayed. Parsing costs time inside the measured run, the same for every
 * collector.
 */
import { type Heap, readTraceFile, replay } from '@gclab/core';
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
    return replay(heap, readTraceFile(file)).ops;
  },
};
