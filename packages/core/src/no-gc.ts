/**
 * `no-gc`: the reference implementation of the collector contract, and the baseline every overhead
 * figure is measured against (the lower-bound-overhead method), like MMTk's NoGC.
 *
 * Algorithm: bump allocation into chunks mapped from the simulated OS; nothing is ever freed.
 * Invariants: `cursor <= limit`; every object lies in a mapped chunk; no header words.
 * When the heap limit refuses a chunk, the allocation raises `OutOfMemoryError`.
 * Trace format 2: as nothing dies, no finalizer ever runs and no weak reference is ever cleared (a
 * correct collector may always be this late); `gc` module calls other than `collect` write null.
 */
import { type Collector, CollectorBase, type CollectorDescriptor } from './collector.ts';
import type { Heap } from './heap.ts';
import { roundUp } from './os.ts';

/** Bytes mapped at a time for small objects. */
const CHUNK = 1 << 20;

/** The no-gc collector: allocation only. */
export class NoGC extends CollectorBase {
  readonly name = 'no-gc';
  private cursor = 0;
  private limit = 0;
  /** Chunks mapped so far. */
  chunks = 0;

  allocate(size: number): number {
    const addr = this.cursor;
    if (addr + size <= this.limit && addr !== 0) {
      this.cursor = addr + size;
      return addr;
    }
    return this.allocateSlow(size);
  }

  private allocateSlow(size: number): number {
    const heap: Heap = this.heap;
    const bytes = Math.max(CHUNK, roundUp(size, 4096));
    const chunk = heap.os.map(bytes);
    if (chunk === 0) throw heap.outOfMemory(this.name, size);
    this.chunks++;
    if (bytes > CHUNK) return chunk; // a large object gets its own chunk; keep the current one
    this.cursor = chunk + size;
    this.limit = chunk + bytes;
    return chunk;
  }

  override stats(): Record<string, number> {
    return { chunks: this.chunks };
  }
}

/** Descriptor of `no-gc`. */
export const noGc: CollectorDescriptor = {
  name: 'no-gc',
  family: 'baseline',
  summary: 'Allocation only, never frees: the baseline every overhead is measured against.',
  constraints: {
    movesObjects: false,
    reclaimsCycles: false,
    countsReferences: false,
    generational: false,
    incremental: false,
    headerWords: 0,
  },
  create(heap: Heap): Collector {
    return new NoGC(heap);
  },
};
