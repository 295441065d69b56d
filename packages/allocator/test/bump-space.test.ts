import { SimulatedOS } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { AllocatorError, BumpSpace } from '../src/index.ts';

describe('BumpSpace', () => {
  it('bumps by word-rounded sizes, refuses past the end and resets', () => {
    const os = new SimulatedOS();
    const space = BumpSpace.map(os, 10_000)!;
    expect(space.capacity).toBe(12_288);
    expect(os.reservedBytes).toBe(12_288);
    const a = space.allocate(20);
    const b = space.allocate(8);
    expect(b - a).toBe(24);
    expect(space.usedBytes).toBe(32);
    expect(space.contains(a)).toBe(true);
    expect(space.contains(space.end)).toBe(false);
    expect(space.allocate(12_288)).toBe(0);
    expect(space.allocate(12_256)).toBe(space.start + 32);
    space.reset();
    expect(space.cursor).toBe(space.start);
    expect(() => space.allocate(0)).toThrow(AllocatorError);
    space.release();
    expect(os.reservedBytes).toBe(0);
  });

  it('refuses requests past 2^31 and 2^32 bytes instead of wrapping the rounded size', () => {
    const space = BumpSpace.map(new SimulatedOS(), 1 << 20)!;
    for (const size of [2 ** 31 - 1, 2 ** 31 + 8, 2 ** 32 - 4, 2 ** 32 + 8, 2 ** 40]) {
      expect(space.allocate(size), String(size)).toBe(0);
    }
    expect(space.cursor).toBe(space.start);
    expect(space.allocate(13)).toBe(space.start);
    expect(space.cursor).toBe(space.start + 16);
  });

  it('returns null when the OS refuses', () => {
    expect(BumpSpace.map(new SimulatedOS({ heapLimit: 4096 }), 8192)).toBeNull();
  });
});
