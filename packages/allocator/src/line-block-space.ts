/**
 * Immix's line/block space (Blackburn & McKinley, "Immix: A Mark-Region Garbage Collector with Space
 * Efficiency, Fast Collection, and Mutator Performance", PLDI 2008, §3; MMTk's `ImmixSpace`), usable
 * by a tracing collector (immix, sticky-immix) and by a reference-counting one (RC Immix, Shahriyar et
 * al., OOPSLA 2013; LXR, PLDI 2022).
 *
 * Memory: 32 KiB blocks (`LINE_BLOCK_BYTES`), each mapped on its own from the simulated OS aligned to
 * 32 KiB, cut into 128 lines of 256 bytes (`LINE_BYTES`). Objects up to `largeObjectBytes` (default
 * 8192, at most 16 KiB: half a block, as MMTk's `MAX_IMMIX_OBJECT_SIZE`) live in blocks and never span
 * two; larger ones go to the `LargeObjectSpace` (mapped one by one).
 *
 * Side tables, all indexed by address arithmetic (no slot table: a block is `addr >>> 15`, a line
 * `addr >>> 8` over the whole simulated memory, and they grow as blocks are mapped higher):
 *
 * ```
 *  allocBits[addr >>> 8]  bit (addr >>> 3) & 31   object start (MMTk's VO bits): one 32-bit word a line,
 *                                                  laid out exactly like a heap-wide MarkBitmap's words
 *  lineUse[addr >>> 8]    tracing mode: 0 free, 1 in use; counting mode: objects overlapping the line
 *  lineMarks[addr >>> 8]  set by a tracing collector (`markLines`) for the lines of each live object
 *  blockState[addr >>> 15] UNMAPPED / FREE / RECYCLABLE / FULL / IN_USE; freeLinesOf[b]: free lines
 * ```
 *
 * Allocation (Immix §3.2): the mutator's allocator bumps a cursor through a hole (a run of free
 * lines) up to its limit; when an object does not fit, the next hole of the current block is taken,
 * then the next recyclable block (address order), then a free block, then a newly mapped one. A medium
 * object (more than a line) that does not fit the current hole goes to the overflow allocator, which
 * has its own cursor and block and takes the next hole big enough for it (recyclable blocks, then
 * free ones), so a medium object never makes the mutator's allocator skip its small holes. An
 * evacuating collector copies with a third allocator (`copyAllocate`), on free blocks with its own
 * cursor, and when the OS refuses a block, in the holes of blocks that are not candidates; it returns
 * 0 when neither has room (the collector leaves the object in place).
 * Every allocator returns 0 when the OS refuses memory.
 *
 * Two modes, fixed at construction (`countLines`):
 * - tracing (default): when a hole is taken its lines become "in use" (`lineUse` 1). A collection
 *   marks objects (in the caller's heap-wide mark bitmap, one bit per 8-byte granule, `marks[a >>> 8]`
 *   bit `(a >>> 3) & 31`) and their lines (`markLines`, exact: every line an object overlaps, where
 *   Immix marks conservatively); `sweep(heap, marks)` then frees the allocated objects that are not
 *   marked (reported to the heap), sets `lineUse` from `lineMarks` and classifies the blocks. Line
 *   marks are left as they are (sticky-immix keeps them across nursery collections); `clearLineMarks`
 *   clears them before a full trace.
 * - counting (RC Immix): `lineUse` counts the allocated objects overlapping each line, incremented
 *   at allocation and decremented by `free(addr, size)`; a line is free when its count is 0. The
 *   collector calls `reclaimLines()` to turn lines and blocks that became free back into holes
 *   (recyclable and free blocks); `sweep` works too (a backup trace), decrementing the counts of the
 *   dead objects it frees.
 *
 * Block states after a classification (`sweep`, `reclaimLines`): FREE (no line in use; at most
 * `freeBlockReserve` such blocks stay mapped, the rest are unmapped, memory returned to the OS),
 * RECYCLABLE (some free lines; on the recyclable list), FULL (no free line). A block an allocator took
 * since then is IN_USE until the next classification. The figures (`recyclableBlocks`, `freeLines`,
 * `fragmentedBytes`, ...) are those of the last classification.
 *
 * Evacuation (Immix §3.3, opportunistic defragmentation): `selectEvacuationCandidates(maxLiveLines)`
 * marks the most fragmented blocks (most free lines first, Immix's histogram) whose estimated live
 * lines (128 - free lines at the last classification) add up to at most `maxLiveLines`;
 * `selectEmergencyCandidates(headroomLines)` splits the partly used blocks into candidates and
 * targets when an allocation failed under the heap limit even after a full collection (the copy
 * allocator then fills the targets' holes once no free block is left); `isEvacuationCandidate(addr)` is the collector's test while tracing; the next classification clears
 * the candidates. Moving an object is the collector's: `copyAllocate(size)`, copy the words, then
 * `free(from, size)` (the original leaves the space's books; the heap is told with `recordMove`).
 *
 * Accounting: every object the space frees in `sweep` is reported with `heap.recordFree(addr, size)`
 * when `heap.freesObserved`, else with one `heap.recordBulkFree(objects, bytes)` per sweep. `free`
 * reports nothing (the caller does: a counting collector reports a death, a copying one a move).
 *
 * API: `allocate(size)`, `copyAllocate(size)`, `free(addr, size)`, `isAllocated(addr)`,
 * `inBlock(addr)`, `markLines(addr, size)`, `clearLineMarks()`, `sweep(heap, marks)`,
 * `reclaimLines()`, `releaseFreeBlocks()`, `retireAllocators()`, `selectEvacuationCandidates(maxLiveLines)`,
 * `selectEmergencyCandidates(headroomLines)`,
 * `isEvacuationCandidate(addr)`, `forEachObject(fn)`, `verify(heap?)`; figures `reservedBytes`,
 * `liveBytes`, `objects`, `blocks`, `freeBlocks`, `recyclableBlocks`, `fullBlocks`, `freeLines`,
 * `fragmentedBytes`, `evacuationCandidates`, `blocksMapped`, `blocksUnmapped`.
 *
 * Invariants (checked by `verify`): every allocated object lies inside one mapped block, on lines in
 * use (counting mode: each line's count is exactly the number of objects overlapping it); free
 * blocks have no object and no line in use and are exactly the free list; recyclable blocks are exactly
 * the recyclable list; `liveBytes` and `objects` add up; allocator cursors lie inside IN_USE blocks.
 */
import { type Heap, hex, type SimulatedOS } from '@gclab/core';
import { AllocatorError } from './allocator-error.ts';
import { growInt32 } from './grow.ts';
import { LargeObjectSpace } from './large-object-space.ts';
import type { SweepResult } from './sweep-result.ts';

/** Bytes in an Immix block. */
export const LINE_BLOCK_BYTES = 32 * 1024;
/** Bytes in an Immix line. */
export const LINE_BYTES = 256;
/** Lines in a block. */
export const LINES_PER_BLOCK = LINE_BLOCK_BYTES / LINE_BYTES;
/** Default size above which objects go to the large object space. */
export const DEFAULT_LARGE_OBJECT_BYTES = 8192;

const BLOCK_SHIFT = 15;
const LINE_SHIFT = 8;

/** Block states (`blockState[addr >>> 15]`). */
const UNMAPPED = 0;
const FREE = 1;
const RECYCLABLE = 2;
const FULL = 3;
const IN_USE = 4;

/** Options of a line/block space. */
export interface LineBlockSpaceOptions {
  /** Objects above this many bytes go to the large object space (256 to 16384; default 8192). */
  largeObjectBytes?: number;
  /** Counting mode (RC Immix): per-line object counts instead of line marks (default false). */
  countLines?: boolean;
  /** Free blocks kept mapped at each classification (the rest are unmapped; default 0). */
  freeBlockReserve?: number;
  /** The large object space (shared with other spaces). Default: a new one. */
  large?: LargeObjectSpace;
}

/** Immix's heap organisation: 32 KiB blocks of 256-byte lines, bump allocation into holes. */
export class LineBlockSpace {
  /** The OS blocks are mapped from. */
  readonly os: SimulatedOS;
  /** Where objects above `largeObjectBytes` go. */
  readonly large: LargeObjectSpace;
  /** Objects above this size go to `large`. */
  readonly largeObjectBytes: number;
  /** Whether lines keep object counts (counting mode) rather than in-use flags (tracing mode). */
  readonly countLines: boolean;
  /** Free blocks kept mapped at a classification (a collector may change it between collections). */
  freeBlockReserve: number;

  /** Object-start bits, one word a line (see the file comment). */
  allocBits = new Int32Array(0);
  /** Per line: in use (tracing mode) or objects overlapping it (counting mode). */
  lineUse = new Uint8Array(0);
  /** Per line: marked by the current trace. */
  lineMarks = new Uint8Array(0);
  private blockState = new Uint8Array(0);
  private freeLinesOf = new Uint8Array(0);
  private candidate = new Uint8Array(0);
  /** Lowest and one past the highest block number ever mapped. */
  private lowBlock = 0x7fff_ffff;
  private highBlock = 0;

  // The mutator's allocator: bump [cursor, limit) in block `block`, next hole search from `nextLine`.
  private cursor = 0;
  private limit = 0;
  private block = -1;
  private nextLine = 0;
  // The overflow allocator (medium objects) and the copy allocator (evacuation): whole free blocks.
  private overflowCursor = 0;
  private overflowLimit = 0;
  private overflowBlock = -1;
  private overflowNextLine = 0;
  /** The hole `findHole` found, in lines of its block. */
  private holeStart = 0;
  private holeEnd = 0;
  private copyCursor = 0;
  private copyLimit = 0;
  /** The block whose holes the copy allocator uses when no free block is left (-1: none yet; -2: none left). */
  private copyBlock = -1;
  private copyNextLine = 0;

  private recyclable = new Int32Array(16);
  private recyclableCount = 0;
  private recyclablePos = 0;
  private freeList = new Int32Array(16);
  private freeCount = 0;

  private live = 0;
  private objectCount = 0;
  private blockCount = 0;
  private candidates = 0;
  // Figures of the last classification.
  private lastRecyclable = 0;
  private lastFull = 0;
  private lastFreeLines = 0;
  /** Blocks mapped from the OS so far. */
  blocksMapped = 0;
  /** Blocks unmapped (returned to the OS) so far. */
  blocksUnmapped = 0;

  constructor(os: SimulatedOS, options: LineBlockSpaceOptions = {}) {
    const large = options.largeObjectBytes ?? DEFAULT_LARGE_OBJECT_BYTES;
    if (!Number.isInteger(large) || large < LINE_BYTES || large > LINE_BLOCK_BYTES / 2) {
      throw new AllocatorError(
        'bad-size',
        `LineBlockSpace: largeObjectBytes must be an integer from ${LINE_BYTES} to ${LINE_BLOCK_BYTES / 2}, got ${large}`,
      );
    }
    const reserve = options.freeBlockReserve ?? 0;
    if (!Number.isInteger(reserve) || reserve < 0) {
      throw new AllocatorError(
        'bad-size',
        `LineBlockSpace: freeBlockReserve must be a non-negative integer, got ${reserve}`,
      );
    }
    this.os = os;
    this.large = options.large ?? new LargeObjectSpace(os);
    this.largeObjectBytes = large;
    this.countLines = options.countLines === true;
    this.freeBlockReserve = reserve;
  }

  // ---- figures ----------------------------------------------------------------------------------

  /** Bytes mapped: blocks plus the large object space's objects (counted here even when shared). */
  get reservedBytes(): number {
    return this.blockCount * LINE_BLOCK_BYTES + this.large.reservedBytes;
  }

  /** Bytes of the allocated objects (their sizes) in blocks, plus the large objects' sizes. */
  get liveBytes(): number {
    return this.live + this.large.bytes;
  }

  /** Allocated objects in blocks (large objects: `large.objects`). */
  get objects(): number {
    return this.objectCount;
  }

  /** Blocks mapped now. */
  get blocks(): number {
    return this.blockCount;
  }

  /** Free blocks mapped now (kept by `freeBlockReserve`, not yet taken by an allocator). */
  get freeBlocks(): number {
    return this.freeCount;
  }

  /** Recyclable blocks at the last classification. */
  get recyclableBlocks(): number {
    return this.lastRecyclable;
  }

  /** Full blocks (no free line) at the last classification. */
  get fullBlocks(): number {
    return this.lastFull;
  }

  /** Free lines inside partly used (recyclable) blocks at the last classification. */
  get freeLines(): number {
    return this.lastFreeLines;
  }

  /** Free bytes inside partly used blocks at the last classification (`freeLines * 256`). */
  get fragmentedBytes(): number {
    return this.lastFreeLines * LINE_BYTES;
  }

  /** Blocks marked as evacuation candidates (cleared by the next classification). */
  get evacuationCandidates(): number {
    return this.candidates;
  }

  // ---- allocation -------------------------------------------------------------------------------

  /** Allocates `size` bytes (rounded up to 8) for the mutator; returns the address, or 0 if the OS refused. */
  allocate(size: number): number {
    const addr = this.cursor;
    const next = addr + size;
    // `(size & 0x7ff8) === size`: an integer multiple of 8 below 32 KiB, in one test.
    if (next <= this.limit && (size & 0x7ff8) === size && size !== 0 && size <= this.largeObjectBytes) {
      this.cursor = next;
      this.noteObject(addr, size);
      return addr;
    }
    return this.allocateSlow(size);
  }

  private allocateSlow(size: number): number {
    if (!Number.isInteger(size) || size <= 0) {
      throw new AllocatorError(
        'bad-size',
        `LineBlockSpace.allocate: size must be a positive integer, got ${size}`,
      );
    }
    size += -size & 7;
    if (size > this.largeObjectBytes) return this.large.allocate(size);
    if (this.cursor + size <= this.limit && size <= this.largeObjectBytes) {
      const addr = this.cursor;
      this.cursor = addr + size;
      this.noteObject(addr, size);
      return addr;
    }
    if (size > LINE_BYTES) {
      // Overflow allocation: a medium object that does not fit the current hole takes the next hole
      // big enough for it (smaller ones are skipped), in the overflow allocator's own block.
      let addr = this.overflowCursor;
      if (addr + size > this.overflowLimit) {
        for (;;) {
          const b = this.overflowBlock;
          if (b >= 0 && this.findHole(b, this.overflowNextLine)) {
            this.overflowNextLine = this.holeEnd;
            if ((this.holeEnd - this.holeStart) << LINE_SHIFT < size) continue;
            this.takeHole(b);
            addr = (b << BLOCK_SHIFT) + (this.holeStart << LINE_SHIFT);
            this.overflowLimit = (b << BLOCK_SHIFT) + (this.holeEnd << LINE_SHIFT);
            break;
          }
          const next = this.takeBlock();
          if (next < 0) return 0;
          this.overflowBlock = next;
          this.overflowNextLine = 0;
        }
      }
      this.overflowCursor = addr + size;
      this.noteObject(addr, size);
      return addr;
    }
    // A small object: the next hole (a hole is at least one line, so it fits).
    for (;;) {
      const b = this.block;
      if (b >= 0 && this.findHole(b, this.nextLine)) {
        this.nextLine = this.holeEnd;
        this.takeHole(b);
        this.cursor = (b << BLOCK_SHIFT) + (this.holeStart << LINE_SHIFT);
        this.limit = (b << BLOCK_SHIFT) + (this.holeEnd << LINE_SHIFT);
        break;
      }
      const next = this.takeBlock();
      if (next < 0) return 0;
      this.block = next;
      this.nextLine = 0;
    }
    const addr = this.cursor;
    this.cursor = addr + size;
    this.noteObject(addr, size);
    return addr;
  }

  /**
   * Finds in block `b`, from line `from`, the first run of free lines: `[holeStart, holeEnd)` (line
   * numbers in the block). Returns false if there is none.
   */
  private findHole(b: number, from: number): boolean {
    const use = this.lineUse;
    const base = b << 7;
    let l = from;
    while (l < LINES_PER_BLOCK && use[base + l] !== 0) l++;
    if (l === LINES_PER_BLOCK) return false;
    let e = l + 1;
    while (e < LINES_PER_BLOCK && use[base + e] === 0) e++;
    this.holeStart = l;
    this.holeEnd = e;
    return true;
  }

  /** An allocator takes the hole just found in block `b` (tracing mode: its lines are now in use). */
  private takeHole(b: number): void {
    if (!this.countLines) this.lineUse.fill(1, (b << 7) + this.holeStart, (b << 7) + this.holeEnd);
  }

  /** The next block for the mutator's or the overflow allocator: recyclable first (address order), then free. */
  private takeBlock(): number {
    while (this.recyclablePos < this.recyclableCount) {
      const r = this.recyclable[this.recyclablePos++]!;
      if (this.blockState[r] === RECYCLABLE) {
        this.blockState[r] = IN_USE;
        return r;
      }
    }
    return this.takeFreeBlock();
  }

  /**
   * Allocates `size` bytes (a multiple of 8) for an evacuated object, in free blocks only, with its
   * own cursor; returns 0 when the object is large or the OS refuses a block.
   */
  copyAllocate(size: number): number {
    if (size > this.largeObjectBytes) return 0;
    let addr = this.copyCursor;
    if (addr + size > this.copyLimit) {
      const b = this.takeFreeBlock();
      if (b >= 0) {
        addr = b << BLOCK_SHIFT;
        this.copyLimit = addr + LINE_BLOCK_BYTES;
        if (!this.countLines) this.lineUse.fill(1, b << 7, (b + 1) << 7);
      } else {
        addr = this.copyIntoHole(size);
        if (addr === 0) return 0;
      }
    }
    this.copyCursor = addr + size;
    this.noteObject(addr, size);
    return addr;
  }

  /**
   * When no free block is left (the OS refuses one: the heap limit), the copy allocator takes holes
   * of at least `size` bytes in the blocks that are not evacuation candidates, in address order
   * (Immix evacuates into recyclable blocks' holes too). Returns the hole's first address (the copy
   * limit set to its end), or 0 when no such hole is left.
   */
  private copyIntoHole(size: number): number {
    const state = this.blockState;
    for (;;) {
      const b = this.copyBlock;
      if (b === -2) return 0;
      if (b >= 0 && this.findHole(b, this.copyNextLine)) {
        this.copyNextLine = this.holeEnd;
        if ((this.holeEnd - this.holeStart) << LINE_SHIFT < size) continue;
        this.takeHole(b);
        this.copyLimit = (b << BLOCK_SHIFT) + (this.holeEnd << LINE_SHIFT);
        return (b << BLOCK_SHIFT) + (this.holeStart << LINE_SHIFT);
      }
      let n = b < 0 ? this.lowBlock : b + 1;
      while (
        n < this.highBlock &&
        (this.candidate[n] === 1 || !(state[n] === RECYCLABLE || state[n] === IN_USE))
      )
        n++;
      this.copyBlock = n < this.highBlock ? n : -2;
      this.copyNextLine = 0;
    }
  }

  /** Records a new object: its start bit, the live figures and (counting mode) its lines' counts. */
  private noteObject(addr: number, size: number): void {
    this.allocBits[addr >>> LINE_SHIFT]! |= 1 << ((addr >>> 3) & 31);
    this.live += size;
    this.objectCount++;
    if (this.countLines) {
      const use = this.lineUse;
      for (let l = addr >>> LINE_SHIFT, last = (addr + size - 1) >>> LINE_SHIFT; l <= last; l++) use[l]!++;
    }
  }

  /**
   * A free block for an allocator (the free list, else a newly mapped one), now IN_USE; -1 if the OS
   * refused. Its lines are all free: the caller takes them (a hole, or the whole block).
   */
  private takeFreeBlock(): number {
    let b: number;
    if (this.freeCount > 0) {
      b = this.freeList[--this.freeCount]!;
    } else {
      const addr = this.os.map(LINE_BLOCK_BYTES, LINE_BLOCK_BYTES);
      if (addr === 0) return -1;
      b = addr >>> BLOCK_SHIFT;
      this.cover(b);
      this.blockCount++;
      this.blocksMapped++;
      if (b < this.lowBlock) this.lowBlock = b;
      if (b + 1 > this.highBlock) this.highBlock = b + 1;
    }
    this.blockState[b] = IN_USE;
    this.freeLinesOf[b] = LINES_PER_BLOCK;
    return b;
  }

  /** Grows the side tables to cover block `b`. */
  private cover(b: number): void {
    const blocks = b + 1;
    if (blocks <= this.blockState.length) return;
    let n = Math.max(64, this.blockState.length * 2);
    while (n < blocks) n *= 2;
    const state = new Uint8Array(n);
    state.set(this.blockState);
    this.blockState = state;
    const free = new Uint8Array(n);
    free.set(this.freeLinesOf);
    this.freeLinesOf = free;
    const cand = new Uint8Array(n);
    cand.set(this.candidate);
    this.candidate = cand;
    const bits = new Int32Array(n << 7);
    bits.set(this.allocBits);
    this.allocBits = bits;
    const use = new Uint8Array(n << 7);
    use.set(this.lineUse);
    this.lineUse = use;
    const marks = new Uint8Array(n << 7);
    marks.set(this.lineMarks);
    this.lineMarks = marks;
  }

  /** Drops the three allocators' cursors (the rest of their holes is lost until the next classification). */
  retireAllocators(): void {
    this.cursor = 0;
    this.limit = 0;
    this.block = -1;
    this.nextLine = 0;
    this.overflowCursor = 0;
    this.overflowLimit = 0;
    this.overflowBlock = -1;
    this.overflowNextLine = 0;
    this.copyCursor = 0;
    this.copyLimit = 0;
    this.copyBlock = -1;
    this.copyNextLine = 0;
  }

  // ---- freeing ----------------------------------------------------------------------------------

  /**
   * Takes the object at `addr` of `size` bytes out of the space's books (a large object is unmapped):
   * its start bit is cleared and, in counting mode, its lines' counts drop. Reports nothing to the
   * heap. `AllocatorError` unless `addr` is an allocated object.
   */
  free(addr: number, size: number): void {
    const w = addr >>> LINE_SHIFT;
    const bit = 1 << ((addr >>> 3) & 31);
    if (w >= this.allocBits.length || (this.allocBits[w]! & bit) === 0 || (addr & 7) !== 0) {
      if (this.large.contains(addr)) {
        this.large.free(addr);
        return;
      }
      throw new AllocatorError(
        'foreign-address',
        `LineBlockSpace.free: ${hex(addr)} is not an allocated object (double free or foreign address)`,
      );
    }
    this.allocBits[w]! &= ~bit;
    this.live -= size;
    this.objectCount--;
    if (this.countLines) {
      const use = this.lineUse;
      for (let l = w, last = (addr + size - 1) >>> LINE_SHIFT; l <= last; l++) use[l]!--;
    }
  }

  /** Whether `addr` is an allocated object (in a block, or a large object). */
  isAllocated(addr: number): boolean {
    const w = addr >>> LINE_SHIFT;
    if (
      (addr & 7) === 0 &&
      w < this.allocBits.length &&
      (this.allocBits[w]! & (1 << ((addr >>> 3) & 31))) !== 0
    )
      return true;
    return this.large.contains(addr);
  }

  /** Whether `addr` lies in a mapped block of this space (not a large object). */
  inBlock(addr: number): boolean {
    const b = addr >>> BLOCK_SHIFT;
    return b < this.blockState.length && this.blockState[b] !== UNMAPPED;
  }

  // ---- tracing ----------------------------------------------------------------------------------

  /** Marks the lines of the live object at `addr` of `size` bytes (large objects: nothing to mark). */
  markLines(addr: number, size: number): void {
    if (size > this.largeObjectBytes) return;
    const marks = this.lineMarks;
    const last = (addr + size - 1) >>> LINE_SHIFT;
    for (let l = addr >>> LINE_SHIFT; l <= last; l++) marks[l] = 1;
  }

  /** Clears every line mark (before a full trace). */
  clearLineMarks(): void {
    this.lineMarks.fill(0);
  }

  /**
   * The sweep of a tracing collection: frees every allocated object (blocks and large objects) whose
   * bit is clear in `marks` (heap-wide, bit `(a >>> 3) & 31` of `marks[a >>> 8]`), reporting each to
   * the heap (see the file comment); in tracing mode sets each line's use from its mark; then
   * classifies the blocks (`reclaimLines`). Marks and line marks are left as they are. `bytesSwept`
   * counts every line of every block (Immix sweeps lines, not objects) plus the large objects visited.
   */
  sweep(heap: Heap, marks: Int32Array): SweepResult {
    const need = this.highBlock << 7;
    if (marks.length < need && need > 0) {
      throw new AllocatorError(
        'bad-size',
        `LineBlockSpace.sweep: the mark bitmap (${marks.length} words) does not cover the blocks (${need})`,
      );
    }
    this.retireAllocators();
    const result: SweepResult = { objectsFreed: 0, bytesFreed: 0, bytesSwept: 0 };
    this.large.sweepBitmapInto(heap, marks, result);
    const words = heap.memory.words;
    const model = heap.model;
    const observed = heap.freesObserved;
    const bits = this.allocBits;
    const use = this.lineUse;
    const lineMarks = this.lineMarks;
    const counting = this.countLines;
    const state = this.blockState;
    let objects = 0;
    let bytes = 0;
    for (let b = this.lowBlock; b < this.highBlock; b++) {
      if (state[b] === UNMAPPED || state[b] === FREE) continue;
      result.bytesSwept += LINE_BLOCK_BYTES;
      for (let w = b << 7, end = w + LINES_PER_BLOCK; w < end; w++) {
        const allocated = bits[w]!;
        let dead = allocated & ~marks[w]!;
        if (dead !== 0) {
          bits[w] = allocated & ~dead;
          // Dead objects in address order (lowest bit first).
          while (dead !== 0) {
            const low = dead & -dead;
            dead ^= low;
            const addr = (w << LINE_SHIFT) + ((31 - Math.clz32(low)) << 3);
            const size = model.size(words, addr);
            if (observed) heap.recordFree(addr, size);
            objects++;
            bytes += size;
            if (counting) {
              for (let l = w, last = (addr + size - 1) >>> LINE_SHIFT; l <= last; l++) use[l]!--;
            }
          }
        }
      }
      if (!counting) use.set(lineMarks.subarray(b << 7, (b + 1) << 7), b << 7);
    }
    this.live -= bytes;
    this.objectCount -= objects;
    if (!observed && objects > 0) heap.recordBulkFree(objects, bytes);
    result.objectsFreed += objects;
    result.bytesFreed += bytes;
    this.reclaimLines();
    return result;
  }

  /**
   * Classifies every block from its lines' use (free when 0): FREE blocks beyond `freeBlockReserve`
   * are unmapped, the others go on the free list; RECYCLABLE blocks on the recyclable list in address
   * order; the rest are FULL. Retires the allocators and clears the evacuation candidates. Counting
   * mode calls it to reuse the lines and blocks its frees emptied; `sweep` ends with it.
   */
  reclaimLines(): void {
    this.retireAllocators();
    const state = this.blockState;
    const use = this.lineUse;
    this.recyclableCount = 0;
    this.recyclablePos = 0;
    this.freeCount = 0;
    let full = 0;
    let freeLines = 0;
    for (let b = this.lowBlock; b < this.highBlock; b++) {
      if (state[b] === UNMAPPED) continue;
      let free = 0;
      for (let l = b << 7, end = l + LINES_PER_BLOCK; l < end; l++) if (use[l] === 0) free++;
      this.freeLinesOf[b] = free;
      if (free === LINES_PER_BLOCK) {
        if (this.freeCount < this.freeBlockReserve) {
          state[b] = FREE;
          this.freeList = growInt32(this.freeList, this.freeCount + 1);
          this.freeList[this.freeCount++] = b;
        } else {
          state[b] = UNMAPPED;
          this.os.unmap(b << BLOCK_SHIFT, LINE_BLOCK_BYTES);
          this.blockCount--;
          this.blocksUnmapped++;
        }
      } else if (free === 0) {
        state[b] = FULL;
        full++;
      } else {
        state[b] = RECYCLABLE;
        this.recyclable = growInt32(this.recyclable, this.recyclableCount + 1);
        this.recyclable[this.recyclableCount++] = b;
        freeLines += free;
      }
    }
    // The free list is popped from its end: lowest addresses last, so reverse for address order.
    this.freeList.subarray(0, this.freeCount).reverse();
    this.candidate.fill(0);
    this.candidates = 0;
    this.lastRecyclable = this.recyclableCount;
    this.lastFull = full;
    this.lastFreeLines = freeLines;
  }

  /**
   * Unmaps every free block on the free list (the reserve), for an allocation the OS refused under
   * memory pressure; returns how many. The reserve is rebuilt by the next classification.
   */
  releaseFreeBlocks(): number {
    const n = this.freeCount;
    for (let i = 0; i < n; i++) {
      const b = this.freeList[i]!;
      this.blockState[b] = UNMAPPED;
      this.os.unmap(b << BLOCK_SHIFT, LINE_BLOCK_BYTES);
    }
    this.freeCount = 0;
    this.blockCount -= n;
    this.blocksUnmapped += n;
    return n;
  }

  // ---- evacuation -------------------------------------------------------------------------------

  /**
   * Marks as evacuation candidates the recyclable blocks with the most free lines (at the last
   * classification), most fragmented first, while their estimated live lines add up to at most
   * `maxLiveLines` (the headroom the collector can copy into). Returns the number of candidates.
   */
  selectEvacuationCandidates(maxLiveLines: number): number {
    this.candidate.fill(0);
    this.candidates = 0;
    if (this.recyclableCount === 0 || !(maxLiveLines > 0)) return 0;
    return this.selectByHistogram(maxLiveLines);
  }

  /**
   * Emergency defragmentation, after a full collection left an allocation unsatisfied under the heap
   * limit: the partly used blocks are split into targets (the fullest, whose free lines the copy
   * allocator fills: `copyIntoHole`) and candidates (the emptiest), walking the blocks sorted by free
   * lines from both ends: the emptiest block becomes a candidate while its live lines fit the room
   * left (`headroomLines` of free blocks, plus the free lines of the targets taken so far), else the
   * fullest remaining block becomes a target. Returns the number of candidates.
   */
  selectEmergencyCandidates(headroomLines: number): number {
    this.candidate.fill(0);
    this.candidates = 0;
    const state = this.blockState;
    const blocks: number[] = [];
    for (let i = 0; i < this.recyclableCount; i++) {
      const b = this.recyclable[i]!;
      if (state[b] === RECYCLABLE || state[b] === IN_USE) blocks.push(b);
    }
    const free = this.freeLinesOf;
    blocks.sort((a, b) => free[a]! - free[b]! || a - b);
    let room = Math.max(0, headroomLines);
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo <= hi) {
      const emptiest = blocks[hi]!;
      const live = LINES_PER_BLOCK - free[emptiest]!;
      if (live <= room) {
        this.candidate[emptiest] = 1;
        this.candidates++;
        room -= live;
        hi--;
      } else if (lo < hi) {
        room += free[blocks[lo]!]!;
        lo++;
      } else {
        break;
      }
    }
    return this.candidates;
  }

  /** Immix's candidate selection (see `selectEvacuationCandidates`). */
  private selectByHistogram(maxLiveLines: number): number {
    // Histogram of recyclable blocks by free lines (Immix's mark histogram of the last collection).
    const histogram = new Int32Array(LINES_PER_BLOCK);
    const state = this.blockState;
    for (let i = 0; i < this.recyclableCount; i++) {
      const b = this.recyclable[i]!;
      if (state[b] === RECYCLABLE || state[b] === IN_USE) histogram[this.freeLinesOf[b]!]!++;
    }
    // The fewest free lines a candidate may have: walk the bins from the emptiest blocks down.
    let budget = maxLiveLines;
    let threshold = LINES_PER_BLOCK;
    for (let free = LINES_PER_BLOCK - 1; free > 0; free--) {
      const cost = histogram[free]! * (LINES_PER_BLOCK - free);
      if (cost > budget) break;
      budget -= cost;
      threshold = free;
    }
    for (let i = 0; i < this.recyclableCount; i++) {
      const b = this.recyclable[i]!;
      if ((state[b] === RECYCLABLE || state[b] === IN_USE) && this.freeLinesOf[b]! >= threshold) {
        this.candidate[b] = 1;
        this.candidates++;
      }
    }
    return this.candidates;
  }

  /** Whether the object at `addr` lies in an evacuation candidate block. */
  isEvacuationCandidate(addr: number): boolean {
    return this.candidate[addr >>> BLOCK_SHIFT] === 1;
  }

  // ---- inspection -------------------------------------------------------------------------------

  /** Calls `fn` with every allocated object, blocks in address order, then the large objects (cold path). */
  forEachObject(fn: (addr: number) => void): void {
    for (let b = this.lowBlock; b < this.highBlock; b++) {
      if (this.blockState[b] === UNMAPPED) continue;
      for (let w = b << 7, end = w + LINES_PER_BLOCK; w < end; w++) {
        let bits = this.allocBits[w]!;
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          fn((w << LINE_SHIFT) + ((31 - Math.clz32(low)) << 3));
        }
      }
    }
    this.large.forEachObject(fn);
  }

  /**
   * Throws `AllocatorError` (`corrupt`) unless the invariants of the file comment hold. With `heap`
   * (whose object model gives the objects' sizes) it also checks each object's extent, its lines and
   * `liveBytes`; between collections only (objects must be intact).
   */
  verify(heap?: Heap): void {
    const state = this.blockState;
    let blocks = 0;
    let objects = 0;
    let live = 0;
    const counts = this.countLines ? new Uint8Array(this.lineUse.length) : null;
    const onFree = new Uint8Array(state.length);
    for (let i = 0; i < this.freeCount; i++) {
      const b = this.freeList[i]!;
      if (state[b] !== FREE) fail(`block ${hex(b << BLOCK_SHIFT)} is on the free list but not free`);
      onFree[b] = 1;
    }
    const onRecyclable = new Uint8Array(state.length);
    for (let i = this.recyclablePos; i < this.recyclableCount; i++) onRecyclable[this.recyclable[i]!] = 1;
    const words = heap?.memory.words;
    for (let b = this.lowBlock; b < this.highBlock; b++) {
      const s = state[b]!;
      const base = b << BLOCK_SHIFT;
      if (s === UNMAPPED) {
        for (let w = b << 7; w < (b + 1) << 7; w++)
          if (this.allocBits[w] !== 0) fail(`unmapped block ${hex(base)} has objects`);
        continue;
      }
      blocks++;
      if (!this.os.isMapped(base) || !this.os.isMapped(base + LINE_BLOCK_BYTES - 1))
        fail(`block ${hex(base)} is not mapped`);
      if ((s === FREE) !== (onFree[b] === 1)) fail(`block ${hex(base)}: free state and free list disagree`);
      if (s === RECYCLABLE && onRecyclable[b] !== 1)
        fail(`recyclable block ${hex(base)} is not on the recyclable list`);
      for (let w = b << 7; w < (b + 1) << 7; w++) {
        if (s === FREE && this.lineUse[w] !== 0) fail(`free block ${hex(base)} has a line in use`);
        let bits = this.allocBits[w]!;
        if (s === FREE && bits !== 0) fail(`free block ${hex(base)} has objects`);
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          const addr = (w << LINE_SHIFT) + ((31 - Math.clz32(low)) << 3);
          objects++;
          if (words === undefined || heap === undefined) continue;
          const size = heap.model.size(words, addr);
          live += size;
          if (addr + size > base + LINE_BLOCK_BYTES || size > this.largeObjectBytes)
            fail(`object ${hex(addr)} (+${size}) does not fit its block`);
          for (let l = w, last = (addr + size - 1) >>> LINE_SHIFT; l <= last; l++) {
            if (counts !== null) counts[l]!++;
            else if (this.lineUse[l] === 0)
              fail(`object ${hex(addr)} lies on free line ${hex(l << LINE_SHIFT)}`);
          }
        }
      }
    }
    if (blocks !== this.blockCount) fail(`${this.blockCount} blocks counted, ${blocks} mapped`);
    if (objects !== this.objectCount) fail(`${this.objectCount} objects counted, ${objects} start bits set`);
    if (heap !== undefined) {
      if (live !== this.live) fail(`live bytes ${this.live} counted, objects add up to ${live}`);
      if (counts !== null) {
        for (let l = this.lowBlock << 7; l < this.highBlock << 7; l++) {
          if (counts[l] !== this.lineUse[l])
            fail(`line ${hex(l << LINE_SHIFT)} counts ${this.lineUse[l]} objects, ${counts[l]} overlap it`);
        }
      }
    }
    for (const [name, cursor, limit] of [
      ['mutator', this.cursor, this.limit],
      ['overflow', this.overflowCursor, this.overflowLimit],
      ['copy', this.copyCursor, this.copyLimit],
    ] as const) {
      if (limit === 0) continue;
      const block = (limit - 1) >>> BLOCK_SHIFT;
      if (state[block] !== IN_USE || cursor > limit || cursor < block << BLOCK_SHIFT)
        fail(`the ${name} allocator's hole [${hex(cursor)}, ${hex(limit)}) is not inside a block in use`);
    }
    this.large.verify();
  }
}

function fail(reason: string): never {
  throw new AllocatorError('corrupt', `LineBlockSpace: ${reason}`);
}
