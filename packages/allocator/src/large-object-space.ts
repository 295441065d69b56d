/**
 * The large object space (GC Handbook §10.1): every object is mapped from the OS on its own,
 * page-rounded, and unmapped when freed, as malloc does with mmap for big requests. It is shared by
 * every other space for requests above their small limit.
 *
 * Bookkeeping without maps: a page table indexed by `addr >>> 12` holds, for the first page of each
 * object, 1 + its index in dense arrays of addresses and requested sizes. Freeing swaps the last
 * dense entry into the hole, so allocate, free and the membership test are O(1) (plus the OS call).
 *
 * Invariants: `objects` = dense length; `bytes` = sum of requested sizes; `reservedBytes` = sum of
 * page-rounded sizes; `pageTable[a >>> 12] = i + 1` exactly for the dense entries `addrs[i] = a`.
 */
import { ADDRESS_SPACE_BYTES, type Heap, hex, PAGE_SIZE, roundUp, type SimulatedOS } from '@gclab/core';
import { AllocatorError, checkSize } from './allocator-error.ts';
import { growInt32 } from './grow.ts';
import type { SweepResult } from './sweep-result.ts';

const PAGE_SHIFT = 12;
/** The largest request a large object space accepts: the whole simulated address space. */
const MAX_LARGE = ADDRESS_SPACE_BYTES;

/** Objects mapped one by one from the simulated OS (page-rounded), unmapped when freed. */
export class LargeObjectSpace {
  /** The OS the objects are mapped from. */
  readonly os: SimulatedOS;
  private pageTable = new Int32Array(0);
  private addrs = new Int32Array(16);
  private sizes = new Int32Array(16);
  /** Allocation serial number of each dense entry (for sweeps that must spare newer objects). */
  private born = new Float64Array(16);
  private count = 0;
  private serial = 0;
  private requested = 0;
  private mapped = 0;

  constructor(os: SimulatedOS) {
    this.os = os;
  }

  /** Number of objects allocated and not freed. */
  get objects(): number {
    return this.count;
  }

  /** Sum of the requested sizes of the objects. */
  get bytes(): number {
    return this.requested;
  }

  /** Objects allocated so far (the serial number the next object gets). */
  get allocations(): number {
    return this.serial;
  }

  /** Bytes mapped for the objects (each rounded up to pages). */
  get reservedBytes(): number {
    return this.mapped;
  }

  /** Maps a region for one object of `size` bytes; returns its (page-aligned) address, or 0 if refused. */
  allocate(size: number): number {
    checkSize('LargeObjectSpace', size, MAX_LARGE);
    const addr = this.os.map(size);
    if (addr === 0) return 0;
    const bytes = roundUp(size, PAGE_SIZE);
    const page = addr >>> PAGE_SHIFT;
    if (page >= this.pageTable.length) this.pageTable = growInt32(this.pageTable, page + 1);
    if (this.count === this.addrs.length) {
      this.addrs = growInt32(this.addrs, this.count + 1);
      this.sizes = growInt32(this.sizes, this.count + 1);
      const born = new Float64Array(this.addrs.length);
      born.set(this.born);
      this.born = born;
    }
    const i = this.count++;
    this.addrs[i] = addr;
    this.sizes[i] = size;
    this.born[i] = this.serial++;
    this.pageTable[page] = i + 1;
    this.requested += size;
    this.mapped += bytes;
    return addr;
  }

  /** Unmaps the object at `addr`; `AllocatorError` if it is not an object of this space. */
  free(addr: number): void {
    const i = this.indexOf(addr);
    if (i < 0) {
      throw new AllocatorError(
        'foreign-address',
        `LargeObjectSpace.free: ${hex(addr)} is not an allocated large object (double free or foreign address)`,
      );
    }
    const size = this.sizes[i]!;
    this.os.unmap(addr, size);
    const last = --this.count;
    if (i !== last) {
      const moved = this.addrs[last]!;
      this.addrs[i] = moved;
      this.sizes[i] = this.sizes[last]!;
      this.born[i] = this.born[last]!;
      this.pageTable[moved >>> PAGE_SHIFT] = i + 1;
    }
    this.pageTable[addr >>> PAGE_SHIFT] = 0;
    this.requested -= size;
    this.mapped -= roundUp(size, PAGE_SIZE);
  }

  /** The requested size of the object at `addr`; `AllocatorError` if it is not one. */
  blockSize(addr: number): number {
    const i = this.indexOf(addr);
    if (i < 0)
      throw new AllocatorError(
        'foreign-address',
        `LargeObjectSpace.blockSize: ${hex(addr)} is not a large object`,
      );
    return this.sizes[i]!;
  }

  /** Whether `addr` is an allocated object of this space. */
  isAllocated(addr: number): boolean {
    return this.indexOf(addr) >= 0;
  }

  /** Whether `addr` is one of this space's objects (O(1): one page-table read). */
  contains(addr: number): boolean {
    return this.indexOf(addr) >= 0;
  }

  /**
   * Frees every object whose shape word (word 0, low slot) lacks `markBit`, reporting each with
   * `heap.recordFree(addr, heap.model.size(words, addr))`, and clears `markBit` on the survivors.
   * When it returns, every remaining object has `markBit` clear.
   */
  sweep(heap: Heap, markBit: number): SweepResult {
    const result: SweepResult = { objectsFreed: 0, bytesFreed: 0, bytesSwept: 0 };
    this.sweepInto(heap, markBit, result);
    return result;
  }

  /**
   * `sweep`, adding its figures to `result` (used by the spaces that share this one). Objects whose
   * serial number is `bornBefore` or later (allocated after a lazy sweep began, see `allocations`)
   * are neither visited nor freed.
   */
  sweepInto(heap: Heap, markBit: number, result: SweepResult, bornBefore = Number.POSITIVE_INFINITY): void {
    const words = this.os.memory.words;
    const keep = ~markBit;
    // Backwards, so the entry swapped into a freed slot has already been visited.
    for (let i = this.count - 1; i >= 0; i--) {
      if (this.born[i]! >= bornBefore) continue;
      const addr = this.addrs[i]!;
      const size = this.sizes[i]!;
      result.bytesSwept += size;
      const shape = words[addr >> 2]!;
      if ((shape & markBit) !== 0) {
        words[addr >> 2] = shape & keep;
      } else {
        heap.recordFree(addr, heap.model.size(words, addr));
        result.objectsFreed++;
        result.bytesFreed += size;
        this.free(addr);
      }
    }
  }

  /**
   * `sweepInto` with the marks in a side bitmap: the object at `a` is marked when bit
   * `(a >>> 3) & 31` of `marks[a >>> 8]` is set (see `SegregatedFreeListSpace.sweepBitmap`). Marks are
   * left as they are (the caller clears the bitmap).
   */
  sweepBitmapInto(
    heap: Heap,
    marks: Int32Array,
    result: SweepResult,
    bornBefore = Number.POSITIVE_INFINITY,
  ): void {
    // Backwards, so the entry swapped into a freed slot has already been visited.
    for (let i = this.count - 1; i >= 0; i--) {
      if (this.born[i]! >= bornBefore) continue;
      const addr = this.addrs[i]!;
      const size = this.sizes[i]!;
      result.bytesSwept += size;
      if ((marks[addr >>> 8]! & (1 << ((addr >>> 3) & 31))) === 0) {
        heap.recordFree(addr, heap.model.size(this.os.memory.words, addr));
        result.objectsFreed++;
        result.bytesFreed += size;
        this.free(addr);
      }
    }
  }

  /** Calls `fn` with the address of every object (cold path: tests and verification). */
  forEachObject(fn: (addr: number) => void): void {
    for (let i = 0; i < this.count; i++) fn(this.addrs[i]!);
  }

  /** Throws `AllocatorError` unless the page table, dense arrays and totals agree with the OS. */
  verify(): void {
    let requested = 0;
    let mapped = 0;
    for (let i = 0; i < this.count; i++) {
      const addr = this.addrs[i]!;
      const size = this.sizes[i]!;
      if (this.pageTable[addr >>> PAGE_SHIFT] !== i + 1) {
        throw new AllocatorError(
          'corrupt',
          `LargeObjectSpace: page table does not point at object ${hex(addr)}`,
        );
      }
      if (!this.os.isMapped(addr) || !this.os.isMapped(addr + size - 1)) {
        throw new AllocatorError('corrupt', `LargeObjectSpace: object ${hex(addr)} (+${size}) is not mapped`);
      }
      requested += size;
      mapped += roundUp(size, PAGE_SIZE);
    }
    if (requested !== this.requested || mapped !== this.mapped) {
      throw new AllocatorError(
        'corrupt',
        `LargeObjectSpace: totals ${this.requested}/${this.mapped} bytes, objects add up to ${requested}/${mapped}`,
      );
    }
  }

  private indexOf(addr: number): number {
    if ((addr & (PAGE_SIZE - 1)) !== 0 || addr <= 0) return -1;
    const page = addr >>> PAGE_SHIFT;
    if (page >= this.pageTable.length) return -1;
    return this.pageTable[page]! - 1;
  }
}
