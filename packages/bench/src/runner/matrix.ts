/**
 * The comparison matrix: cells = workload x size x seed x collector x heap size, each run in worker
 * processes (see `worker-pool.ts`), with minimum heaps measured first where heap sizes are
 * multiples, a no-gc baseline for every workload (the overhead reference) and a time-space series
 * across heap sizes. `runMatrix` returns the results object; `writeResults` stores it.
 *
 * Order of a run:
 * 1. Plan: workload specs are checked, the cells listed (`planMatrix`), baseline cells added.
 * 2. Minimum heaps for the cells given as multiples: from the cache, else searched in workers.
 * 3. Cells run in workers; each result reports ok, oom or error, never a crash of the runner.
 * 4. Overheads against the baseline and the time-space series are derived.
 */
import os from 'node:os';
import type { CollectorOptions } from '@gclab/core';
import { overhead } from '../metrics/memory.ts';
import { resolveWorkload } from '../workloads/registry.ts';
import { WORKLOAD_SIZES, type WorkloadSize } from '../workloads/workload.ts';
import {
  type Cell,
  type CollectorEntry,
  cellLabel,
  formatHeapSpec,
  type HeapSpec,
  heapLimitBytes,
  parseHeapSpec,
  UNLIMITED,
} from './cell.ts';
import { MinHeapCache, type MinHeapResult } from './min-heap.ts';
import type { CellTask, MinHeapTask, WorkerReply } from './protocol.ts';
import { collectorFingerprint, gitCommit, machineInfo, packageVersions } from './provenance.ts';
import {
  type MatrixResults,
  type MinHeapRecord,
  RESULTS_SCHEMA,
  RESULTS_SCHEMA_VERSION,
  sameProgram,
  type TimeSpaceSeries,
} from './results.ts';
import type { CellResult } from './run-cell.ts';
import { runTasks } from './worker-pool.ts';

/** The default baseline: `noGc` from @gclab/core. */
export const NO_GC_BASELINE: CollectorEntry = {
  name: 'no-gc',
  ref: { module: '@gclab/core', exportName: 'noGc' },
};

/** Options of a matrix run. */
export interface MatrixOptions {
  /** Workload specs. */
  workloads: readonly string[];
  /** Collectors, by name and reference. */
  collectors: readonly CollectorEntry[];
  /** Sizes (default small). */
  sizes?: readonly WorkloadSize[];
  /** Heap sizes, as specs or text (`unlimited`, `2x`, `64MB`; default unlimited). */
  heaps?: ReadonlyArray<HeapSpec | string>;
  /** Seeds (default 42). */
  seeds?: readonly number[];
  /** Timed invocations per cell (default 3). */
  invocations?: number;
  /** Warm-up invocations per cell (default 1). */
  warmup?: number;
  /** Oracle sampling for timelines: bytes, 'auto' or 0 = off (default). */
  sampleEvery?: number | 'auto';
  /** Worker processes at once (default min(2, available parallelism)). */
  concurrency?: number;
  /** A fresh process per cell (default), or one per collector running all its cells in turn. */
  isolation?: 'cell' | 'collector';
  /** The overhead baseline, run unlimited per workload (default no-gc; null = none). */
  baseline?: CollectorEntry | null;
  /** Minimum-heap cache file (default none). */
  minHeapCacheFile?: string | null;
  /** Minimum-heap search tolerance (default 0.01). */
  minHeapTolerance?: number;
  /** Collector options by collector name. */
  collectorOptions?: Readonly<Record<string, CollectorOptions>>;
  /** Per-task timeout in milliseconds (default 0 = none). */
  timeoutMs?: number;
  /** Stops the run: completed cells are kept and the results say `interrupted`. */
  signal?: AbortSignal;
  /** Run one shard of the planned cells (see `selectShard`); default all cells. */
  shard?: MatrixShard;
}

/** Shard `index` (1-based) of `count`, for spreading a matrix over several machines or CI jobs. */
export interface MatrixShard {
  readonly index: number;
  readonly count: number;
}

/** Progress of a matrix run. */
export type MatrixProgress =
  | { readonly type: 'plan'; readonly cells: number; readonly minHeapSearches: number }
  | {
      readonly type: 'min-heap';
      readonly record: MinHeapRecord;
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'cell'; readonly result: CellResult; readonly done: number; readonly total: number };

/** A planned cell: the cell and whether the matrix added it as the baseline. */
export interface PlannedCell {
  readonly cell: Cell;
  readonly baseline: boolean;
}

/** Default worker concurrency: 2, or fewer when the machine has fewer CPUs. */
export function defaultConcurrency(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

function heapSpecs(options: MatrixOptions): HeapSpec[] {
  const heaps = options.heaps ?? [UNLIMITED];
  if (heaps.length === 0) throw new RangeError('at least one heap size is needed');
  return heaps.map((h) => (typeof h === 'string' ? parseHeapSpec(h) : h));
}

/**
 * The planned cells of shard `shard`: cell k (plan order, baseline cells included) belongs to
 * shard (k mod count) + 1, so the shards together hold every cell once and get similar mixes of
 * workloads and collectors. Without a shard, every cell. Throws for an invalid shard.
 */
export function selectShard(planned: readonly PlannedCell[], shard: MatrixShard | undefined): PlannedCell[] {
  if (shard === undefined) return [...planned];
  const { index, count } = shard;
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 1 && index <= count)) {
    throw new RangeError(`shard must be I/N with 1 <= I <= N, got ${index}/${count}`);
  }
  return planned.filter((_, k) => k % count === index - 1);
}

/**
 * The cells of a matrix, in run order (workload, size, seed, collector, heap), with the baseline
 * cells (the baseline collector, unlimited heap) added for each workload, size and seed unless the
 * matrix already has them. Throws for an unknown workload or an empty dimension.
 */
export function planMatrix(options: MatrixOptions): PlannedCell[] {
  const sizes = options.sizes ?? ['small'];
  const seeds = options.seeds ?? [42];
  const heaps = heapSpecs(options);
  if (options.workloads.length === 0) throw new RangeError('at least one workload is needed');
  if (options.collectors.length === 0) throw new RangeError('at least one collector is needed');
  for (const size of sizes) {
    if (!WORKLOAD_SIZES.includes(size))
      throw new RangeError(`unknown size '${size}' (small, medium or large)`);
  }
  for (const spec of options.workloads) resolveWorkload(spec);
  const baseline = options.baseline === undefined ? NO_GC_BASELINE : options.baseline;
  const out: PlannedCell[] = [];
  for (const workload of options.workloads) {
    for (const size of sizes) {
      for (const seed of seeds) {
        const program = { workload, size, seed };
        if (baseline !== null) {
          const present =
            options.collectors.some((c) => c.name === baseline.name) &&
            heaps.some((h) => h.kind === 'unlimited');
          if (!present)
            out.push({ cell: { ...program, collector: baseline.name, heap: UNLIMITED }, baseline: true });
        }
        for (const collector of options.collectors) {
          for (const heap of heaps)
            out.push({ cell: { ...program, collector: collector.name, heap }, baseline: false });
        }
      }
    }
  }
  return out;
}

/** Runs the matrix and returns its results; `onProgress` hears of each minimum heap and cell. */
export async function runMatrix(
  options: MatrixOptions,
  onProgress: (event: MatrixProgress) => void = () => {},
): Promise<MatrixResults> {
  const started = Date.now();
  const timestamp = new Date(started).toISOString();
  const planned = selectShard(planMatrix(options), options.shard);
  const baseline = options.baseline === undefined ? NO_GC_BASELINE : options.baseline;
  const entries = new Map<string, CollectorEntry>();
  for (const c of options.collectors) entries.set(c.name, c);
  if (baseline !== null && !entries.has(baseline.name)) entries.set(baseline.name, baseline);
  const invocations = options.invocations ?? 3;
  const warmup = options.warmup ?? 1;
  const sampleEvery = options.sampleEvery ?? 0;
  const concurrency = options.concurrency ?? defaultConcurrency();
  const isolation = options.isolation ?? 'cell';
  const signal = options.signal;
  const pool = {
    concurrency,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(signal === undefined ? {} : { signal }),
  };
  const entry = (name: string): CollectorEntry => entries.get(name)!;
  const collectorOptions = (name: string): { collectorOptions?: CollectorOptions } => {
    const o = options.collectorOptions?.[name];
    return o === undefined ? {} : { collectorOptions: o };
  };

  // Minimum heaps.
  const cache = new MinHeapCache(options.minHeapCacheFile ?? null);
  const fingerprints = new Map<string, string>();
  const fingerprint = (name: string): string => {
    let f = fingerprints.get(name);
    if (f === undefined) {
      f = collectorFingerprint(entry(name).ref);
      fingerprints.set(name, f);
    }
    return f;
  };
  const minHeapKey = (c: Cell): string =>
    MinHeapCache.key(c.workload, c.size, c.seed, c.collector, fingerprint(c.collector));
  const minHeaps = new Map<string, MinHeapRecord>();
  const searches: MinHeapTask[] = [];
  const searchKeys: string[] = [];
  for (const { cell } of planned) {
    if (cell.heap.kind !== 'multiple') continue;
    const key = minHeapKey(cell);
    if (minHeaps.has(key)) continue;
    const record: MinHeapRecord = {
      workload: cell.workload,
      size: cell.size,
      seed: cell.seed,
      collector: cell.collector,
      bytes: null,
      cached: false,
    };
    const cached = cache.get(key);
    if (cached !== undefined) {
      record.bytes = cached;
      record.cached = true;
    } else {
      searches.push({
        kind: 'min-heap',
        ref: entry(cell.collector).ref,
        workload: cell.workload,
        size: cell.size,
        seed: cell.seed,
        options: {
          ...(options.minHeapTolerance === undefined ? {} : { tolerance: options.minHeapTolerance }),
          ...collectorOptions(cell.collector),
        },
      });
      searchKeys.push(key);
    }
    minHeaps.set(key, record);
  }
  onProgress({ type: 'plan', cells: planned.length, minHeapSearches: searches.length });
  let searched = 0;
  await runTasks(
    searches,
    (i) =>
      isolation === 'collector'
        ? `min-heap ${searches[i]!.ref.module}#${searches[i]!.ref.exportName}`
        : `task ${i}`,
    pool,
    (i, reply: WorkerReply) => {
      const key = searchKeys[i]!;
      const record = minHeaps.get(key)!;
      if (reply.ok) {
        record.bytes = (reply.value as MinHeapResult).bytes;
        cache.set(key, record.bytes);
      } else {
        record.error = reply.message;
      }
      onProgress({ type: 'min-heap', record, done: ++searched, total: searches.length });
    },
  );
  cache.save();

  // Cells.
  const results: Array<CellResult | undefined> = new Array(planned.length);
  const tasks: CellTask[] = [];
  const taskCells: number[] = [];
  let done = 0;
  const finish = (index: number, result: CellResult): void => {
    results[index] = result;
    onProgress({ type: 'cell', result, done: ++done, total: planned.length });
  };
  planned.forEach(({ cell, baseline: isBaseline }, index) => {
    const min = cell.heap.kind === 'multiple' ? (minHeaps.get(minHeapKey(cell))?.bytes ?? null) : null;
    if (cell.heap.kind === 'multiple' && min === null) {
      // Stopped during the searches: the cell did not run, it did not fail.
      if (signal?.aborted) return;
      const why = minHeaps.get(minHeapKey(cell))?.error ?? 'the minimum-heap search did not run';
      finish(index, failedCell(cell, isBaseline, `minimum heap unknown: ${why}`));
      return;
    }
    tasks.push({
      kind: 'cell',
      ref: entry(cell.collector).ref,
      cell,
      options: { invocations, warmup, sampleEvery, minHeapBytes: min, ...collectorOptions(cell.collector) },
    });
    taskCells.push(index);
  });
  await runTasks(
    tasks,
    (i) => (isolation === 'collector' ? `cells ${tasks[i]!.cell.collector}` : `task ${i}`),
    pool,
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

  const cells = results.filter((r): r is CellResult => r !== undefined);
  addOverheads(cells, baseline?.name ?? null);
  return {
    schema: RESULTS_SCHEMA,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    timestamp,
    durationMs: Date.now() - started,
    machine: machineInfo(),
    node: process.version,
    packages: packageVersions([...entries.values()].map((e) => e.ref)),
    gitCommit: gitCommit(),
    options: {
      workloads: [...options.workloads],
      collectors: options.collectors.map((c) => ({ name: c.name, ...c.ref })),
      sizes: [...(options.sizes ?? ['small'])],
      heaps: heapSpecs(options).map(formatHeapSpec),
      seeds: [...(options.seeds ?? [42])],
      invocations,
      warmup,
      sampleEvery,
      isolation,
      concurrency,
      baseline: baseline?.name ?? null,
      shard: options.shard === undefined ? null : { index: options.shard.index, count: options.shard.count },
    },
    interrupted: signal?.aborted === true,
    minHeaps: [...minHeaps.values()],
    cells,
    timeSpace: timeSpaceSeries(cells, [...minHeaps.values()]),
  };
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

/** Sets each ok cell's overhead against the baseline cell of its workload, size and seed. */
export function addOverheads(cells: CellResult[], baselineName: string | null): void {
  if (baselineName === null) return;
  for (const cell of cells) {
    const base = cells.find(
      (b) =>
        b.cell.collector === baselineName &&
        b.cell.heap.kind === 'unlimited' &&
        b.status === 'ok' &&
        sameProgram(b.cell, cell.cell),
    );
    cell.overheadVsNoGc =
      cell.summary === null ? null : overhead(cell.summary.wallMs.median, base?.summary?.wallMs.median);
  }
}

/** Time-space series: for each workload, size, seed and collector with more than one heap size. */
export function timeSpaceSeries(
  cells: readonly CellResult[],
  minHeaps: readonly MinHeapRecord[],
): TimeSpaceSeries[] {
  const groups = new Map<string, CellResult[]>();
  for (const r of cells) {
    if (r.baseline === true) continue;
    const c = r.cell;
    const key = `${c.workload}|${c.size}|${c.seed}|${c.collector}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  const out: TimeSpaceSeries[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const c = group[0]!.cell;
    const min =
      minHeaps.find(
        (m) =>
          m.workload === c.workload && m.size === c.size && m.seed === c.seed && m.collector === c.collector,
      )?.bytes ??
      group.find((r) => r.minHeapBytes !== null)?.minHeapBytes ??
      null;
    const points = group.map((r) => {
      const multiple =
        r.cell.heap.kind === 'multiple'
          ? r.cell.heap.multiple
          : r.heapLimitBytes !== null && min !== null
            ? r.heapLimitBytes / min
            : null;
      return {
        heap: formatHeapSpec(r.cell.heap),
        heapLimitBytes: r.heapLimitBytes,
        multiple,
        status: r.status,
        wallMs: r.status === 'ok' ? (r.summary?.wallMs.median ?? null) : null,
        gcMs: r.status === 'ok' ? (r.summary?.gcMs.median ?? null) : null,
        peakReservedBytes: r.measurement?.memory.peakReservedBytes ?? null,
      };
    });
    points.sort(
      (a, b) =>
        (a.heapLimitBytes ?? Number.POSITIVE_INFINITY) - (b.heapLimitBytes ?? Number.POSITIVE_INFINITY),
    );
    out.push({
      workload: c.workload,
      size: c.size,
      seed: c.seed,
      collector: c.collector,
      minHeapBytes: min,
      points,
    });
  }
  return out;
}
