/**
 * Immediate reference counting (Collins 1960; GC Handbook §5.1) as a mechanism: what the plans that
 * count every reference share (`refcount`, and `refcount-trial-deletion`, which adds a cycle
 * collector on top). Every root write (assignment, `del`, arguments copied by `call`, registers
 * released by `ret`) and every field store (the write barrier's post hook) increments the new
 * referent first, then decrements the old one, so `x = x` never frees `x`; a count reaching zero
 * frees the object and the cascade (`ReferenceCounting.release`).
 *
 * With option `countCeilings: true`, increments keep the count-ceiling tally (`CountCeilings`,
 * count-ceilings.ts) and `stats()` reports the objects whose count exceeded 1, 3 and 7 and their
 * share of the objects allocated. It is off by default so that `refcount`'s figures and time stay
 * what they were: with it off an increment pays one shift and one test on the count it wrote (the
 * tally itself runs only when a count reaches 2, 4 or 8 and the option is on).
 */

import { booleanOption, type CollectorOptions, type Heap } from '@gclab/core';
import { CountCeilings, PASSING } from './count-ceilings.ts';
import { COUNT_SLOT, ReferenceCounting } from './reference-counting.ts';

/** Options of the immediate counting plans. */
export interface ImmediateCountingOptions extends CollectorOptions {
  /** Tally the objects whose count ever exceeds 1, 3 and 7 (default false). */
  countCeilings?: boolean;
}

/** Counts every root write and field store; frees at zero. Subclasses name the plan. */
export abstract class ImmediateCounting extends ReferenceCounting {
  /** Objects whose count exceeded 1, 3 and 7 (null unless option `countCeilings` is on). */
  readonly ceilings: CountCeilings | null;

  constructor(heap: Heap, plan: string, options: ImmediateCountingOptions = {}) {
    super(heap);
    this.ceilings = booleanOption(options, plan, 'countCeilings', false) ? new CountCeilings() : null;
  }

  allocate(size: number): number {
    return this.allocateBlock(size);
  }

  /** Adds one to the count of `addr` and tallies a count that first reaches 2, 4 or 8. */
  protected override increment(addr: number): void {
    this.heap.counters.rcIncrements++;
    const words = this.heap.memory.words;
    const count = ++words[(addr >> 2) + COUNT_SLOT]!;
    if (count < 9 && ((PASSING >> count) & 1) !== 0 && this.ceilings !== null)
      this.ceilings.passed(words, addr, count);
  }

  override rootWritten(oldValue: number, newValue: number): void {
    if (newValue !== 0) this.increment(newValue);
    if (oldValue !== 0) this.decrement(oldValue);
  }

  override writeBarrierPost(_obj: number, _slot: number, oldValue: number, newValue: number): void {
    if (newValue !== 0) this.increment(newValue);
    if (oldValue !== 0) this.decrement(oldValue);
  }

  override stats(): Record<string, number> {
    const ceilings = this.ceilings;
    return ceilings === null
      ? super.stats()
      : { ...super.stats(), ...ceilings.stats(this.heap.counters.objectsAllocated) };
  }
}
