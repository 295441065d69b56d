/**
 * Measures one run of a workload under one collector: a fresh heap, the workload timed, then the
 * figures of the run (time, pauses, MMU, memory, garbage, counters, frees by operation).
 *
 * Order of a run:
 * 1. The heap and collector are created (not timed).
 * 2. The workload runs between two `performance.now()` readings: wall time. Time in the collector
 *    is the sum of the pauses recorded during it; mutator time is the rest.
 * 3. At the workload's end (not timed): the counters are read, and one oracle traversal gives the
 *    live bytes and the outstanding garbage at the end.
 * 4. A final full collection (`heap.gc()`; it does nothing under collectors that never collect),
 *    then a second traversal: what is still unfreed and unreachable is leaked; the reserved bytes
 *    after it are the memory the run would hand back to the OS; fragmentation is taken then.
 * The final collection's pause is not part of the run's pauses.
 */
import {
  type CollectorDescriptor,
  type CollectorOptions,
  type Counters,
  Heap,
  OP_NAMES,
  OpCode,
} from '@gclab/core';
import { hostMemoryError, hostMemoryOption } from '../runner/host-memory-budget.ts';
import type { Workload, WorkloadParams } from '../workloads/workload.ts';
import { GarbageSampler, type Timeline } from './garbage-sampler.ts';
import { fragmentation, headerBytes } from './memory.ts';
import { type MmuPoint, mmuAt, mmuCurve } from './mmu.ts';
import { type PauseDistribution, pauseDistribution } from './pause-distribution.ts';

/** Options of one measured run. */
export interface MeasureOptions {
  /** Heap limit in bytes (none when absent). */
  heapLimit?: number;
  /** Host-memory budget in bytes of the heap's simulated memory (none when absent). */
  hostMemoryLimit?: number;
  /** Options for the collector's `create`. */
  collectorOptions?: CollectorOptions;
  /** Sample the oracle every this many allocated bytes (off when absent or 0). Slows the run. */
  sampleEvery?: number;
  /** Run in checked mode (slow; for tests). */
  checked?: boolean;
}

/** Pauses of a run. */
export interface PauseFigures extends PauseDistribution {
  /** Work units of all pauses (deterministic). */
  workTotal: number;
  /** Largest work units of one pause (deterministic). */
  workMax: number;
  /** Mean work units per pause. */
  workMean: number;
  /** A hash of the sequence of work units (deterministic: same pauses doing the same work). */
  workHash: number;
  /** Count, time and work by pause kind. */
  byKind: Record<string, { count: number; totalMs: number; work: number }>;
}

/** Minimum mutator utilization of a run. */
export interface MmuFigures {
  /** MMU at a 1 ms window (null when the run is shorter). */
  w1ms: number | null;
  /** MMU at 10 ms. */
  w10ms: number | null;
  /** MMU at 100 ms. */
  w100ms: number | null;
  /** The curve over standard windows. */
  curve: MmuPoint[];
}

/** Memory figures of a run. */
export interface MemoryFigures {
  /** The most bytes mapped at once. */
  peakReservedBytes: number;
  /** Bytes mapped when the workload ended. */
  finalReservedBytes: number;
  /** Bytes mapped after the final full collection. */
  reservedAfterCollectionBytes: number;
  /** Live bytes when the workload ended. */
  finalLiveBytes: number;
  /** Largest live bytes among the oracle samples (null when not sampled). */
  peakLiveBytes: number | null;
  /** Header words per object the collector declares. */
  headerWords: number;
  /** Bytes of headers (shape word plus header words) of every object allocated. */
  headerBytes: number;
  /** (reserved - live) / reserved after the final collection. */
  fragmentation: number;
}

/** Garbage figures of a run. */
export interface GarbageFigures {
  /** Unreachable unfreed bytes when the workload ended (outstanding garbage at the end). */
  outstandingAtEndBytes: number;
  /** Largest outstanding garbage among the samples (null when not sampled). */
  peakOutstandingBytes: number | null;
  /** Unreachable bytes still unfreed after the final full collection. */
  leakedBytes: number;
  /** Unreachable objects still unfreed after the final full collection. */
  leakedObjects: number;
}

/** Everything measured in one run. */
export interface RunMeasurement {
  /** The workload's own result (a checksum; identical under every collector). */
  result: number;
  /** Wall time, time in the collector, time in the mutator, in milliseconds. */
  time: { wallMs: number; gcMs: number; mutatorMs: number };
  /** Pause distribution and work. */
  pauses: PauseFigures;
  /** Minimum mutator utilization. */
  mmu: MmuFigures;
  /** Memory. */
  memory: MemoryFigures;
  /** Garbage and leaks. */
  garbage: GarbageFigures;
  /** Deterministic counters when the workload ended. */
  counters: Counters;
  /** Objects and bytes freed during each kind of operation (`ret`, `del`, `new`, `gc`...). */
  frees: { objectsByOp: Record<string, number>; bytesByOp: Record<string, number> };
  /** Collections by kind or generation. */
  collections: Record<string, number>;
  /** The collector's own figures. */
  collector: Record<string, number>;
  /** Memory and garbage over the allocation clock (only when sampled). */
  timeline: Timeline | null;
}

/**
 * Runs `workload` once under `descriptor` and measures it. Throws what the run throws (OOM included);
 * an out-of-memory error refused by the host-memory budget as `HostMemoryExhaustedError`.
 */
export function measureRun(
  descriptor: CollectorDescriptor,
  workload: Workload,
  params: WorkloadParams,
  options: MeasureOptions = {},
): RunMeasurement {
  const heap = new Heap(descriptor, {
    ...(options.heapLimit === undefined ? {} : { heapLimit: options.heapLimit }),
    ...hostMemoryOption(options.hostMemoryLimit),
    ...(options.collectorOptions === undefined ? {} : { collectorOptions: options.collectorOptions }),
    checked: options.checked === true,
  });
  const sampler =
    options.sampleEvery !== undefined && options.sampleEvery > 0
      ? new GarbageSampler(heap, options.sampleEvery)
      : null;
  sampler?.install();

  const t0 = performance.now();
  let result: number;
  try {
    result = workload.run(heap, params);
  } catch (error) {
    throw hostMemoryError(error, heap);
  }
  const t1 = performance.now();

  // The workload's end.
  const telemetry = heap.telemetry;
  const pauseCount = telemetry.pauses.length;
  const counters = { ...heap.counters };
  const objectsByOp: Record<string, number> = {};
  const bytesByOp: Record<string, number> = {};
  OP_NAMES.forEach((name, op) => {
    // The operations of trace format 2 (from `finalizer` on) appear only when they freed something,
    // so the results of workloads that do not use them keep their shape.
    if (op >= OpCode.finalizer && telemetry.freedDuringOp[op] === 0) return;
    objectsByOp[name] = telemetry.freedDuringOp[op]!;
    bytesByOp[name] = telemetry.bytesFreedDuringOp[op]!;
  });
  const collections = { ...telemetry.collectionsByKind };
  const collectorStats = heap.collector.stats();
  const finalReservedBytes = heap.os.reservedBytes;
  sampler?.sample();
  const atEnd = heap.oracle.traverse();

  const pauses = pauseFigures(heap, pauseCount);
  const intervals = pauseIntervals(heap, pauseCount, t0, t1);
  const [w1ms, w10ms, w100ms] = mmuAt(intervals, [1, 10, 100]);

  // The final full collection, then the leak.
  heap.gc();
  const after = heap.oracle.traverse();
  const reservedAfterCollectionBytes = heap.os.reservedBytes;
  const headerWords = descriptor.constraints.headerWords;

  const wallMs = t1 - t0;
  return {
    result,
    time: { wallMs, gcMs: pauses.totalMs, mutatorMs: Math.max(0, wallMs - pauses.totalMs) },
    pauses,
    mmu: { w1ms: w1ms ?? null, w10ms: w10ms ?? null, w100ms: w100ms ?? null, curve: mmuCurve(intervals) },
    memory: {
      peakReservedBytes: heap.os.peakReservedBytes,
      finalReservedBytes,
      reservedAfterCollectionBytes,
      finalLiveBytes: atEnd.reachableBytes,
      peakLiveBytes: sampler === null ? null : sampler.peakLiveBytes(),
      headerWords,
      headerBytes: headerBytes(counters.objectsAllocated, headerWords),
      fragmentation: fragmentation(reservedAfterCollectionBytes, after.reachableBytes),
    },
    garbage: {
      outstandingAtEndBytes: atEnd.garbageBytes,
      peakOutstandingBytes: sampler === null ? null : sampler.peakGarbageBytes(),
      leakedBytes: after.garbageBytes,
      leakedObjects: after.garbageObjects,
    },
    counters,
    frees: { objectsByOp, bytesByOp },
    collections,
    collector: collectorStats,
    timeline: sampler === null ? null : sampler.timeline,
  };
}

/** Pause distribution, work and kinds of the first `count` pauses. */
function pauseFigures(heap: Heap, count: number): PauseFigures {
  const log = heap.telemetry.pauses;
  const nanos = log.durations().subarray(0, count);
  const work = log.workUnits().subarray(0, count);
  let workTotal = 0;
  let workMax = 0;
  let hash = 0x811c9dc5;
  const byKind: PauseFigures['byKind'] = {};
  for (let i = 0; i < count; i++) {
    const w = work[i]!;
    workTotal += w;
    if (w > workMax) workMax = w;
    hash = Math.imul(hash ^ (w >>> 0), 0x01000193) >>> 0;
    hash = Math.imul(hash ^ Math.floor(w / 4294967296), 0x01000193) >>> 0;
    const kind = log.get(i).kind;
    const k = byKind[kind] ?? (byKind[kind] = { count: 0, totalMs: 0, work: 0 });
    k.count++;
    k.totalMs += nanos[i]! / 1e6;
    k.work += w;
  }
  return {
    ...pauseDistribution(nanos),
    workTotal,
    workMax,
    workMean: count === 0 ? 0 : workTotal / count,
    workHash: hash,
    byKind,
  };
}

/** The first `count` pauses as wall-clock intervals in the run [t0, t1]. */
function pauseIntervals(heap: Heap, count: number, t0: number, t1: number) {
  const log = heap.telemetry.pauses;
  const nanos = log.durations().subarray(0, count);
  const durations = new Float64Array(count);
  for (let i = 0; i < count; i++) durations[i] = nanos[i]! / 1e6;
  return { starts: log.startTimes().subarray(0, count), durations, runStart: t0, runEnd: t1 };
}

/**
 * The figures of a run that must be identical on every invocation with the same parameters
 * (everything but wall-clock times and what is only known when sampled).
 */
export function deterministicFigures(m: RunMeasurement): Record<string, unknown> {
  const { memory, garbage, pauses } = m;
  return {
    result: m.result,
    counters: m.counters,
    frees: m.frees,
    collections: m.collections,
    collector: m.collector,
    pauses: {
      count: pauses.count,
      workTotal: pauses.workTotal,
      workMax: pauses.workMax,
      workHash: pauses.workHash,
      kinds: Object.fromEntries(
        Object.entries(pauses.byKind).map(([k, v]) => [k, { count: v.count, work: v.work }]),
      ),
    },
    memory: {
      peakReservedBytes: memory.peakReservedBytes,
      finalReservedBytes: memory.finalReservedBytes,
      reservedAfterCollectionBytes: memory.reservedAfterCollectionBytes,
      finalLiveBytes: memory.finalLiveBytes,
      headerBytes: memory.headerBytes,
      fragmentation: memory.fragmentation,
    },
    garbage: {
      outstandingAtEndBytes: garbage.outstandingAtEndBytes,
      leakedBytes: garbage.leakedBytes,
      leakedObjects: garbage.leakedObjects,
    },
  };
}
