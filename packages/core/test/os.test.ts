import { describe, expect, it } from 'vitest';
import {
  ADDRESS_LIMIT,
  ADDRESS_SPACE_BYTES,
  FIRST_ADDRESS,
  MemoryError,
  PAGE_SIZE,
  roundUp,
  SimulatedOS,
} from '../src/index.ts';

/** Writes a recognisable value into every word of `[addr, addr + bytes)`. */
function scribble(os: SimulatedOS, addr: number, bytes: number): void {
  os.memory.words.fill(0x5a5a5a5a, addr >> 2, (addr + bytes) >> 2);
}

/** Whether every word of `[addr, addr + bytes)` reads zero. */
function isZero(os: SimulatedOS, addr: number, bytes: number): boolean {
  return os.memory.words.subarray(addr >> 2, (addr + bytes) >> 2).every((w) => w === 0);
}

describe('SimulatedOS.map', () => {
  it('hands out page-aligned ranges from FIRST_ADDRESS, rounding sizes up to whole pages', () => {
    const os = new SimulatedOS();
    const a = os.map(100);
    const b = os.map(PAGE_SIZE + 1);
    expect(a).toBe(FIRST_ADDRESS);
    expect(b).toBe(FIRST_ADDRESS + PAGE_SIZE);
    expect(os.ranges()).toEqual([
      [a, a + PAGE_SIZE],
      [b, b + 2 * PAGE_SIZE],
    ]);
    expect(os.reservedBytes).toBe(3 * PAGE_SIZE);
    expect(os.mapCalls).toBe(2);
  });

  it('aligns to a larger power of two and reuses the gap it skipped', () => {
    const os = new SimulatedOS();
    const small = os.map(PAGE_SIZE);
    const aligned = os.map(PAGE_SIZE, 1 << 16);
    expect(aligned % (1 << 16)).toBe(0);
    expect(aligned).toBeGreaterThan(small);
    // The pages between `small` and `aligned` are a hole: the next page-aligned map takes them.
    const filler = os.map(PAGE_SIZE);
    expect(filler).toBe(small + PAGE_SIZE);
    expect(filler + PAGE_SIZE).toBeLessThanOrEqual(aligned);
  });

  it('rejects bad sizes and alignments with a MemoryError', () => {
    const os = new SimulatedOS();
    for (const bytes of [0, -4096, 1.5, Number.NaN]) expect(() => os.map(bytes)).toThrow(MemoryError);
    for (const align of [1024, 2048, 4096 + 8, 3 * 4096])
      expect(() => os.map(4096, align)).toThrow(MemoryError);
    expect(os.reservedBytes).toBe(0);
  });

  it('refuses (returns 0) a range beyond ADDRESS_LIMIT without allocating host memory', () => {
    const os = new SimulatedOS();
    expect(os.map(ADDRESS_LIMIT)).toBe(0);
    expect(os.map(4 * 2 ** 30)).toBe(0);
    expect(os.lastRefusal).toBe('address-space');
    expect(os.refusedMaps).toBe(2);
    expect(os.reservedBytes).toBe(0);
    expect(os.memory.capacityBytes).toBeLessThan(1 << 24);
    // The whole address space in one range is the most one map can give (no host memory touched).
    expect(ADDRESS_SPACE_BYTES).toBe(ADDRESS_LIMIT - FIRST_ADDRESS);
  });

  it('refuses a map past the host-memory budget, and says so; a heap limit says heap-limit', () => {
    const os = new SimulatedOS({ hostMemoryLimit: 4 << 20, heapLimit: 16 << 20 });
    expect(os.map(2 << 20)).toBe(FIRST_ADDRESS);
    expect(os.map(2 << 20)).toBe(0); // the top would pass 4 MiB of host memory
    expect(os.lastRefusal).toBe('host-memory');
    expect(os.memory.capacityBytes).toBeLessThanOrEqual(4 << 20);
    expect(os.map(PAGE_SIZE)).not.toBe(0); // what still fits is mapped
    const limited = new SimulatedOS({ heapLimit: PAGE_SIZE });
    expect(limited.map(2 * PAGE_SIZE)).toBe(0);
    expect(limited.lastRefusal).toBe('heap-limit');
    expect(() => new SimulatedOS({ hostMemoryLimit: 0 })).toThrow(MemoryError);
  });

  it('returns zeroed memory, also when it reuses a hole or a range below a lowered top', () => {
    const os = new SimulatedOS();
    const a = os.map(2 * PAGE_SIZE);
    const b = os.map(PAGE_SIZE);
    expect(isZero(os, a, 2 * PAGE_SIZE)).toBe(true);
    scribble(os, a, 2 * PAGE_SIZE);
    scribble(os, b, PAGE_SIZE);
    os.unmap(a, 2 * PAGE_SIZE); // a hole below b
    os.unmap(b, PAGE_SIZE); // the top comes down past the hole: the space is empty again
    const c = os.map(PAGE_SIZE);
    const d = os.map(2 * PAGE_SIZE);
    expect(c).toBe(a);
    expect(d).toBe(a + PAGE_SIZE); // overlaps the old a and b
    expect(isZero(os, c, PAGE_SIZE)).toBe(true);
    expect(isZero(os, d, 2 * PAGE_SIZE)).toBe(true);
  });

  it('reuses holes first fit and merges neighbouring holes', () => {
    const os = new SimulatedOS();
    const [a, b, c, d] = [os.map(PAGE_SIZE), os.map(PAGE_SIZE), os.map(PAGE_SIZE), os.map(PAGE_SIZE)];
    os.unmap(a!, PAGE_SIZE);
    os.unmap(c!, PAGE_SIZE);
    os.unmap(b!, PAGE_SIZE); // a, b and c merge into one hole of three pages
    expect(os.ranges()).toEqual([[d!, d! + PAGE_SIZE]]);
    expect(os.map(3 * PAGE_SIZE)).toBe(a);
    expect(os.map(PAGE_SIZE)).toBe(d! + PAGE_SIZE); // no hole left: from the top
  });

  it('counts reserved bytes now and at peak', () => {
    const os = new SimulatedOS();
    const a = os.map(10 * PAGE_SIZE);
    const b = os.map(5 * PAGE_SIZE);
    os.unmap(a, 10 * PAGE_SIZE);
    expect(os.reservedBytes).toBe(5 * PAGE_SIZE);
    expect(os.peakReservedBytes).toBe(15 * PAGE_SIZE);
    os.map(PAGE_SIZE);
    expect(os.reservedBytes).toBe(6 * PAGE_SIZE);
    expect(os.peakReservedBytes).toBe(15 * PAGE_SIZE);
    os.unmap(b, 5 * PAGE_SIZE);
    expect(os.unmapCalls).toBe(2);
  });

  it('refuses maps past the heap limit by returning 0, and maps again once memory is returned', () => {
    const os = new SimulatedOS({ heapLimit: 4 * PAGE_SIZE });
    const a = os.map(3 * PAGE_SIZE);
    expect(a).not.toBe(0);
    expect(os.map(2 * PAGE_SIZE)).toBe(0);
    expect(os.refusedMaps).toBe(1);
    expect(os.reservedBytes).toBe(3 * PAGE_SIZE);
    expect(os.map(PAGE_SIZE)).not.toBe(0); // exactly at the limit is allowed
    expect(os.map(1)).toBe(0);
    os.unmap(a, 3 * PAGE_SIZE);
    expect(os.map(2 * PAGE_SIZE)).not.toBe(0);
    expect(os.refusedMaps).toBe(2);
    expect(os.peakReservedBytes).toBe(4 * PAGE_SIZE);
  });

  it('rejects a heap limit that is not positive', () => {
    expect(() => new SimulatedOS({ heapLimit: 0 })).toThrow(MemoryError);
    expect(() => new SimulatedOS({ heapLimit: -1 })).toThrow(MemoryError);
    expect(new SimulatedOS().heapLimit).toBe(Number.POSITIVE_INFINITY);
  });

  it('grows the word array when mapping past its end, keeping its contents', () => {
    const os = new SimulatedOS();
    const a = os.map(PAGE_SIZE);
    os.memory.words[a >> 2] = 1234;
    const before = os.memory.words;
    const big = os.map(4 << 20);
    expect(os.memory.words).not.toBe(before);
    expect(os.memory.capacityBytes).toBeGreaterThanOrEqual(big + (4 << 20));
    expect(os.memory.words[a >> 2]).toBe(1234);
    expect(isZero(os, big, 4 << 20)).toBe(true);
  });
});

describe('SimulatedOS.unmap', () => {
  it('raises a MemoryError for anything but a range map returned', () => {
    const os = new SimulatedOS();
    const a = os.map(2 * PAGE_SIZE);
    expect(() => os.unmap(a, PAGE_SIZE)).toThrow(MemoryError); // too short
    expect(() => os.unmap(a, 3 * PAGE_SIZE)).toThrow(MemoryError); // too long
    expect(() => os.unmap(a + PAGE_SIZE, PAGE_SIZE)).toThrow(MemoryError); // inside
    expect(() => os.unmap(a + 2 * PAGE_SIZE, PAGE_SIZE)).toThrow(MemoryError); // past the end
    expect(() => os.unmap(0, PAGE_SIZE)).toThrow(/is not a mapped range/);
    expect(() => os.unmap(a, 0)).toThrow(MemoryError);
    expect(os.reservedBytes).toBe(2 * PAGE_SIZE);
    os.unmap(a, 2 * PAGE_SIZE - 100); // rounded up to the same pages as map did
    expect(() => os.unmap(a, 2 * PAGE_SIZE)).toThrow(MemoryError); // twice
    expect(os.reservedBytes).toBe(0);
  });

  it('tells mapped from unmapped addresses', () => {
    const os = new SimulatedOS();
    const a = os.map(PAGE_SIZE);
    const b = os.map(PAGE_SIZE);
    expect(os.isMapped(a)).toBe(true);
    expect(os.isMapped(a + PAGE_SIZE - 8)).toBe(true);
    expect(os.isMapped(b + PAGE_SIZE)).toBe(false);
    expect(os.isMapped(0)).toBe(false);
    os.unmap(a, PAGE_SIZE);
    expect(os.isMapped(a)).toBe(false);
    expect(os.isMapped(b)).toBe(true);
  });
});

describe('roundUp', () => {
  it('rounds up to a multiple of a power of two', () => {
    expect(roundUp(0, 8)).toBe(0);
    expect(roundUp(1, 8)).toBe(8);
    expect(roundUp(8, 8)).toBe(8);
    expect(roundUp(4097, 4096)).toBe(8192);
  });
});
