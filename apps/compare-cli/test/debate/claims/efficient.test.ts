/**
 * Claim 2 ("reference counting is incredibly efficient"): the verdict follows refcount's
 * promptness against the tracing collectors, and the paragraph opens with that verdict.
 */
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/debate/claims/claim.ts';
import { efficient } from '../../../src/debate/claims/efficient.ts';
import { collector, debateData, MIB, okCell } from './fixture.ts';

const COLLECTORS = [collector('refcount', 'reference-counting', true), collector('mark-sweep', 'tracing')];

function claim2(refcountGarbage: number, tracingGarbage: number) {
  const data = debateData(
    [
      okCell('churn', 'refcount', { garbagePeakBytes: refcountGarbage }),
      okCell('churn', 'mark-sweep', { garbagePeakBytes: tracingGarbage }),
    ],
    COLLECTORS,
  );
  return { figures: efficient.measure(data), result: judge(efficient, data) };
}

describe('claim 2', () => {
  it('is partly supported, and says so, when refcount let no more garbage accumulate than tracing', () => {
    const { figures, result: c } = claim2(0, 8 * MIB);
    expect(figures.prompt).toBe(true);
    expect(c.verdict).toBe('partly supported');
    expect(c.paragraph).toMatch(/^Partly\. Promptness: refcount never let garbage accumulate/);
  });

  it('is refuted, and opens with "Refuted", when refcount held more garbage than a tracing collector', () => {
    const { figures, result: c } = claim2(8 * MIB, 1 * MIB);
    expect(figures.prompt).toBe(false);
    expect(c.verdict).toBe('refuted');
    expect(c.paragraph).toMatch(/^Refuted\. Promptness: refcount did not always free garbage sooner/);
    expect(c.paragraph).not.toContain('Partly');
  });
});
