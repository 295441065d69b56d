import { describe, expect, it } from 'vitest';
import { descriptor as tinyMarkSweep } from '../../../examples/collectors/tiny-mark-sweep.ts';
import { COVERAGE_SHAPES, type CoverageCounts } from '../src/coverage.ts';
import { DEFAULT_FORMAT_2_SHARE, FORMAT_2_SHARE } from '../src/program.ts';
import { verifyCollector } from '../src/verify-collector.ts';
import { tinyIncremental } from './fixtures/tiny-incremental.ts';

/**
 * Programs of the default campaign (300 programs and 2 in stress mode, seed 42) reaching each shape
 * (the counts of the campaign, which is deterministic); a collector that is not incremental reaches
 * no incremental cycle, a non-moving one no deref after a move. One table while format-2 programs
 * are off by default (`DEFAULT_FORMAT_2_SHARE` 0), one for when they are on (`FORMAT_2_SHARE`).
 */
const AT_LEAST_FORMAT_1: CoverageCounts = {
  'garbage-cycle': 107,
  'garbage-cycle-8': 10,
  'garbage-cycle-64': 6,
  'live-cycle': 81,
  'live-cycle-8': 6,
  'live-cycle-64': 2,
  'fields-5': 16,
  'fields-64': 1,
  'boundary-size': 22,
  'large-32k': 5,
  'large-1m': 5,
  'memory-grew': 5,
  'memory-grew-3': 4,
  'depth-16': 16,
  'depth-64': 13,
  'globals-9': 12,
  'globals-64': 9,
  'ops-200': 42,
  'ops-10000': 2,
  stress: 2,
  'stress-100': 2,
  'incremental-16': 0,
  'incremental-100': 0,
  'finalizer-ran': 0,
  resurrection: 0,
  'finalizable-cycle': 0,
  'weakref-callback': 0,
  'deref-null': 0,
  'deref-moved': 0,
};
const AT_LEAST_FORMAT_2: CoverageCounts = {
  'garbage-cycle': 108,
  'garbage-cycle-8': 15,
  'garbage-cycle-64': 8,
  'live-cycle': 97,
  'live-cycle-8': 12,
  'live-cycle-64': 7,
  'fields-5': 18,
  'fields-64': 3,
  'boundary-size': 18,
  'large-32k': 8,
  'large-1m': 7,
  'memory-grew': 7,
  'memory-grew-3': 6,
  'depth-16': 10,
  'depth-64': 9,
  'globals-9': 10,
  'globals-64': 5,
  'ops-200': 43,
  'ops-10000': 2,
  stress: 2,
  'stress-100': 2,
  'incremental-16': 0,
  'incremental-100': 0,
  'finalizer-ran': 41,
  resurrection: 25,
  'finalizable-cycle': 17,
  'weakref-callback': 36,
  'deref-null': 45,
  'deref-moved': 0,
};
const FORMAT_2_ON = DEFAULT_FORMAT_2_SHARE === FORMAT_2_SHARE;
const AT_LEAST = FORMAT_2_ON ? AT_LEAST_FORMAT_2 : AT_LEAST_FORMAT_1;

describe('coverage of the default campaign', () => {
  it('reaches every shape (tiny-mark-sweep, default runs, seed 42)', () => {
    const result = verifyCollector(tinyMarkSweep, { seed: 42 });
    expect(result.passed).toBe(true);
    expect(result.figures.programs).toBe(302);
    for (const s of COVERAGE_SHAPES)
      expect(result.coverage[s.shape], s.shape).toBeGreaterThanOrEqual(AT_LEAST[s.shape]);
    expect(result.coverage['incremental-16']).toBe(0);
  });

  it('sees incremental marking interleave with the mutator (tiny-incremental, seed 42)', () => {
    // Its cycles start every 1024 bytes (or 256, 4096 in its option sets) and scan one object (or
    // three) per allocation, so a long live list keeps one in progress across many operations.
    const result = verifyCollector(tinyIncremental, { seed: 42 });
    expect(result.passed).toBe(true);
    expect(result.coverage['incremental-16']).toBeGreaterThanOrEqual(FORMAT_2_ON ? 32 : 36);
    expect(result.coverage['incremental-100']).toBeGreaterThanOrEqual(FORMAT_2_ON ? 3 : 6);
  });

  it('counts nothing past the short shapes when reach programs and stress mode are off', () => {
    const result = verifyCollector(tinyMarkSweep, { seed: 42, runs: 100, reach: 0, stressRuns: 0 });
    expect(result.coverage['garbage-cycle']).toBeGreaterThan(0);
    for (const shape of [
      'garbage-cycle-64',
      'fields-64',
      'depth-64',
      'globals-9',
      'ops-10000',
      'stress',
    ] as const)
      expect(result.coverage[shape], shape).toBe(0);
  });
});
