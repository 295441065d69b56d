/**
 * The verifier (`verifyCollector` from @gclab/verify) over the counting collectors, and the proof
 * that it catches broken ones: reference counting that skips the decrement of a field's overwritten
 * value, and three trial deletions with one realistic bug each (reclamation: a scan that never
 * re-blackens; the barrier: candidates buffered only at an object's first decrement; counts:
 * scan-black that forgets to restore them).
 */

import type { CollectorDescriptor, Heap } from '@gclab/core';
import { verifyCollector } from '@gclab/verify';
import { describe, expect, it } from 'vitest';
import { refcountDeferred } from '../src/plans/deferred-refcount.ts';
import { ImmediateReferenceCounting, refcount } from '../src/plans/refcount.ts';
import {
  BUFFERED_BIT,
  COLOUR_MASK,
  PURPLE,
  refcountTrialDeletion,
  TrialDeletion,
  WHITE,
} from '../src/plans/trial-deletion.ts';

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

/** Trial deletion that never scans: every gray object is taken for garbage (white). */
class NeverScans extends TrialDeletion {
  protected override scanBlack(root: number): void {
    // Count above zero or not, the object goes white like the others.
    const words = this.heap.memory.words;
    words[root >> 2] = (words[root >> 2]! & ~COLOUR_MASK) | WHITE;
  }
}

/** Candidates buffered only at the first decrement to non-zero an object ever has. */
class BuffersOnce extends TrialDeletion {
  private readonly seen = new Set<number>();
  protected override bufferCandidate(addr: number): void {
    if (this.seen.has(addr)) {
      // Flagged buffered by PossibleRoot, but never appended: undo the flag and colour.
      this.heap.memory.words[addr >> 2]! &= ~(PURPLE | BUFFERED_BIT);
      return;
    }
    this.seen.add(addr);
    super.bufferCandidate(addr);
  }
}

/** ScanBlack that re-blackens without adding back the counts MarkGray subtracted. */
class ForgetsRestore extends TrialDeletion {
  protected override restoreCount(_words: Int32Array, _t: number): void {}
}

function variant(name: string, make: (heap: Heap) => TrialDeletion): CollectorDescriptor {
  return { ...refcountTrialDeletion, name, create: make };
}

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
    // Defaults and, in turn, the descriptor's eager option set (candidateThreshold 1).
    {
      name: 'refcount-trial-deletion',
      descriptor: refcountTrialDeletion,
      collectorOptions: {},
      stressRuns: 2,
      completeness: 'full',
    },
  ])(
    '$name passes 300 programs (all five properties)',
    ({ descriptor, collectorOptions, stressRuns, completeness }) => {
      const result = verifyCollector(descriptor, { seed, runs: 300, stressRuns, collectorOptions });
      expect(result.failure?.trace ?? null).toBeNull();
      expect(result.passed).toBe(true);
      expect(result.completeness).toBe(completeness ?? 'acyclic');
      // 300 random programs, then the long programs in stress mode.
      expect(result.figures.programs).toBe(300 + stressRuns);
    },
  );

  it('catches refcount that skips the decrement of an overwritten field, in at most 12 ops', () => {
    const result = verifyCollector(broken, { seed, runs: 300 });
    expect(result.passed).toBe(false);
    const failure = result.failure!;
    expect(failure.property).toBe('count-accuracy');
    expect(failure.ops.length).toBeLessThanOrEqual(12);
    expect(failure.trace).toMatch(/^put /m);
  });

  it.each([
    { name: 'trial deletion that never scans', make: (h: Heap) => new NeverScans(h), property: 'safety' },
    {
      name: 'candidates buffered only at an object’s first decrement',
      make: (h: Heap) => new BuffersOnce(h),
      property: 'completeness',
    },
    {
      name: 'scan-black that forgets to restore counts',
      make: (h: Heap) => new ForgetsRestore(h),
      property: 'count-accuracy',
    },
  ])('catches $name', ({ name, make, property }) => {
    const result = verifyCollector(variant(name, make), { seed, runs: 300 });
    expect(result.passed).toBe(false);
    expect(result.failure!.property).toBe(property);
    // Shrunk to a handful of operations (5, 6 and 7 at seed 42).
    expect(result.failure!.ops.length).toBeLessThanOrEqual(10);
  });
});
