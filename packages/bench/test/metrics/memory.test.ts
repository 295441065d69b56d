import { describe, expect, it } from 'vitest';
import { fragmentation, headerBytes, overhead } from '../../src/metrics/memory.ts';

describe('memory figures and overhead', () => {
  it('counts the shape word plus the declared header words per object', () => {
    expect(headerBytes(1000, 0)).toBe(8000);
    expect(headerBytes(1000, 1)).toBe(16_000);
    expect(headerBytes(3, 3)).toBe(96);
  });

  it('defines fragmentation as the unlive share of reserved memory', () => {
    expect(fragmentation(4096, 1024)).toBe(0.75);
    expect(fragmentation(4096, 4096)).toBe(0);
    expect(fragmentation(0, 0)).toBe(0);
  });

  it('measures overhead against the no-gc baseline (lower-bound overhead)', () => {
    expect(overhead(150, 100)).toBe(0.5);
    expect(overhead(100, 100)).toBe(0);
    expect(overhead(80, 100)).toBeCloseTo(-0.2, 12);
    expect(overhead(100, null)).toBeNull();
    expect(overhead(100, 0)).toBeNull();
  });
});
