/**
 * The figures a report shows for one cell, and the catalogue of metrics that tables, CSV, Markdown,
 * the HTML report and `gclab compare` share, so every output names and reads a figure the same way.
 *
 * A metric is either measured (wall-clock: it varies run to run and carries a spread over the
 * invocations) or deterministic (counts and bytes from the simulated machine: identical on every
 * run of the same program and seed, so any difference is a real change).
 */
import type { CellResult, Spread } from '@gclab/bench';
import { formatHeapSpec } from '@gclab/bench';

/** How a metric's values are printed. */
export type MetricUnit = 'ms' | 'bytes' | 'count' | 'ratio' | 'fraction';

/** One figure of a cell, with how to read and judge it. */
export interface Metric {
  /** Key in CSV headers and JSON (`wallMs`). */
  readonly key: string;
  /** Column label in tables (`time`). */
  readonly label: string;
  /** Unit, for formatting. */
  readonly unit: MetricUnit;
  /** Which direction is better. */
  readonly better: 'lower' | 'higher';
  /** True for figures of the simulated machine (identical run to run). */
  readonly deterministic: boolean;
  /** The value for a cell (null when the cell has none: failed, not sampled, no baseline). */
  value(r: CellResult): number | null;
  /** The spread over invocations, for measured metrics. */
  spread?(r: CellResult): Spread | null;
  /** For deterministic metrics: the paths in a cell's deterministic record they are made from. */
  readonly paths?: readonly string[];
}

/** RC increments plus decrements of a cell (null when it did not complete). */
export function rcOperations(r: CellResult): number | null {
  const c = r.measurement?.counters;
  return c === undefined ? null : c.rcIncrements + c.rcDecrements;
}

/** The metrics every report shows, in column order. */
export const METRICS: readonly Metric[] = [
  {
    key: 'wallMs',
    label: 'time',
    unit: 'ms',
    better: 'lower',
    deterministic: false,
    value: (r) => r.summary?.wallMs.median ?? null,
    spread: (r) => r.summary?.wallMs ?? null,
  },
  {
    key: 'overheadVsNoGc',
    label: 'vs no-gc',
    unit: 'ratio',
    better: 'lower',
    deterministic: false,
    value: (r) => r.overheadVsNoGc ?? null,
  },
  {
    key: 'gcMs',
    label: 'in GC',
    unit: 'ms',
    better: 'lower',
    deterministic: false,
    value: (r) => r.summary?.gcMs.median ?? null,
    spread: (r) => r.summary?.gcMs ?? null,
  },
  {
    key: 'pauses',
    label: 'pauses',
    unit: 'count',
    better: 'lower',
    deterministic: true,
    value: (r) => r.measurement?.pauses.count ?? null,
    paths: ['pauses.count'],
  },
  {
    key: 'pauseP50Ms',
    label: 'p50',
    unit: 'ms',
    better: 'lower',
    deterministic: false,
    value: (r) => r.summary?.pauseP50Ms.median ?? null,
    spread: (r) => r.summary?.pauseP50Ms ?? null,
  },
  {
    key: 'pauseP99Ms',
    label: 'p99',
    unit: 'ms',
    better: 'lower',
    deterministic: false,
    value: (r) => r.summary?.pauseP99Ms.median ?? null,
    spread: (r) => r.summary?.pauseP99Ms ?? null,
  },
  {
    key: 'pauseMaxMs',
    label: 'max pause',
    unit: 'ms',
    better: 'lower',
    deterministic: false,
    value: (r) => r.summary?.pauseMaxMs.median ?? null,
    spread: (r) => r.summary?.pauseMaxMs ?? null,
  },
  {
    key: 'mmu10ms',
    label: 'MMU 10ms',
    unit: 'fraction',
    better: 'higher',
    deterministic: false,
    value: (r) => r.summary?.mmu10ms?.median ?? null,
    spread: (r) => r.summary?.mmu10ms ?? null,
  },
  {
    key: 'peakReservedBytes',
    label: 'peak reserved',
    unit: 'bytes',
    better: 'lower',
    deterministic: true,
    value: (r) => r.measurement?.memory.peakReservedBytes ?? null,
    paths: ['memory.peakReservedBytes'],
  },
  {
    key: 'leakedBytes',
    label: 'leaked',
    unit: 'bytes',
    better: 'lower',
    deterministic: true,
    value: (r) => r.measurement?.garbage.leakedBytes ?? null,
    paths: ['garbage.leakedBytes'],
  },
  {
    key: 'peakGarbageBytes',
    label: 'garbage peak',
    unit: 'bytes',
    better: 'lower',
    deterministic: true,
    value: (r) => r.measurement?.garbage.peakOutstandingBytes ?? null,
  },
  {
    key: 'rcOps',
    label: 'RC ops',
    unit: 'count',
    better: 'lower',
    deterministic: true,
    value: rcOperations,
    paths: ['counters.rcIncrements', 'counters.rcDecrements'],
  },
  {
    key: 'objectsTraced',
    label: 'traced',
    unit: 'count',
    better: 'lower',
    deterministic: true,
    value: (r) => r.measurement?.counters.objectsTraced ?? null,
    paths: ['counters.objectsTraced'],
  },
];

/** The metric with `key`; throws for an unknown key (a programming error). */
export function metric(key: string): Metric {
  const m = METRICS.find((x) => x.key === key);
  if (m === undefined) throw new RangeError(`unknown metric '${key}'`);
  return m;
}

/** The identity of a cell across result files: `workload|size|seed|collector|heap`. */
export function cellKey(r: CellResult): string {
  const c = r.cell;
  return `${c.workload}|${c.size}|${c.seed}|${c.collector}|${formatHeapSpec(c.heap)}`;
}

/** A cell's heap as a label: `unlimited`, `2x`, `64 MiB`. */
export function heapLabel(r: CellResult): string {
  const h = r.cell.heap;
  if (h.kind === 'bytes') return formatCompactBytes(h.bytes);
  return formatHeapSpec(h);
}

/** `12.3 ms`, `450 µs`: a duration with three significant digits. */
export function formatMs(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1) return `${trim(ms * 1000)} µs`;
  if (ms < 1000) return `${trim(ms)} ms`;
  return `${trim(ms / 1000)} s`;
}

/** `3.2 MiB`, `512 KiB`, `100 B`: bytes with binary units, compact. */
export function formatCompactBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${bytes} B`;
  if (abs < 1024 ** 2) return `${trim(bytes / 1024)} KiB`;
  if (abs < 1024 ** 3) return `${trim(bytes / 1024 ** 2)} MiB`;
  return `${trim(bytes / 1024 ** 3)} GiB`;
}

/** `1.2M`, `34.5k`, `999`: a count, compact. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(n);
  if (abs < 1e6) return `${trim(n / 1e3)}k`;
  if (abs < 1e9) return `${trim(n / 1e6)}M`;
  return `${trim(n / 1e9)}G`;
}

/** `+25.0%`, `-3.1%`: a ratio as a signed percentage. */
export function formatRatio(ratio: number): string {
  const pct = ratio * 100;
  const text = Math.abs(pct) >= 100 ? pct.toFixed(0) : pct.toFixed(1);
  return `${pct >= 0 ? '+' : ''}${text}%`;
}

/** A metric's value for humans (`—` for none). */
export function formatMetric(m: Metric, value: number | null): string {
  if (value === null) return '—';
  switch (m.unit) {
    case 'ms':
      return formatMs(value);
    case 'bytes':
      return formatCompactBytes(value);
    case 'count':
      return formatCount(value);
    case 'ratio':
      return formatRatio(value);
    case 'fraction':
      return value.toFixed(2);
  }
}

/** Three significant digits, without trailing zeros after the point. */
function trim(x: number): string {
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return x.toFixed(digits).replace(/\.0+$|(\.\d*[1-9])0+$/, '$1');
}
