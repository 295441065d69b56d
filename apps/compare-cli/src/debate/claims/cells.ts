/**
 * What the claims share: picking completed cells out of the matrices, reading a few figures off a
 * cell, and the formatting of figures and lists in the prose.
 */
import { type CellResult, lowerBeyondSpread, type MatrixResults, type TimeSpaceSeries } from '@gclab/bench';
import { formatCompactBytes, formatMs } from '../../report/figures.ts';
import type { DebateCollector, DebateData } from '../debate-data.ts';

/** The unlimited-heap cell of `workload` under `collector`, if it completed. */
export function cellOf(results: MatrixResults, workload: string, collector: string): CellResult | undefined {
  return results.cells.find(
    (c) =>
      c.cell.workload === workload &&
      c.cell.collector === collector &&
      c.cell.heap.kind === 'unlimited' &&
      c.status === 'ok' &&
      c.measurement !== null,
  );
}

/** The completed unlimited-heap cells of `workload`, in run order. */
export function cellsOf(results: MatrixResults, workload: string): CellResult[] {
  return results.cells.filter(
    (c) =>
      c.cell.workload === workload &&
      c.cell.heap.kind === 'unlimited' &&
      c.status === 'ok' &&
      c.measurement !== null,
  );
}

/** The completed cell of series `s` at `multiple` times its minimum heap. */
export function timeSpaceCell(
  results: MatrixResults,
  s: TimeSpaceSeries,
  multiple: number,
): CellResult | undefined {
  return results.cells.find(
    (c) =>
      c.cell.collector === s.collector &&
      c.cell.workload === s.workload &&
      c.cell.heap.kind === 'multiple' &&
      c.cell.heap.multiple === multiple &&
      c.status === 'ok' &&
      c.summary !== null,
  );
}

/** The workloads of the main matrix, in run order. */
export function workloadsOf(data: DebateData): string[] {
  return [...new Set(data.main.cells.map((c) => c.cell.workload))];
}

/** The names of the collectors `pick` selects. */
export function names(data: DebateData, pick: (c: DebateCollector) => boolean): string[] {
  return data.collectors.filter(pick).map((c) => c.name);
}

/** Median wall time of a completed cell. */
export const wall = (r: CellResult): number => r.summary!.wallMs.median;

/** Bytes freed during the operations `ops` of a completed cell. */
export const freedAt = (r: CellResult, ...ops: string[]): number =>
  ops.reduce((sum, op) => sum + (r.measurement!.frees.bytesByOp[op] ?? 0), 0);

/** Bytes freed in all by a completed cell. */
export const totalFreed = (r: CellResult): number =>
  Object.values(r.measurement!.frees.bytesByOp).reduce((a, b) => a + b, 0);

/** Peak outstanding garbage of a completed cell (0 when not sampled). */
export const garbagePeak = (r: CellResult): number => r.measurement!.garbage.peakOutstandingBytes ?? 0;

/**
 * Whether cell `a` was faster than `b` beyond the spread of the invocations: the within-spread rule
 * of the tables and `gclab compare` (`lowerBeyondSpread`: the medians' intervals do not overlap).
 */
export function clearlyFaster(a: CellResult, b: CellResult): boolean {
  return lowerBeyondSpread(a.summary!.wallMs, b.summary!.wallMs);
}

/** Median wall time with its interval (95% from 6 invocations, the range below), when there are several. */
export function spreadText(r: CellResult): string {
  const s = r.summary!.wallMs;
  return s.n > 1 ? `${formatMs(s.median)} (${formatMs(s.lo)}–${formatMs(s.hi)})` : formatMs(s.median);
}

/** Bytes, compact (`41 MiB`). */
export const mib = (bytes: number): string => formatCompactBytes(bytes);

/** A share as a percentage: one decimal below 10%, and near 100% so that a share short of all never reads 100%. */
export function pct(x: number): string {
  if (x < 0.1) return `${(x * 100).toFixed(1)}%`;
  if (x >= 0.995 && x < 1) return `${(Math.floor(x * 1000) / 10).toFixed(1)}%`;
  return `${(x * 100).toFixed(0)}%`;
}

/** Milliseconds, or a dash for none. */
export function formatNullableMs(ms: number | null): string {
  return ms === null ? '—' : formatMs(ms);
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
