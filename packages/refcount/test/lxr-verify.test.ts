import { verifyCollector } from '@gclab/verify';
import { describe, expect, it } from 'vitest';
import { lxr } from '../src/plans/lxr.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

describe('verifyCollector on lxr', () => {
  it.each([
    { name: 'defaults', collectorOptions: {}, stressRuns: 2 },
    { name: 'eager', collectorOptions: { epochBytes: 64, traceEvery: 2 }, stressRuns: 0 },
  ])('$name', ({ collectorOptions, stressRuns }) => {
    const t = Date.now();
    const result = verifyCollector(lxr, { seed, runs: 300, stressRuns, collectorOptions });
    console.log(Date.now() - t, result.failure?.trace, result.failure?.property, result.failure?.violation?.message ?? (result.failure as any)?.reason);
    expect(result.failure?.trace ?? null).toBeNull();
    expect(result.passed).toBe(true);
  });
});
