/**
 * @gclab/allocator: the spaces collectors allocate from, over the simulated OS of `@gclab/core`:
 * CPython 3.11's obmalloc, bump-pointer regions, segregated size-class free lists with sweeping, and
 * a large object space shared by all of them, and Immix's line/block space.
 */
export { AllocatorError, type AllocatorErrorKind } from './allocator-error.ts';
export { BumpSpace } from './bump-space.ts';
export { LargeObjectSpace } from './large-object-space.ts';
export {
  DEFAULT_LARGE_OBJECT_BYTES,
  LINE_BLOCK_BYTES,
  LINE_BYTES,
  LINES_PER_BLOCK,
  LineBlockSpace,
  type LineBlockSpaceOptions,
} from './line-block-space.ts';
export {
  formatObmallocStats,
  OBMALLOC_ALIGNMENT,
  OBMALLOC_ARENA_SIZE,
  OBMALLOC_POOL_OVERHEAD,
  OBMALLOC_POOL_SIZE,
  OBMALLOC_SIZE_CLASSES,
  OBMALLOC_SMALL_REQUEST_THRESHOLD,
  type ObmallocOptions,
  type ObmallocSizeClassStats,
  ObmallocSpace,
  type ObmallocStats,
} from './obmalloc-space.ts';
export {
  SEGREGATED_SIZE_CLASSES,
  SEGREGATED_SMALL_LIMIT,
  type SegregatedFreeListOptions,
  SegregatedFreeListSpace,
} from './segregated-free-list-space.ts';
export type { SweepResult } from './sweep-result.ts';
