/**
 * The differential test against the real CPython 3.15 (pyodide): `cpython-3.15` replays the seeded
 * mixes collection for collection (see against-version.ts).
 */
import { cpython315 } from '@gclab/generational';
import { describeDifferential } from './against-version.ts';

describeDifferential(
  '3.15',
  cpython315,
  { seed: 1, steps: 1_000_000, longLived: 0 },
  { seed: 7, steps: 1_000_000, longLived: 200_000 },
);
