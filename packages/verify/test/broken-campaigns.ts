/**
 * The verifier's promise to collector authors, as a test: the default campaign (default options,
 * the regression corpus left out, so only the random programs count) at seeds 1, 2 and 3 catches
 * every broken collector of `fixtures/broken/`. The corpus is split into `PARTS` test files
 * (`broken-campaigns-N.test.ts`) so that vitest's workers share the cost. Counterexamples are not
 * minimized here (catching is what is asserted; `broken-corpus.test.ts` checks each bug's trace).
 * A collector whose bug is in finalization or weak references (`format2`) is run with format-2
 * programs (`FORMAT_2_SHARE`) whatever the default share is.
 */
import { describe, expect, it } from 'vitest';
import { FORMAT_2_SHARE, verifyCollector } from '../src/index.ts';
import { brokenCorpus } from './fixtures/broken/index.ts';

/** The seeds every default campaign is run at. */
export const CAMPAIGN_SEEDS = [1, 2, 3] as const;

/** Test files the corpus is split over. */
export const PARTS = 3;

/** Declares the tests of part `part` (0 .. `PARTS` - 1): every `PARTS`-th broken collector from it. */
export function describeBrokenCampaigns(part: number): void {
  const mine = brokenCorpus.filter((_, i) => i % PARTS === part);
  describe(`default campaigns catch the broken collectors (part ${part + 1} of ${PARTS})`, () => {
    it.each(mine.map((c) => ({ ...c, name: c.descriptor.name })))(
      '$name: caught at seeds 1, 2 and 3 with the regression corpus left out',
      ({ descriptor, format2 }) => {
        for (const seed of CAMPAIGN_SEEDS) {
          const result = verifyCollector(descriptor, {
            seed,
            corpus: [],
            minimize: false,
            ...(format2 === true ? { format2: FORMAT_2_SHARE } : {}),
          });
          const caught = result.failure?.property ?? 'missed';
          // A collector's own crash or a time limit is not what these bugs are (each is a quiet one).
          expect(['missed', 'crash', 'time-limit'], `seed ${seed}: ${caught}`).not.toContain(caught);
        }
      },
    );
  });
}
