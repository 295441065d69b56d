/**
 * The comparison matrix: cells = workload x size x seed x collector x heap size, each run in worker
 * processes (see `worker-pool.ts`), with minimum heaps measured first where heap sizes are
 * multiples, a no-gc baseline for every workload (the overhead reference) and a time-space series
 * across heap sizes. `runMatrix` returns the results object; `writeResults` stores it.
 *
 * Order of a run, one stage a file:
 * 1. Plan (`plan.ts`): workload specs are checked (trace files read through and parsed), the cells
 *    listed once each (a dimension naming a value twice is an error), baseline cells added.
 * 2. Minimum heaps (`min-heap-searches.ts`) for the cells given as multiples: from the cache, else
 *    searched in workers.
 * 3. Cells (`run-cells.ts`) run in workers; each result reports ok, oom or error, never a crash of
 *    the runner.
 * 4. Results (`assemble.ts`): overheads against the baseline and the time-space series derived.
 */
import { assembleResults } from './assemble.ts';
import { type MatrixOptions, type MatrixProgress, matrixSettings } from './matrix-options.ts';
import { MinHeapSearches } from './min-heap-searches.ts';
import { checkWorkloads, planMatrix, selectShard } from './plan.ts';
import type { MatrixResults } from './results.ts';
import { runCells } from './run-cells.ts';

/** Runs the matrix and returns its results; `onProgress` hears of each minimum heap and cell. */
export async function runMatrix(
  options: MatrixOptions,
  onProgress: (event: MatrixProgress) => void = () => {},
): Promise<MatrixResults> {
  const started = Date.now();
  const planned = selectShard(planMatrix(options), options.shard);
  checkWorkloads(options);
  const settings = matrixSettings(options);
  const minHeaps = new MinHeapSearches(planned, options, settings);
  onProgress({ type: 'plan', cells: planned.length, minHeapSearches: minHeaps.searches });
  await minHeaps.run(onProgress);
  const cells = await runCells(planned, minHeaps, options, settings, onProgress);
  return assembleResults({ options, settings, started, minHeaps: minHeaps.all(), cells });
}
