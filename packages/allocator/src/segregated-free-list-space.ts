/**
 * Segregated free lists (GC Handbook §7.4) with a sweep, for the non-moving tracing collectors
 * (mark-sweep, incremental). Algorithm and sources: size-class chunks as in Hoard/jemalloc and
 * MMTk's MarkSweepSpace; lazy sweeping as in the Handbook §2.5 (blocks are handed back to the
 * allocator as they are swept).
 *
 * Size classes (`SEGREGATED_SIZE_CLASSES`, 80 of them): every multiple of 8 from 8 to 512 bytes
 * (a 24-byte object uses a 24-byte block: no internal waste for small objects), then four classes per
 * doubling up to 8192 (640, 768, 896, 1024, 1280, ..., 7168, 8192; at most 25% waste). Requests above
 * 8192 bytes go to the `LargeObjectSpace`.
 *
 * Memory: chunks of `chunkBytes` (default 64 KiB, a power of two), mapped aligned to their size, each
 * serving one size class. A block's chunk is found by address arithmetic: `chunkTable[addr >>> shift]`.
 * Per chunk, side tables (typed arrays indexed by chunk slot) hold its base, class, number of
 * allocated blocks, number of blocks carved so far (blocks are carved lazily, like obmalloc's
 * `nextoffset`) and the head of its free list, threaded through the free blocks' first word. An
 * allocation bitmap (one bit per 8-byte granule, set at block starts) says which blocks are
 * allocated: it catches double frees and lets the sweep visit exactly the allocated blocks.
 *
 * Invariants (checked by `verify`):
 * - for every chunk: allocated + free-list length = carved <= blocks per chunk; allocated = bits set;
 * - a swept chunk is on its class's available list iff it has a free or uncarved block;
 * - unswept chunks (during a lazy sweep) are on no available list, so nothing is allocated in them;
 * - at most one empty chunk per size class stays mapped (the rest are unmapped: see "Sweeping policy").
 *
 * Sweeping policy:
 * - `sweep(heap, markBit)` = `beginSweep()` then `sweepStep(heap, markBit, Infinity)`.
 * - `sweepBitmap(heap, marks)` is the same full sweep with the marks in a heap-wide side bitmap (one
 *   bit per 8-byte granule, `marks[addr >>> 8]`): since chunks are aligned to their size, a word of a
 *   chunk's allocation bitmap and the mark bitmap's word for the same 32 granules line up, and the
 *   dead blocks are `allocated & ~marked`, 32 granules at a time, without reading live objects.
 * - `beginSweep()` takes every chunk off the available lists and marks it unswept. `sweepStep` sweeps
 *   the large objects first, then chunks in slot order until `budgetBytes` of carved chunk bytes have
 *   been visited. A swept chunk goes back on its class's available list.
 * - Blocks allocated after `beginSweep()` are never freed by that sweep, because allocation only uses
 *   swept chunks or freshly mapped ones, and the sweep only visits chunks that were unswept; large
 *   objects allocated after `beginSweep()` are skipped by their serial number. The price:
 *   allocation during a lazy sweep may map chunks while unswept chunks still hold garbage.
 * - A chunk left empty (by `free` or by the sweep) is unmapped when its class already keeps an empty
 *   chunk; one empty chunk per class is kept so an allocate/free pair at a chunk boundary does not map
 *   and unmap every time. Under memory pressure (the OS refuses a chunk or a large object) every
 *   kept empty chunk is unmapped first (`releaseEmptyChunks`), so memory kept for one class never
 *   makes another allocation fail.
 */
import { type Heap, hex, type SimulatedOS } from '@gclab/core';
import { AllocatorError } from './allocator-error.ts';
import { growInt32 } from './grow.ts';
import { LargeObjectSpace } from './large-object-space.ts';
import type { SweepResult } from './sweep-result.ts';

/** The block sizes of `SegregatedFreeListSpace`, ascending. */
export const SEGREGATED_SIZE_CLASSES: readonly number[] = buildClasses();
/** The largest request served from size classes; larger ones go to the large object space. */
export const SEGREGATED_SMALL_LIMIT = 8192;

function buildClasses(): number[] {
  const sizes: number[] = [];
  for (let s = 8; s <= 512; s += 8) sizes.push(s);
  for (let base = 512; base < 8192; base *= 2) {
    for (let k = 1; k <= 4; k++) sizes.push(base + (base / 4) * k);
  }
  return sizes;
}

const NO_CHUNK = -1;
/** Chunk slot states. */
const FREE_SLOT = 0;
const SWEPT = 1;
const UNSWEPT = 2;

/** Options of a segregated free-list space. */
export interface SegregatedFreeListOptions {
  /** Bytes per chunk: a power of two from 16 KiB to 16 MiB. Default 64 KiB. */
  chunkBytes?: number;
  /** The large object space for requests above 8192 bytes (shared with other spaces). Default: a new one. */
  large?: LargeObjectSpace;
}

/** Size-class free lists over chunks from the simulated OS, with full and lazy sweeping. */
export class SegregatedFreeListSpace {
  /** The OS chunks are mapped from. */
  readonly os: SimulatedOS;
  /** Where requests above 8192 bytes go. */
  readonly large: LargeObjectSpace;
  /** Bytes per chunk. */
  readonly chunkBytes: number;
  /** Figures of the sweep in progress, or of the last one. */
  readonly lastSweep: SweepResult = { objectsFreed: 0, bytesFreed: 0, bytesSwept: 0 };

  private readonly shift: number;
  private readonly bitmapWords: number;
  private readonly classOf: Uint8Array;
  private readonly classSize: Int32Array;
  private readonly classBlocks: Int32Array;
  private readonly availHead: Int32Array;
  private readonly emptyChunks: Int32Array;
  private chunkTable = new Int32Array(0);
  // Per chunk slot.
  private base = new Int32Array(16);
  private cls = new Int32Array(16);
  private nalloc = new Int32Array(16);
  private carved = new Int32Array(16);
  private freeHead = new Int32Array(16);
  private state = new Int32Array(16);
  private prev = new Int32Array(16);
  private next = new Int32Array(16);
  private bitmap: Int32Array<ArrayBuffer>;
  private slotsUsed = 0;
  private freeSlots = new Int32Array(16);
  private freeSlotCount = 0;
  private chunkCount = 0;
  private live = 0;
  // Lazy sweep state.
  private sweepList = new Int32Array(16);
  private sweepLength = 0;
  private sweepPos = 0;
  private sweeping = false;
  private largePending = false;
  /** `large.allocations` when the sweep began: newer large objects are spared. */
  private largeBornBefore = 0;

  constructor(os: SimulatedOS, options: SegregatedFreeListOptions = {}) {
    const chunkBytes = options.chunkBytes ?? 64 * 1024;
    if (
      !Number.isInteger(chunkBytes) ||
      chunkBytes < 16384 ||
      chunkBytes > 1 << 24 ||
      (chunkBytes & (chunkBytes - 1)) !== 0
    ) {
      throw new AllocatorError(
        'bad-size',
        `SegregatedFreeListSpace: chunkBytes must be a power of two from 16 KiB to 16 MiB, got ${chunkBytes}`,
      );
    }
    this.os = os;
    this.large = options.large ?? new LargeObjectSpace(os);
    this.chunkBytes = chunkBytes;
    this.shift = 31 - Math.clz32(chunkBytes);
    this.bitmapWords = chunkBytes >>> 8;
    this.bitmap = new Int32Array(16 * this.bitmapWords);
    const n = SEGREGATED_SIZE_CLASSES.length;
    this.classSize = Int32Array.from(SEGREGATED_SIZE_CLASSES);
    this.classBlocks = Int32Array.from(SEGREGATED_SIZE_CLASSES, (s) => Math.floor(chunkBytes / s));
    this.classOf = new Uint8Array((SEGREGATED_SMALL_LIMIT >>> 3) + 1);
    for (let g = 1, c = 0; g < this.classOf.length; g++) {
      while (SEGREGATED_SIZE_CLASSES[c]! < g * 8) c++;
      this.classOf[g] = c;
    }
    this.availHead = new Int32Array(n).fill(NO_CHUNK);
    this.emptyChunks = new Int32Array(n);
  }

  /** The size-class index for a request of `size` bytes (1..8192). */
  sizeClassOf(size: number): number {
    return this.classOf[(size + 7) >>> 3]!;
  }

  /** Bytes in allocated blocks (block sizes) plus the large objects' sizes. */
  get liveBytes(): number {
    return this.live + this.large.bytes;
  }

  /** Bytes mapped: chunks plus the large object space's objects (counted here even when shared). */
  get reservedBytes(): number {
    return this.chunkCount * this.chunkBytes + this.large.reservedBytes;
  }

  /**
   * Free bytes inside chunks that hold at least one allocated block: free and not yet carved blocks
   * there, which only objects of the chunk's size class can use (the free-list holes to set against
   * `LineBlockSpace.fragmentedBytes`, Immix's free lines in partly used blocks, which objects of any
   * size can use). Cold: it visits every chunk.
   */
  get fragmentedBytes(): number {
    let bytes = 0;
    for (let s = 0; s < this.slotsUsed; s++) {
      const n = this.nalloc[s]!;
      if (this.state[s] === FREE_SLOT || n === 0) continue;
      const c = this.cls[s]!;
      bytes += (this.classBlocks[c]! - n) * this.classSize[c]!;
    }
    return bytes;
  }

  /** Chunks mapped now. */
  get chunks(): number {
    return this.chunkCount;
  }

  /** Whether a lazy sweep is in progress (`beginSweep` called, `sweepStep` not yet returned false). */
  get sweepInProgress(): boolean {
    return this.sweeping;
  }

  /** Allocates a block for `size` bytes; returns its address (8-aligned), or 0 if the OS refused. */
  allocate(size: number): number {
    if ((size | 0) !== size || size <= 0 || size > SEGREGATED_SMALL_LIMIT) return this.allocateOther(size);
    const cls = this.classOf[(size + 7) >>> 3]!;
    let c = this.availHead[cls]!;
    if (c === NO_CHUNK) {
      c = this.refill(cls);
      if (c === NO_CHUNK) return 0;
    }
    let addr = this.freeHead[c]!;
    const bs = this.classSize[cls]!;
    if (addr !== 0) {
      this.freeHead[c] = this.os.memory.words[addr >> 2]!;
    } else {
      addr = this.base[c]! + this.carved[c]!++ * bs;
    }
    const off = addr - this.base[c]!;
    this.bitmap[c * this.bitmapWords + (off >>> 8)]! |= 1 << ((off >>> 3) & 31);
    const n = this.nalloc[c]!;
    if (n === 0) this.emptyChunks[cls]!--;
    this.nalloc[c] = n + 1;
    if (n + 1 === this.classBlocks[cls]!) this.unlink(c, cls);
    this.live += bs;
    return addr;
  }

  /** Frees the block at `addr`: `AllocatorError` on a double free or an address this space never gave. */
  free(addr: number): void {
    const c = this.chunkOf(addr);
    if (c === NO_CHUNK) {
      if (this.large.contains(addr)) {
        this.large.free(addr);
        return;
      }
      throw new AllocatorError(
        'foreign-address',
        `SegregatedFreeListSpace.free: ${hex(addr)} was never allocated by this space`,
      );
    }
    const off = addr - this.base[c]!;
    const wi = c * this.bitmapWords + (off >>> 8);
    const bit = 1 << ((off >>> 3) & 31);
    const bits = this.bitmap[wi]!;
    // Bits are set only at allocated block starts, so a set bit is the whole validity check.
    if ((addr & 7) !== 0 || (bits & bit) === 0) throw this.freeError(addr, c);
    const cls = this.cls[c]!;
    const bs = this.classSize[cls]!;
    this.bitmap[wi] = bits & ~bit;
    this.os.memory.words[addr >> 2] = this.freeHead[c]!;
    this.freeHead[c] = addr;
    this.live -= bs;
    const n = this.nalloc[c]! - 1;
    this.nalloc[c] = n;
    if (this.state[c] === SWEPT) {
      if (n + 1 === this.classBlocks[cls]!) this.push(c, cls);
      if (n === 0) this.chunkEmptied(c, cls);
    }
  }

  /** The block size of the allocated block at `addr` (a large object's requested size). */
  blockSize(addr: number): number {
    const c = this.chunkOf(addr);
    if (c === NO_CHUNK) return this.large.blockSize(addr);
    if (!this.isAllocated(addr)) {
      throw new AllocatorError(
        'foreign-address',
        `SegregatedFreeListSpace.blockSize: ${hex(addr)} is not an allocated block`,
      );
    }
    return this.classSize[this.cls[c]!]!;
  }

  /** Whether `addr` is the start of an allocated block (or an allocated large object). */
  isAllocated(addr: number): boolean {
    const c = this.chunkOf(addr);
    if (c === NO_CHUNK) return this.large.isAllocated(addr);
    const off = addr - this.base[c]!;
    if ((addr & 7) !== 0) return false;
    return (this.bitmap[c * this.bitmapWords + (off >>> 8)]! & (1 << ((off >>> 3) & 31))) !== 0;
  }

  /**
   * Full sweep: frees every allocated block (and large object) whose shape word lacks `markBit`,
   * reporting each with `heap.recordFree(addr, heap.model.size(words, addr))`, and clears `markBit`
   * on the survivors. When it returns, every allocated block has `markBit` clear and empty chunks
   * beyond one per class are unmapped. Returns this sweep's figures.
   */
  sweep(heap: Heap, markBit: number): SweepResult {
    this.beginSweep();
    this.sweepStep(heap, markBit, Number.POSITIVE_INFINITY);
    return { ...this.lastSweep };
  }

  /**
   * Full sweep against a side mark bitmap instead of a shape-word bit: the block (or large object)
   * at address `a` is marked when bit `(a >>> 3) & 31` of `marks[a >>> 8]` is set (one bit per
   * 8-byte granule of the whole simulated memory, as in the collector's `MarkBitmap`; `marks` must
   * cover every chunk and large object). Chunks are aligned to `chunkBytes` (a multiple of 256
   * bytes), so each word of a chunk's allocation bitmap lines up with one word of `marks`: the sweep
   * computes the dead blocks of 32 granules at once, `allocated & ~marked`, and never reads a live
   * object (an all-live word costs one load and one compare). Dead blocks are freed in address order,
   * each reported with `heap.recordFree(addr, heap.model.size(words, addr))`, exactly as `sweep`
   * does; `bytesSwept` still counts every allocated block visited. The marks are left as they are:
   * clearing them (one `fill`) is the caller's. `AllocatorError` (`bad-state`) during a lazy sweep, (`bad-size`)
   * if `marks` is shorter than `ceil(memory words / 64)`.
   */
  sweepBitmap(heap: Heap, marks: Int32Array): SweepResult {
    // A missing word would read as `undefined`, i.e. "nothing marked": refuse rather than free live blocks.
    if (marks.length < Math.ceil(this.os.memory.words.length / 64)) {
      throw new AllocatorError(
        'bad-size',
        `SegregatedFreeListSpace.sweepBitmap: the mark bitmap (${marks.length} words) does not cover the memory`,
      );
    }
    this.beginSweep();
    const r = this.lastSweep;
    this.large.sweepBitmapInto(heap, marks, r, this.largeBornBefore);
    this.largePending = false;
    while (this.sweepPos < this.sweepLength) {
      this.sweepChunkBitmap(this.sweepList[this.sweepPos++]!, heap, marks, r);
    }
    this.sweeping = false;
    return { ...r };
  }

  /**
   * Starts a lazy sweep: every chunk becomes unswept and leaves the available lists, so blocks
   * allocated from now on (in swept or new chunks) are not visited by this sweep. `AllocatorError`
   * (`bad-state`) if a sweep is already in progress.
   */
  beginSweep(): void {
    if (this.sweeping)
      throw new AllocatorError(
        'bad-state',
        'SegregatedFreeListSpace.beginSweep: a sweep is already in progress',
      );
    this.sweepList = growInt32(this.sweepList, this.slotsUsed);
    let n = 0;
    for (let s = 0; s < this.slotsUsed; s++) {
      if (this.state[s] === FREE_SLOT) continue;
      this.state[s] = UNSWEPT;
      this.prev[s] = NO_CHUNK;
      this.next[s] = NO_CHUNK;
      this.sweepList[n++] = s;
    }
    this.availHead.fill(NO_CHUNK);
    this.emptyChunks.fill(0);
    this.sweepLength = n;
    this.sweepPos = 0;
    this.sweeping = true;
    this.largePending = true;
    this.largeBornBefore = this.large.allocations;
    const r = this.lastSweep;
    r.objectsFreed = 0;
    r.bytesFreed = 0;
    r.bytesSwept = 0;
  }

  /**
   * Sweeps the large objects (first step) and then unswept chunks until `budgetBytes` of chunk bytes
   * (carved blocks) have been visited. Returns true while chunks remain unswept. Figures accumulate
   * in `lastSweep`.
   */
  sweepStep(heap: Heap, markBit: number, budgetBytes: number): boolean {
    if (!this.sweeping) return false;
    const r = this.lastSweep;
    let done = 0;
    if (this.largePending) {
      const before = r.bytesSwept;
      this.large.sweepInto(heap, markBit, r, this.largeBornBefore);
      done += r.bytesSwept - before;
      this.largePending = false;
    }
    while (this.sweepPos < this.sweepLength && done < budgetBytes) {
      done += this.sweepChunk(this.sweepList[this.sweepPos++]!, heap, markBit, r);
    }
    if (this.sweepPos < this.sweepLength) return true;
    this.sweeping = false;
    return false;
  }

  /** Calls `fn` with every allocated block and large object (cold path: tests, verification). */
  forEachObject(fn: (addr: number) => void): void {
    for (let s = 0; s < this.slotsUsed; s++) {
      if (this.state[s] === FREE_SLOT) continue;
      const base = this.base[s]!;
      for (let w = 0; w < this.bitmapWords; w++) {
        let bits = this.bitmap[s * this.bitmapWords + w]!;
        while (bits !== 0) {
          const b = 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          fn(base + (((w << 5) + b) << 3));
        }
      }
    }
    this.large.forEachObject(fn);
  }

  /** Throws `AllocatorError` (`corrupt`) unless every invariant in the file comment holds. */
  verify(): void {
    const words = this.os.memory.words;
    const inList = new Uint8Array(this.slotsUsed);
    for (let k = 0; k < this.availHead.length; k++) {
      let prev = NO_CHUNK;
      for (let s = this.availHead[k]!; s !== NO_CHUNK; s = this.next[s]!) {
        if (inList[s]) fail(`available list of class ${k} revisits chunk slot ${s}`);
        inList[s] = 1;
        if (this.cls[s] !== k)
          fail(`chunk slot ${s} of class ${this.cls[s]} is on class ${k}'s available list`);
        if (this.prev[s] !== prev) fail(`chunk slot ${s} has a wrong back link`);
        prev = s;
      }
    }
    let chunks = 0;
    let live = 0;
    const empties = new Int32Array(this.availHead.length);
    for (let s = 0; s < this.slotsUsed; s++) {
      const st = this.state[s]!;
      if (st === FREE_SLOT) {
        if (inList[s]) fail(`unused chunk slot ${s} is on an available list`);
        continue;
      }
      chunks++;
      const base = this.base[s]!;
      const k = this.cls[s]!;
      const bs = this.classSize[k]!;
      const blocks = this.classBlocks[k]!;
      if (this.chunkTable[base >>> this.shift] !== s + 1)
        fail(`chunk table does not point at chunk ${hex(base)}`);
      if (!this.os.isMapped(base) || !this.os.isMapped(base + this.chunkBytes - 1))
        fail(`chunk ${hex(base)} is not mapped`);
      let bitsSet = 0;
      for (let w = 0; w < this.bitmapWords; w++) {
        let bits = this.bitmap[s * this.bitmapWords + w]!;
        while (bits !== 0) {
          const b = 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const off = ((w << 5) + b) << 3;
          if (off % bs !== 0 || off >= this.carved[s]! * bs)
            fail(`chunk ${hex(base)}: bitmap bit at +${off} is not a carved block`);
          bitsSet++;
        }
      }
      if (bitsSet !== this.nalloc[s])
        fail(`chunk ${hex(base)}: ${this.nalloc[s]} blocks counted, ${bitsSet} bits set`);
      let freeCount = 0;
      for (let a = this.freeHead[s]!; a !== 0; a = words[a >> 2]!) {
        const off = a - base;
        if (off < 0 || off % bs !== 0 || off >= this.carved[s]! * bs)
          fail(`chunk ${hex(base)}: free list holds ${hex(a)}`);
        if ((this.bitmap[s * this.bitmapWords + (off >>> 8)]! & (1 << ((off >>> 3) & 31))) !== 0) {
          fail(`chunk ${hex(base)}: allocated block ${hex(a)} is on the free list`);
        }
        if (++freeCount > blocks) fail(`chunk ${hex(base)}: free list has a cycle`);
      }
      if (this.nalloc[s]! + freeCount !== this.carved[s] || this.carved[s]! > blocks) {
        fail(
          `chunk ${hex(base)}: ${this.nalloc[s]} allocated + ${freeCount} free != ${this.carved[s]} carved`,
        );
      }
      const hasRoom = this.nalloc[s]! < blocks;
      if (st === SWEPT && hasRoom !== (inList[s] === 1))
        fail(`chunk ${hex(base)}: available-list membership is wrong`);
      if (st === UNSWEPT && (inList[s] === 1 || !this.sweeping))
        fail(`chunk ${hex(base)}: unswept chunk outside a sweep`);
      if (st === SWEPT && this.nalloc[s] === 0) empties[k]!++;
      live += this.nalloc[s]! * bs;
    }
    for (let k = 0; k < empties.length; k++) {
      if (empties[k] !== this.emptyChunks[k] || empties[k]! > 1) {
        fail(
          `class ${k}: ${empties[k]} empty chunks, counted ${this.emptyChunks[k]} (at most 1 may be kept)`,
        );
      }
    }
    if (chunks !== this.chunkCount) fail(`${chunks} chunks found, ${this.chunkCount} counted`);
    if (live !== this.live) fail(`${live} live block bytes found, ${this.live} counted`);
    this.large.verify();
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Slow path of `allocate`: bad sizes and large objects. */
  private allocateOther(size: number): number {
    if (!Number.isInteger(size) || size <= 0) {
      throw new AllocatorError(
        'bad-size',
        `SegregatedFreeListSpace.allocate: size must be a positive integer, got ${size}`,
      );
    }
    const addr = this.large.allocate(size);
    if (addr !== 0 || this.releaseEmptyChunks() === 0) return addr;
    return this.large.allocate(size);
  }

  /** The error for freeing `addr` in chunk `c` whose allocation bit is clear (or is misaligned). */
  private freeError(addr: number, c: number): AllocatorError {
    const bs = this.classSize[this.cls[c]!]!;
    const off = addr - this.base[c]!;
    if (off % bs !== 0 || off >= this.carved[c]! * bs) {
      return new AllocatorError(
        'foreign-address',
        `SegregatedFreeListSpace.free: ${hex(addr)} is not the start of a block`,
      );
    }
    return new AllocatorError(
      'double-free',
      `SegregatedFreeListSpace.free: block ${hex(addr)} is already free`,
    );
  }

  /** The chunk slot holding `addr`, or NO_CHUNK. */
  private chunkOf(addr: number): number {
    if ((addr | 0) !== addr || addr <= 0) return NO_CHUNK;
    const i = addr >>> this.shift;
    if (i >= this.chunkTable.length) return NO_CHUNK;
    return this.chunkTable[i]! - 1;
  }

  /** Maps a fresh chunk for class `k` and puts it on the available list; NO_CHUNK if refused. */
  private refill(k: number): number {
    let base = this.os.map(this.chunkBytes, this.chunkBytes);
    if (base === 0 && this.releaseEmptyChunks() > 0) base = this.os.map(this.chunkBytes, this.chunkBytes);
    if (base === 0) return NO_CHUNK;
    let s: number;
    if (this.freeSlotCount > 0) {
      s = this.freeSlots[--this.freeSlotCount]!;
    } else {
      s = this.slotsUsed++;
      if (s >= this.base.length) this.growSlots(s + 1);
    }
    const ti = base >>> this.shift;
    if (ti >= this.chunkTable.length) this.chunkTable = growInt32(this.chunkTable, ti + 1);
    this.chunkTable[ti] = s + 1;
    this.base[s] = base;
    this.cls[s] = k;
    this.nalloc[s] = 0;
    this.carved[s] = 0;
    this.freeHead[s] = 0;
    this.state[s] = SWEPT;
    this.push(s, k);
    this.emptyChunks[k]!++;
    this.chunkCount++;
    return s;
  }

  private growSlots(min: number): void {
    this.base = growInt32(this.base, min);
    this.cls = growInt32(this.cls, min);
    this.nalloc = growInt32(this.nalloc, min);
    this.carved = growInt32(this.carved, min);
    this.freeHead = growInt32(this.freeHead, min);
    this.state = growInt32(this.state, min);
    this.prev = growInt32(this.prev, min);
    this.next = growInt32(this.next, min);
    this.freeSlots = growInt32(this.freeSlots, min);
    this.bitmap = growInt32(this.bitmap, this.base.length * this.bitmapWords);
  }

  /** Puts chunk `s` at the head of class `k`'s available list. */
  private push(s: number, k: number): void {
    const head = this.availHead[k]!;
    this.prev[s] = NO_CHUNK;
    this.next[s] = head;
    if (head !== NO_CHUNK) this.prev[head] = s;
    this.availHead[k] = s;
  }

  /** Takes chunk `s` off class `k`'s available list. */
  private unlink(s: number, k: number): void {
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p === NO_CHUNK) this.availHead[k] = n;
    else this.next[p] = n;
    if (n !== NO_CHUNK) this.prev[n] = p;
    this.prev[s] = NO_CHUNK;
    this.next[s] = NO_CHUNK;
  }

  /**
   * Under memory pressure (the OS refused a chunk or a large object), unmaps the empty chunks kept
   * for every class, so that memory kept for one size class never makes another allocation run out.
   * Returns how many chunks were unmapped.
   */
  releaseEmptyChunks(): number {
    let released = 0;
    for (let s = 0; s < this.slotsUsed; s++) {
      if (this.state[s] !== SWEPT || this.nalloc[s] !== 0) continue;
      const k = this.cls[s]!;
      this.unlink(s, k);
      this.emptyChunks[k]!--;
      this.unmapChunk(s);
      released++;
    }
    return released;
  }

  /** A swept chunk `s` (on the available list) became empty: keep it or unmap it. */
  private chunkEmptied(s: number, k: number): void {
    if (this.emptyChunks[k]! === 0) {
      this.emptyChunks[k] = 1;
      return;
    }
    this.unlink(s, k);
    this.unmapChunk(s);
  }

  /** Unmaps chunk `s` (already off its available list) and frees its slot. */
  private unmapChunk(s: number): void {
    const base = this.base[s]!;
    this.chunkTable[base >>> this.shift] = 0;
    this.bitmap.fill(0, s * this.bitmapWords, (s + 1) * this.bitmapWords);
    this.state[s] = FREE_SLOT;
    this.freeSlots[this.freeSlotCount++] = s;
    this.chunkCount--;
    this.os.unmap(base, this.chunkBytes);
  }

  /** `sweepChunk` against the side mark bitmap `marks` (see `sweepBitmap`). */
  private sweepChunkBitmap(s: number, heap: Heap, marks: Int32Array, r: SweepResult): void {
    const words = this.os.memory.words;
    const model = heap.model;
    const alloc = this.bitmap;
    const k = this.cls[s]!;
    const bs = this.classSize[k]!;
    const base = this.base[s]!;
    const first = s * this.bitmapWords;
    const markFirst = base >>> 8;
    const visited = this.nalloc[s]!;
    let freeHead = this.freeHead[s]!;
    let freed = 0;
    for (let w = 0; w < this.bitmapWords; w++) {
      const allocated = alloc[first + w]!;
      if (allocated === 0) continue;
      let dead = allocated & ~marks[markFirst + w]!;
      if (dead === 0) continue;
      alloc[first + w] = allocated ^ dead;
      const granule = base + (w << 8);
      do {
        const low = dead & -dead;
        dead ^= low;
        const addr = granule + ((31 - Math.clz32(low)) << 3);
        heap.recordFree(addr, model.size(words, addr));
        words[addr >> 2] = freeHead;
        freeHead = addr;
        freed++;
      } while (dead !== 0);
    }
    this.freeHead[s] = freeHead;
    const n = visited - freed;
    this.nalloc[s] = n;
    this.live -= freed * bs;
    r.objectsFreed += freed;
    r.bytesFreed += freed * bs;
    r.bytesSwept += visited * bs;
    this.state[s] = SWEPT;
    if (n < this.classBlocks[k]!) {
      this.push(s, k);
      if (n === 0) this.chunkEmptied(s, k);
    }
  }

  /** Sweeps unswept chunk `s`; returns the bytes visited (its carved blocks). */
  private sweepChunk(s: number, heap: Heap, markBit: number, r: SweepResult): number {
    const words = this.os.memory.words;
    const model = heap.model;
    const k = this.cls[s]!;
    const bs = this.classSize[k]!;
    const base = this.base[s]!;
    const keep = ~markBit;
    const first = s * this.bitmapWords;
    let freeHead = this.freeHead[s]!;
    let freed = 0;
    let visited = 0;
    for (let w = 0; w < this.bitmapWords; w++) {
      const wordBits = this.bitmap[first + w]!;
      let bits = wordBits;
      let kept = wordBits;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const addr = base + (((w << 5) + 31 - Math.clz32(low)) << 3);
        const i = addr >> 2;
        const shape = words[i]!;
        visited++;
        if ((shape & markBit) !== 0) {
          words[i] = shape & keep;
        } else {
          heap.recordFree(addr, model.size(words, addr));
          kept ^= low;
          words[i] = freeHead;
          freeHead = addr;
          freed++;
        }
      }
      if (kept !== wordBits) this.bitmap[first + w] = kept;
    }
    this.freeHead[s] = freeHead;
    const n = this.nalloc[s]! - freed;
    this.nalloc[s] = n;
    this.live -= freed * bs;
    r.objectsFreed += freed;
    r.bytesFreed += freed * bs;
    r.bytesSwept += visited * bs;
    this.state[s] = SWEPT;
    if (n < this.classBlocks[k]!) {
      this.push(s, k);
      if (n === 0) this.chunkEmptied(s, k);
    }
    return Math.max(this.carved[s]! * bs, 1);
  }
}

function fail(reason: string): never {
  throw new AllocatorError('corrupt', `SegregatedFreeListSpace: ${reason}`);
}
