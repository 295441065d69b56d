/**
 * @gclab/tracing-gc: collectors that find garbage by tracing from the roots: mark-sweep,
 * mark-compact, incremental mark-sweep, semispace copying, generational copying and Immix's
 * mark-region collection (full-heap, and with sticky mark bits). The plans (one
 * collector a file) are in `plans/`; the mechanisms they share (mark stack, mark bitmap, forwarding,
 * remembered set, growth trigger, GC bits, out-of-memory error, reference processing, mark-region
 * collection) in `trace/`.
 */

export {
  DEFAULT_NURSERY_BYTES,
  GenCopy,
  type GenCopyOptions,
  genCopy,
} from './plans/gen-copy.ts';
export { Immix, type ImmixOptions, immix } from './plans/immix.ts';
export {
  DEFAULT_MARK_BUDGET,
  DEFAULT_STEP_BYTES,
  DEFAULT_SWEEP_BUDGET_BYTES,
  Incremental,
  type IncrementalOptions,
  IncrementalState,
  incremental,
} from './plans/incremental.ts';
export { MarkCompact, type MarkCompactOptions, markCompact } from './plans/mark-compact.ts';
export { MarkSweep, type MarkSweepOptions, markSweep } from './plans/mark-sweep.ts';
export { DEFAULT_SEMISPACE_BYTES, Semispace, type SemispaceOptions, semispace } from './plans/semispace.ts';
export {
  DEFAULT_MIN_NURSERY_YIELD,
  DEFAULT_STICKY_NURSERY_BYTES,
  StickyImmix,
  type StickyImmixOptions,
  stickyImmix,
} from './plans/sticky-immix.ts';
export { ReferenceProcessor } from './trace/finalization.ts';
export { forwardingAddress, isForwarded, setForwardingAddress } from './trace/forwarding.ts';
export {
  FORWARDED_BIT,
  GEN_MARK_BIT,
  LARGE_MARK_BIT,
  LOGGED_BIT,
  MARK_BIT,
  NURSERY_HOLE_BIT,
  REMEMBERED_BIT,
} from './trace/gc-bits.ts';
export {
  DEFAULT_GROWTH_FACTOR,
  DEFAULT_MIN_HEAP_BYTES,
  type GrowthTriggerOptions,
  growthBudget,
} from './trace/growth-trigger.ts';
export { MarkBitmap, type MarkStackGrow, markFromStack } from './trace/mark-bitmap.ts';
export {
  DEFAULT_DEFRAG_HEADROOM,
  DEFAULT_DEFRAG_THRESHOLD,
  MarkRegionCollector,
  type MarkRegionOptions,
} from './trace/mark-region.ts';
export { Marker } from './trace/mark-stack.ts';
export { outOfMemory } from './trace/out-of-memory.ts';
export { RememberedSet } from './trace/remembered-set.ts';
