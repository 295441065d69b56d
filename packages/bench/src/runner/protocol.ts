/**
 * Messages between the runner and its worker processes (over the `child_process.fork` IPC channel,
 * JSON-serialized). The runner sends one task at a time and waits for its reply.
 */
import type { WorkloadSize } from '../workloads/workload.ts';
import type { Cell, CollectorRef } from './cell.ts';
import type { MinHeapOptions, MinHeapResult } from './min-heap.ts';
import type { CellResult, CellRunOptions } from './run-cell.ts';

/** Run one cell. */
export interface CellTask {
  readonly kind: 'cell';
  readonly ref: CollectorRef;
  readonly cell: Cell;
  readonly options: CellRunOptions;
}

/** Find a minimum heap. */
export interface MinHeapTask {
  readonly kind: 'min-heap';
  readonly ref: CollectorRef;
  readonly workload: string;
  readonly size: WorkloadSize;
  readonly seed: number;
  readonly options: MinHeapOptions;
}

/** A task for a worker. */
export type WorkerTask = CellTask | MinHeapTask;

/** A worker's reply, or the runner's account of a worker that died or was stopped. */
export type WorkerReply =
  | { readonly ok: true; readonly value: CellResult | MinHeapResult }
  | { readonly ok: false; readonly message: string; readonly interrupted?: boolean };
