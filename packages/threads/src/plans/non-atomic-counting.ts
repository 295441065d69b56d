/**
 * `non-atomic`: plain counts and no lock, a demonstration of why the other plans exist.
 *
 * Algorithm: `gil`'s counting (`count++`, `count--`) with the GIL removed. Two threads updating one
 * count at once each read the old value and write their result, so one update is lost: a lost
 * increment frees an object that is still referenced (a use after free, or an underflow when the
 * last reference is dropped), a lost decrement leaks it. The final check counts both.
 *
 * Layout: one header word, its low slot the count.
 * Invariants: none across threads; that is the point.
 */
import { PlainCounting } from '../plain-counting.ts';

/** Plain counts, no lock. */
export class NonAtomicCounting extends PlainCounting {}
