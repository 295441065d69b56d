/**
 * @gclab/refcount: reference-counting collectors. `refcount` counts every reference (CPython's
 * immediate counting, cycles leak); `refcount-deferred` is Deutsch-Bobrow deferred counting with a
 * zero-count table; `refcount-trial-deletion` adds Bacon & Rajan's trial deletion (cycles); `lxr` is
 * LXR-style counting on Immix's line/block heap with a backup trace. `ReferenceCounting` is the
 * shared counting and cascade that
 * `@gclab/generational` builds CPython's cycle collector on.
 */

export { ABOVE_1_BIT, ABOVE_3_BIT, ABOVE_7_BIT, CountCeilings } from './count-ceilings.ts';
export { ImmediateCounting, type ImmediateCountingOptions } from './immediate-counting.ts';
export {
  DEFAULT_ZCT_THRESHOLD,
  DeferredReferenceCounting,
  type DeferredReferenceCountingOptions,
  refcountDeferred,
  ZCT_BIT,
} from './plans/deferred-refcount.ts';
export {
  DEFAULT_LXR_EPOCH_BYTES,
  DEFAULT_LXR_TRACE_EVERY,
  LXR_RC_MASK,
  LXR_RC_ONE,
  LXR_STUCK,
  LXR_YOUNG_BIT,
  Lxr,
  type LxrOptions,
  lxr,
} from './plans/lxr.ts';
export { ImmediateReferenceCounting, refcount } from './plans/refcount.ts';
export {
  BUFFERED_BIT,
  COLOUR_MASK,
  DEFAULT_CANDIDATE_THRESHOLD,
  GRAY,
  PURPLE,
  refcountTrialDeletion,
  TrialDeletion,
  type TrialDeletionOptions,
  WHITE,
} from './plans/trial-deletion.ts';
export { COUNT_SLOT, ReferenceCounting } from './reference-counting.ts';
