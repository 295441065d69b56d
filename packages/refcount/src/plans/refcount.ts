/**
 * `refcount`: immediate reference counting (Collins 1960; GC Handbook §5.1), as CPython does it.
 *
 * Every reference the program can hold is counted: assignments to registers and globals, arguments
 * copied into a called frame, registers released by `ret`, and field stores (the write barrier's post
 * hook). Each change increments the new referent first, then decrements the old one, so `x = x`
 * never frees `x`. When a count reaches zero the object is freed at once, and the cascade frees
 * whatever only it kept alive (`ReferenceCounting.release`, iterative).
 *
 * Invariant after every operation: each allocated object's count equals its incoming references
 * from heap fields plus roots (checked mode verifies it by an independent scan), and is at least 1.
 * Cycles are never reclaimed: an unreachable cycle keeps counts of at least 1, and the oracle reports
 * it (and what only it reaches) as garbage. That leak is the point of comparison, not a defect.
 *
 * The counting is `ImmediateCounting` (immediate-counting.ts), which `refcount-trial-deletion` shares;
 * with option `countCeilings: true` it keeps the count-ceiling tally (`countAbove1`, `countAbove3`,
 * `countAbove7` and their shares in `stats()`: objects whose count ever exceeded 1, 3 and 7;
 * count-ceilings.ts).
 *
 * Trace format 2 (`ReferenceCounting`, see reference-counting.ts): at count zero the finalizer runs
 * first and a resurrected object is not freed; then weak references to it are cleared, their
 * callbacks run, and it is freed. A finalizer in an unreachable cycle never runs.
 *
 * NOTE (what `refcount` reports, CPython 3.11 vs 3.10): for `a` bound to a module global,
 * `sys.getrefcount(a)` prints 2 (the global + getrefcount's argument), and inside `bar(a)` 3 (the
 * global + bar's argument + getrefcount's argument). Up to 3.10 the caller's value stack also held
 * the argument during the call, so the article shows 2, 4, 2; 3.11 prints 2, 3, 2 and so does this
 * model, where an argument is one reference, in the callee's register.
 */
import type { Collector, CollectorDescriptor, Heap } from '@gclab/core';
import { ImmediateCounting, type ImmediateCountingOptions } from '../immediate-counting.ts';

/** Immediate reference counting: counts every root write and field store, frees at zero. */
export class ImmediateReferenceCounting extends ImmediateCounting {
  readonly name: string = 'refcount';

  constructor(heap: Heap, options: ImmediateCountingOptions = {}) {
    super(heap, 'refcount', options);
  }
}

/** Descriptor of `refcount`. */
export const refcount: CollectorDescriptor = {
  name: 'refcount',
  family: 'reference-counting',
  summary: 'Immediate reference counting: frees at count zero with an iterative cascade; leaks cycles.',
  constraints: {
    movesObjects: false,
    reclaimsCycles: false,
    countsReferences: true,
    generational: false,
    incremental: false,
    headerWords: 1,
  },
  create(heap: Heap, options?: ImmediateCountingOptions): Collector {
    return new ImmediateReferenceCounting(heap, options);
  },
};
