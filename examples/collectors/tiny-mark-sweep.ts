/**
 * `tiny-mark-sweep`: a small third-party collector written against @gclab/core's public API only,
 * as an example of the contract (see docs/third-party-collectors.md). Verify it with
 *
 *   npx gclab verify --strategy-module examples/collectors/tiny-mark-sweep.ts
 *
 * Algorithm: non-moving, stop-the-world mark-sweep (McCarthy 1960; GC Handbook ch. 2).
 * - Allocation: first fit in a list of free blocks, splitting the block it takes; when none fits,
 *   a new chunk (64 KiB, or the object rounded up to pages) is mapped from the simulated OS. When the
 *   heap limit refuses the chunk, the allocation collects and tries once more, then raises
 *   `OutOfMemoryError`.
 * - Mark: from every root (`heap.roots.regs[0 .. top)`, `heap.roots.globals[0 .. globalCount)`),
 *   with an explicit `Worklist` mark stack and the mark bit `GC_BIT_0` in the shape word.
 *   After marking, an object has its mark bit iff it is reachable.
 * - Sweep: walks the objects in address order, chunk by chunk; unmarked ones are reported with
 *   `heap.recordFree`, marked ones are unmarked, and the free list is rebuilt from the gaps between
 *   the marked ones, so adjacent free space is always one block (no fragmentation beyond what live
 *   objects cause). After sweeping, no object has its mark bit, the object table holds exactly the
 *   unfreed objects and every byte of every chunk is in one object or one free block.
 * - Finalization and weak references (trace format 2), between mark and sweep: weak references
 *   whose referent is unmarked are cleared (`heap.weakRefs.clearUnreachable`); the unmarked objects
 *   with a finalizer that has not run (`heap.finalizers.unreachable`) are marked, with all they
 *   reach, so they survive this collection (a finalization queue); the tables keep the entries of
 *   marked objects only. After the sweep and the collection record, the queued finalizers run in
 *   registration order (`heap.runFinalizer`; one may resurrect its object into a global). A later
 *   collection frees a finalized object that is still unreachable (its entry is gone by then).
 * Invariants between collections: no mark bit is set; no free block overlaps an object or another
 * free block. `verify()` (checked mode) checks both.
 */
import {
  type Collector,
  CollectorBase,
  type CollectorDescriptor,
  FULL_COLLECTION,
  GC_BIT_0,
  type Heap,
  HeapIntegrityError,
  hex,
  NREFS_MASK,
  OutOfMemoryError,
  PAGE_SIZE,
  roundUp,
  Worklist,
} from '@gclab/core';

/** Bytes mapped at a time (at least). */
const CHUNK = 64 << 10;
/** The mark bit, in the shape word's low slot. */
const MARK = GC_BIT_0;

/** A small non-moving mark-sweep collector. */
export class TinyMarkSweep extends CollectorBase {
  readonly name: string = 'tiny-mark-sweep';
  /** Collections run. */
  collections = 0;
  /** Mapped chunks: start and end addresses, in address order. */
  private readonly chunkStarts: number[] = [];
  private readonly chunkEnds: number[] = [];
  /** Free blocks: start addresses and sizes in bytes (first fit, in no particular order). */
  private freeStarts: number[] = [];
  private freeSizes: number[] = [];
  /** Addresses of the objects allocated and not freed (the sweep walks it). */
  protected objects: number[] = [];
  /** The mark stack. */
  protected readonly stack = new Worklist(256);
  private readonly pauseKind: number;

  constructor(heap: Heap) {
    super(heap);
    this.pauseKind = heap.telemetry.pauses.kindId('full');
  }

  allocate(size: number): number {
    let addr = this.tryAllocate(size);
    if (addr === 0) {
      this.collect(FULL_COLLECTION);
      addr = this.tryAllocate(size);
    }
    if (addr === 0) {
      const heap = this.heap;
      throw new OutOfMemoryError({
        requestedBytes: size,
        reservedBytes: heap.os.reservedBytes,
        heapLimit: heap.os.heapLimit,
        allocatedBytes: heap.counters.bytesAllocated - heap.counters.bytesFreed,
        collector: this.name,
      });
    }
    this.objects.push(addr);
    return addr;
  }

  /** A block of `size` bytes, or 0 when no free block fits and the heap limit refuses a chunk. */
  protected tryAllocate(size: number): number {
    const starts = this.freeStarts;
    const sizes = this.freeSizes;
    for (let i = 0; i < starts.length; i++) {
      const free = sizes[i]!;
      if (free < size) continue;
      const addr = starts[i]!;
      if (free === size) {
        starts[i] = starts[starts.length - 1]!;
        sizes[i] = sizes[sizes.length - 1]!;
        starts.pop();
        sizes.pop();
      } else {
        starts[i] = addr + size;
        sizes[i] = free - size;
      }
      return addr;
    }
    const bytes = roundUp(Math.max(CHUNK, size), PAGE_SIZE);
    const chunk = this.heap.os.map(bytes);
    if (chunk === 0) return 0;
    let i = this.chunkStarts.length;
    while (i > 0 && this.chunkStarts[i - 1]! > chunk) i--;
    this.chunkStarts.splice(i, 0, chunk);
    this.chunkEnds.splice(i, 0, chunk + bytes);
    if (bytes > size) {
      starts.push(chunk + size);
      sizes.push(bytes - size);
    }
    return chunk;
  }

  override collect(_generation: number): number {
    const heap = this.heap;
    const start = heap.telemetry.startPause();
    const clock = heap.counters.bytesAllocated;
    let marked = this.mark();
    const finalizable = heap.finalizers.size === 0 && heap.weakRefs.size === 0 ? null : this.queue();
    if (finalizable !== null) marked += this.drain();
    if (finalizable !== null) this.retainEntries();
    const swept = this.objects.length;
    const freed = this.sweep();
    this.collections++;
    heap.telemetry.endPause(this.pauseKind, start, marked + swept, clock);
    heap.telemetry.recordCollection('full', freed, 0);
    if (finalizable !== null) for (const addr of finalizable) heap.runFinalizer(addr);
    return freed;
  }

  /** Whether the object at `addr` is marked. */
  protected isMarked = (addr: number): boolean => (this.heap.memory.words[addr >> 2]! & MARK) !== 0;

  /**
   * After the closure from the roots: clears the weak references to unmarked objects, then shades
   * the unmarked objects whose finalizer has not run (drain the mark stack afterwards); returns
   * them, in registration order.
   */
  protected queue(): number[] {
    const heap = this.heap;
    heap.weakRefs.clearUnreachable(this.isMarked);
    const queue = heap.finalizers.unreachable(this.isMarked);
    for (const addr of queue) this.shade(addr);
    return queue;
  }

  /** Drops the weak-reference and finalizer entries of the unmarked objects (before the sweep). */
  protected retainEntries(): void {
    this.heap.weakRefs.retain(this.isMarked);
    this.heap.finalizers.retain(this.isMarked);
  }

  /** Marks every object reachable from the roots; returns how many. */
  protected mark(): number {
    const roots = this.heap.roots;
    for (let i = 0; i < roots.top; i++) this.shade(roots.regs[i]!);
    for (let g = 0; g < roots.globalCount; g++) this.shade(roots.globals[g]!);
    return this.drain();
  }

  /** Scans the objects on the mark stack until it is empty; returns how many. */
  protected drain(): number {
    let marked = 0;
    const stack = this.stack;
    while (stack.length > 0) {
      this.scan(stack.pop());
      marked++;
    }
    this.heap.counters.objectsTraced += marked;
    return marked;
  }

  /** Marks `ref` (if not null or marked) and pushes it on the mark stack. */
  protected shade(ref: number): void {
    if (ref === 0) return;
    const words = this.heap.memory.words;
    const w = ref >> 2;
    if ((words[w]! & MARK) !== 0) return;
    words[w] = words[w]! | MARK;
    this.stack.push(ref);
  }

  /** Shades every reference field of the marked object at `addr`. */
  protected scan(addr: number): void {
    const heap = this.heap;
    const n = heap.memory.words[addr >> 2]! & NREFS_MASK;
    for (let i = 0; i < n; i++) this.shade(heap.model.getField(heap.memory.words, addr, i));
  }

  /** Frees every unmarked object, unmarks the rest and rebuilds the free list; returns the number freed. */
  protected sweep(): number {
    const heap = this.heap;
    const words = heap.memory.words;
    const objects = this.objects.sort((a, b) => a - b);
    const kept: number[] = [];
    this.freeStarts = [];
    this.freeSizes = [];
    let freed = 0;
    let swept = 0;
    let k = 0;
    for (let c = 0; c < this.chunkStarts.length; c++) {
      // Loop invariant: [chunk start, cursor) is all objects kept and free blocks already listed.
      let cursor = this.chunkStarts[c]!;
      const end = this.chunkEnds[c]!;
      while (k < objects.length && objects[k]! < end) {
        const addr = objects[k++]!;
        const size = heap.model.size(words, addr);
        swept += size;
        const w = addr >> 2;
        if ((words[w]! & MARK) === 0) {
          this.free(addr, size);
          freed++;
          continue;
        }
        words[w] = words[w]! & ~MARK;
        kept.push(addr);
        if (addr > cursor) this.addFreeBlock(cursor, addr - cursor);
        cursor = addr + size;
      }
      if (end > cursor) this.addFreeBlock(cursor, end - cursor);
    }
    this.objects = kept;
    heap.counters.bytesSwept += swept;
    return freed;
  }

  /** Reports the object at `addr` freed (its bytes join the gap the sweep is building). */
  protected free(addr: number, size: number): void {
    this.heap.recordFree(addr, size);
  }

  private addFreeBlock(addr: number, size: number): void {
    this.freeStarts.push(addr);
    this.freeSizes.push(size);
  }

  override verify(): void {
    const heap = this.heap;
    const words = heap.memory.words;
    const starts: number[] = [];
    const ends: number[] = [];
    for (const addr of this.objects) {
      if ((words[addr >> 2]! & MARK) !== 0)
        throw new HeapIntegrityError(heap.opIndex, `object at ${hex(addr)} is still marked`);
    }
    const blocks = this.objects.map((addr) => [addr, addr + heap.model.size(words, addr)] as const);
    for (let i = 0; i < this.freeStarts.length; i++)
      blocks.push([this.freeStarts[i]!, this.freeStarts[i]! + this.freeSizes[i]!]);
    blocks.sort((a, b) => a[0] - b[0]);
    for (const [s, e] of blocks) {
      if (ends.length > 0 && s < ends[ends.length - 1]!) {
        throw new HeapIntegrityError(
          heap.opIndex,
          `block at ${hex(s)} overlaps the one at ${hex(starts[starts.length - 1]!)}`,
        );
      }
      starts.push(s);
      ends.push(e);
    }
  }

  override stats(): Record<string, number> {
    return {
      collections: this.collections,
      objects: this.objects.length,
      freeBlocks: this.freeStarts.length,
    };
  }
}

/** The descriptor `gclab --strategy-module` loads (the default export). */
export const descriptor: CollectorDescriptor = {
  name: 'tiny-mark-sweep',
  family: 'tracing',
  summary: 'Example third-party collector: non-moving mark-sweep with exact-size free lists.',
  constraints: {
    movesObjects: false,
    reclaimsCycles: true,
    countsReferences: false,
    generational: false,
    incremental: false,
    headerWords: 0,
  },
  create(heap: Heap): Collector {
    return new TinyMarkSweep(heap);
  },
};

export default descriptor;
