/**
 * The verifier (`verifyCollector` from @gclab/verify) over `cpython`, with CPython's
 * thresholds and with tiny ones (so automatic collections of every generation fire inside short
 * programs), and the proof that it catches a broken cycle collector: one that treats every
 * generation-0 object as unreachable.
 */

import type { CollectorDescriptor, Heap } from '@gclab/core';
import { verifyCollector } from '@gclab/verify';
import { describe, expect, it } from 'vitest';
import { CPythonCollector, cpython } from '../src/cpython.ts';
import { NEXT_SLOT, PREV_SHIFT, PREV_SLOT } from '../src/gc-list.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

/** `cpython` whose generation-0 collections see gc_refs 0 everywhere: all of generation 0 looks unreachable. */
class Gen0AllUnreachable extends CPythonCollector {
  protected override updateRefs(words: Int32Array, young: number): number {
    const n = super.updateRefs(words, young);
    if (young === this.generationHead(0)) {
      for (let gc = words[(young >> 2) + NEXT_SLOT]!; gc !== young; gc = words[(gc >> 2) + NEXT_SLOT]!) {
        const i = (gc >> 2) + PREV_SLOT;
        words[i] = words[i]! & ((1 << PREV_SHIFT) - 1); // keep the flags, drop gc_refs
      }
    }
    return n;
  }
}

const broken: CollectorDescriptor = {
  ...cpython,
  name: 'cpython-gen0-all-unreachable',
  create: (heap: Heap) => new Gen0AllUnreachable(heap),
};

describe('verifyCollector on cpython', () => {
  it.each([
    { name: 'CPython thresholds (700, 10, 10)', collectorOptions: {}, stressRuns: 2 },
    // Stress mode (two 10,000-op programs, most of the time) for the defaults only.
    {
      name: 'tiny thresholds (3, 2, 2)',
      collectorOptions: { threshold0: 3, threshold1: 2, threshold2: 2 },
      stressRuns: 0,
    },
  ])('passes 300 programs with $name (all five properties)', ({ collectorOptions, stressRuns }) => {
    const result = verifyCollector(cpython, { seed, runs: 300, stressRuns, collectorOptions });
    expect(result.failure?.trace ?? null).toBeNull();
    expect(result.passed).toBe(true);
    expect(result.completeness).toBe('full');
    // 300 random programs, then the long programs in stress mode.
    expect(result.figures.programs).toBe(300 + stressRuns);
  });

  it('catches a cycle collector that treats every generation-0 object as unreachable, in at most 12 ops', () => {
    const result = verifyCollector(broken, { seed, runs: 300 });
    expect(result.passed).toBe(false);
    const failure = result.failure!;
    // The first sign: the collection log counts a reachable object as collected, which was not freed.
    expect(failure.property).toBe('reported-figures');
    expect(failure.reason).toBe(
      'the collection log says generation 0 collected 1 objects; the collector reported 0 freed',
    );
    expect(failure.ops.length).toBeLessThanOrEqual(12);
    expect(failure.trace).toMatch(/^gc/m);
  });
});
