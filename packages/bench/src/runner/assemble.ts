/**
 * Assembling a matrix's results: each cell's overhead against its baseline cell, the time-space
 * series across heap sizes, and the provenance of the run (machine, packages, commit, options).
 */
import { overhead } from '../metrics/memory.ts';
import { formatHeapSpec } from './cell.ts';
import type { MatrixOptions, MatrixSettings } from './matrix-options.ts';
import { heapSpecs } from './plan.ts';
import { gitCommit, machineInfo, packageVersions } from './provenance.ts';
import {
  type MatrixResults,
  type MinHeapRecord,
  RESULTS_SCHEMA,
  RESULTS_SCHEMA_VERSION,
  sameProgram,
  type TimeSpaceSeries,
} from './results.ts';
import type { CellResult } from './run-cell.ts';

/** What a run produced, for `assembleResults`. */
export interface MatrixRun {
  readonly options: MatrixOptions;
  readonly settings: MatrixSettings;
  /** When the run started (epoch milliseconds). */
  readonly started: number;
  readonly minHeaps: MinHeapRecord[];
  /** The cells that ran or failed, in plan order; their overheads are set here. */
  readonly cells: CellResult[];
}

/** The results of a run: overheads and time-space series derived, provenance recorded. */
export function assembleResults(run: MatrixRun): MatrixResults {
  const { options, settings, started, minHeaps, cells } = run;
  const baseline = settings.baseline;
  addOverheads(cells, baseline?.name ?? null);
  return {
    schema: RESULTS_SCHEMA,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    timestamp: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    machine: machineInfo(),
    node: process.version,
    packages: packageVersions([...settings.entries.values()].map((e) => e.ref)),
    gitCommit: gitCommit(),
    options: {
      workloads: [...options.workloads],
      collectors: options.collectors.map((c) => ({ name: c.name, ...c.ref })),
      sizes: [...(options.sizes ?? ['small'])],
      heaps: heapSpecs(options).map(formatHeapSpec),
      seeds: [...(options.seeds ?? [42])],
      invocations: settings.invocations,
      minTimedMs: settings.minTimedMs,
      maxInvocations: settings.maxInvocations,
      warmup: settings.warmup,
      sampleEvery: settings.sampleEvery,
      isolation: settings.isolation,
      concurrency: settings.concurrency,
      baseline: baseline?.name ?? null,
      shard: options.shard === undefined ? null : { index: options.shard.index, count: options.shard.count },
    },
    interrupted: options.signal?.aborted === true,
    minHeaps,
    cells,
    timeSpace: timeSpaceSeries(cells, minHeaps),
  };
}

/** The completed baseline cell (unlimited heap) of `cell`'s workload, size and seed, if any. */
export function baselineCellOf(
  cells: readonly CellResult[],
  cell: CellResult,
  baselineName: string | null,
): CellResult | undefined {
  if (baselineName === null) return undefined;
  return cells.find(
    (b) =>
      b.cell.collector === baselineName &&
      b.cell.heap.kind === 'unlimited' &&
      b.status === 'ok' &&
      sameProgram(b.cell, cell.cell),
  );
}

/** Sets each ok cell's overhead against the baseline cell of its workload, size and seed. */
export function addOverheads(cells: CellResult[], baselineName: string | null): void {
  if (baselineName === null) return;
  for (const cell of cells) {
    const base = baselineCellOf(cells, cell, baselineName);
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
