/**
 * A bump-pointer space (GC Handbook §7.1, sequential allocation): one contiguous region mapped at
 * once; allocation advances `cursor`. Copying collectors use two of them as semispaces, generational
 * collectors one as a nursery, mark-compact slides objects within one.
 *
 * Invariants: `start <= cursor <= end`; `[start, cursor)` is allocated, `[cursor, end)` is free;
 * `cursor` stays a multiple of 8 (sizes are rounded up to words).
 */
import { hex, PAGE_SIZE, roundUp, type SimulatedOS } from '@gclab/core';
import { AllocatorError } from './allocator-error.ts';

/** Bump allocation in one contiguous mapped region. */
export class BumpSpace {
  /** The OS the region is mapped from. */
  readonly os: SimulatedOS;
  /** First byte of the region. */
  readonly start: number;
  /** One past the last byte of the region. */
  readonly end: number;
  /** The next free byte; `[start, cursor)` is allocated. */
  cursor: number;
  private released = false;

  private constructor(os: SimulatedOS, start: number, end: number) {
    this.os = os;
    this.start = start;
    this.end = end;
    this.cursor = start;
  }

  /** Maps `capacity` bytes (page-rounded) at once; null if the OS refused (heap limit). */
  static map(os: SimulatedOS, capacity: number): BumpSpace | null {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new AllocatorError(
        'bad-size',
        `BumpSpace.map: capacity must be a positive integer, got ${capacity}`,
      );
    }
    const bytes = roundUp(capacity, PAGE_SIZE);
    const start = os.map(bytes);
    if (start === 0) return null;
    return new BumpSpace(os, start, start + bytes);
  }

  /** Allocates `size` bytes (rounded up to 8); returns the address, or 0 if it does not fit. */
  allocate(size: number): number {
    const addr = this.cursor;
    // `size + (-size & 7)` rounds up to 8 exactly for any size (`(size + 7) & ~7` wraps past 2^31).
    const next = addr + size + (-size & 7);
    if (next > this.end || !(size > 0)) {
      if (!(size > 0) || !Number.isInteger(size)) {
        throw new AllocatorError(
          'bad-size',
          `BumpSpace.allocate: size must be a positive integer, got ${size}`,
        );
      }
      return 0;
    }
    this.cursor = next;
    return addr;
  }

  /** Empties the space: `cursor = start` (the bytes are not cleared). */
  reset(): void {
    this.cursor = this.start;
  }

  /** Whether `start <= addr < end`. */
  contains(addr: number): boolean {
    return addr >= this.start && addr < this.end;
  }

  /** Bytes allocated: `cursor - start`. */
  get usedBytes(): number {
    return this.cursor - this.start;
  }

  /** Bytes in the region: `end - start`. */
  get capacity(): number {
    return this.end - this.start;
  }

  /** Bytes still free: `end - cursor`. */
  get freeBytes(): number {
    return this.end - this.cursor;
  }

  /** Unmaps the region; the space must not be used afterwards. */
  release(): void {
    if (this.released) {
      throw new AllocatorError('bad-state', `BumpSpace.release: region ${hex(this.start)} already released`);
    }
    this.released = true;
    this.os.unmap(this.start, this.end - this.start);
  }
}
