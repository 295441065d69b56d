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
import { CountingPlan } from '../counting-plan.ts';

/** Plain counts, no lock. */
export class NonAtomicCounting extends CountingPlan {
  static readonly headerWords = 1;

  initialize(addr: number): void {
    this.words[(addr >> 2) + 2] = 1;
  }

  increment(addr: number): void {
    this.figures.increments++;
    const i = (addr >> 2) + 2;
    this.words[i] = this.words[i]! + 1;
  }

  protected release(addr: number): boolean {
    const i = (addr >> 2) + 2;
    const count = this.words[i]! - 1;
    this.words[i] = count;
    if (count < 0) this.figures.underflows++;
    return count === 0;
  }

  countOf(addr: number): number {
    return this.words[(addr >> 2) + 2]!;
  }
}
