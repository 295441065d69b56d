/**
 * The verifier (`verifyCollector` from @gclab/verify) over the counting collectors, and the proofs
 * that it catches broken ones: reference counting that skips the decrement of a field's overwritten
 * value; three trial deletions with one realistic bug each (reclamation: a scan that never
 * re-blackens; the barrier: candidates buffered only at an object's first decrement; counts:
 * scan-black that forgets to restore them); and five realistic bugs in `lxr` (its barrier, its
 * young objects, its evacuation, its backup trace).
 */

import type { CollectorDescriptor, CollectorOptions, Heap } from '@gclab/core';
import { verifyCollector } from '@gclab/verify';
import { describe, expect, it } from 'vitest';
import { refcountDeferred } from '../src/plans/deferred-refcount.ts';
import { LXR_RC_MASK, LXR_YOUNG_BIT, Lxr, lxr } from '../src/plans/lxr.ts';
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

describe('verifyCollector on lxr', () => {
  it.each([
    // The defaults, and the descriptor's option set (tiny epochs, frequent traces) for a third of them.
    { name: 'lxr', collectorOptions: {}, stressRuns: 2 },
    {
      name: 'lxr, epochBytes 64, traceEvery 2',
      collectorOptions: { epochBytes: 64, traceEvery: 2 },
      stressRuns: 0,
    },
  ])('$name passes 300 programs (all properties, completeness full)', ({ collectorOptions, stressRuns }) => {
    const result = verifyCollector(lxr, {
      seed,
      runs: 300,
      stressRuns,
      collectorOptions,
    });
    expect(result.failure?.trace ?? null).toBeNull();
    expect(result.passed).toBe(true);
    expect(result.completeness).toBe('full');
    expect(result.figures.programs).toBe(300 + stressRuns);
  });
});

/** The pause forgets to decrement the logged old values: overwritten referents leak until a trace. */
class LxrSkipsOldValueDecrement extends Lxr {
  protected override decrementOld(): void {}
}

/** The barrier logs the value being stored instead of the one it overwrites. */
class LxrLogsNewValue extends Lxr {
  override writeBarrierPost(obj: number, slot: number, _oldValue: number, newValue: number): void {
    super.writeBarrierPost(obj, slot, newValue, newValue);
  }
}

/** A logged field's increment skips young referents, as if the root scan alone made objects live. */
class LxrYoungFromFieldsNotLive extends Lxr {
  protected override incrementLogged(ref: number): number {
    if ((this.heap.memory.words[ref >> 2]! & LXR_YOUNG_BIT) !== 0) return ref;
    return super.incrementLogged(ref);
  }
}

/** Evacuation that does not update a logged field: it keeps the survivor's old address. */
class LxrEvacuationMissesLoggedField extends Lxr {
  protected override incrementLogged(ref: number): number {
    super.incrementLogged(ref);
    return ref;
  }
}

/** The backup trace recomputes counts but leaves stuck ones stuck. */
class LxrTraceKeepsStuckCounts extends Lxr {
  protected override traceReference(words: Int32Array, ref: number): number {
    const stuck = (words[ref >> 2]! & LXR_RC_MASK) === LXR_RC_MASK;
    const marked = super.traceReference(words, ref);
    if (stuck) words[ref >> 2]! |= LXR_RC_MASK;
    return marked;
  }
}

function brokenLxr(name: string, make: (heap: Heap, options: CollectorOptions) => Lxr): CollectorDescriptor {
  return { ...lxr, name, create: (heap, options) => make(heap, options ?? {}) };
}

describe('verifyCollector catches broken lxr variants with at most 12 operations', () => {
  it.each([
    {
      name: "without the decrement of an overwritten field's old value (a leak: its count check)",
      descriptor: brokenLxr('lxr-skips-old-value-decrement', (h, o) => new LxrSkipsOldValueDecrement(h, o)),
      property: 'allocator-integrity',
      message: /has count 1 but 0 counted references/,
    },
    {
      name: 'a barrier that logs the new value instead of the old',
      descriptor: brokenLxr('lxr-logs-new-value', (h, o) => new LxrLogsNewValue(h, o)),
      property: 'safety',
      // The "old" value decremented is the young object the store made live (and evacuated).
      message: /decrement of the object at 0x[0-9a-f]+, whose count is zero/,
    },
    {
      name: 'young objects reached only from a logged field not made live',
      descriptor: brokenLxr('lxr-young-from-fields-not-live', (h, o) => new LxrYoungFromFieldsNotLive(h, o)),
      property: 'safety',
      message: /freed/,
    },
    {
      name: 'evacuation that leaves a logged field at the old copy',
      descriptor: brokenLxr(
        'lxr-evacuation-misses-logged-field',
        (h, o) => new LxrEvacuationMissesLoggedField(h, o),
      ),
      property: 'safety',
      message: /freed/,
    },
    {
      name: 'a backup trace that does not repair stuck counts',
      descriptor: brokenLxr('lxr-trace-keeps-stuck-counts', (h, o) => new LxrTraceKeepsStuckCounts(h, o)),
      property: 'allocator-integrity',
      message: /has count 3 but 2 counted references right after a backup trace/,
    },
  ])('$name', ({ descriptor, property, message }) => {
    const result = verifyCollector(descriptor, { seed, runs: 300 });
    expect(result.passed).toBe(false);
    const failure = result.failure!;
    expect(failure.property).toBe(property);
    expect(failure.trace).toMatch(message);
    expect(failure.ops.length).toBeLessThanOrEqual(12);
    expect(failure.trace).toMatch(/^put /m);
  });
});
