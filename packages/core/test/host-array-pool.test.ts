import { describe, expect, it } from 'vitest';
import { recycleInt32Array, takeInt32Array } from '../src/host-array-pool.ts';
import { Memory } from '../src/memory.ts';

describe('host-array pool', () => {
  it('hands a recycled buffer back out zeroed, at exactly the length asked for', () => {
    const first = takeInt32Array(1 << 20);
    first.fill(7);
    const buffer = first.buffer;
    recycleInt32Array(first);
    const second = takeInt32Array((1 << 20) - 1024);
    expect(second.buffer).toBe(buffer);
    expect(second.length).toBe((1 << 20) - 1024);
    expect(second.every((v) => v === 0)).toBe(true);
  });

  it('does not hand out a buffer more than four times the size asked for', () => {
    const big = takeInt32Array(4 << 20);
    recycleInt32Array(big);
    expect(takeInt32Array(1 << 18).buffer).not.toBe(big.buffer);
    expect(takeInt32Array(4 << 20).buffer).toBe(big.buffer);
  });

  it('keeps arrays a memory grew out of until it is released, then reuses them zeroed', () => {
    const memory = new Memory(1 << 20);
    const initial = memory.words;
    memory.words[100] = 42;
    memory.ensure(4 << 20);
    expect(memory.words[100]).toBe(42);
    // Another memory built while the first lives never gets the array the first grew out of.
    const other = new Memory(1 << 20);
    expect(other.words.buffer).not.toBe(initial.buffer);
    other.release();
    memory.words[(3 << 20) >> 2] = 9;
    const grown = memory.words.buffer;
    memory.release();
    expect(memory.capacityBytes).toBe(64);
    const next = new Memory(1 << 20);
    next.ensure(4 << 20);
    expect([initial.buffer, grown]).toContain(next.words.buffer);
    expect(next.words.every((v) => v === 0)).toBe(true);
  });
});
