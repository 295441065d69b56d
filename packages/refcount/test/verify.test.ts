/**
 * The verifier (`verifyCollector` from @gclab/verify) over both counting collectors, and
 * the proof that it catches a broken one: reference counting that skips the decrement of a field's
 * overwritten value.
 */

import type { CollectorDescriptor, Heap } from '@gclab/core';
import { verifyCollector } from '@gclab/verify';
import { describe, expect, it } from 'vitest';
import { refcountDeferred } from '../src/plans/deferred-refcount.ts';
import { ImmediateReferenceCounting, refcount } from '../src/plans/refcount.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

/** `refcount` whose write barrier forgets to decrement the value a store overwrites. */
class SkipsOverwrittenDecrement extends ImmediateReferenceCounting {
  override writeBarrierPost(_obj: number, _slot: number, _oldValue: number, newValue: number): void {
    if (newValue !== 0) this.increment(newValue);
  }
}

const broken: CollectorDescriptor = {
  ...refcount,
  name: 'refcount-skips-overwritten-decrement',
  create: (heap: Heap) => new SkipsOverwrittenDecrement(heap),
};

describe('verifyCollector on the reference-counting collectors', () => {
  it.each([
    { name: 'refcount', descriptor: refcount, collectorOptions: {}, stressRuns: 2 },
    { name: 'refcount-deferred', descriptor: refcountDeferred, collectorOptions: {}, stressRuns: 2 },
    // A tiny zero-count table reconciles at allocation safepoints too, not only at gc.
    {
      name: 'refcount-deferred, zctThreshold 2',
      descriptor: refcountDeferred,
      collectorOptions: { zctThreshold: 2 },
      // Stress mode (two 10,000-op programs, most of the time) for the defaults only.
      stressRuns: 0,
    },
  ])('$name passes 300 programs (all five properties)', ({ descriptor, collectorOptions, stressRuns }) => {
    const result = verifyCollector(descriptor, { seed, runs: 300, stressRuns, collectorOptions });
    expect(result.failure?.trace ?? null).toBeNull();
    expect(result.passed).toBe(true);
    expect(result.completeness).toBe('acyclic');
    // 300 random programs, then the long programs in stress mode.
    expect(result.figures.programs).toBe(300 + stressRuns);
  });

  it('catches refcount that skips the decrement of an overwritten field, in at most 12 ops', () => {
    const result = verifyCollector(broken, { seed, runs: 300 });
    expect(result.passed).toBe(false);
    const failure = result.failure!;
    expect(failure.property).toBe('count-accuracy');
    expect(failure.ops.length).toBeLessThanOrEqual(12);
    expect(failure.trace).toMatch(/^put /m);
  });
});
