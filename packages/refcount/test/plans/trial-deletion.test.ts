import { describe, expect, it } from 'vitest';
import { verifyCollector } from '@gclab/verify';
import { refcountTrialDeletion } from '../../src/plans/trial-deletion.ts';

describe('scratch', () => {
  it('verifies', () => {
    for (const collectorOptions of [{}, { candidateThreshold: 1 }]) {
      const t = Date.now();
      const result = verifyCollector(refcountTrialDeletion, { seed: 42, runs: 300, stressRuns: 2, collectorOptions });
      console.log(Date.now() - t, result.failure?.property, result.failure?.reason, result.failure?.trace);
      expect(result.passed).toBe(true);
    }
  }, 120_000);
});
