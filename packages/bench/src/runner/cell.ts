/**
 * A cell of the comparison matrix: one workload at one size and seed, under one collector, at one
 * heap size. Heap sizes are given as bytes, as a multiple of the cell's measured minimum heap (the
 * DaCapo/running-ng methodology) or as unlimited.
 */
import { GclabError, PAGE_SIZE, roundUp } from '@gclab/core';
import type { WorkloadSize } from '../workloads/workload.ts';

/** Where a worker process finds a collector descriptor: a module (package name or absolute file) and an export. */
export interface CollectorRef {
  /** A package name (`@gclab/tracing-gc`) or an absolute path to a module file. */
  readonly module: string;
  /** The export holding the `CollectorDescriptor`. */
  readonly exportName: string;
}

/** A collector as the matrix names it, and where to load it from. */
export interface CollectorEntry {
  /** The name used in results (normally the descriptor's name). */
  readonly name: string;
  /** Where a worker loads it. */
  readonly ref: CollectorRef;
}

/** A heap size. */
export type HeapSpec =
  | { readonly kind: 'unlimited' }
  | { readonly kind: 'bytes'; readonly bytes: number }
  | { readonly kind: 'multiple'; readonly multiple: number };

/** No heap limit. */
export const UNLIMITED: HeapSpec = { kind: 'unlimited' };

/** A heap spec that cannot be parsed. */
export class HeapSpecError extends GclabError {
  override name = 'HeapSpecError';
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a heap size: `unlimited`, a multiple of the minimum heap (`2x`, `1.5x`) or bytes with an
 * optional binary unit (`65536`, `64KB`, `64MB`, `1GiB`; KB = KiB = 1024 bytes).
 */
export function parseHeapSpec(text: string): HeapSpec {
  const t = text.trim().toLowerCase();
  if (t === 'unlimited' || t === 'none') return UNLIMITED;
  const multiple = /^(\d+(?:\.\d+)?)x$/.exec(t);
  if (multiple !== null) {
    const m = Number(multiple[1]);
    if (!(m >= 1)) throw new HeapSpecError(`heap multiple must be at least 1x, got '${text}'`);
    return { kind: 'multiple', multiple: m };
  }
  const bytes = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(t);
  const unit = bytes === null ? undefined : UNITS[bytes[2]!];
  if (bytes === null || unit === undefined) {
    throw new HeapSpecError(`heap size '${text}' is not 'unlimited', a multiple like 2x, or bytes like 64MB`);
  }
  const n = Math.ceil(Number(bytes[1]) * unit);
  if (!(n >= PAGE_SIZE))
    throw new HeapSpecError(`heap size must be at least one page (${PAGE_SIZE} bytes), got '${text}'`);
  return { kind: 'bytes', bytes: n };
}

/** The text form of a heap spec (`unlimited`, `2x`, `67108864`), parseable by `parseHeapSpec`. */
export function formatHeapSpec(spec: HeapSpec): string {
  switch (spec.kind) {
    case 'unlimited':
      return 'unlimited';
    case 'bytes':
      return String(spec.bytes);
    case 'multiple':
      return `${spec.multiple}x`;
  }
}

/** The heap limit in bytes for `spec`, given the minimum heap when it is a multiple (pages, rounded up). */
export function heapLimitBytes(spec: HeapSpec, minHeapBytes: number | null | undefined): number | null {
  switch (spec.kind) {
    case 'unlimited':
      return null;
    case 'bytes':
      return spec.bytes;
    case 'multiple':
      if (minHeapBytes === null || minHeapBytes === undefined) {
        throw new HeapSpecError(`heap ${spec.multiple}x needs the cell's minimum heap, which is unknown`);
      }
      return roundUp(Math.ceil(spec.multiple * minHeapBytes), PAGE_SIZE);
  }
}

/** One cell of the matrix. */
export interface Cell {
  /** Workload spec (`gcbench`, `churn:survival=0.3`, `trace:FILE`). */
  readonly workload: string;
  /** Workload size. */
  readonly size: WorkloadSize;
  /** Workload seed. */
  readonly seed: number;
  /** Collector name. */
  readonly collector: string;
  /** Heap size. */
  readonly heap: HeapSpec;
}

/** A short label of a cell: `gcbench/small/42 mark-sweep @2x`. */
export function cellLabel(cell: Cell): string {
  return `${cell.workload}/${cell.size}/${cell.seed} ${cell.collector} @${formatHeapSpec(cell.heap)}`;
}
