/**
 * Plain reference counts: `count++` and `count--` on the object's header word, no atomic instruction
 * (Include/object.h's `Py_INCREF`/`Py_DECREF` before PEP 703). Safe only when one thread at a time
 * touches counts: `gil` holds a lock for that, `non-atomic` does not and loses updates.
 *
 * Layout: one header word, its low slot the count. A count below zero (a lost increment found at the
 * last drop) is tallied in `underflows`.
 */
import { CountingPlan } from './counting-plan.ts';

/** Plain counts; the subclass decides what makes them safe. */
export abstract class PlainCounting extends CountingPlan {
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
