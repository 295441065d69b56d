/**
 * The simulated operating system: hands out address ranges with `map` and takes them back with
 * `unmap`, like mmap/munmap. Reserved bytes (now and at peak) are counted here and only here, so
 * "memory returned to the OS" is a measurement. A heap limit makes `map` fail.
 *
 * Invariants: mapped ranges never overlap; every range is page-aligned and a whole number of pages;
 * `reservedBytes` is the sum of the mapped ranges' sizes; a newly mapped range reads as zeroes (memory
 * above the highest address ever mapped was never handed out, so only the part below it is cleared).
 */
import { hex } from './address.ts';
import { MemoryError } from './errors.ts';
import { Memory } from './memory.ts';

/** The page size of the simulated OS, in bytes. */
export const PAGE_SIZE = 4096;

/** The lowest address the OS maps: addresses below it (null among them) are never valid. */
export const FIRST_ADDRESS = 0x10000;

/**
 * The highest address plus one the OS can map. Simulated addresses stay below 2^31: a reference is
 * held in the low 32-bit slot of a word and read as a signed integer, so this is the size of the
 * simulated machine's address space (just under 2 GiB), whatever the host could hold.
 */
export const ADDRESS_LIMIT = 0x7fff_0000;

/** The most bytes one `map` can ever return: the whole address space above `FIRST_ADDRESS`. */
export const ADDRESS_SPACE_BYTES = ADDRESS_LIMIT - FIRST_ADDRESS;

/** Why the last refused `map` was refused (`mmap` failing with ENOMEM, for one of three reasons). */
export type MapRefusal =
  /** Reserved bytes would exceed the heap limit. */
  | 'heap-limit'
  /** No free range of the address space is large enough. */
  | 'address-space'
  /** The host memory backing the simulated memory would exceed its budget. */
  | 'host-memory';

/** Options of a simulated OS. */
export interface OSOptions {
  /** Maximum reserved bytes; `map` fails past it. Default: no limit. */
  heapLimit?: number;
  /**
   * Host-memory budget in bytes: the most the word array backing the simulated memory may grow to
   * (`map` fails past it). Default: no budget beyond the address space.
   */
  hostMemoryLimit?: number;
}

/** The simulated OS: address-range mapping, reserved-byte accounting and the heap limit. */
export class SimulatedOS {
  /** The memory the mapped ranges live in. */
  readonly memory: Memory;
  /** Maximum reserved bytes (`Infinity` when unlimited). */
  heapLimit: number;
  /** Bytes mapped now. */
  reservedBytes = 0;
  /** The most bytes ever mapped at once. */
  peakReservedBytes = 0;
  /** Number of successful `map` calls. */
  mapCalls = 0;
  /** Number of `unmap` calls. */
  unmapCalls = 0;
  /** Number of `map` calls refused (heap limit, address space or host-memory budget). */
  refusedMaps = 0;
  /** Why the last refused `map` was refused, or null if none was. */
  lastRefusal: MapRefusal | null = null;

  // Mapped ranges sorted by start, and the free holes below `top` sorted by start.
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly holeStarts: number[] = [];
  private readonly holeEnds: number[] = [];
  private top = FIRST_ADDRESS;
  /** The highest end of any range ever mapped: memory at and above it has never been written. */
  private highWater = FIRST_ADDRESS;

  constructor(options: OSOptions = {}) {
    this.heapLimit = options.heapLimit ?? Number.POSITIVE_INFINITY;
    if (!(this.heapLimit > 0)) throw new MemoryError(`heap limit must be positive, got ${options.heapLimit}`);
    const budget = options.hostMemoryLimit ?? Number.POSITIVE_INFINITY;
    if (!(budget > 0)) throw new MemoryError(`host-memory budget must be positive, got ${budget}`);
    this.memory = new Memory(1 << 20, budget);
  }

  /**
   * Maps `bytes` (rounded up to pages) at an address aligned to `align` (a power of two, at least a
   * page). Returns the address, or 0 (and says why in `lastRefusal`) when the heap limit would be
   * exceeded, no free range of the address space is large enough, or the host memory backing the
   * range would exceed its budget: a collector turns 0 into `OutOfMemoryError`.
   */
  map(bytes: number, align = PAGE_SIZE): number {
    if (!Number.isInteger(bytes) || bytes <= 0)
      throw new MemoryError(`map: size must be a positive integer, got ${bytes}`);
    if (align < PAGE_SIZE || (align & (align - 1)) !== 0)
      throw new MemoryError(`map: bad alignment ${align}`);
    const size = roundUp(bytes, PAGE_SIZE);
    if (this.reservedBytes + size > this.heapLimit) return this.refuse('heap-limit');
    let addr = 0;
    // First fit among the holes, then the top of the address space.
    for (let i = 0; i < this.holeStarts.length; i++) {
      const start = roundUp(this.holeStarts[i]!, align);
      const end = this.holeEnds[i]!;
      if (start + size <= end) {
        addr = start;
        this.takeFromHole(i, start, start + size);
        break;
      }
    }
    if (addr === 0) {
      const start = roundUp(this.top, align);
      if (start + size > ADDRESS_LIMIT) return this.refuse('address-space');
      if (!this.memory.canHold(start + size)) return this.refuse('host-memory');
      if (start > this.top) this.addHole(this.top, start);
      addr = start;
      this.top = start + size;
      this.memory.ensure(this.top);
    }
    if (addr < this.highWater) this.memory.clear(addr, Math.min(addr + size, this.highWater));
    if (addr + size > this.highWater) this.highWater = addr + size;
    this.insertRange(addr, addr + size);
    this.reservedBytes += size;
    if (this.reservedBytes > this.peakReservedBytes) this.peakReservedBytes = this.reservedBytes;
    this.mapCalls++;
    return addr;
  }

  /** Counts a refused `map` and records why; returns 0, the refused address. */
  private refuse(reason: MapRefusal): 0 {
    this.refusedMaps++;
    this.lastRefusal = reason;
    return 0;
  }

  /** Unmaps exactly a range that `map` returned (same address, same byte count). */
  unmap(addr: number, bytes: number): void {
    const size = roundUp(bytes, PAGE_SIZE);
    const i = this.findRange(addr);
    if (i < 0 || this.starts[i] !== addr || this.ends[i] !== addr + size) {
      throw new MemoryError(`unmap: [${hex(addr)}, +${size}) is not a mapped range`);
    }
    this.starts.splice(i, 1);
    this.ends.splice(i, 1);
    this.reservedBytes -= size;
    this.unmapCalls++;
    this.addHole(addr, addr + size);
  }

  /** Whether the byte address lies in a mapped range. */
  isMapped(addr: number): boolean {
    // NaN compares false with every bound, which the search would take for "inside".
    return !Number.isNaN(addr) && this.findRange(addr) >= 0;
  }

  /** The mapped ranges as `[start, end)` pairs, in address order. */
  ranges(): Array<[number, number]> {
    return this.starts.map((s, i) => [s, this.ends[i]!]);
  }

  /** Index of the mapped range containing `addr`, or -1. */
  private findRange(addr: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (addr < this.starts[mid]!) hi = mid - 1;
      else if (addr >= this.ends[mid]!) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  private insertRange(start: number, end: number): void {
    let i = this.starts.length;
    while (i > 0 && this.starts[i - 1]! > start) i--;
    this.starts.splice(i, 0, start);
    this.ends.splice(i, 0, end);
  }

  private takeFromHole(i: number, start: number, end: number): void {
    const hs = this.holeStarts[i]!;
    const he = this.holeEnds[i]!;
    this.holeStarts.splice(i, 1);
    this.holeEnds.splice(i, 1);
    if (start > hs) this.addHole(hs, start);
    if (end < he) this.addHole(end, he);
  }

  /** Adds a free hole, merging with neighbours; a hole reaching `top` lowers `top` instead. */
  private addHole(start: number, end: number): void {
    let i = 0;
    while (i < this.holeStarts.length && this.holeStarts[i]! < start) i++;
    this.holeStarts.splice(i, 0, start);
    this.holeEnds.splice(i, 0, end);
    if (i + 1 < this.holeStarts.length && this.holeStarts[i + 1] === end) {
      this.holeEnds[i] = this.holeEnds[i + 1]!;
      this.holeStarts.splice(i + 1, 1);
      this.holeEnds.splice(i + 1, 1);
    }
    if (i > 0 && this.holeEnds[i - 1] === start) {
      this.holeEnds[i - 1] = this.holeEnds[i]!;
      this.holeStarts.splice(i, 1);
      this.holeEnds.splice(i, 1);
      i--;
    }
    if (this.holeEnds[i] === this.top) {
      this.top = this.holeStarts[i]!;
      this.holeStarts.splice(i, 1);
      this.holeEnds.splice(i, 1);
    }
  }
}

/** Rounds `n` up to a multiple of `unit` (a power of two). */
export function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}
