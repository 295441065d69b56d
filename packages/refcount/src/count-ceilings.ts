/**
 * The count-ceiling tally: how many objects' reference counts ever exceed 1, 3 and 7, the counts a
 * 1-, 2- or 3-bit count field holds. "Down for the count?" (Shahriyar, Blackburn & Frampton, ISMM
 * 2012, §4) measured that most objects' counts never exceed a few bits, the case for limited-bit
 * counts that stick on overflow (RC Immix, LXR). Kept by the exact counting plans (`refcount`,
 * `refcount-trial-deletion`: `ImmediateCounting.increment`), whose counts are every reference.
 *
 * Counts move by one, so a count exceeds 1, 3 and 7 exactly when an increment leaves it at 2, 4 and
 * 8. The increment tests that (two integer operations on the count it just wrote: the hot path); only
 * then does `passed` look at the object: a GC bit of its shape word records each ceiling it has
 * passed, so an object is tallied once per ceiling however often its count returns there. The
 * tallies are final as soon as the event happens (no scan at free or at the end).
 *
 * GC bits (of the shape word, see `@gclab/core`'s object model): bits 4, 5 and 6 (`ABOVE_1_BIT`,
 * `ABOVE_3_BIT`, `ABOVE_7_BIT`); bits 0-3 are left to the plans.
 */
import { GC_BIT_0 } from '@gclab/core';

/** Shape-word bit: the object's count has exceeded 1. */
export const ABOVE_1_BIT = GC_BIT_0 << 4;
/** Shape-word bit: the object's count has exceeded 3. */
export const ABOVE_3_BIT = GC_BIT_0 << 5;
/** Shape-word bit: the object's count has exceeded 7. */
export const ABOVE_7_BIT = GC_BIT_0 << 6;

/** Bits 2, 4 and 8 set: `(PASSING >> count) & 1` says whether `count` (below 9) passes a ceiling. */
export const PASSING = (1 << 2) | (1 << 4) | (1 << 8);

/** Objects whose count exceeded 1, 3 and 7 at some point. */
export class CountCeilings {
  /** Objects whose count exceeded 1. */
  above1 = 0;
  /** Objects whose count exceeded 3. */
  above3 = 0;
  /** Objects whose count exceeded 7. */
  above7 = 0;

  /**
   * An increment left the object at `addr` with count 2, 4 or 8 (the caller tests `PASSING`):
   * tallies it the first time it passes that ceiling.
   */
  passed(words: Int32Array, addr: number, count: number): void {
    const s = addr >> 2;
    const bit = count === 2 ? ABOVE_1_BIT : count === 4 ? ABOVE_3_BIT : ABOVE_7_BIT;
    if ((words[s]! & bit) !== 0) return;
    words[s]! |= bit;
    if (count === 2) this.above1++;
    else if (count === 4) this.above3++;
    else this.above7++;
  }

  /**
   * The figures for `stats()`: the three tallies and their shares (0 to 1) of `objects`, all objects
   * allocated so far.
   */
  stats(objects: number): Record<string, number> {
    const share = (n: number) => (objects === 0 ? 0 : n / objects);
    return {
      countAbove1: this.above1,
      countAbove3: this.above3,
      countAbove7: this.above7,
      countAbove1Share: share(this.above1),
      countAbove3Share: share(this.above3),
      countAbove7Share: share(this.above7),
    };
  }
}
