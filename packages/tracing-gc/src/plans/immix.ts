/**
 * `immix`: mark-region collection (S. M. Blackburn and K. S. McKinley, "Immix: A Mark-Region Garbage
 * Collector with Space Efficiency, Fast Collection, and Mutator Performance", PLDI 2008; MMTk's
 * `Immix` plan), full-heap collections only.
 *
 * Space: `LineBlockSpace` of @gclab/allocator (32 KiB blocks of 256-byte lines; objects bump-allocated
 * into holes, recyclable blocks before free ones, overflow allocation for medium objects, objects
 * above `largeObjectBytes`, default 8192, in the large object space).
 *
 * Algorithm, object layout (side mark bitmap, line marks, `FORWARDED_BIT` during a collection;
 * `headerWords` 0), trigger, finalization and pauses: `trace/mark-region.ts`, written once for immix
 * and sticky-immix. In short, each collection marks from the roots every reachable object and the
 * lines it overlaps, evacuating objects of the most fragmented blocks when the previous collection
 * left enough fragmentation and there is room (opportunistic defragmentation: `movesObjects`), then
 * sweeps lines: every line no live object overlaps is free, blocks are free, recyclable or full.
 *
 * Barrier: none (stop-the-world, non-generational): the write barrier and root hooks do nothing.
 *
 * Invariants between collections (checked by `verify`): the space's books add up (every object on
 * lines in use, free and recyclable lists exact), no mark bit is set, no object is forwarded.
 *
 * What it keeps from the paper: lines and blocks, holes, recyclable-first allocation, overflow
 * allocation, line marking, the free-line histogram against the headroom for candidate selection,
 * opportunistic evacuation during marking with a separate copy allocator, a reserve of free blocks
 * as defragmentation headroom. What it drops: conservative line marking (lines are marked exactly),
 * parallel and concurrent work, pinning (nothing is pinned). Defragmentation is decided from the
 * previous collection's fragmentation, and after an allocation a full collection could not satisfy
 * under the heap limit (an emergency defragmentation).
 */
import type { Collector, CollectorDescriptor, CollectorOptions, Heap } from '@gclab/core';
import { MarkRegionCollector, type MarkRegionOptions } from '../trace/mark-region.ts';

/** Options of `immix`: the growth trigger, the large object threshold and defragmentation. */
export type ImmixOptions = MarkRegionOptions;

/** Immix's mark-region collector. */
export class Immix extends MarkRegionCollector {
  readonly name: string = 'immix';

  constructor(heap: Heap, options: ImmixOptions = {}) {
    super(heap, options, 'immix');
  }

  /** Any generation: a full collection. */
  override collect(_generation: number): number {
    return this.collectFull();
  }

  /** Checked mode: the shared checks, and the mark bitmap is clear outside a collection. */
  override verify(): void {
    super.verify();
    if (!this.marks.isClear()) this.fail('the mark bitmap has a bit set outside a collection');
  }
}

/** Descriptor of `immix`. */
export const immix: CollectorDescriptor = {
  name: 'immix',
  family: 'tracing',
  summary:
    'Immix mark-region: 32 KiB blocks of 256-byte lines, bump allocation into free lines, line sweep, opportunistic evacuation of fragmented blocks.',
  constraints: {
    movesObjects: true,
    reclaimsCycles: true,
    countsReferences: false,
    generational: false,
    incremental: false,
    headerWords: 0,
  },
  create(heap: Heap, options: CollectorOptions = {}): Collector {
    return new Immix(heap, options as ImmixOptions);
  },
  // Small programs never fragment enough at the defaults: collect often and defragment every time.
  verifyOptionSets: [{ minHeapBytes: 4096, defragThreshold: 0 }],
};
