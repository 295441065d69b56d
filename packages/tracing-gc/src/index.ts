/**
 * @gclab/tracing-gc: collectors that find garbage by tracing from the roots: mark-sweep,
 * mark-compact, incremental mark-sweep, semispace copying and generational copying.
 */
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
