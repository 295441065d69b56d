import { GC_BIT_0, GC_BITS_MASK } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import {
  FORWARDED_BIT,
  GEN_MARK_BIT,
  LARGE_MARK_BIT,
  MARK_BIT,
  NURSERY_HOLE_BIT,
  REMEMBERED_BIT,
} from '../../src/trace/gc-bits.ts';

/** The GC bits each plan sets in the shape word (as the table in gc-bits.ts says). */
const BITS_BY_PLAN: Record<string, readonly number[]> = {
  'mark-compact': [MARK_BIT],
  incremental: [MARK_BIT],
  semispace: [FORWARDED_BIT, LARGE_MARK_BIT],
  'gen-copy': [FORWARDED_BIT, GEN_MARK_BIT, REMEMBERED_BIT, NURSERY_HOLE_BIT],
};

describe('GC bits', () => {
  it('are single bits inside the GC bits core reserves for the collector', () => {
    for (const bit of [
      MARK_BIT,
      FORWARDED_BIT,
      LARGE_MARK_BIT,
      GEN_MARK_BIT,
      REMEMBERED_BIT,
      NURSERY_HOLE_BIT,
    ]) {
      expect(bit & (bit - 1)).toBe(0);
      expect(bit & GC_BITS_MASK).toBe(bit);
    }
  });

  it('are distinct within each plan', () => {
    for (const bits of Object.values(BITS_BY_PLAN)) {
      const union = bits.reduce((a, b) => a | b, 0);
      expect(union.toString(2).replaceAll('0', '').length).toBe(bits.length);
    }
  });

  it('sit where the bit table says (bits 24 to 27)', () => {
    expect([MARK_BIT, FORWARDED_BIT, LARGE_MARK_BIT, GEN_MARK_BIT, REMEMBERED_BIT, NURSERY_HOLE_BIT]).toEqual(
      [GC_BIT_0, GC_BIT_0, GC_BIT_0 << 1, GC_BIT_0 << 1, GC_BIT_0 << 2, GC_BIT_0 << 3],
    );
  });
});
