/**
 * One replay of a trace file under one collector, and the figures the `replay` command reports.
 * The trace is streamed (`replayTraceFile` reads it in chunks and drives the heap from each decoded
 * line), so a trace of any size runs in memory proportional to the heap it builds, not to the file.
 * A file in TraceFileSim's format (detected from its content, `detectTraceFormat`) is replayed
 * through core's `TraceFileSimReader`, which turns its lines into gclab operations.
 *
 * An error of the run (a mutator error, out of memory, a corrupted heap) is located in the trace: it
 * becomes a `TraceRunError` whose message starts with `file:line:col:`. A contained collector
 * (`contain`, for a user's module) has its faults reported as its own (`collector-fault.ts`). The run
 * ends with a cheap consistency check (`end-check.ts`), so impossible figures are never reported.
 */
import { accessSync, constants, statSync } from 'node:fs';
import {
  type CollectionRecord,
  type CollectorDescriptor,
  type CollectorOptions,
  type Counters,
  detectTraceFormat,
  Heap,
  HeapIntegrityError,
  MutatorError,
  OutOfMemoryError,
  type ReplayResult,
  replay,
  replayTraceFile,
  TraceFileReader,
  TraceFileSimReader,
} from '@gclab/core';
import { containCollector, type Heartbeat, type HookTimeLimits } from './collector-fault.ts';
import { endOfRunCheck } from './end-check.ts';
import { UsageError } from './errors.ts';
import { CHECK_EVERY_OPS, checkJsHeap, JsHeapFullError } from './js-heap-guard.ts';
import { TraceRunError } from './trace-run-error.ts';

/** What to replay and how. */
export interface ReplayRunOptions {
  /** Path of the trace file. */
  file: string;
  /** The collector. */
  descriptor: CollectorDescriptor;
  /** Verify the heap after every operation. */
  checked?: boolean;
  /** Heap limit in bytes (the simulated OS refuses to map past it). */
  heapLimit?: number;
  /** The collector's options (default none: its defaults). */
  collectorOptions?: CollectorOptions;
  /** Host-memory budget in bytes for the simulated memory (the OS refuses to map past it). */
  hostMemoryLimit?: number;
  /** Contain the collector (a user's module): its faults are its own, under these time limits. */
  contain?: { limits: HookTimeLimits; heartbeat: Heartbeat | null };
  /** V8's heap limit in bytes for the JavaScript heap guard (default: the process's own). */
  jsHeapLimit?: number;
  /** Told each value a `refcount` op records, as it runs (null where the collector does not count). */
  onRefcount?: (value: number | null, opIndex: number) => void;
  /** Told each output line as it is written (`refcount` values and, in trace format 2, events). */
  onLine?: (line: string) => void;
  /** Told of each collection as it ends. */
  onCollection?: (record: CollectionRecord) => void;
}

/** An object count and the bytes in those objects. */
export interface ObjectsAndBytes {
  /** Objects. */
  objects: number;
  /** Bytes (object sizes, header words included). */
  bytes: number;
}

/** The figures of a finished replay. */
export interface ReplayReport {
  /** The trace file replayed. */
  trace: string;
  /** The collector's name. */
  strategy: string;
  /** Whether checked mode was on. */
  checked: boolean;
  /** The heap limit in bytes, or null for none. */
  heapLimit: number | null;
  /** Operations executed. */
  ops: number;
  /** What the `refcount` ops recorded, in order (null where the collector does not count). */
  output: Array<number | null>;
  /** Every output line in order: `refcount` values and (trace format 2) finalizers, callbacks, `deref` and `gc` calls. */
  lines: string[];
  /** Objects and bytes allocated. */
  allocations: ObjectsAndBytes;
  /** Objects and bytes the collector freed. */
  frees: ObjectsAndBytes;
  /** Collections: how many, and how many of each kind or generation. */
  collections: { total: number; byKind: Record<string, number> };
  /** Bytes mapped from the simulated OS at the end. */
  reservedBytes: number;
  /** The most bytes mapped at once. */
  peakReservedBytes: number;
  /** Reachable from the roots at the end, by the oracle's own traversal. */
  live: ObjectsAndBytes;
  /** Leaked: garbage outstanding at the end (unreachable by the oracle, yet not freed). */
  leaked: ObjectsAndBytes;
  /** The heap's deterministic counters. */
  counters: Counters;
  /** The collector's own figures (`Collector.stats()`). */
  collectorStats: Record<string, number>;
  /** Per-generation allocation counts (`count0`, `count1`, ... of the collector's stats), or null. */
  generationCounts: number[] | null;
  /** Every collection in the order it ran. */
  gcLog: CollectionRecord[];
}

/** Replays `options.file` under `options.descriptor`; errors of the run propagate (typed, located). */
export function runReplay(options: ReplayRunOptions): ReplayReport {
  const { file, descriptor } = options;
  checkReadable(file);
  // gclab's own format is replayed from its decoded lines; TraceFileSim's through its reader's ops.
  const format = detectTraceFormat(file);
  const reader = format === 'gclab' ? new TraceFileReader(file) : null;
  const tfs = format === 'tracefilesim' ? new TraceFileSimReader(file) : null;
  const locate = (): string =>
    reader !== null
      ? `${file}:${reader.decoder.lineNumber}:${reader.decoder.opColumn}`
      : `${file}:${tfs!.lineNumber}:${tfs!.opColumn}`;
  const heap = new Heap(descriptor, {
    checked: options.checked === true,
    ...(options.heapLimit === undefined ? {} : { heapLimit: options.heapLimit }),
    ...(options.collectorOptions === undefined ? {} : { collectorOptions: options.collectorOptions }),
    ...(options.hostMemoryLimit === undefined ? {} : { hostMemoryLimit: options.hostMemoryLimit }),
  });
  if (options.contain !== undefined) {
    containCollector(heap.collector, heap, options.contain.limits, locate, options.contain.heartbeat);
  }
  if (options.onCollection !== undefined) heap.telemetry.collectionListeners.push(options.onCollection);
  let result: ReplayResult;
  try {
    const jsHeapLimit = options.jsHeapLimit;
    const replayOptions = {
      ...(options.onRefcount === undefined ? {} : { onRefcount: options.onRefcount }),
      ...(options.onLine === undefined ? {} : { onLine: options.onLine }),
      onOp: (index: number) => {
        if ((index & (CHECK_EVERY_OPS - 1)) === CHECK_EVERY_OPS - 1) checkJsHeap(jsHeapLimit);
      },
    };
    result =
      reader !== null
        ? replayTraceFile(heap, reader, replayOptions)
        : replay(heap, tfs!.ops(), replayOptions);
  } catch (error) {
    if (
      error instanceof MutatorError ||
      error instanceof OutOfMemoryError ||
      error instanceof HeapIntegrityError ||
      error instanceof JsHeapFullError
    ) {
      throw new TraceRunError(locate(), error, heap);
    }
    throw error;
  }
  const reach = endOfRunCheck(heap, result.ops);
  const stats = heap.stats();
  const c = stats.counters;
  const byKind = stats.collectionsByKind;
  return {
    trace: file,
    strategy: descriptor.name,
    checked: heap.checked,
    heapLimit: options.heapLimit ?? null,
    ops: result.ops,
    output: result.output,
    lines: result.lines,
    allocations: { objects: c.objectsAllocated, bytes: c.bytesAllocated },
    frees: { objects: c.objectsFreed, bytes: c.bytesFreed },
    collections: { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind },
    reservedBytes: stats.reservedBytes,
    peakReservedBytes: stats.peakReservedBytes,
    live: { objects: reach.reachableObjects, bytes: reach.reachableBytes },
    leaked: { objects: reach.garbageObjects, bytes: reach.garbageBytes },
    counters: c,
    collectorStats: stats.collector,
    generationCounts: generationCounts(stats.collector),
    gcLog: heap.telemetry.collections,
  };
}

/**
 * `count0`, `count1`, ... from a collector's stats, as `gc.get_count()` gives them in CPython: the
 * values of the keys present from `count0` on, or null when the collector has no `count0`.
 */
export function generationCounts(stats: Record<string, number>): number[] | null {
  const counts: number[] = [];
  for (let g = 0; typeof stats[`count${g}`] === 'number'; g++) counts.push(stats[`count${g}`]!);
  return counts.length === 0 ? null : counts;
}

/** Throws a `UsageError` unless `file` is a readable file. */
function checkReadable(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new UsageError(`cannot read trace '${file}': no such file`);
  }
  if (!isFile) throw new UsageError(`cannot read trace '${file}': not a file`);
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new UsageError(`cannot read trace '${file}': permission denied`);
  }
}
