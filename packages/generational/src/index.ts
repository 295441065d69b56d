/**
 * @gclab/generational: `cpython`, CPython 3.11's reference counting (from @gclab/refcount) plus the
 * generational cycle collector of Modules/gcmodule.c, reproduced to the collection, with a facade
 * shaped like Python's `gc` module; `cpython-3.12`, `cpython-3.13` and `cpython-3.15`, the same
 * collector with each later version's rules; `cpython-3.14`, CPython 3.14's incremental cycle
 * collector of Python/gc.c.
 */
export {
  CPYTHON_3_11,
  CPythonCollector,
  type CPythonOptions,
  type CPythonVersion,
  cpython,
  cpythonDescriptor,
  DEBUG_SAVEALL,
  DEFAULT_THRESHOLDS,
  type GenerationStats,
  NUM_GENERATIONS,
} from './cpython.ts';
export {
  CPYTHON_3_14,
  CPython314Collector,
  type CPython314Options,
  cpython314,
  GC_PHASE_COLLECT,
  GC_PHASE_MARK,
  SCAN_RATE_DIVISOR,
  SPACE_SLOT,
} from './cpython-314.ts';
export {
  CPYTHON_3_12,
  CPYTHON_3_13,
  CPYTHON_3_15,
  cpython312,
  cpython313,
  cpython315,
} from './cpython-versions.ts';
export {
  gcListAppend,
  gcListInit,
  gcListIsEmpty,
  gcListMerge,
  gcListMove,
  gcListRemove,
  gcListSize,
  gcUntrack,
  NEXT_MASK_UNREACHABLE,
  NEXT_SLOT,
  PREV_MASK,
  PREV_MASK_COLLECTING,
  PREV_MASK_FINALIZED,
  PREV_SHIFT,
  PREV_SLOT,
} from './gc-list.ts';
export { type GcCallback, type GcCallbackInfo, GcModule, GcValueError } from './gc-module.ts';
