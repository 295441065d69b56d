/**
 * Stress mode (MMTk's stress factor, counted in allocations rather than bytes): a collection forced
 * after every `every` allocations of a program, cycling through a full collection and each generation
 * the campaign names (`gc 0` is a minor collection of a generational collector). The forced
 * collections are ordinary `gc` operations in the run, so a counterexample's trace holds them and
 * replays without stress mode.
 */

import type { TraceOp } from '@gclab/core';

/** Forces a collection after every `every` allocations. */
export class StressSchedule {
  /** Collections forced so far. */
  forced = 0;
  private allocations = 0;
  private readonly kinds: ReadonlyArray<number | null>;

  constructor(
    /** Allocations between forced collections. */
    readonly every: number,
    generations: readonly number[],
  ) {
    this.kinds = [null, ...generations];
  }

  /** The collection to force after `op` has run, or null. */
  after(op: TraceOp): TraceOp | null {
    if (op.op !== 'new' || ++this.allocations % this.every !== 0) return null;
    const generation = this.kinds[this.forced % this.kinds.length]!;
    this.forced++;
    return { op: 'gc', generation };
  }
}
