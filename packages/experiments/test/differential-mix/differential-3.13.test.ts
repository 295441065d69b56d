/**
 * The differential test against the real CPython 3.13 (pyodide): `cpython-3.13` replays the seeded
 * mixes collection for collection (see against-version.ts).
 */
import { cpython313 } from '@gclab/generational';
import { describeDifferential } from './against-version.ts';

describeDifferential(
  '3.13',
  cpython313,
  { seed: 1, steps: 1_000_000, longLived: 0 },
  { seed: 7, steps: 1_000_000, longLived: 200_000 },
);
