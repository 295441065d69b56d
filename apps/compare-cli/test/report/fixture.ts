/**
 * The results fixture of the report tests (`fixtures/results-small.json`, written by a real run of
 * `fixtures/make-results.ts`), loaded fresh for each caller so tests can modify their copy.
 */
import { readFileSync } from 'node:fs';
import type { MatrixResults } from '@gclab/bench';

/** Path of the fixture. */
export const RESULTS_FIXTURE = new URL('../fixtures/results-small.json', import.meta.url);

/** A fresh copy of the fixture. */
export function loadResultsFixture(): MatrixResults {
  return JSON.parse(readFileSync(RESULTS_FIXTURE, 'utf8')) as MatrixResults;
}
