/**
 * The minimum heap of a workload under a collector: the smallest heap limit (in pages) under which
 * the run completes without `OutOfMemoryError`, found by binary search, as in the DaCapo/running-ng
 * methodology, so heap sizes can be given as multiples of it. Runs are deterministic, so a limit
 * either always succeeds or always fails; the search assumes success is monotonic in the limit.
 *
 * The search:
 * 1. One unlimited run gives the peak reserved bytes P; the limit P (in pages) is probed and doubled
 *    until a run succeeds (a collector may size its spaces from the limit): `hi` succeeds.
 * 2. The limit is halved while runs succeed; the first failure is `lo`.
 * 3. Binary search on pages keeps "lo fails, hi succeeds" until hi - lo is at most the tolerance
 *    (a fraction of hi, at least one page). The answer is hi.
 *
 * Results are cached in a JSON file keyed by workload, size, seed, collector and a fingerprint of
 * the code (package versions and source hashes), so a changed collector is measured again.
 */
import { readFileSync } from 'node:fs';
import {
  type CollectorDescriptor,
  type CollectorOptions,
  Heap,
  OutOfMemoryError,
  PAGE_SIZE,
  roundUp,
} from '@gclab/core';
import type { Workload, WorkloadParams } from '../workloads/workload.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { hostMemoryError, hostMemoryOption } from './host-memory-budget.ts';

/** Options of a minimum-heap search. */
export interface MinHeapOptions {
  /** Stop when hi - lo <= tolerance * hi (default 0.01, at least one page). */
  tolerance?: number;
  /** Options for the collector's `create`. */
  collectorOptions?: CollectorOptions;
  /** Largest limit tried when probing upward (default 2 GiB, the simulated address space). */
  maxBytes?: number;
  /** Host-memory budget in bytes of each probe's heap (none when absent). */
  hostMemoryLimit?: number;
}

/** What a minimum-heap search found. */
export interface MinHeapResult {
  /** The smallest limit found to succeed, in bytes (a whole number of pages). */
  bytes: number;
  /** The largest limit found to fail (0 when none failed down to one page). */
  failedBytes: number;
  /** Peak reserved bytes of the unlimited run. */
  unlimitedPeakBytes: number;
  /** Runs made. */
  probes: number;
}

/**
 * Whether `workload` completes under `descriptor` with `heapLimit`; OOM means no, other errors
 * propagate (running out of the host-memory budget `hostMemoryLimit` as `HostMemoryExhaustedError`:
 * it says nothing of the heap limit).
 */
export function completesWithin(
  descriptor: CollectorDescriptor,
  workload: Workload,
  params: WorkloadParams,
  heapLimit: number | null,
  collectorOptions?: CollectorOptions,
  hostMemoryLimit?: number,
): { ok: boolean; peakReservedBytes: number } {
  let heap: Heap;
  try {
    heap = new Heap(descriptor, {
      ...(heapLimit === null ? {} : { heapLimit }),
      ...hostMemoryOption(hostMemoryLimit),
      ...(collectorOptions === undefined ? {} : { collectorOptions }),
    });
  } catch (error) {
    // A collector may find the limit too small for its spaces before anything runs.
    if (error instanceof OutOfMemoryError) return { ok: false, peakReservedBytes: 0 };
    throw error;
  }
  try {
    workload.run(heap, params);
    return { ok: true, peakReservedBytes: heap.os.peakReservedBytes };
  } catch (error) {
    const cause = hostMemoryError(error, heap);
    if (cause instanceof OutOfMemoryError) return { ok: false, peakReservedBytes: heap.os.peakReservedBytes };
    throw cause;
  }
}

/** Finds the minimum heap of `workload` under `descriptor` (see the file comment). */
export function findMinHeap(
  descriptor: CollectorDescriptor,
  workload: Workload,
  params: WorkloadParams,
  options: MinHeapOptions = {},
): MinHeapResult {
  const tolerance = options.tolerance ?? 0.01;
  const maxBytes = options.maxBytes ?? 2 ** 31;
  let probes = 0;
  const probe = (bytes: number): boolean => {
    probes++;
    return completesWithin(
      descriptor,
      workload,
      params,
      bytes,
      options.collectorOptions,
      options.hostMemoryLimit,
    ).ok;
  };
  probes++;
  const unlimited = completesWithin(
    descriptor,
    workload,
    params,
    null,
    options.collectorOptions,
    options.hostMemoryLimit,
  );
  const peak = unlimited.peakReservedBytes;
  let hi = Math.max(PAGE_SIZE, roundUp(peak, PAGE_SIZE));
  while (!probe(hi)) {
    if (hi >= maxBytes) {
      throw new Error(
        `no heap limit up to ${maxBytes} bytes lets ${workload.name} complete under ${descriptor.name}`,
      );
    }
    hi = Math.min(maxBytes, hi * 2);
  }
  let lo = 0;
  while (hi > PAGE_SIZE) {
    const half = roundUp(Math.floor(hi / 2), PAGE_SIZE);
    if (half >= hi) break;
    if (probe(half)) {
      hi = half;
    } else {
      lo = half;
      break;
    }
  }
  while (hi - lo > Math.max(PAGE_SIZE, tolerance * hi)) {
    const mid = roundUp(Math.floor((lo + hi) / 2), PAGE_SIZE);
    if (mid <= lo || mid >= hi) break;
    if (probe(mid)) hi = mid;
    else lo = mid;
  }
  return { bytes: hi, failedBytes: lo, unlimitedPeakBytes: peak, probes };
}

/** A cache of minimum heaps in a JSON file. */
export class MinHeapCache {
  private readonly entries = new Map<string, number>();

  /** Loads `file` when it exists and is a cache (anything else starts an empty cache). */
  constructor(readonly file: string | null) {
    if (file === null) return;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as {
        kind?: string;
        entries?: Record<string, number>;
      };
      if (data.kind === MIN_HEAP_CACHE_KIND && data.entries !== undefined) {
        for (const [key, bytes] of Object.entries(data.entries))
          if (typeof bytes === 'number') this.entries.set(key, bytes);
      }
    } catch {
      // A missing or unreadable cache is an empty one.
    }
  }

  /** The cache key of a search. */
  static key(workload: string, size: string, seed: number, collector: string, fingerprint: string): string {
    return `${workload}|${size}|${seed}|${collector}|${fingerprint}`;
  }

  /** The cached minimum heap for `key`, if any. */
  get(key: string): number | undefined {
    return this.entries.get(key);
  }

  /** Records a minimum heap. */
  set(key: string, bytes: number): void {
    this.entries.set(key, bytes);
  }

  /** Writes the cache to its file atomically (nothing when it has no file). */
  save(): void {
    if (this.file === null) return;
    const entries = Object.fromEntries([...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writeFileAtomic(
      this.file,
      `${JSON.stringify({ kind: MIN_HEAP_CACHE_KIND, version: 1, entries }, null, 2)}\n`,
    );
  }
}

/** The `kind` field of a minimum-heap cache file. */
export const MIN_HEAP_CACHE_KIND = 'gclab-min-heap-cache';
