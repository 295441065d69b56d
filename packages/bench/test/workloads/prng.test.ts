import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/workloads/prng.ts';

describe('Prng (mulberry32)', () => {
  it('produces the reference mulberry32 sequence', () => {
    // First outputs of the reference C implementation for seed 0 and seed 42.
    const zero = new Prng(0);
    expect([zero.nextUint32(), zero.nextUint32(), zero.nextUint32()]).toEqual([
      1144304738, 1416247, 958946056,
    ]);
    const p = new Prng(42);
    expect(p.nextUint32()).toBe(2581720956);
  });

  it('draws integers uniformly in range', () => {
    const p = new Prng(7);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[p.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(p.float()).toBeLessThan(1);
  });
});
