/**
 * The differential test against the real CPython 3.12 (pyodide): `cpython-3.12` replays the seeded
 * mixes collection for collection, and replays the first as a trace (see against-version.ts).
 */
import { cpython312 } from '@gclab/generational';
import { describeDifferential } from './against-version.ts';

describeDifferential(
  '3.12',
  cpython312,
  { seed: 1, steps: 300_000, longLived: 0 },
  { seed: 7, steps: 300_000, longLived: 100_000 },
  true,
);
