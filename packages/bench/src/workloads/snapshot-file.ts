/**
 * `snapshot:FILE`: a heap snapshot as a workload. A V8 `.heapsnapshot` or a CPython heap snapshot
 * (`packages/experiments/scripts/heap_snapshot.py`) is read (streamed: `snapshot/read-snapshot.ts`)
 * and its graph built in the heap in the snapshot's order, then its roots dropped in stages with a
 * full collection after each (`snapshot/snapshot-heap.ts`), so every collector runs on a real
 * program's heap.
 *
 * What it stresses: the real distribution of sizes and fan-outs (header overhead), the real share of
 * objects in cycles (what counting alone leaks when the roots go), the marking of a large live heap,
 * and the cascade when a stage's roots are dropped. Size and seed do not apply (the file is the
 * program); the option `stages` (default 4) sets how many stages the roots are dropped in. The
 * result is the number of objects built. The graph is read once per process and kept (the file's
 * path, size and modification time must match), so a cell's warm-up invocation pays the parsing and
 * the timed ones do not.
 */
import { statSync } from 'node:fs';
import type { Heap } from '@gclab/core';
import type { HeapGraph } from './snapshot/heap-graph.ts';
import { readSnapshot, snapshotFormat } from './snapshot/read-snapshot.ts';
import { DEFAULT_SNAPSHOT_STAGES, runSnapshotHeap } from './snapshot/snapshot-heap.ts';
import { numberOption, type Workload, type WorkloadParams } from './workload.ts';

/** Prefix of a snapshot workload's spec: `snapshot:path/to/file.heapsnapshot`. */
export const SNAPSHOT_PREFIX = 'snapshot:';

let cached: { file: string; size: number; mtimeMs: number; graph: HeapGraph } | null = null;

/**
 * The graph of `file`, read once per process while the file is unchanged. Throws
 * `SnapshotFileError` (missing, unreadable, not a snapshot) or `SnapshotSyntaxError`.
 */
export function loadSnapshotGraph(file: string): HeapGraph {
  snapshotFormat(file);
  const stat = statSync(file);
  if (cached !== null && cached.file === file && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs)
    return cached.graph;
  cached = null;
  const graph = readSnapshot(file);
  cached = { file, size: stat.size, mtimeMs: stat.mtimeMs, graph };
  return graph;
}

/** The `snapshot` workload: its spec's `file` option names the snapshot. */
export const snapshotFile: Workload = {
  name: 'snapshot',
  summary: 'a heap snapshot (V8 or CPython) built, then its roots dropped in stages (snapshot:FILE)',
  seeded: false,
  run(heap: Heap, params: WorkloadParams): number {
    const file = params.options?.['file'];
    if (file === undefined || file === '')
      throw new RangeError(`the snapshot workload needs a file: ${SNAPSHOT_PREFIX}FILE`);
    const stages = numberOption(params.options, 'stages', DEFAULT_SNAPSHOT_STAGES);
    return runSnapshotHeap(heap, loadSnapshotGraph(file), stages);
  },
};

/**
 * Checks that `file` is a readable, well-formed snapshot by reading it through (streamed; the graph
 * is kept for the run). Throws `SnapshotFileError` or `SnapshotSyntaxError` (`file:line:col`).
 */
export function checkSnapshotFile(file: string): void {
  loadSnapshotGraph(file);
}
