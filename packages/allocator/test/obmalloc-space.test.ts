import { SimulatedOS } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import {
  AllocatorError,
  formatObmallocStats,
  OBMALLOC_ARENA_SIZE,
  OBMALLOC_POOL_OVERHEAD,
  OBMALLOC_POOL_SIZE,
  ObmallocSpace,
} from '../src/index.ts';

const POOLS_PER_ARENA = 64;

describe('ObmallocSpace geometry', () => {
  it('has 32 size classes of 16 bytes and floor((16384 - 48) / size) blocks per pool', () => {
    expect(ObmallocSpace.blockSizeFor(1)).toBe(16);
    expect(ObmallocSpace.blockSizeFor(16)).toBe(16);
    expect(ObmallocSpace.blockSizeFor(17)).toBe(32);
    expect(ObmallocSpace.blockSizeFor(416)).toBe(416);
    expect(ObmallocSpace.blockSizeFor(512)).toBe(512);
    expect(ObmallocSpace.blocksPerPool(0)).toBe(1021);
    expect(ObmallocSpace.blocksPerPool(25)).toBe(39);
    expect(ObmallocSpace.blocksPerPool(31)).toBe(31);
  });

  it('places the first block after the 48-byte pool header and blocks 16-aligned', () => {
    const space = new ObmallocSpace(new SimulatedOS());
    const a = space.allocate(24);
    const b = space.allocate(32);
    expect(a % OBMALLOC_POOL_SIZE).toBe(OBMALLOC_POOL_OVERHEAD);
    expect(b % 16).toBe(0);
    expect(space.blockSize(a)).toBe(32);
    expect(space.allocate(1) - a).toBe(0 + OBMALLOC_POOL_SIZE); // class 0 takes the next pool
    space.verify();
  });

  it('maps 1 MiB arenas; with 63 pools per arena the first 16 KiB are lost to alignment', () => {
    const os = new SimulatedOS();
    const space = new ObmallocSpace(os, { poolsPerArena: 63 });
    const blocks: number[] = [];
    for (let i = 0; i < 63 * 31; i++) blocks.push(space.allocate(512)); // 63 pools of 31 blocks
    expect(space.arenas).toBe(1);
    expect(space.stats().arenaAlignmentBytes).toBe(OBMALLOC_POOL_SIZE);
    space.allocate(512);
    expect(space.arenas).toBe(2);
    expect(os.reservedBytes).toBe(2 * OBMALLOC_ARENA_SIZE);
    space.verify();
  });

  it('sends requests over 512 bytes to the large object space', () => {
    const os = new SimulatedOS();
    const space = new ObmallocSpace(os);
    const a = space.allocate(513);
    expect(a % 4096).toBe(0);
    expect(space.blockSize(a)).toBe(513);
    expect(space.stats().largeObjects).toBe(1);
    space.free(a);
    expect(os.reservedBytes).toBe(0);
  });
});

describe('ObmallocSpace errors', () => {
  it('raises typed errors for bad sizes, double frees and foreign addresses', () => {
    const space = new ObmallocSpace(new SimulatedOS());
    const a = space.allocate(40);
    space.allocate(40);
    space.free(a);
    expect(() => space.free(a)).toThrow(expect.objectContaining({ kind: 'double-free' }));
    expect(() => space.free(a + 16)).toThrow(expect.objectContaining({ kind: 'foreign-address' }));
    expect(() => space.free(a + 8)).toThrow(expect.objectContaining({ kind: 'foreign-address' }));
    expect(() => space.free(a - OBMALLOC_POOL_OVERHEAD)).toThrow(
      expect.objectContaining({ kind: 'foreign-address' }),
    );
    expect(() => space.free(0x4000_0000)).toThrow(AllocatorError);
    expect(() => space.allocate(0)).toThrow(expect.objectContaining({ kind: 'bad-size' }));
    expect(() => space.allocate(-1)).toThrow(expect.objectContaining({ kind: 'bad-size' }));
    expect(() => space.allocate(1.5)).toThrow(expect.objectContaining({ kind: 'bad-size' }));
    space.verify();
  });

  it('returns 0 when the heap limit refuses an arena', () => {
    const space = new ObmallocSpace(new SimulatedOS({ heapLimit: OBMALLOC_ARENA_SIZE }));
    let refused = 0;
    for (let i = 0; i < 64 * 1021; i++) if (space.allocate(16) === 0) refused++;
    expect(refused).toBe(0);
    expect(space.allocate(16)).toBe(0);
    space.verify();
  });
});

describe('ObmallocSpace arena and pool management', () => {
  it('a full pool returns to the front of usedpools when a block is freed', () => {
    const space = new ObmallocSpace(new SimulatedOS());
    const first: number[] = [];
    for (let i = 0; i < 31; i++) first.push(space.allocate(512)); // fills pool 1
    const second = space.allocate(512); // pool 2
    space.free(first[7]!);
    expect(space.allocate(500)).toBe(first[7]); // pool 1 is at the front again
    expect(space.allocate(500)).toBe(second + 512);
    space.verify();
  });

  it('allocates new pools from the fullest arena (usable_arenas sorted by nfreepools)', () => {
    const space = new ObmallocSpace(new SimulatedOS());
    const perPool = 31;
    const pools: number[][] = [];
    for (let p = 0; p < 3 * POOLS_PER_ARENA; p++) {
      const blocks: number[] = [];
      for (let i = 0; i < perPool; i++) blocks.push(space.allocate(512));
      pools.push(blocks);
    }
    expect(space.arenas).toBe(3);
    const arenaOf = (addr: number) => Math.floor(addr / OBMALLOC_ARENA_SIZE);
    // Empty 10 pools of the first arena and 5 of the second.
    for (let p = 0; p < 10; p++) for (const b of pools[p]!) space.free(b);
    for (let p = POOLS_PER_ARENA; p < POOLS_PER_ARENA + 5; p++) for (const b of pools[p]!) space.free(b);
    space.verify();
    const fresh = space.allocate(16); // class 0 has no used pool: take a free pool
    expect(arenaOf(fresh)).toBe(arenaOf(pools[POOLS_PER_ARENA]![0]!));
    expect(space.stats().unusedPools).toBe(10 + 5 - 1);
    space.verify();
  });

  it('slides an arena right when it gains a free pool and ties are broken by nfp2lasta', () => {
    const space = new ObmallocSpace(new SimulatedOS());
    const pools: number[][] = [];
    for (let p = 0; p < 3 * POOLS_PER_ARENA; p++) {
      const blocks: number[] = [];
      for (let i = 0; i < 31; i++) blocks.push(space.allocate(512));
      pools.push(blocks);
    }
    const arenaOf = (addr: number) => Math.floor(addr / OBMALLOC_ARENA_SIZE);
    const [a, b] = [pools[0]![0]!, pools[POOLS_PER_ARENA]![0]!];
    const empty = (p: number) => {
      for (const x of pools[p]!) space.free(x);
    };
    empty(1); // arena A: 1 free pool (case 2: head of usable_arenas)
    empty(POOLS_PER_ARENA + 1); // arena B: 1 free pool, at the head; nfp2lasta[1] stays A
    empty(POOLS_PER_ARENA + 2); // arena B: 2 free pools: case 3 slides it after A
    space.verify();
    // The fullest arena (A) serves the next new pool, then B.
    expect(arenaOf(space.allocate(16))).toBe(arenaOf(a));
    expect(arenaOf(space.allocate(32))).toBe(arenaOf(b));
    space.verify();
  });

  it('keeps one wholly free arena (bpo-37257) and unmaps the others', () => {
    const os = new SimulatedOS();
    const space = new ObmallocSpace(os);
    const blocks: number[] = [];
    for (let i = 0; i < 5000; i++) blocks.push(space.allocate(256)); // 63 blocks per pool: 80 pools
    expect(space.arenas).toBe(2);
    for (const b of blocks) space.free(b);
    space.verify();
    const s = space.stats();
    expect(s.arenasAllocatedCurrent).toBe(1);
    expect(s.arenasReclaimed).toBe(1);
    expect(s.arenasHighwater).toBe(2);
    expect(s.unusedPools).toBe(64);
    expect(os.reservedBytes).toBe(OBMALLOC_ARENA_SIZE);
    // A simple allocate/free loop does not map and unmap an arena each time.
    const maps = os.mapCalls;
    for (let i = 0; i < 100; i++) space.free(space.allocate(100));
    expect(os.mapCalls).toBe(maps);
  });

  it('reuses an empty pool of the same class without re-initialising its header', () => {
    const space = new ObmallocSpace(new SimulatedOS());
    const a = space.allocate(64);
    const b = space.allocate(64);
    space.free(b);
    space.free(a); // pool empty -> arena freepools
    expect(space.stats().sizeClasses[3]!.pools).toBe(0);
    expect(space.allocate(64)).toBe(a);
    space.verify();
  });
});

describe('ObmallocSpace reproduces CPython 3.11 facts', () => {
  it('100,000 blocks of 416 bytes: 2,565 pools; half freed keeps them; all freed keeps one arena', () => {
    for (const poolsPerArena of [64, 63] as const) {
      const os = new SimulatedOS();
      const space = new ObmallocSpace(os, { poolsPerArena });
      const blocks = new Int32Array(100_000);
      for (let i = 0; i < blocks.length; i++) blocks[i] = space.allocate(416);
      let s = space.stats();
      const c25 = s.sizeClasses[25]!;
      expect(c25.size).toBe(416);
      expect(c25.pools).toBe(2565);
      expect(c25.blocksInUse).toBe(100_000);
      expect(c25.availBlocks).toBe(2565 * 39 - 100_000);
      expect(s.arenasAllocatedCurrent).toBe(Math.ceil(2565 / poolsPerArena));
      for (let i = 0; i < blocks.length; i += 2) space.free(blocks[i]!);
      s = space.stats();
      expect(s.sizeClasses[25]!.pools).toBe(2565);
      expect(s.sizeClasses[25]!.blocksInUse).toBe(50_000);
      expect(s.arenasAllocatedCurrent).toBe(Math.ceil(2565 / poolsPerArena));
      expect(os.reservedBytes).toBe(41 * OBMALLOC_ARENA_SIZE);
      for (let i = 1; i < blocks.length; i += 2) space.free(blocks[i]!);
      s = space.stats();
      expect(s.sizeClasses[25]!.pools).toBe(0);
      expect(s.arenasAllocatedCurrent).toBe(1);
      expect(s.arenasReclaimed).toBe(40);
      expect(os.reservedBytes).toBe(OBMALLOC_ARENA_SIZE);
      space.verify();
    }
  });

  it('prints stats in the layout of sys._debugmallocstats()', () => {
    const space = new ObmallocSpace(new SimulatedOS());
    for (let i = 0; i < 100_000; i++) space.allocate(416);
    const text = formatObmallocStats(space.stats());
    expect(text).toContain('   25    416        2565          100000            35\n');
    expect(text).toContain('# arenas allocated current         =                   41\n');
    expect(text).toContain('41 arenas * 1048576 bytes/arena    =           42,991,616\n');
    expect(text).toContain('Total                              =           42,991,616\n');
  });
});
