import { describe, expect, it } from 'vitest';
import { descriptor as tinyMarkSweep } from '../../../examples/collectors/tiny-mark-sweep.ts';
import { COVERAGE_SHAPES, type CoverageCounts } from '../src/coverage.ts';
import { verifyCollector } from '../src/verify-collector.ts';

/** Programs of the default campaign (300 programs and 2 in stress mode, seed 42) reaching each shape. */
const AT_LEAST: CoverageCounts = {
  'garbage-cycle': 100,
  'garbage-cycle-8': 15,
  'garbage-cycle-64': 8,
  'live-cycle': 80,
  'live-cycle-8': 12,
  'live-cycle-64': 4,
  'fields-5': 20,
  'fields-64': 2,
  'boundary-size': 20,
  'large-32k': 15,
  'large-1m': 6,
  'memory-grew': 6,
  'memory-grew-3': 1,
  'depth-16': 20,
  'depth-64': 19,
  'globals-9': 19,
  'globals-64': 10,
  'ops-200': 29,
  'ops-10000': 2,
  stress: 2,
  'stress-100': 2,
};

describe('coverage of the default campaign', () => {
  it('reaches every shape (tiny-mark-sweep, default runs, seed 42)', () => {
    const result = verifyCollector(tinyMarkSweep, { seed: 42 });
    expect(result.passed).toBe(true);
    expect(result.figures.programs).toBe(302);
    for (const s of COVERAGE_SHAPES)
      expect(result.coverage[s.shape], s.shape).toBeGreaterThanOrEqual(AT_LEAST[s.shape]);
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
