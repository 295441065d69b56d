/**
 * The results fixture of the report tests (`fixtures/results-small.json`, written by a real run of
 * `fixtures/make-results.ts` before results recorded the median's interval and the samples: an
 * older file), loaded fresh for each caller so tests can modify their copy, its spreads given their
 * interval as every reader of results files gives them (`withIntervals`).
 */
import { readFileSync } from 'node:fs';
import { type MatrixResults, withIntervals } from '@gclab/bench';

/** Path of the fixture. */
export const RESULTS_FIXTURE = new URL('../fixtures/results-small.json', import.meta.url);

/** A fresh copy of the fixture. */
export function loadResultsFixture(): MatrixResults {
  return withIntervals(JSON.parse(readFileSync(RESULTS_FIXTURE, 'utf8')) as MatrixResults);
}
