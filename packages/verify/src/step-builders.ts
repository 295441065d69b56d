/**
 * Builders of the generator's abstract steps on fixed registers, for the segments (`program.ts`,
 * `reach-segments.ts`) that emit a fixed shape of steps.
 */

import type { PayloadSpec, RootSpec, Step, StoreMode } from './program.ts';

/** Register `n` (modulo the frame's size when resolved). */
export const r = (n: number): RootSpec => ({ r: n });

/** Global `GLOBAL_POOL[g]`. */
export const g = (n: number): RootSpec => ({ g: n });

/** `put` of register `src` (or null) into field `index` of the object in register `obj`. */
export const put = (obj: number, index: number, src: number | null, mode: StoreMode = 'given'): Step => ({
  k: 'put',
  obj: r(obj),
  index,
  src: src === null ? null : r(src),
  mode,
});

/** `new` into register `dst` with `refs` fields and a payload. */
export const neu = (dst: number, refs: number, bytes: PayloadSpec = 0): Step => ({
  k: 'new',
  dst: r(dst),
  refs,
  bytes,
});

/** `set` of register `dst` from register `src` (or null). */
export const set = (dst: number, src: number | null): Step => ({
  k: 'set',
  dst: r(dst),
  src: src === null ? null : r(src),
});

/** A full collection. */
export const fullGc: Step = { k: 'gc', generation: null };
