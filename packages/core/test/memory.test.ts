import { describe, expect, it } from 'vitest';
import { MEMORY_DOUBLING_LIMIT, Memory } from '../src/index.ts';

describe('Memory', () => {
  it('covers the requested bytes, two 32-bit slots per simulated word', () => {
    const m = new Memory(1024);
    expect(m.words.length).toBe(256);
    expect(m.capacityBytes).toBe(1024);
    expect(new Memory(0).words.length).toBe(16);
  });

  it('grows by doubling into a new array that keeps the old contents', () => {
    const m = new Memory(64);
    const old = m.words;
    old[3] = -7;
    m.ensure(64); // already covered: nothing changes
    expect(m.words).toBe(old);
    m.ensure(65);
    expect(m.words).not.toBe(old);
    expect(m.capacityBytes).toBe(128);
    m.ensure(1000);
    expect(m.capacityBytes).toBe(1024);
    expect(m.words[3]).toBe(-7);
    expect(m.words.subarray(4).every((w) => w === 0)).toBe(true);
  });

  it('grows by a quarter, in whole pages, past the doubling limit', () => {
    const m = new Memory(MEMORY_DOUBLING_LIMIT);
    m.words[5] = 11;
    m.ensure(MEMORY_DOUBLING_LIMIT + 8);
    expect(m.capacityBytes).toBe(MEMORY_DOUBLING_LIMIT * 1.25);
    expect(m.words[5]).toBe(11);
    // Several quarters at once when the request is far beyond: 1.25^3 = 1.953125 >= 1.9.
    const n = new Memory(MEMORY_DOUBLING_LIMIT);
    n.ensure(MEMORY_DOUBLING_LIMIT * 1.9);
    expect(n.capacityBytes).toBe(MEMORY_DOUBLING_LIMIT * 1.953125);
    expect(n.capacityBytes % 4096).toBe(0);
  });

  it('clears a byte range and nothing else', () => {
    const m = new Memory(256);
    m.words.fill(9);
    m.clear(16, 48);
    expect(Array.from(m.words.subarray(2, 14))).toEqual([9, 9, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9]);
  });
});
