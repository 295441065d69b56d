/**
 * `gclab merge FILES...`: one results file from the shards of a run (`gclab run --shard I/N`), or
 * from runs of different workloads or collectors made with the same settings.
 *
 * Rules:
 * - Shards must be of one run: the same options (apart from the shard and the worker concurrency),
 *   the same shard count, each shard once, none missing.
 * - Unsharded files must agree on invocations, timing (minimum time, most invocations), warm-up and
 *   sampling (so their figures mean the same), and must not both hold the same cell.
 * - The merged file lists the cells in the unsharded run's order; overheads against the baseline
 *   and the time-space series are derived again from the merged cells (a shard may hold a cell
 *   whose baseline ran in another shard). Deterministic figures are carried over unchanged, so
 *   they equal those of an unsharded run.
 */
import {
  addOverheads,
  type CellResult,
  type CollectorEntry,
  type MatrixResults,
  type MinHeapRecord,
  planMatrix,
  timeSpaceSeries,
  type WorkloadSize,
} from '@gclab/bench';
import { UsageError } from '../errors.ts';
import { cellKey } from './figures.ts';
import { formatShard, type Shard } from './shard.ts';

/** A results file and its name, as given to `merge`. */
export interface MergeInput {
  /** File name, for messages. */
  file: string;
  /** Its contents. */
  results: MatrixResults;
}

/** The shard a results file holds, or null for a whole run. */
export function resultsShard(r: MatrixResults): Shard | null {
  return r.options.shard ?? null;
}

/** Merges results files (see the file comment); throws `UsageError` for files that do not fit together. */
export function mergeResults(inputs: readonly MergeInput[]): MatrixResults {
  if (inputs.length === 0) throw new UsageError('merge needs at least one results file');
  const first = inputs[0]!;
  const shards = inputs.map((i) => resultsShard(i.results));
  const sharded = shards.some((s) => s !== null);
  if (sharded) checkShards(inputs, shards);
  else checkCompatible(inputs);

  // Cells, each once.
  const seen = new Map<string, string>();
  const cells: CellResult[] = [];
  for (const { file, results } of inputs) {
    for (const r of results.cells) {
      const key = cellKey(r);
      const other = seen.get(key);
      if (other !== undefined) {
        throw new UsageError(
          `${file} and ${other} both hold the cell ${key.replaceAll('|', ' ')}; merge each cell once`,
        );
      }
      seen.set(key, file);
      cells.push({ ...r });
    }
  }

  const options = sharded ? { ...first.results.options, shard: null } : unionOptions(inputs);
  sortInPlanOrder(cells, options);
  const minHeaps = new Map<string, MinHeapRecord>();
  for (const { results } of inputs) {
    for (const m of results.minHeaps) {
      const key = `${m.workload}|${m.size}|${m.seed}|${m.collector}`;
      const known = minHeaps.get(key);
      if (known === undefined || (known.bytes === null && m.bytes !== null)) minHeaps.set(key, m);
    }
  }
  for (const r of cells) delete r.overheadVsNoGc;
  addOverheads(cells, options.baseline);
  const packages: Record<string, string> = {};
  for (const { results } of inputs) Object.assign(packages, results.packages);
  const timestamps = inputs.map((i) => i.results.timestamp).sort();
  return {
    ...first.results,
    timestamp: timestamps[0]!,
    durationMs: Math.max(...inputs.map((i) => i.results.durationMs)),
    packages,
    options,
    interrupted: inputs.some((i) => i.results.interrupted),
    minHeaps: [...minHeaps.values()],
    cells,
    timeSpace: timeSpaceSeries(cells, [...minHeaps.values()]),
  };
}

/** The recorded options that must agree between shards of one run. */
function runIdentity(r: MatrixResults): string {
  const { concurrency: _concurrency, shard: _shard, ...rest } = r.options;
  return JSON.stringify(rest);
}

function checkShards(inputs: readonly MergeInput[], shards: ReadonlyArray<Shard | null>): void {
  const first = inputs[0]!;
  const count = shards.find((s) => s !== null)!.count;
  const seen = new Map<number, string>();
  inputs.forEach(({ file, results }, i) => {
    const s = shards[i]!;
    if (s === null) throw new UsageError(`${file} is a whole run, not a shard; merge the shards of one run`);
    if (s.count !== count) {
      throw new UsageError(`${file} is shard ${formatShard(s)} but ${first.file} is of ${count} shards`);
    }
    const dup = seen.get(s.index);
    if (dup !== undefined) throw new UsageError(`${file} and ${dup} are both shard ${formatShard(s)}`);
    seen.set(s.index, file);
    if (runIdentity(results) !== runIdentity(first.results)) {
      throw new UsageError(
        `${file} was made with different options from ${first.file}; they are not shards of one run`,
      );
    }
  });
  const missing: string[] = [];
  for (let i = 1; i <= count; i++) if (!seen.has(i)) missing.push(`${i}/${count}`);
  if (missing.length > 0)
    throw new UsageError(`missing shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
}

function checkCompatible(inputs: readonly MergeInput[]): void {
  const first = inputs[0]!;
  const settings = (r: MatrixResults): string =>
    JSON.stringify([
      r.options.invocations,
      r.options.minTimedMs ?? 0,
      r.options.maxInvocations ?? null,
      r.options.warmup,
      r.options.sampleEvery,
      r.options.baseline,
    ]);
  for (const { file, results } of inputs.slice(1)) {
    if (settings(results) !== settings(first.results)) {
      throw new UsageError(
        `${file} was made with other invocations, timing, warm-up, sampling or baseline than ${first.file}; its figures do not merge`,
      );
    }
  }
}

function unionOptions(inputs: readonly MergeInput[]): MatrixResults['options'] {
  const union = <T>(pick: (r: MatrixResults) => readonly T[], key: (x: T) => string = String): T[] => {
    const out = new Map<string, T>();
    for (const { results } of inputs) for (const x of pick(results)) if (!out.has(key(x))) out.set(key(x), x);
    return [...out.values()];
  };
  const first = inputs[0]!.results.options;
  return {
    ...first,
    workloads: union((r) => r.options.workloads),
    collectors: union(
      (r) => r.options.collectors,
      (c) => c.name,
    ),
    sizes: union((r) => r.options.sizes),
    heaps: union((r) => r.options.heaps),
    seeds: union((r) => r.options.seeds),
    concurrency: Math.max(...inputs.map((i) => i.results.options.concurrency)),
  };
}

/** Sorts cells in the order an unsharded run of `options` plans them (unknown cells last, stable). */
function sortInPlanOrder(cells: CellResult[], options: MatrixResults['options']): void {
  let order: Map<string, number>;
  try {
    const collectors: CollectorEntry[] = options.collectors.map((c) => ({
      name: c.name,
      ref: { module: c.module, exportName: c.exportName },
    }));
    const baseline: CollectorEntry | null =
      options.baseline === null
        ? null
        : (collectors.find((c) => c.name === options.baseline) ?? {
            name: options.baseline,
            ref: { module: '', exportName: '' },
          });
    const planned = planMatrix({
      workloads: options.workloads,
      collectors,
      sizes: options.sizes as WorkloadSize[],
      heaps: options.heaps,
      seeds: options.seeds,
      baseline,
    });
    order = new Map(planned.map((p, i) => [cellKey({ cell: p.cell } as CellResult), i] as const));
  } catch {
    return; // a plan that cannot be rebuilt (e.g. an unknown workload): keep the input order
  }
  const rank = (r: CellResult): number => order.get(cellKey(r)) ?? Number.MAX_SAFE_INTEGER;
  cells.sort((a, b) => rank(a) - rank(b));
}
