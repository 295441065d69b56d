/**
 * @gclab/refcount: reference-counting collectors. `refcount` counts every reference (CPython's
 * immediate counting, cycles leak); `refcount-deferred` is Deutsch-Bobrow deferred counting with a
 * zero-count table; `lxr` is LXR-style counting on Immix's line/block heap with a backup trace. `ReferenceCounting` is the shared counting and cascade that
 * `@gclab/generational` builds CPython's cycle collector on.
 */
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
export { COUNT_SLOT, ReferenceCounting } from './reference-counting.ts';
