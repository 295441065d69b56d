/**
 * Hand-made debate data for the claim tests: a few cells with the figures a test sets, everything
 * else zero, so a claim's verdict and prose can be checked on chosen figures without running a matrix.
 */
import { type CellResult, type MatrixResults, spread } from '@gclab/bench';
import type { CollectorFamily } from '@gclab/core';
import type { DebateCollector, DebateData } from '../../../src/debate/debate-data.ts';

/** 1 MiB. */
export const MIB = 2 ** 20;

/** The figures of a hand-made cell a test may set. */
export interface CellFigures {
  /** Median wall time (every one of five invocations took this long). */
  wallMs?: number;
  /** Peak outstanding garbage. */
  garbagePeakBytes?: number;
  /** Peak bytes reserved from the OS. */
  peakReservedBytes?: number;
  /** Unreachable bytes never freed. */
  leakedBytes?: number;
  /** Bytes freed by operation. */
  freedBytesByOp?: Record<string, number>;
}

/** Five invocations that all took `ms`: a spread whose interval is the point `ms`. */
const spreadOf = (ms: number) => spread([ms, ms, ms, ms, ms]);

/** A completed unlimited-heap cell of `workload` under `collector`. */
export function okCell(workload: string, collector: string, f: CellFigures = {}): CellResult {
  const wall = f.wallMs ?? 10;
  return {
    cell: { workload, size: 'small', seed: 42, collector, heap: { kind: 'unlimited' } },
    status: 'ok',
    heapLimitBytes: null,
    minHeapBytes: null,
    invocations: 5,
    wallMs: [wall, wall, wall, wall, wall],
    summary: {
      wallMs: spreadOf(wall),
      gcMs: spreadOf(0),
      mutatorMs: spreadOf(wall),
      pauseP50Ms: spreadOf(0),
      pauseP90Ms: spreadOf(0),
      pauseP99Ms: spreadOf(0),
      pauseMaxMs: spreadOf(0),
      mmu1ms: null,
      mmu10ms: null,
      mmu100ms: null,
    },
    deterministic: null,
    measurement: {
      counters: {
        objectsAllocated: 1000,
        pointerStores: 1000,
        rootWrites: 1000,
        rcIncrements: 0,
        rcDecrements: 0,
      },
      frees: { bytesByOp: { ...f.freedBytesByOp } },
      pauses: { count: 0, workMax: 0 },
      memory: { peakReservedBytes: f.peakReservedBytes ?? 4 * MIB, finalLiveBytes: 0 },
      garbage: {
        peakOutstandingBytes: f.garbagePeakBytes ?? 0,
        leakedBytes: f.leakedBytes ?? 0,
        leakedObjects: 0,
      },
    } as unknown as CellResult['measurement'],
    overheadVsNoGc: null,
  };
}

/** A registered collector as the claims see it. */
export function collector(name: string, family: CollectorFamily, countsReferences = false): DebateCollector {
  return {
    name,
    family,
    constraints: { countsReferences, reclaimsCycles: !countsReferences, headerWords: 0 },
  } as unknown as DebateCollector;
}

/** obmalloc's memory release as the article's example shows it: 41 MiB reserved for 39.7 MiB live. */
export const MEMORY_RELEASE: DebateData['memoryRelease'] = {
  experiment: 'memory-release',
  count: 100_000,
  size: 416,
  sizeClass: 25,
  blockSize: 416,
  blocksPerPool: 39,
  poolsPerArena: 64,
  phases: [
    phase('allocated', 100_000, 2565, 41),
    phase('freed-half', 50_000, 2565, 41),
    phase('freed-all', 0, 0, 1),
  ],
  explanation: '',
};

function phase(
  name: 'allocated' | 'freed-half' | 'freed-all',
  blocks: number,
  pools: number,
  arenas: number,
): DebateData['memoryRelease']['phases'][number] {
  return {
    name,
    liveBlocks: blocks,
    liveBytes: blocks * 416,
    pools,
    unusedPools: arenas * 64 - pools,
    arenas,
    arenasReclaimed: 41 - arenas,
    largeObjects: 0,
    reservedBytes: arenas * MIB,
  };
}

const runs = (median: number, min = median, max = median) => ({ runs: [min, median, max], median, min, max });

/** One variant of the threads experiment: throughputs at 1 and 2 threads (M ops/s), time over gil, scaling. */
export function threadVariant(
  variant: ThreadsResult['variants'][number]['variant'],
  one: number,
  many: number,
  overGil: [number, number, number],
  perOp: { updates: number; atomic: number; immortalSkips: number } | null = {
    updates: 0.5,
    atomic: 0,
    immortalSkips: 0,
  },
): ThreadsResult['variants'][number] {
  return {
    variant,
    correct: variant !== 'non-atomic',
    one: runs(one),
    many: runs(many),
    timeOverGil: runs(...overGil),
    scaling: runs(many / one),
    perOp: perOp === null ? null : { ...perOp, queued: 0 },
    collections: variant === 'tracing' ? 3 : 0,
    pauseMaxMs: 0,
  };
}

/** A contention run of the threads experiment at 2 threads, relative to the unshared one. */
export function contentionRun(
  variant: ThreadsResult['contention'][number]['variant'],
  shared: number,
  singletons: number,
  relative: [number, number, number],
): ThreadsResult['contention'][number] {
  return {
    variant,
    shared,
    singletons,
    throughput: runs(10 * relative[0]),
    relative: runs(...relative),
    atomicPerOp: 0.5,
  };
}

type ThreadsResult = DebateData['threads'];

/** The threads experiment at 2 threads with the variants, contention runs and demonstration given. */
export function threadsResult(
  variants: ThreadsResult['variants'],
  contention: ThreadsResult['contention'] = [],
  threads = 2,
): ThreadsResult {
  return {
    experiment: 'threads',
    size: 'small',
    threads,
    seed: 42,
    invocations: 3,
    warmup: 1,
    opsPerThread: 100_000,
    heapPerThreadBytes: 256 * 1024,
    singletons: 0.25,
    machine: { cores: 2, cpuModel: 'test', node: '20', loadBefore: 0.5, loadAfter: 0.7 },
    variants,
    contention,
    demonstration: {
      threads,
      opsPerThread: 1_000_000,
      runs: [
        {
          lost: true,
          countsTooLow: 6,
          countsTooHigh: 13,
          danglingReferences: 0,
          freedWhileReachable: 0,
          unreachable: 0,
          useAfterFree: 0,
          underflows: 0,
          error: null,
        },
      ],
    },
    failures: [],
    retried: [],
    durationMs: 0,
  };
}

/** Debate data over the main-matrix cells `cells` of one acyclic workload (`churn`). */
export function debateData(cells: CellResult[], collectors: DebateCollector[]): DebateData {
  return {
    size: 'small',
    seed: 42,
    plan: {
      workloads: ['churn'],
      collectors: collectors.map((c) => c.name),
      acyclic: ['churn'],
      timeSpaceWorkload: 'churn',
      timeSpaceCollectors: [],
      timeSpaceHeaps: [],
    },
    collectors,
    main: { cells, timeSpace: [] } as unknown as MatrixResults,
    timeSpace: { cells: [], timeSpace: [] } as unknown as MatrixResults,
    memoryRelease: MEMORY_RELEASE,
    getrefcount: [],
    getrefcountVersions: [],
    finalization: { experiment: 'finalization', options: { files: 0, work: 0 }, runs: [] },
    realHeaps: [],
    threads: threadsResult([]),
    durationMs: 0,
  };
}
