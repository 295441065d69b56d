/**
 * `atomic`: every count update an atomic read-modify-write, no lock.
 *
 * Algorithm: the naive free-threaded reference count (what Swift and Rust's `Arc` do, and what
 * PEP 703 rejects as too slow for CPython): `Atomics.add`/`Atomics.sub` on every increment and
 * decrement, by any thread; the thread whose decrement returns 1 frees the object.
 *
 * Layout: one header word, its low slot the count.
 * Invariants: a count equals the references to its object once every thread's updates are done;
 * exactly one thread sees the count go from 1 to 0.
 */
import { CountingPlan } from '../counting-plan.ts';

/** Atomic counts. */
export class AtomicCounting extends CountingPlan {
  static readonly headerWords = 1;

  initialize(addr: number): void {
    this.words[(addr >> 2) + 2] = 1;
  }

  increment(addr: number): void {
    this.figures.increments++;
    this.figures.atomicUpdates++;
    Atomics.add(this.words, (addr >> 2) + 2, 1);
  }

  protected release(addr: number): boolean {
    this.figures.atomicUpdates++;
    return Atomics.sub(this.words, (addr >> 2) + 2, 1) === 1;
  }

  countOf(addr: number): number {
    return Atomics.load(this.words, (addr >> 2) + 2);
  }
}
