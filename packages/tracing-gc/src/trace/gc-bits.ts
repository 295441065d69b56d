/**
 * The GC bits of the shape word that the tracing plans use, in one place so their assignments can be
 * read side by side. Core reserves bits 24-30 of the shape word's low slot for the collector
 * (`GC_BIT_0` .. `GC_BITS_MASK`); a heap has one collector, so two plans may give the same bit
 * different meanings, but within a plan every bit is distinct.
 *
 * ```
 *  shape word, low slot:  | 31: 0 | 30 29 28 27 26 25 24: GC bits | 23 .. 0: reference fields |
 *
 *  bit  value          mark-compact   incremental    semispace        gen-copy          immix, sticky-immix
 *  24   GC_BIT_0       MARK_BIT       MARK_BIT       FORWARDED_BIT    FORWARDED_BIT     FORWARDED_BIT
 *  25   GC_BIT_0 << 1  -              -              LARGE_MARK_BIT   GEN_MARK_BIT      -
 *  26   GC_BIT_0 << 2  -              -              -                REMEMBERED_BIT    -
 *  27   GC_BIT_0 << 3  -              -              -                NURSERY_HOLE_BIT  -
 *  28   GC_BIT_0 << 4  -              -              -                -                 LOGGED_BIT (sticky)
 *  29-30               free
 * ```
 *
 * `mark-sweep` uses none: it marks in a side bitmap (`MarkBitmap`), as immix and sticky-immix do. Each plan's header comment says
 * when its bits may be set (its invariants).
 */
import { GC_BIT_0 } from '@gclab/core';

/** The mark bit of the plans that mark in the shape word with a `Marker` (`mark-compact`, `incremental`). */
export const MARK_BIT = GC_BIT_0;

/** An evacuated object whose high shape slot holds its new address (`semispace`, `gen-copy`; see `forwarding.ts`). */
export const FORWARDED_BIT = GC_BIT_0;

/** Mark bit of `semispace`'s large objects (they are marked in place, never forwarded). */
export const LARGE_MARK_BIT = GC_BIT_0 << 1;

/** The full-collection mark bit of `gen-copy`. */
export const GEN_MARK_BIT = GC_BIT_0 << 1;

/** A mature object recorded in `gen-copy`'s remembered set (see `remembered-set.ts`). */
export const REMEMBERED_BIT = GC_BIT_0 << 2;

/** A dead `gen-copy` nursery object already reported freed, left in place after a failed evacuation. */
export const NURSERY_HOLE_BIT = GC_BIT_0 << 3;

/** An old `sticky-immix` object recorded in the modified-objects buffer by the log barrier. */
export const LOGGED_BIT = GC_BIT_0 << 4;
