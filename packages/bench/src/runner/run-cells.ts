/**
 * Running a matrix's cells: each planned cell becomes a task for the worker pool (with its heap
 * limit's minimum heap), or a failed result when its minimum heap is unknown; each result is
 * reported as it arrives. A stopped run returns the cells that completed.
 */
import { type Cell, cellLabel, heapLimitBytes } from './cell.ts';
import {
  type MatrixOptions,
  type MatrixProgress,
  type MatrixSettings,
  taskOptionsOf,
} from './matrix-options.ts';
import type { MinHeapSearches } from './min-heap-searches.ts';
import type { PlannedCell } from './plan.ts';
import type { CellTask } from './protocol.ts';
import type { CellResult } from './run-cell.ts';
import { runTasks } from './worker-pool.ts';

/** Runs the planned cells in workers; returns their results in plan order (those that ran or failed). */
export async function runCells(
  planned: readonly PlannedCell[],
  minHeaps: MinHeapSearches,
  options: MatrixOptions,
  settings: MatrixSettings,
  onProgress: (event: MatrixProgress) => void,
): Promise<CellResult[]> {
  const { invocations, minTimedMs, maxInvocations, warmup, sampleEvery } = settings;
  const results: Array<CellResult | undefined> = new Array(planned.length);
  const tasks: CellTask[] = [];
  const taskCells: number[] = [];
  let done = 0;
  const finish = (index: number, result: CellResult): void => {
    results[index] = result;
    onProgress({ type: 'cell', result, done: ++done, total: planned.length });
  };
  planned.forEach(({ cell, baseline: isBaseline }, index) => {
    const min = cell.heap.kind === 'multiple' ? (minHeaps.recordOf(cell)?.bytes ?? null) : null;
    if (cell.heap.kind === 'multiple' && min === null) {
      // Stopped during the searches: the cell did not run, it did not fail.
      if (options.signal?.aborted) return;
      const why = minHeaps.recordOf(cell)?.error ?? 'the minimum-heap search did not run';
      finish(index, failedCell(cell, isBaseline, `minimum heap unknown: ${why}`));
      return;
    }
    tasks.push({
      kind: 'cell',
      ref: settings.entries.get(cell.collector)!.ref,
      cell,
      options: {
        invocations,
        minTimedMs,
        maxInvocations,
        warmup,
        sampleEvery,
        minHeapBytes: min,
        ...taskOptionsOf(options, cell.collector),
      },
    });
    taskCells.push(index);
  });
  await runTasks(
    tasks,
    (i) => (settings.isolation === 'collector' ? `cells ${tasks[i]!.cell.collector}` : `task ${i}`),
    settings.pool,
    (i, reply) => {
      const index = taskCells[i]!;
      const { cell, baseline: isBaseline } = planned[index]!;
      const result: CellResult = reply.ok
        ? (reply.value as CellResult)
        : failedCell(
            cell,
            isBaseline,
            `${cellLabel(cell)}: ${reply.message}`,
            heapLimitOrNull(cell, tasks[i]!.options.minHeapBytes),
          );
      if (isBaseline) result.baseline = true;
      finish(index, result);
    },
  );
  return results.filter((r): r is CellResult => r !== undefined);
}

function heapLimitOrNull(cell: Cell, min: number | null | undefined): number | null {
  try {
    return heapLimitBytes(cell.heap, min);
  } catch {
    return null;
  }
}

function failedCell(
  cell: Cell,
  isBaseline: boolean,
  message: string,
  limit: number | null = null,
): CellResult {
  return {
    cell,
    status: 'error',
    message,
    heapLimitBytes: limit,
    minHeapBytes: null,
    invocations: 0,
    wallMs: [],
    summary: null,
    deterministic: null,
    measurement: null,
    ...(isBaseline ? { baseline: true } : {}),
  };
}
