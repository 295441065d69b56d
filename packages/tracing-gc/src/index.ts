/**
 * @gclab/tracing-gc: collectors that find garbage by tracing from the roots: mark-sweep,
 * mark-compact, incremental mark-sweep, semispace copying and generational copying.
 */

export { CollectorOptionError, numberOption } from './collector-option.ts';
export { FORWARDED_BIT, forwardingAddress, isForwarded, setForwardingAddress } from './forwarding.ts';
export {
  DEFAULT_NURSERY_BYTES,
  GEN_MARK_BIT,
  GenCopy,
  type GenCopyOptions,
  genCopy,
  NURSERY_HOLE_BIT,
} from './gen-copy.ts';
export {
  DEFAULT_MARK_BUDGET,
  DEFAULT_STEP_BYTES,
  DEFAULT_SWEEP_BUDGET_BYTES,
  Incremental,
  type IncrementalOptions,
  IncrementalState,
  incremental,
} from './incremental.ts';
export { Marker } from './mark.ts';
export { MarkBitmap, type MarkStackGrow, markFromStack } from './mark-bitmap.ts';
export { MarkCompact, type MarkCompactOptions, markCompact } from './mark-compact.ts';
export {
  DEFAULT_GROWTH_FACTOR,
  DEFAULT_MIN_HEAP_BYTES,
  growthBudget,
  MARK_BIT,
  MarkSweep,
  type MarkSweepOptions,
  markSweep,
  readMarkSweepOptions,
} from './mark-sweep.ts';
export { outOfMemory } from './out-of-memory.ts';
export { REMEMBERED_BIT, RememberedSet } from './remembered-set.ts';
export {
  DEFAULT_SEMISPACE_BYTES,
  LARGE_MARK_BIT,
  Semispace,
  type SemispaceOptions,
  semispace,
} from './semispace.ts';
