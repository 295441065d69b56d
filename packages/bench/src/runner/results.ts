/**
 * The results file: a versioned JSON document holding every cell's figures with the provenance of
 * the run (machine, Node, package versions, git commit, seeds, sizes, options), the minimum heaps
 * measured and a time-space series per workload and collector across heap sizes. Files are written
 * atomically. `schemaVersion` changes whenever a field changes meaning or disappears; added fields
 * keep the version.
 */
import { readFileSync } from 'node:fs';
import { GclabError } from '@gclab/core';
import type { WorkloadSize } from '../workloads/workload.ts';
import { writeFileAtomic } from './atomic-write.ts';
import type { Cell, CollectorRef } from './cell.ts';
import type { MachineInfo } from './provenance.ts';
import { checkResultsSchema } from './results-schema.ts';
import type { CellResult, CellStatus } from './run-cell.ts';

/** The `schema` field of a results file. */
export const RESULTS_SCHEMA = 'gclab-results';
/** The version of the results schema this package writes. */
export const RESULTS_SCHEMA_VERSION = 1;

/** One minimum-heap figure. */
export interface MinHeapRecord {
  workload: string;
  size: WorkloadSize;
  seed: number;
  collector: string;
  /** The minimum heap in bytes (null when the search failed). */
  bytes: number | null;
  /** Whether it came from the cache. */
  cached: boolean;
  /** Why the search failed. */
  error?: string;
}

/** One point of a time-space curve. */
export interface TimeSpacePoint {
  /** Heap spec label (`2x`, `67108864`). */
  heap: string;
  /** Heap limit in bytes. */
  heapLimitBytes: number | null;
  /** The multiple of the minimum heap (bytes specs: limit / minimum, when known). */
  multiple: number | null;
  /** Cell status at this size. */
  status: CellStatus;
  /** Median wall time (null unless ok). */
  wallMs: number | null;
  /** Median time in the collector. */
  gcMs: number | null;
  /** Peak reserved bytes of the median invocation. */
  peakReservedBytes: number | null;
}

/** Time against heap size for one workload, size, seed and collector. */
export interface TimeSpaceSeries {
  workload: string;
  size: WorkloadSize;
  seed: number;
  collector: string;
  /** The minimum heap the multiples refer to. */
  minHeapBytes: number | null;
  /** Points by increasing heap size. */
  points: TimeSpacePoint[];
}

/** What was asked for. */
export interface MatrixRecordedOptions {
  workloads: string[];
  collectors: Array<{ name: string } & CollectorRef>;
  sizes: WorkloadSize[];
  heaps: string[];
  seeds: number[];
  /** Timed invocations per cell: exactly, or at least when `minTimedMs` is above 0. */
  invocations: number;
  /** Timed invocations went on until they took this many milliseconds (0 or absent: none). */
  minTimedMs?: number;
  /** The most timed invocations `minTimedMs` could ask for (absent in files that had no such limit). */
  maxInvocations?: number;
  warmup: number;
  sampleEvery: number | 'auto';
  isolation: 'cell' | 'collector';
  concurrency: number;
  baseline: string | null;
  /** The shard of the plan this file holds (`gclab run --shard I/N`); null or absent for a whole run. */
  shard?: { index: number; count: number } | null;
}

/** A results file. */
export interface MatrixResults {
  schema: typeof RESULTS_SCHEMA;
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  /** When the run started (ISO 8601). */
  timestamp: string;
  /** Wall time of the whole run. */
  durationMs: number;
  machine: MachineInfo;
  /** `process.version`. */
  node: string;
  /** Package versions. */
  packages: Record<string, string>;
  /** The git commit, when run from a repository. */
  gitCommit: string | null;
  options: MatrixRecordedOptions;
  /** True when the run was interrupted: only completed cells are present. */
  interrupted: boolean;
  minHeaps: MinHeapRecord[];
  cells: CellResult[];
  timeSpace: TimeSpaceSeries[];
}

/** A file that is not a readable results file of a supported version. */
export class ResultsFileError extends GclabError {
  override name = 'ResultsFileError';
}

/** Writes `results` to `file` as JSON, atomically (temporary file, then rename). */
export function writeResults(file: string, results: MatrixResults): void {
  writeFileAtomic(file, `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * Reads and checks a results file (its schema and version, then every field against
 * `resultsSchema`); throws `ResultsFileError` naming the file and the problem.
 */
export function readResults(file: string): MatrixResults {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ResultsFileError(`${file}: not readable JSON (${(error as Error).message})`);
  }
  const d = data as Partial<MatrixResults> | null;
  if (typeof d !== 'object' || d === null || d.schema !== RESULTS_SCHEMA) {
    throw new ResultsFileError(`${file}: not a gclab results file (no "schema": "${RESULTS_SCHEMA}")`);
  }
  if (d.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new ResultsFileError(
      `${file}: results schema version ${String(d.schemaVersion)}, this gclab reads version ${RESULTS_SCHEMA_VERSION}`,
    );
  }
  const checked = checkResultsSchema(data);
  if (!checked.ok) throw new ResultsFileError(`${file}: malformed results: ${checked.problems.join('; ')}`);
  return checked.results;
}

/** Whether two cells are the same workload, size and seed. */
export function sameProgram(a: Cell, b: Cell): boolean {
  return a.workload === b.workload && a.size === b.size && a.seed === b.seed;
}
