import { SimulatedOS } from '@gclab/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AllocatorError,
  OBMALLOC_ARENA_SIZE,
  OBMALLOC_POOL_OVERHEAD,
  OBMALLOC_POOL_SIZE,
  ObmallocSpace,
  type ObmallocStats,
} from '../src/index.ts';
import { checkLiveBlocks, type LiveBlock, writeTag } from './space-checks.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

/** A random program: allocations (sizes skewed to small, some over 512) and frees of live blocks. */
type Op =
  | { alloc: number }
  | { free: number }
  | { burst: number; size: number }
  | { sweepFree: number; stride: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      alloc: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 700 })),
    }),
  },
  { weight: 4, arbitrary: fc.record({ free: fc.nat() }) },
  // Bursts fill several arenas; strided frees empty some pools and arenas and leave others partial.
  {
    weight: 1,
    arbitrary: fc.record({
      burst: fc.integer({ min: 1, max: 4000 }),
      size: fc.integer({ min: 1, max: 512 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ sweepFree: fc.nat(), stride: fc.integer({ min: 1, max: 9 }) }) },
);
const program = fc.array(op, { minLength: 1, maxLength: 300 });

/** Runs `ops`, tagging each block; returns the live blocks. `allocate` may return 0 (refused). */
function run(os: SimulatedOS, space: ObmallocSpace, ops: readonly Op[]): LiveBlock[] {
  const live: LiveBlock[] = [];
  let tag = 1;
  const alloc = (size: number): void => {
    const addr = space.allocate(size);
    if (addr === 0) return;
    expect(addr % 16).toBe(0);
    writeTag(os, addr, size, tag);
    live.push({ addr, size, tag: tag++ });
  };
  const freeAt = (i: number): void => {
    space.free(live[i]!.addr);
    live[i] = live[live.length - 1]!;
    live.pop();
  };
  for (const o of ops) {
    if ('alloc' in o) alloc(o.alloc);
    else if ('burst' in o) for (let k = 0; k < o.burst; k++) alloc(o.size);
    else if ('free' in o) {
      if (live.length > 0) freeAt(o.free % live.length);
    } else {
      for (let i = live.length - 1 - (o.sweepFree % o.stride); i >= 0; i -= o.stride) freeAt(i);
    }
  }
  return live;
}

/** sys._debugmallocstats()'s own check: the arena bytes are fully accounted for. */
function statsAddUp(s: ObmallocStats, live: readonly LiveBlock[]): void {
  const small = live.filter((b) => b.size <= 512);
  const inUse = s.sizeClasses.reduce((n, c) => n + c.blocksInUse, 0);
  expect(inUse).toBe(small.length);
  expect(s.bytesInAllocatedBlocks).toBe(small.reduce((n, b) => n + ObmallocSpace.blockSizeFor(b.size), 0));
  for (const c of s.sizeClasses) {
    expect(c.blocksInUse + c.availBlocks).toBe(c.pools * ObmallocSpace.blocksPerPool(c.sizeClass));
  }
  expect(
    s.bytesInAllocatedBlocks +
      s.bytesInAvailableBlocks +
      s.unusedPools * OBMALLOC_POOL_SIZE +
      s.poolHeaderBytes +
      s.quantizationBytes +
      s.arenaAlignmentBytes,
  ).toBe(s.arenaBytes);
  expect(s.largeObjects).toBe(live.length - small.length);
  expect(s.arenasAllocatedCurrent).toBeLessThanOrEqual(s.arenasHighwater);
  expect(s.arenasAllocatedTotal - s.arenasReclaimed).toBe(s.arenasAllocatedCurrent);
}

describe('ObmallocSpace properties', () => {
  for (const poolsPerArena of [64, 63] as const) {
    it(`random allocate/free (${poolsPerArena} pools per arena): no overlap, mapped, stats add up, all but one arena returned`, () => {
      fc.assert(
        fc.property(program, (ops) => {
          const os = new SimulatedOS();
          const space = new ObmallocSpace(os, { poolsPerArena });
          const live = run(os, space, ops);
          checkLiveBlocks(os, live, (a) => space.blockSize(a));
          space.verify();
          const s = space.stats();
          statsAddUp(s, live);
          expect(s.reservedBytes).toBe(os.reservedBytes);
          for (const b of live) space.free(b.addr);
          space.verify();
          const empty = space.stats();
          expect(empty.arenasAllocatedCurrent).toBeLessThanOrEqual(1);
          expect(os.reservedBytes).toBeLessThanOrEqual(OBMALLOC_ARENA_SIZE);
          expect(empty.sizeClasses.every((c) => c.pools === 0)).toBe(true);
        }),
        { seed, numRuns: 40 },
      );
    });
  }

  it('raises typed errors: double free, foreign addresses, sizes <= 0', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 200 }),
        fc.integer({ min: -1_000_000, max: 0 }),
        fc.integer({ min: 1, max: 0x7fff_0000 }),
        (sizes, badSize, probe) => {
          const space = new ObmallocSpace(new SimulatedOS());
          const addrs = sizes.map((s) => space.allocate(s));
          const victim = addrs.pop()!;
          space.free(victim);
          expect(() => space.free(victim)).toThrow(AllocatorError);
          expect(() => space.allocate(badSize)).toThrow(expect.objectContaining({ kind: 'bad-size' }));
          const liveSet = new Set(addrs);
          if (!liveSet.has(probe)) {
            expect(space.isAllocated(probe)).toBe(false);
            expect(() => space.free(probe)).toThrow(AllocatorError);
          }
          // A probe inside a live small block (not its start) is foreign.
          const inner = addrs.find((a) => space.blockSize(a) <= 512);
          if (inner !== undefined) {
            expect(() => space.free(inner + 8)).toThrow(expect.objectContaining({ kind: 'foreign-address' }));
            if (space.blockSize(inner) > 16) {
              expect(() => space.free(inner + 16)).toThrow(
                expect.objectContaining({ kind: 'foreign-address' }),
              );
            }
            expect(() => space.free(inner - OBMALLOC_POOL_OVERHEAD)).toThrow(AllocatorError);
          }
          space.verify();
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('under a heap limit, refusals return 0 and leave the bookkeeping intact', () => {
    fc.assert(
      fc.property(program, fc.integer({ min: 1, max: 4 }), (ops, arenas) => {
        const os = new SimulatedOS({ heapLimit: arenas * OBMALLOC_ARENA_SIZE });
        const space = new ObmallocSpace(os);
        const live = run(os, space, ops);
        expect(os.reservedBytes).toBeLessThanOrEqual(arenas * OBMALLOC_ARENA_SIZE);
        checkLiveBlocks(os, live, (a) => space.blockSize(a));
        space.verify();
      }),
      { seed, numRuns: 30 },
    );
  });
});
