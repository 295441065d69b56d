/**
 * CPython 3.11's small-object allocator (Objects/obmalloc.c, "pymalloc") on a 64-bit build, over the
 * simulated OS. Sources: obmalloc.c's `pymalloc_alloc`, `pymalloc_pool_extend`,
 * `allocate_from_new_pool`, `new_arena`, `pymalloc_free`, `insert_to_usedpool`, `insert_to_freepool`
 * and `_PyObject_DebugMallocStats`; the list manipulations below follow them step by step.
 *
 * Geometry: ALIGNMENT 16, so requests of 1..512 bytes fall in 32 size classes (class i holds blocks of
 * 16 * (i + 1) bytes); pools of 16 KiB whose first 48 bytes are the pool header, so a pool of class
 * i holds floor((16384 - 48) / size) blocks; arenas of 1 MiB holding 64 pools (63 when the arena base
 * is not pool-aligned: option `poolsPerArena: 63`, where the first 16 KiB are lost to alignment).
 * Requests over 512 bytes go to a `LargeObjectSpace` (mapped one by one, as malloc's mmap would).
 *
 * The pool header lives in the simulated pool memory, laid out as CPython's `struct pool_header`
 * (six 64-bit words, offsets in bytes from the pool address):
 *
 * ```
 *  +0  ref.count        number of allocated blocks in the pool
 *  +8  freeblock        head of the pool's free list (threaded through free blocks' first word)
 *  +16 nextpool         next pool in usedpools[class] (or in the arena's freepools list)
 *  +24 prevpool         previous pool in usedpools[class]
 *  +32 arenaindex | szidx        (two 32-bit fields: the arena object index, the size class)
 *  +40 nextoffset | maxnextoffset (bytes: next never-carved block; the last carvable block)
 * ```
 *
 * Arena objects (`struct arena_object`) live in typed arrays indexed by arena index. A block's pool is
 * found by address arithmetic (`addr & ~(POOL_SIZE - 1)`), its arena through an arena map indexed by
 * `addr >>> 14` (CPython 3.11 on 64-bit uses a radix tree for the same question, `address_in_range`).
 *
 * Invariants (checked by `verify`):
 * - usedpools[c] holds exactly the pools of class c that have 0 < count < blocks per pool; allocation
 *   takes the head pool's free list head; a full pool is on no list; an empty pool is on its arena's
 *   freepools list;
 * - `usable_arenas` holds exactly the arenas with free (or never carved) pools, sorted by ascending
 *   nfreepools, so allocation comes from the fullest arena; `nfp2lasta[n]` is the last arena in it
 *   with n free pools;
 * - an arena is unmapped when all its pools are free, unless it is the last arena of
 *   `usable_arenas` (bpo-37257: one wholly free arena is kept against thrashing), so at most one
 *   wholly free arena stays mapped.
 *
 * gclab additions (CPython has neither): an allocation bitmap with one bit per 16-byte granule, set at
 * allocated block starts, so `free` raises `AllocatorError` on a double free or a foreign address
 * instead of corrupting the free list; and `stats()` also counts the large objects.
 */
import { hex, type SimulatedOS } from '@gclab/core';
import { AllocatorError } from './allocator-error.ts';
import { growInt32 } from './grow.ts';
import { LargeObjectSpace } from './large-object-space.ts';

/** Block alignment and size-class granularity on 64-bit builds. */
export const OBMALLOC_ALIGNMENT = 16;
/** Requests up to this many bytes are served from pools (SMALL_REQUEST_THRESHOLD). */
export const OBMALLOC_SMALL_REQUEST_THRESHOLD = 512;
/** Number of size classes (SMALL_REQUEST_THRESHOLD / ALIGNMENT). */
export const OBMALLOC_SIZE_CLASSES = 32;
/** Bytes per pool (POOL_SIZE, 16 KiB since CPython 3.10). */
export const OBMALLOC_POOL_SIZE = 16384;
/** Bytes of the pool header at the start of every pool (POOL_OVERHEAD). */
export const OBMALLOC_POOL_OVERHEAD = 48;
/** Bytes per arena (ARENA_SIZE, 1 MiB since CPython 3.10). */
export const OBMALLOC_ARENA_SIZE = 1 << 20;

const POOL_SHIFT = 14;
const POOL_MASK = OBMALLOC_POOL_SIZE - 1;
const MAX_POOLS_IN_ARENA = OBMALLOC_ARENA_SIZE / OBMALLOC_POOL_SIZE;
/** Int32 slot offsets of the pool header fields from `pool >> 2`. */
const H_COUNT = 0;
const H_FREEBLOCK = 2;
const H_NEXTPOOL = 4;
const H_PREVPOOL = 6;
const H_ARENAINDEX = 8;
const H_SZIDX = 9;
const H_NEXTOFFSET = 10;
const H_MAXNEXTOFFSET = 11;
/** szidx of a pool carved but not yet given a class (DUMMY_SIZE_IDX). */
const DUMMY_SIZE_IDX = 0xffff;
const NO_ARENA = -1;

/** Options of an obmalloc space. */
export interface ObmallocOptions {
  /** Pools per arena: 64 (arena base pool-aligned, the default) or 63 (CPython's usual mmap case). */
  poolsPerArena?: 63 | 64;
  /** Where requests over 512 bytes go (shared with other spaces). Default: a new one. */
  large?: LargeObjectSpace;
}

/** One line of `sys._debugmallocstats()`'s size-class table. */
export interface ObmallocSizeClassStats {
  /** Size class index (0..31). */
  sizeClass: number;
  /** Block size in bytes. */
  size: number;
  /** Pools of this class in use (not empty). */
  pools: number;
  /** Blocks allocated. */
  blocksInUse: number;
  /** Free blocks in those pools (including never-carved ones). */
  availBlocks: number;
}

/** The figures `sys._debugmallocstats()` prints, plus the large objects. */
export interface ObmallocStats {
  /** All 32 size classes, in order (classes with no pools have zeros). */
  sizeClasses: ObmallocSizeClassStats[];
  /** Arenas mapped since the start ("# arenas allocated total"). */
  arenasAllocatedTotal: number;
  /** Arenas unmapped ("# arenas reclaimed"). */
  arenasReclaimed: number;
  /** Most arenas mapped at once ("# arenas highwater mark"). */
  arenasHighwater: number;
  /** Arenas mapped now ("# arenas allocated current"). */
  arenasAllocatedCurrent: number;
  /** Bytes in arenas mapped now. */
  arenaBytes: number;
  /** Bytes in allocated blocks (block sizes). */
  bytesInAllocatedBlocks: number;
  /** Bytes in available blocks of used pools. */
  bytesInAvailableBlocks: number;
  /** Free pools plus pools not yet carved ("unused pools"). */
  unusedPools: number;
  /** Bytes in pool headers of used pools. */
  poolHeaderBytes: number;
  /** Bytes at the ends of used pools too small for a block. */
  quantizationBytes: number;
  /** Bytes lost to arena alignment (one pool per arena when poolsPerArena is 63). */
  arenaAlignmentBytes: number;
  /** Large objects (requests over 512 bytes) allocated now. */
  largeObjects: number;
  /** Bytes requested by those large objects. */
  largeBytes: number;
  /** Bytes mapped now: arenas plus large objects. */
  reservedBytes: number;
}

/** CPython 3.11 obmalloc over the simulated OS: size classes, pools, arenas, usable_arenas ordering. */
export class ObmallocSpace {
  /** The OS arenas are mapped from. */
  readonly os: SimulatedOS;
  /** Where requests over 512 bytes go. */
  readonly large: LargeObjectSpace;
  /** Pools per arena (64, or 63 to model an arena base that is not pool-aligned). */
  readonly poolsPerArena: number;

  /** usedpools[class]: head pool address of the class's list, or 0. */
  private readonly usedpools = new Int32Array(OBMALLOC_SIZE_CLASSES);
  /** nfp2lasta[n]: the last arena in usable_arenas with n free pools, or NO_ARENA. */
  private readonly nfp2lasta = new Int32Array(MAX_POOLS_IN_ARENA + 1).fill(NO_ARENA);
  private usableArenas = NO_ARENA;
  // struct arena_object fields, by arena index.
  private aAddress = new Int32Array(16);
  private aPoolAddress = new Int32Array(16);
  private aNfreepools = new Int32Array(16);
  private aNtotalpools = new Int32Array(16);
  private aFreepools = new Int32Array(16);
  private aNext = new Int32Array(16);
  private aPrev = new Int32Array(16);
  private maxarenas = 0;
  /** unused_arena_objects as a stack of arena indices (LIFO, as CPython's singly linked list). */
  private unusedArenas = new Int32Array(16);
  private unusedCount = 0;
  /** Arena index + 1 for every pool-sized slot of a mapped arena, indexed by `addr >>> 14`. */
  private arenaMap = new Int32Array(0);
  /** One bit per 16-byte granule of the address space, set at allocated block starts. */
  private allocBits = new Int32Array(0);
  private ntimesArenaAllocated = 0;
  private narenasCurrentlyAllocated = 0;
  private narenasHighwater = 0;
  private smallBytes = 0;

  constructor(os: SimulatedOS, options: ObmallocOptions = {}) {
    const ppa = options.poolsPerArena ?? 64;
    if (ppa !== 63 && ppa !== 64) {
      throw new AllocatorError('bad-size', `ObmallocSpace: poolsPerArena must be 63 or 64, got ${ppa}`);
    }
    this.os = os;
    this.large = options.large ?? new LargeObjectSpace(os);
    this.poolsPerArena = ppa;
  }

  /** The block size for a request of `nbytes` (1..512): 16 * ((nbytes - 1) >> 4) + 16. */
  static blockSizeFor(nbytes: number): number {
    return (((nbytes - 1) >>> 4) + 1) << 4;
  }

  /** Blocks per pool of size class `sizeClass` (NUMBLOCKS). */
  static blocksPerPool(sizeClass: number): number {
    return Math.floor((OBMALLOC_POOL_SIZE - OBMALLOC_POOL_OVERHEAD) / ((sizeClass + 1) << 4));
  }

  /** Bytes mapped now: arenas plus large objects (counted here even when the large space is shared). */
  get reservedBytes(): number {
    return this.narenasCurrentlyAllocated * OBMALLOC_ARENA_SIZE + this.large.reservedBytes;
  }

  /** Bytes in allocated small blocks (block sizes) plus the large objects' requested sizes. */
  get liveBytes(): number {
    return this.smallBytes + this.large.bytes;
  }

  /** Arenas mapped now. */
  get arenas(): number {
    return this.narenasCurrentlyAllocated;
  }

  /**
   * pymalloc_alloc: a block for `nbytes` (>= 1). Requests up to 512 bytes take the head block of the
   * head pool of usedpools[class], else a pool from the fullest usable arena; larger requests go to
   * the large object space. Returns the address (16-aligned), or 0 if the OS refused memory.
   */
  allocate(nbytes: number): number {
    if (nbytes > OBMALLOC_SMALL_REQUEST_THRESHOLD || nbytes <= 0 || (nbytes | 0) !== nbytes) {
      return this.allocateOther(nbytes);
    }
    const size = (nbytes - 1) >>> 4;
    const pool = this.usedpools[size]!;
    if (pool === 0) return this.allocateFromNewPool(size);
    const words = this.os.memory.words;
    const pi = pool >> 2;
    words[pi + H_COUNT]!++;
    const bp = words[pi + H_FREEBLOCK]!;
    const next = words[bp >> 2]!;
    words[pi + H_FREEBLOCK] = next;
    // Reached the end of the free list: carve another block, or unlink the full pool.
    if (next === 0) this.poolExtend(words, pool, size);
    this.allocBits[bp >>> 9]! |= 1 << ((bp >>> 4) & 31);
    this.smallBytes += (size + 1) << 4;
    return bp;
  }

  /**
   * pymalloc_free: returns the block to its pool's free list. A pool that was full goes to the front of
   * usedpools[class]; a pool left empty goes to its arena's freepools (insert_to_freepool), which may
   * unmap the arena. Raises `AllocatorError` on a double free or an address this space never gave.
   */
  free(addr: number): void {
    const ai = this.arenaIndexOf(addr);
    if (ai === NO_ARENA) {
      if (this.large.contains(addr)) {
        this.large.free(addr);
        return;
      }
      throw new AllocatorError(
        'foreign-address',
        `ObmallocSpace.free: ${hex(addr)} was never allocated by this space`,
      );
    }
    const bi = addr >>> 9;
    const bit = 1 << ((addr >>> 4) & 31);
    const bits = this.allocBits[bi]!;
    if ((addr & 15) !== 0 || (bits & bit) === 0) throw this.freeError(addr, ai);
    this.allocBits[bi] = bits & ~bit;
    const words = this.os.memory.words;
    const pool = addr & ~POOL_MASK;
    const pi = pool >> 2;
    const lastfree = words[pi + H_FREEBLOCK]!;
    words[addr >> 2] = lastfree;
    words[pi + H_FREEBLOCK] = addr;
    const count = words[pi + H_COUNT]! - 1;
    words[pi + H_COUNT] = count;
    const size = words[pi + H_SZIDX]!;
    this.smallBytes -= (size + 1) << 4;
    if (lastfree === 0) {
      // The pool was full, so it is on no list: link it to the front of usedpools[size].
      this.insertToUsedpool(words, pool, size);
      return;
    }
    if (count !== 0) return;
    this.insertToFreepool(words, pool, size);
  }

  /** The block size of the allocated block at `addr` (a large object's requested size). */
  blockSize(addr: number): number {
    const ai = this.arenaIndexOf(addr);
    if (ai === NO_ARENA) return this.large.blockSize(addr);
    if (!this.isAllocated(addr)) {
      throw new AllocatorError(
        'foreign-address',
        `ObmallocSpace.blockSize: ${hex(addr)} is not an allocated block`,
      );
    }
    return (this.os.memory.words[((addr & ~POOL_MASK) >> 2) + H_SZIDX]! + 1) << 4;
  }

  /** Whether `addr` is the start of an allocated block or large object of this space. */
  isAllocated(addr: number): boolean {
    const ai = this.arenaIndexOf(addr);
    if (ai === NO_ARENA) return this.large.isAllocated(addr);
    return (addr & 15) === 0 && (this.allocBits[addr >>> 9]! & (1 << ((addr >>> 4) & 31))) !== 0;
  }

  /** Calls `fn` with every allocated small block and large object (cold path: tests, verification). */
  forEachBlock(fn: (addr: number, blockSize: number) => void): void {
    const words = this.os.memory.words;
    for (let a = 0; a < this.maxarenas; a++) {
      if (this.aAddress[a] === 0) continue;
      for (let pool = this.firstPool(a); pool < this.aPoolAddress[a]!; pool += OBMALLOC_POOL_SIZE) {
        const pi = pool >> 2;
        if (words[pi + H_COUNT] === 0) continue;
        const bs = (words[pi + H_SZIDX]! + 1) << 4;
        const end = pool + words[pi + H_NEXTOFFSET]!;
        for (let b = pool + OBMALLOC_POOL_OVERHEAD; b < end; b += bs) {
          if ((this.allocBits[b >>> 9]! & (1 << ((b >>> 4) & 31))) !== 0) fn(b, bs);
        }
      }
    }
    this.large.forEachObject((addr) => fn(addr, this.large.blockSize(addr)));
  }

  /** The figures of `sys._debugmallocstats()`, computed by walking every arena's pools as CPython does. */
  stats(): ObmallocStats {
    const words = this.os.memory.words;
    const sizeClasses: ObmallocSizeClassStats[] = [];
    for (let i = 0; i < OBMALLOC_SIZE_CLASSES; i++) {
      sizeClasses.push({ sizeClass: i, size: (i + 1) << 4, pools: 0, blocksInUse: 0, availBlocks: 0 });
    }
    let narenas = 0;
    let unusedPools = 0;
    let arenaAlignment = 0;
    for (let a = 0; a < this.maxarenas; a++) {
      if (this.aAddress[a] === 0) continue;
      narenas++;
      unusedPools += this.aNfreepools[a]!;
      if (this.poolsPerArena === 63) arenaAlignment += OBMALLOC_POOL_SIZE;
      for (let pool = this.firstPool(a); pool < this.aPoolAddress[a]!; pool += OBMALLOC_POOL_SIZE) {
        const pi = pool >> 2;
        const count = words[pi + H_COUNT]!;
        if (count === 0) continue;
        const c = sizeClasses[words[pi + H_SZIDX]!]!;
        c.pools++;
        c.blocksInUse += count;
        c.availBlocks += ObmallocSpace.blocksPerPool(c.sizeClass) - count;
      }
    }
    let allocated = 0;
    let available = 0;
    let headers = 0;
    let quantization = 0;
    for (const c of sizeClasses) {
      allocated += c.blocksInUse * c.size;
      available += c.availBlocks * c.size;
      headers += c.pools * OBMALLOC_POOL_OVERHEAD;
      quantization += c.pools * ((OBMALLOC_POOL_SIZE - OBMALLOC_POOL_OVERHEAD) % c.size);
    }
    return {
      sizeClasses,
      arenasAllocatedTotal: this.ntimesArenaAllocated,
      arenasReclaimed: this.ntimesArenaAllocated - narenas,
      arenasHighwater: this.narenasHighwater,
      arenasAllocatedCurrent: narenas,
      arenaBytes: narenas * OBMALLOC_ARENA_SIZE,
      bytesInAllocatedBlocks: allocated,
      bytesInAvailableBlocks: available,
      unusedPools,
      poolHeaderBytes: headers,
      quantizationBytes: quantization,
      arenaAlignmentBytes: arenaAlignment,
      largeObjects: this.large.objects,
      largeBytes: this.large.bytes,
      reservedBytes: this.reservedBytes,
    };
  }

  /** Throws `AllocatorError` (`corrupt`) unless every invariant in the file comment holds. */
  verify(): void {
    const words = this.os.memory.words;
    const onUsedList = new Set<number>();
    for (let c = 0; c < OBMALLOC_SIZE_CLASSES; c++) {
      let prev = 0;
      for (let p = this.usedpools[c]!; p !== 0; p = words[(p >> 2) + H_NEXTPOOL]!) {
        if (onUsedList.has(p)) fail(`usedpools[${c}] revisits pool ${hex(p)}`);
        onUsedList.add(p);
        const pi = p >> 2;
        if (words[pi + H_SZIDX] !== c)
          fail(`pool ${hex(p)} of class ${words[pi + H_SZIDX]} is on usedpools[${c}]`);
        if (words[pi + H_PREVPOOL] !== prev) fail(`pool ${hex(p)} has a wrong prevpool`);
        prev = p;
      }
    }
    // usable_arenas: sorted by ascending nfreepools, exactly the arenas with free pools, nfp2lasta right.
    const onUsable = new Set<number>();
    const lastWith = new Int32Array(MAX_POOLS_IN_ARENA + 1).fill(NO_ARENA);
    let prevArena = NO_ARENA;
    for (let a = this.usableArenas; a !== NO_ARENA; a = this.aNext[a]!) {
      if (onUsable.has(a)) fail(`usable_arenas revisits arena ${a}`);
      onUsable.add(a);
      if (this.aPrev[a] !== prevArena) fail(`arena ${a} has a wrong prevarena`);
      const nf = this.aNfreepools[a]!;
      if (nf === 0) fail(`arena ${a} with no free pool is on usable_arenas`);
      if (prevArena !== NO_ARENA && this.aNfreepools[prevArena]! > nf)
        fail('usable_arenas is not sorted by nfreepools');
      lastWith[nf] = a;
      prevArena = a;
    }
    for (let n = 1; n <= MAX_POOLS_IN_ARENA; n++) {
      if (lastWith[n] !== this.nfp2lasta[n])
        fail(`nfp2lasta[${n}] is ${this.nfp2lasta[n]}, expected ${lastWith[n]}`);
    }
    let narenas = 0;
    let whollyFree = 0;
    let small = 0;
    for (let a = 0; a < this.maxarenas; a++) {
      const base = this.aAddress[a]!;
      if (base === 0) continue;
      narenas++;
      if (!this.os.isMapped(base) || !this.os.isMapped(base + OBMALLOC_ARENA_SIZE - 1))
        fail(`arena ${a} is not mapped`);
      for (let s = 0; s < MAX_POOLS_IN_ARENA; s++) {
        if (this.arenaMap[(base >>> POOL_SHIFT) + s] !== a + 1)
          fail(`arena map does not point at arena ${a}`);
      }
      const freeList = new Set<number>();
      for (let p = this.aFreepools[a]!; p !== 0; p = words[(p >> 2) + H_NEXTPOOL]!) {
        if (freeList.has(p)) fail(`freepools of arena ${a} revisits ${hex(p)}`);
        freeList.add(p);
      }
      const uncarved =
        (this.firstPool(a) + this.aNtotalpools[a]! * OBMALLOC_POOL_SIZE - this.aPoolAddress[a]!) /
        OBMALLOC_POOL_SIZE;
      if (this.aNfreepools[a] !== freeList.size + uncarved) {
        fail(`arena ${a}: nfreepools ${this.aNfreepools[a]}, ${freeList.size} free + ${uncarved} uncarved`);
      }
      if (this.aNfreepools[a]! > 0 !== onUsable.has(a)) fail(`arena ${a}: usable_arenas membership is wrong`);
      if (this.aNfreepools[a] === this.aNtotalpools[a]) whollyFree++;
      for (let pool = this.firstPool(a); pool < this.aPoolAddress[a]!; pool += OBMALLOC_POOL_SIZE) {
        const pi = pool >> 2;
        const count = words[pi + H_COUNT]!;
        if (words[pi + H_ARENAINDEX] !== a)
          fail(`pool ${hex(pool)}: arenaindex ${words[pi + H_ARENAINDEX]}, expected ${a}`);
        if (count === 0) {
          if (!freeList.has(pool)) fail(`empty pool ${hex(pool)} is not on its arena's freepools`);
          if (onUsedList.has(pool)) fail(`empty pool ${hex(pool)} is on usedpools`);
          continue;
        }
        const sz = words[pi + H_SZIDX]!;
        const bs = (sz + 1) << 4;
        const nblocks = ObmallocSpace.blocksPerPool(sz);
        if (freeList.has(pool)) fail(`used pool ${hex(pool)} is on freepools`);
        if (count < nblocks !== onUsedList.has(pool))
          fail(`pool ${hex(pool)}: usedpools membership is wrong`);
        const carved = (words[pi + H_NEXTOFFSET]! - OBMALLOC_POOL_OVERHEAD) / bs;
        let bitsSet = 0;
        for (let b = pool + OBMALLOC_POOL_OVERHEAD; b < pool + OBMALLOC_POOL_SIZE; b += 16) {
          if ((this.allocBits[b >>> 9]! & (1 << ((b >>> 4) & 31))) === 0) continue;
          if ((b - pool - OBMALLOC_POOL_OVERHEAD) % bs !== 0 || b >= pool + words[pi + H_NEXTOFFSET]!) {
            fail(`pool ${hex(pool)}: allocation bit at ${hex(b)} is not a carved block`);
          }
          bitsSet++;
        }
        if (bitsSet !== count) fail(`pool ${hex(pool)}: ref.count ${count}, ${bitsSet} blocks allocated`);
        let freeCount = 0;
        for (let b = words[pi + H_FREEBLOCK]!; b !== 0; b = words[b >> 2]!) {
          if (
            (b - pool - OBMALLOC_POOL_OVERHEAD) % bs !== 0 ||
            b < pool ||
            b >= pool + words[pi + H_NEXTOFFSET]!
          ) {
            fail(`pool ${hex(pool)}: free list holds ${hex(b)}`);
          }
          if (++freeCount > nblocks) fail(`pool ${hex(pool)}: free list has a cycle`);
        }
        if (count + freeCount !== carved)
          fail(`pool ${hex(pool)}: ${count} allocated + ${freeCount} free != ${carved} carved`);
        small += count * bs;
      }
    }
    if (narenas !== this.narenasCurrentlyAllocated)
      fail(`${narenas} arenas found, ${this.narenasCurrentlyAllocated} counted`);
    if (whollyFree > 1) fail(`${whollyFree} wholly free arenas are mapped (at most one is kept)`);
    if (small !== this.smallBytes) fail(`${small} bytes in blocks found, ${this.smallBytes} counted`);
    this.large.verify();
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Bad sizes raise; requests over 512 bytes go to the large object space. */
  private allocateOther(nbytes: number): number {
    if (!Number.isInteger(nbytes) || nbytes <= 0) {
      throw new AllocatorError(
        'bad-size',
        `ObmallocSpace.allocate: size must be a positive integer, got ${nbytes}`,
      );
    }
    return this.large.allocate(nbytes);
  }

  /** Index of the arena whose range holds `addr`, or NO_ARENA. */
  private arenaIndexOf(addr: number): number {
    if ((addr | 0) !== addr || addr <= 0) return NO_ARENA;
    const i = addr >>> POOL_SHIFT;
    if (i >= this.arenaMap.length) return NO_ARENA;
    return this.arenaMap[i]! - 1;
  }

  /** Address of arena `a`'s first pool. */
  private firstPool(a: number): number {
    return this.aAddress[a]! + (this.poolsPerArena === 63 ? OBMALLOC_POOL_SIZE : 0);
  }

  /** The error for freeing `addr` in arena `ai` whose allocation bit is clear. */
  private freeError(addr: number, ai: number): AllocatorError {
    const words = this.os.memory.words;
    const pool = addr & ~POOL_MASK;
    const pi = pool >> 2;
    if ((addr & 15) === 0 && pool >= this.firstPool(ai) && pool < this.aPoolAddress[ai]!) {
      const sz = words[pi + H_SZIDX]!;
      const off = addr - pool - OBMALLOC_POOL_OVERHEAD;
      if (
        sz !== DUMMY_SIZE_IDX &&
        off >= 0 &&
        off % ((sz + 1) << 4) === 0 &&
        off + OBMALLOC_POOL_OVERHEAD < words[pi + H_NEXTOFFSET]!
      ) {
        return new AllocatorError('double-free', `ObmallocSpace.free: block ${hex(addr)} is already free`);
      }
    }
    return new AllocatorError(
      'foreign-address',
      `ObmallocSpace.free: ${hex(addr)} is not the start of a block of this space`,
    );
  }

  /** pymalloc_pool_extend: carve one more block onto the free list, or unlink the pool if it is full. */
  private poolExtend(words: Int32Array, pool: number, size: number): void {
    const pi = pool >> 2;
    const nextoffset = words[pi + H_NEXTOFFSET]!;
    if (nextoffset <= words[pi + H_MAXNEXTOFFSET]!) {
      const fb = pool + nextoffset;
      words[pi + H_FREEBLOCK] = fb;
      words[pi + H_NEXTOFFSET] = nextoffset + ((size + 1) << 4);
      words[fb >> 2] = 0;
      return;
    }
    // Pool is full: unlink it from usedpools[size] (it is the head).
    const next = words[pi + H_NEXTPOOL]!;
    this.usedpools[size] = next;
    if (next !== 0) words[(next >> 2) + H_PREVPOOL] = 0;
    words[pi + H_NEXTPOOL] = 0;
  }

  /** allocate_from_new_pool: usedpools[size] is empty; take a pool from the fullest usable arena. */
  private allocateFromNewPool(size: number): number {
    if (this.usableArenas === NO_ARENA) {
      // No arena has a free pool: allocate a new arena.
      const a = this.newArena();
      if (a === NO_ARENA) return 0;
      this.usableArenas = a;
      this.aNext[a] = NO_ARENA;
      this.aPrev[a] = NO_ARENA;
      this.nfp2lasta[this.aNfreepools[a]!] = a;
    }
    const ua = this.usableArenas;
    const nf = this.aNfreepools[ua]!;
    // This arena already had the smallest nfreepools, so taking a pool keeps the list sorted.
    if (this.nfp2lasta[nf] === ua) this.nfp2lasta[nf] = NO_ARENA;
    if (nf > 1) this.nfp2lasta[nf - 1] = ua;
    const words = this.os.memory.words;
    let pool = this.aFreepools[ua]!;
    if (pool !== 0) {
      // Unlink a cached free pool.
      this.aFreepools[ua] = words[(pool >> 2) + H_NEXTPOOL]!;
    } else {
      // Carve off a new pool.
      pool = this.aPoolAddress[ua]!;
      words[(pool >> 2) + H_ARENAINDEX] = ua;
      words[(pool >> 2) + H_SZIDX] = DUMMY_SIZE_IDX;
      this.aPoolAddress[ua] = pool + OBMALLOC_POOL_SIZE;
    }
    this.aNfreepools[ua] = nf - 1;
    if (nf - 1 === 0) {
      // Wholly allocated: remove the arena from usable_arenas.
      const next = this.aNext[ua]!;
      this.usableArenas = next;
      if (next !== NO_ARENA) this.aPrev[next] = NO_ARENA;
      this.aNext[ua] = NO_ARENA;
    }
    // Frontlink to usedpools[size] (empty, so the pool becomes its only member).
    const pi = pool >> 2;
    words[pi + H_NEXTPOOL] = 0;
    words[pi + H_PREVPOOL] = 0;
    this.usedpools[size] = pool;
    words[pi + H_COUNT] = 1;
    const bs = (size + 1) << 4;
    let bp: number;
    if (words[pi + H_SZIDX] === size) {
      // The pool last held blocks of this class: its header and free list are still valid.
      bp = words[pi + H_FREEBLOCK]!;
      words[pi + H_FREEBLOCK] = words[bp >> 2]!;
    } else {
      // Initialise the header; the free list holds just the second block; return the first.
      words[pi + H_SZIDX] = size;
      bp = pool + OBMALLOC_POOL_OVERHEAD;
      words[pi + H_NEXTOFFSET] = OBMALLOC_POOL_OVERHEAD + 2 * bs;
      words[pi + H_MAXNEXTOFFSET] = OBMALLOC_POOL_SIZE - bs;
      words[pi + H_FREEBLOCK] = bp + bs;
      words[(bp + bs) >> 2] = 0;
    }
    this.allocBits[bp >>> 9]! |= 1 << ((bp >>> 4) & 31);
    this.smallBytes += bs;
    return bp;
  }

  /** new_arena: maps 1 MiB and sets up its arena object; NO_ARENA if the OS refused. */
  private newArena(): number {
    if (this.unusedCount === 0) {
      // Double the number of arena objects (INITIAL_ARENA_OBJECTS = 16), as CPython does.
      const numarenas = this.maxarenas === 0 ? 16 : this.maxarenas * 2;
      this.aAddress = growInt32(this.aAddress, numarenas);
      this.aPoolAddress = growInt32(this.aPoolAddress, numarenas);
      this.aNfreepools = growInt32(this.aNfreepools, numarenas);
      this.aNtotalpools = growInt32(this.aNtotalpools, numarenas);
      this.aFreepools = growInt32(this.aFreepools, numarenas);
      this.aNext = growInt32(this.aNext, numarenas);
      this.aPrev = growInt32(this.aPrev, numarenas);
      this.unusedArenas = growInt32(this.unusedArenas, numarenas);
      for (let i = numarenas - 1; i >= this.maxarenas; i--) this.unusedArenas[this.unusedCount++] = i;
      this.maxarenas = numarenas;
    }
    const base = this.os.map(OBMALLOC_ARENA_SIZE, OBMALLOC_POOL_SIZE);
    if (base === 0) return NO_ARENA;
    const a = this.unusedArenas[--this.unusedCount]!;
    const first = base >>> POOL_SHIFT;
    this.arenaMap = growInt32(this.arenaMap, first + MAX_POOLS_IN_ARENA);
    this.arenaMap.fill(a + 1, first, first + MAX_POOLS_IN_ARENA);
    this.allocBits = growInt32(this.allocBits, (base + OBMALLOC_ARENA_SIZE) >>> 9);
    this.narenasCurrentlyAllocated++;
    this.ntimesArenaAllocated++;
    if (this.narenasCurrentlyAllocated > this.narenasHighwater)
      this.narenasHighwater = this.narenasCurrentlyAllocated;
    this.aAddress[a] = base;
    this.aFreepools[a] = 0;
    this.aNtotalpools[a] = this.poolsPerArena;
    this.aNfreepools[a] = this.poolsPerArena;
    this.aPoolAddress[a] = this.firstPool(a);
    return a;
  }

  /** insert_to_usedpool: a pool that was full gets a free block: link it to the front of usedpools. */
  private insertToUsedpool(words: Int32Array, pool: number, size: number): void {
    const head = this.usedpools[size]!;
    const pi = pool >> 2;
    words[pi + H_NEXTPOOL] = head;
    words[pi + H_PREVPOOL] = 0;
    if (head !== 0) words[(head >> 2) + H_PREVPOOL] = pool;
    this.usedpools[size] = pool;
  }

  /**
   * insert_to_freepool: the pool is empty. Unlink it from usedpools, push it on its arena's freepools,
   * then manage the arena: (1) all pools free and not the last usable arena: unmap it; (2) its first
   * free pool: put it at the head of usable_arenas; (3) now out of order: slide it right, after
   * nfp2lasta[old nf]; (4) otherwise nothing.
   */
  private insertToFreepool(words: Int32Array, pool: number, size: number): void {
    const pi = pool >> 2;
    const next = words[pi + H_NEXTPOOL]!;
    const prev = words[pi + H_PREVPOOL]!;
    if (prev === 0) this.usedpools[size] = next;
    else words[(prev >> 2) + H_NEXTPOOL] = next;
    if (next !== 0) words[(next >> 2) + H_PREVPOOL] = prev;

    const ao = words[pi + H_ARENAINDEX]!;
    words[pi + H_NEXTPOOL] = this.aFreepools[ao]!;
    this.aFreepools[ao] = pool;
    let nf = this.aNfreepools[ao]!;
    // If this is the rightmost arena with nf free pools, nfp2lasta[nf] moves to its predecessor.
    const lastnf = nf === 0 ? NO_ARENA : this.nfp2lasta[nf]!;
    if (lastnf === ao) {
      const p = this.aPrev[ao]!;
      this.nfp2lasta[nf] = p !== NO_ARENA && this.aNfreepools[p] === nf ? p : NO_ARENA;
    }
    this.aNfreepools[ao] = ++nf;

    if (nf === this.aNtotalpools[ao] && this.aNext[ao] !== NO_ARENA) {
      // Case 1: wholly free and not the last usable arena: unlink and unmap it.
      const p = this.aPrev[ao]!;
      const n = this.aNext[ao]!;
      if (p === NO_ARENA) this.usableArenas = n;
      else this.aNext[p] = n;
      this.aPrev[n] = p;
      this.freeArena(ao);
      return;
    }
    if (nf === 1) {
      // Case 2: it had no free pool, so it was not on usable_arenas: put it at the head.
      this.aNext[ao] = this.usableArenas;
      this.aPrev[ao] = NO_ARENA;
      if (this.usableArenas !== NO_ARENA) this.aPrev[this.usableArenas] = ao;
      this.usableArenas = ao;
      if (this.nfp2lasta[1] === NO_ARENA) this.nfp2lasta[1] = ao;
      return;
    }
    if (this.nfp2lasta[nf] === NO_ARENA) this.nfp2lasta[nf] = ao;
    // Case 4: it was the rightmost arena with the old count, so the order still holds.
    if (ao === lastnf) return;
    // Case 3: slide it right, to follow lastnf.
    const p = this.aPrev[ao]!;
    const n = this.aNext[ao]!;
    if (p !== NO_ARENA) this.aNext[p] = n;
    else this.usableArenas = n;
    this.aPrev[n] = p;
    this.aPrev[ao] = lastnf;
    const after = this.aNext[lastnf]!;
    this.aNext[ao] = after;
    if (after !== NO_ARENA) this.aPrev[after] = ao;
    this.aNext[lastnf] = ao;
  }

  /** Unmaps arena `a` and returns its arena object to unused_arena_objects. */
  private freeArena(a: number): void {
    const base = this.aAddress[a]!;
    const first = base >>> POOL_SHIFT;
    this.arenaMap.fill(0, first, first + MAX_POOLS_IN_ARENA);
    this.os.unmap(base, OBMALLOC_ARENA_SIZE);
    this.aAddress[a] = 0;
    this.aNext[a] = NO_ARENA;
    this.aPrev[a] = NO_ARENA;
    this.unusedArenas[this.unusedCount++] = a;
    this.narenasCurrentlyAllocated--;
  }
}

function fail(reason: string): never {
  throw new AllocatorError('corrupt', `ObmallocSpace: ${reason}`);
}

/**
 * Renders `stats` in the layout of CPython's `sys._debugmallocstats()` (its size-class table and
 * arena figures), followed by gclab's large-object figures.
 */
export function formatObmallocStats(s: ObmallocStats): string {
  const out: string[] = [
    `Small block threshold = ${OBMALLOC_SMALL_REQUEST_THRESHOLD}, in ${OBMALLOC_SIZE_CLASSES} size classes.`,
    '',
    'class   size   num pools   blocks in use  avail blocks',
    '-----   ----   ---------   -------------  ------------',
  ];
  for (const c of s.sizeClasses) {
    if (c.pools === 0) continue;
    out.push(
      `${pad(c.sizeClass, 5)} ${pad(c.size, 6)} ${pad(c.pools, 11)} ${pad(c.blocksInUse, 15)} ${pad(c.availBlocks, 13)}`,
    );
  }
  out.push(
    '',
    printone('# arenas allocated total', s.arenasAllocatedTotal),
    printone('# arenas reclaimed', s.arenasReclaimed),
    printone('# arenas highwater mark', s.arenasHighwater),
    printone('# arenas allocated current', s.arenasAllocatedCurrent),
    printone(`${s.arenasAllocatedCurrent} arenas * ${OBMALLOC_ARENA_SIZE} bytes/arena`, s.arenaBytes),
    '',
    printone('# bytes in allocated blocks', s.bytesInAllocatedBlocks),
    printone('# bytes in available blocks', s.bytesInAvailableBlocks),
    printone(
      `${s.unusedPools} unused pools * ${OBMALLOC_POOL_SIZE} bytes`,
      s.unusedPools * OBMALLOC_POOL_SIZE,
    ),
    printone('# bytes lost to pool headers', s.poolHeaderBytes),
    printone('# bytes lost to quantization', s.quantizationBytes),
    printone('# bytes lost to arena alignment', s.arenaAlignmentBytes),
    printone(
      'Total',
      s.bytesInAllocatedBlocks +
        s.bytesInAvailableBlocks +
        s.unusedPools * OBMALLOC_POOL_SIZE +
        s.poolHeaderBytes +
        s.quantizationBytes +
        s.arenaAlignmentBytes,
    ),
    '',
    printone('# large objects (> 512 bytes)', s.largeObjects),
    printone('# bytes in large objects', s.largeBytes),
    printone('# bytes reserved from the OS', s.reservedBytes),
  );
  return `${out.join('\n')}\n`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width);
}

/** CPython's `printone`: the label padded to 35 columns, `=`, the value with commas in 21 columns. */
function printone(label: string, value: number): string {
  return `${label.padEnd(35)}=${value.toLocaleString('en-US').padStart(21)}`;
}
