/**
 * Claim 1: "Python does not necessarily release memory to the OS", judged on the memory-release
 * experiment (CPython 3.11's obmalloc simulated by @gclab/allocator).
 */
import type { DebateData } from '../debate-data.ts';
import { mib, pct } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';

type Phase = DebateData['memoryRelease']['phases'][number];

/** The figures of claim 1. */
export interface MemoryReleaseFigures {
  /** Blocks allocated, and their request size in bytes. */
  count: number;
  size: number;
  /** The phases in order: all allocated, every other one freed, all freed. */
  phases: Phase[];
  /** Bytes still reserved after half the blocks were freed, as a share of those reserved at first. */
  keptShare: number;
}

/** Claim 1: obmalloc keeps arenas reserved while any block in them lives. */
export const memoryRelease: Claim<MemoryReleaseFigures> = {
  number: 1,
  claim: 'Python does not necessarily release memory to the OS.',

  measure(data: DebateData): MemoryReleaseFigures {
    const r = data.memoryRelease;
    const [allocated, half] = r.phases as [Phase, Phase, Phase];
    return {
      count: r.count,
      size: r.size,
      phases: r.phases,
      keptShare: half.reservedBytes / allocated.reservedBytes,
    };
  },

  decide(f: MemoryReleaseFigures): ClaimVerdict {
    const freedAll = f.phases[2]!;
    return f.keptShare > 0.9 && freedAll.reservedBytes > 0
      ? 'supported'
      : f.keptShare > 0.5
        ? 'partly supported'
        : 'refuted';
  },

  write(f: MemoryReleaseFigures, verdict: ClaimVerdict): ClaimWriting {
    const [a, h, z] = f.phases as [Phase, Phase, Phase];
    return {
      experiment:
        `CPython 3.11's small-object allocator (obmalloc: 16 KiB pools in 1 MiB arenas) simulated by @gclab/allocator: ` +
        `allocate ${f.count.toLocaleString('en-US')} blocks of ${f.size} bytes, free every other one, then all the rest, ` +
        `and read the bytes mapped from the simulated OS after each phase (gclab experiment memory-release).`,
      table: {
        head: ['phase', 'live blocks', 'live bytes', 'pools in use', 'arenas', 'reserved from the OS'],
        rows: f.phases.map((p) => [
          p.name,
          p.liveBlocks.toLocaleString('en-US'),
          mib(p.liveBytes),
          String(p.pools),
          String(p.arenas),
          mib(p.reservedBytes),
        ]),
      },
      chart: {
        kind: 'bars',
        caption:
          'Live bytes and bytes reserved from the OS after each phase of the memory-release experiment.',
        axis: 'MiB →',
        rows: ['reserved', 'live'],
        panels: f.phases.map((p) => p.name),
        colours: ['#9aa0a6', '#1f77b4'],
        bars: f.phases.flatMap((p) => [
          { row: 'reserved', panel: p.name, value: p.reservedBytes / 2 ** 20 },
          { row: 'live', panel: p.name, value: p.liveBytes / 2 ** 20 },
        ]),
        layout: { rowHeight: 26, marginLeft: 90 },
      },
      paragraph:
        `${opening(verdict, { supported: 'Supported, with a reason' })}. Allocating took ${mib(a.reservedBytes)} ` +
        `from the OS for ${mib(a.liveBytes)} of live ` +
        `blocks. Freeing every other block halved the live bytes (${mib(h.liveBytes)}) but ${pct(f.keptShare)} of the ` +
        `memory stayed reserved: obmalloc returns memory only by whole 1 MiB arenas, an arena only when all its pools ` +
        `are empty, and after the first free every one of the ${h.pools} pools still held a live block. Freeing the rest ` +
        `returned all but ${mib(z.reservedBytes)} (${z.arenas} empty arena${z.arenas === 1 ? '' : 's'} kept to avoid ` +
        `thrashing, bpo-37257). So whether Python gives memory back depends on where the surviving objects sit, not on ` +
        `how many bytes are live: a long-lived survivor per arena pins the whole arena.`,
    };
  },
};
