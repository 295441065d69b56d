/**
 * Hand-made debate data for the claim tests: a few cells with the figures a test sets, everything
 * else zero, so a claim's verdict and prose can be checked on chosen figures without running a matrix.
 */
import type { CellResult, MatrixResults } from '@gclab/bench';
import type { CollectorFamily } from '@gclab/core';
import type { DebateCollector, DebateData } from '../../../src/debate/debate-data.ts';

/** 1 MiB. */
export const MIB = 2 ** 20;

/** The figures of a hand-made cell a test may set. */
export interface CellFigures {
  /** Median wall time (every invocation took this long). */
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

const spread = (ms: number) => ({ n: 1, median: ms, min: ms, max: ms, q1: ms, q3: ms });

/** A completed unlimited-heap cell of `workload` under `collector`. */
export function okCell(workload: string, collector: string, f: CellFigures = {}): CellResult {
  const wall = f.wallMs ?? 10;
  return {
    cell: { workload, size: 'small', seed: 42, collector, heap: { kind: 'unlimited' } },
    status: 'ok',
    heapLimitBytes: null,
    minHeapBytes: null,
    invocations: 1,
    wallMs: [wall],
    summary: {
      wallMs: spread(wall),
      gcMs: spread(0),
      mutatorMs: spread(wall),
      pauseP50Ms: spread(0),
      pauseP90Ms: spread(0),
      pauseP99Ms: spread(0),
      pauseMaxMs: spread(0),
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
    durationMs: 0,
  };
}
