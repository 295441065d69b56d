/**
 * `semispace`: Cheney's copying collector.
 *
 * Sources: C. J. Cheney, "A nonrecursive list compacting algorithm", CACM 13(11), 1970; R. Fenichel
 * and J. Yochelson, "A LISP garbage-collector for virtual-memory computer systems", CACM 1969; GC
 * Handbook (Jones, Hosking, Moss, 2nd ed.) §4.1-4.2.
 *
 * Memory: two `BumpSpace` halves of equal capacity, both mapped for the life of the heap, so the
 * reserved bytes are both halves (the price of copying: half the reservation is idle between
 * collections). Objects are bump-allocated in the active half (from-space). When a request does not
 * fit, the collector evacuates every object reachable from the roots into the other half (to-space)
 * and flips: to-space becomes the active half, from-space is reclaimed at once.
 *
 * Half size: option `semispaceBytes` (page-rounded); otherwise half the heap limit (rounded down to
 * pages). With no heap limit the halves start at `semispaceBytes` or `DEFAULT_SEMISPACE_BYTES` and
 * grow: when the survivors plus the pending request exceed half a half, the next collection copies
 * into a to-space of twice that size and, at its flip, the old half is remapped at the new size (if
 * the survivors plus the request do not fit at all, that second collection runs at once). When the
 * simulated OS refuses a half that large (the 2 GiB address space, the host-memory budget), the half
 * gets the largest size it does map, a quarter less at each try, down to what the active half holds;
 * the halves may then differ in size until a later flip evens them. Under a heap limit the halves
 * never change size.
 *
 * Forwarding: in the shape word (see `trace/forwarding.ts`): `FORWARDED_BIT` in the low slot, the new
 * address in the high slot; `headerWords` is 0.
 *
 * Large objects (option `largeObjectBytes`, default `Infinity` = none): objects of more than that
 * many bytes are mapped one by one in a `LargeObjectSpace` and never copied; a collection marks the
 * ones it reaches (`LARGE_MARK_BIT`), scans them like to-space objects and sweeps the rest. Under a
 * heap limit, set `semispaceBytes` too, or the halves take the whole limit and leave no room for them.
 *
 * Finalizers and weak references (trace format 2; the shared steps of `trace/finalization.ts`): a
 * from-space object is live when it is forwarded, a large object when it is marked. After phase 2,
 * weak references whose referent is not live are cleared (the callback of one that is itself live
 * runs), the registered objects not live are queued and evacuated (or marked) like roots, and the
 * scan runs again from where it stopped, so each queued object and everything it reaches survives
 * this collection. Before phase 3 the tables keep the live entries only, at their forwarding
 * addresses (a weak reference object and its referent both move). After the flip the queued
 * finalizers run at the objects' to-space addresses (registration order); a finalized object still
 * unreachable is freed by the next collection; one stored into a global by its finalizer lives on
 * and is never finalized again.
 *
 * Invariants between collections: every object is in the active half (a contiguous run from its
 * start to its cursor) or in the large object space; no object has `FORWARDED_BIT` or
 * `LARGE_MARK_BIT` set; the idle half holds no object.
 */

import { BumpSpace, LargeObjectSpace } from '@gclab/allocator';
import {
  type Collector,
  CollectorBase,
  type CollectorDescriptor,
  CollectorOptionError,
  type CollectorOptions,
  FULL_COLLECTION,
  type Heap,
  HeapIntegrityError,
  hex,
  NREFS_MASK,
  numberOption,
  PAGE_SIZE,
  Worklist,
} from '@gclab/core';
import { ReferenceProcessor } from '../trace/finalization.ts';
import { FORWARDED_BIT, LARGE_MARK_BIT } from '../trace/gc-bits.ts';
import { outOfMemory } from '../trace/out-of-memory.ts';

/** Initial bytes per half when the heap has no limit and `semispaceBytes` is not given. */
export const DEFAULT_SEMISPACE_BYTES = 4 << 20;

/** Options of `semispace`. */
export interface SemispaceOptions extends CollectorOptions {
  /** Bytes in each half (page-rounded). Default: half the heap limit, or 4 MiB growing when unlimited. */
  semispaceBytes?: number;
  /** Objects of more than this many bytes go to a large object space. Default: `Infinity` (none). */
  largeObjectBytes?: number;
}

/** Cheney's semispace copying collector. */
export class Semispace extends CollectorBase {
  readonly name = 'semispace';
  /** The active half: objects are allocated here. */
  fromSpace: BumpSpace;
  /** The idle half: survivors are copied here at the next collection. */
  toSpace: BumpSpace;
  /** Large objects (null when `largeObjectBytes` is `Infinity`). */
  readonly large: LargeObjectSpace | null;
  /** Objects of more than this many bytes go to `large`. */
  readonly largeObjectBytes: number;
  /** Whether the halves may grow (the heap has no limit). */
  readonly growable: boolean;
  /** Collections run. */
  collections = 0;
  /** Times the halves were resized. */
  resizes = 0;
  /** Objects in the active half. */
  private objectsInSpace = 0;
  /** Capacity the next collection's to-space gets (growable heaps). */
  private nextCapacity: number;
  // Collection state (valid during a collection only).
  private words: Int32Array = new Int32Array(0);
  private free = 0;
  private copiedObjects = 0;
  private copiedBytes = 0;
  private readonly largeStack = new Worklist(64);
  private readonly fieldIndex: number;
  private readonly pauseKind: number;
  /** Weak-reference clearing and the finalization queue. */
  readonly references: ReferenceProcessor;
  /** During a collection: a from-space object is live when forwarded, a large one when marked. */
  private readonly isLive = (addr: number): boolean =>
    (this.words[addr >> 2]! & (this.fromSpace.contains(addr) ? FORWARDED_BIT : LARGE_MARK_BIT)) !== 0;
  /** During a collection: the to-space address of an evacuated object (a large object stays). */
  private readonly forward = (addr: number): number => {
    const words = this.words;
    return (words[addr >> 2]! & FORWARDED_BIT) !== 0 ? words[(addr >> 2) + 1]! : addr;
  };

  constructor(heap: Heap, options: SemispaceOptions = {}) {
    super(heap);
    const limit = heap.os.heapLimit;
    const derived = Number.isFinite(limit)
      ? Math.floor(limit / 2 / PAGE_SIZE) * PAGE_SIZE
      : DEFAULT_SEMISPACE_BYTES;
    const half = numberOption(options, this.name, 'semispaceBytes', derived, 1);
    if (half < PAGE_SIZE) {
      throw new CollectorOptionError(
        `semispace: each half needs at least one page (${PAGE_SIZE} bytes); the heap limit ${limit} leaves ${half}`,
      );
    }
    this.largeObjectBytes = numberOption(options, this.name, 'largeObjectBytes', Number.POSITIVE_INFINITY, 8);
    this.large = Number.isFinite(this.largeObjectBytes) ? new LargeObjectSpace(heap.os) : null;
    this.growable = !Number.isFinite(limit);
    this.fromSpace = this.mapHalf(half);
    this.toSpace = this.mapHalf(half);
    this.nextCapacity = this.fromSpace.capacity;
    this.fieldIndex = heap.model.fieldOffset >> 2;
    this.pauseKind = heap.telemetry.pauses.kindId('full');
    this.references = new ReferenceProcessor(heap);
  }

  /** Bump allocation in the active half; collects when the request does not fit. */
  allocate(size: number): number {
    if (size > this.largeObjectBytes) return this.allocateLarge(size);
    const space = this.fromSpace;
    const addr = space.cursor;
    if (addr + size <= space.end) {
      space.cursor = addr + size;
      this.objectsInSpace++;
      return addr;
    }
    return this.allocateSlow(size);
  }

  private allocateSlow(size: number): number {
    this.collectNow(size);
    if (this.fromSpace.freeBytes < size && this.nextCapacity > this.fromSpace.capacity) this.collectNow(size);
    const addr = this.fromSpace.allocate(size);
    if (addr === 0) throw outOfMemory(this.heap, this.name, size);
    this.objectsInSpace++;
    return addr;
  }

  private allocateLarge(size: number): number {
    const large = this.large!;
    let addr = large.allocate(size);
    if (addr === 0) {
      this.collectNow(0);
      addr = large.allocate(size);
      if (addr === 0) throw outOfMemory(this.heap, this.name, size);
    }
    return addr;
  }

  /** Every collection is a full one (`generation` is ignored). Returns the objects reclaimed. */
  override collect(_generation: number = FULL_COLLECTION): number {
    return this.collectNow(0);
  }

  /**
   * One collection: evacuate, scan, sweep large objects, flip. `request` is the allocation that
   * triggered it (0 for an explicit one), used only by the growth policy.
   */
  private collectNow(request: number): number {
    const heap = this.heap;
    const clock = heap.counters.bytesAllocated;
    const start = heap.telemetry.startPause();
    if (this.nextCapacity > this.toSpace.capacity || this.toSpace.capacity < this.fromSpace.usedBytes) {
      // The to-space must hold every object of the active half, should they all survive.
      const least = Math.ceil(this.fromSpace.usedBytes / PAGE_SIZE) * PAGE_SIZE;
      this.remapIdleHalf(this.nextCapacity, Math.max(least, this.toSpace.capacity));
      this.nextCapacity = this.toSpace.capacity;
      this.resizes++;
    }
    const from = this.fromSpace;
    const to = this.toSpace;
    this.words = heap.memory.words;
    this.free = to.start;
    this.copiedObjects = 0;
    this.copiedBytes = 0;

    // Phase 1: evacuate the roots' referents. After it, every root holds a to-space address (or a
    // large object, marked and queued, or null).
    this.evacuateRoots(from.start, from.cursor - from.start);

    // Phase 2: Cheney scan. Loop invariant: objects in [to.start, scan) have every field updated
    // (to-space or large); objects in [scan, free) are copies whose fields may still point into
    // from-space; queued large objects are marked but not yet scanned. When both are exhausted every
    // reachable object has been evacuated or marked, and no field points into from-space.
    let largeMarked = this.scan(from.start, from.cursor - from.start, to.start);

    // Phase 2b (format 2): weak references to dead referents cleared; the unreachable finalizable
    // objects evacuated like roots and the scan resumed; the tables forwarded. After it, every
    // reachable or queued object has been evacuated or marked, and the tables hold to-space addresses.
    const references = this.references;
    if (references.pending) {
      const resume = this.free;
      for (const obj of references.afterRootClosure(this.isLive)) {
        if (from.contains(obj)) this.evacuate(obj);
        else this.markLarge(obj);
      }
      largeMarked += this.scan(from.start, from.cursor - from.start, resume);
      references.retain(this.isLive, this.forward);
    }

    // Phase 3: reclaim. Unmarked large objects are freed (marks cleared on survivors); from-space
    // holds only dead objects and forwarded shells, reclaimed at once.
    let collected = 0;
    if (this.large !== null) {
      const swept = this.large.sweep(heap, LARGE_MARK_BIT);
      heap.counters.bytesSwept += swept.bytesSwept;
      collected += swept.objectsFreed;
    }
    const deadObjects = this.objectsInSpace - this.copiedObjects;
    heap.recordBulkFree(deadObjects, from.usedBytes - this.copiedBytes);
    heap.recordFreeRange(from.start, from.cursor);
    collected += deadObjects;

    // Phase 4: flip. After it, the active half holds exactly the survivors.
    from.reset();
    to.cursor = this.free;
    this.fromSpace = to;
    this.toSpace = from;
    this.objectsInSpace = this.copiedObjects;
    this.words = EMPTY;
    if (this.growable) {
      // The old size always fits again where it was just released.
      if (this.toSpace.capacity < this.fromSpace.capacity)
        this.remapIdleHalf(this.fromSpace.capacity, this.toSpace.capacity);
      this.planGrowth(request);
    }

    const c = heap.counters;
    c.bytesCopied += this.copiedBytes;
    c.objectsTraced += this.copiedObjects + largeMarked;
    this.collections++;
    heap.telemetry.endPause(this.pauseKind, start, this.copiedBytes, clock);
    heap.telemetry.recordCollection('full', collected, 0);
    references.runFinalizers();
    return collected;
  }

  private evacuateRoots(fromStart: number, fromSize: number): void {
    const roots = this.heap.roots;
    const regs = roots.regs;
    for (let i = 0, n = roots.top; i < n; i++) {
      const ref = regs[i]!;
      if ((ref - fromStart) >>> 0 < fromSize) regs[i] = this.evacuate(ref);
      else if (ref !== 0) this.markLarge(ref);
    }
    const globals = roots.globals;
    for (let g = 0, n = roots.globalCount; g < n; g++) {
      const ref = globals[g]!;
      if ((ref - fromStart) >>> 0 < fromSize) globals[g] = this.evacuate(ref);
      else if (ref !== 0) this.markLarge(ref);
    }
  }

  /** Cheney's scan loop, interleaved with scanning queued large objects; returns large objects marked. */
  private scan(fromStart: number, fromSize: number, scanStart: number): number {
    const words = this.words;
    const fieldIndex = this.fieldIndex;
    const fieldOffset = fieldIndex << 2;
    const largeStack = this.largeStack;
    let largeScanned = 0;
    let scan = scanStart;
    for (;;) {
      while (scan < this.free) {
        const i = scan >> 2;
        const n = words[i]! & NREFS_MASK;
        let p = i + fieldIndex;
        const end = p + 2 * n;
        for (; p < end; p += 2) {
          const ref = words[p]!;
          if ((ref - fromStart) >>> 0 < fromSize) words[p] = this.evacuate(ref);
          else if (ref !== 0) this.markLarge(ref);
        }
        scan += fieldOffset + 8 * n + ((words[i + 1]! + 7) & ~7);
      }
      if (largeStack.length === 0) return largeScanned;
      // A large object: scanned in place, like a to-space object.
      const obj = largeStack.pop();
      largeScanned++;
      let p = (obj >> 2) + fieldIndex;
      const end = p + 2 * (words[obj >> 2]! & NREFS_MASK);
      for (; p < end; p += 2) {
        const ref = words[p]!;
        if ((ref - fromStart) >>> 0 < fromSize) words[p] = this.evacuate(ref);
        else if (ref !== 0) this.markLarge(ref);
      }
    }
  }

  /**
   * Returns the to-space address of the from-space object `ref`, copying it to `free` first if it was
   * not yet evacuated (then leaves the forwarding address in its shape word).
   */
  private evacuate(ref: number): number {
    const words = this.words;
    const i = ref >> 2;
    const shape = words[i]!;
    if ((shape & FORWARDED_BIT) !== 0) return words[i + 1]!;
    const size = (this.fieldIndex << 2) + 8 * (shape & NREFS_MASK) + ((words[i + 1]! + 7) & ~7);
    const to = this.free;
    this.free = to + size;
    const j = to >> 2;
    const n = size >> 2;
    if (n <= 16) {
      for (let k = 0; k < n; k++) words[j + k] = words[i + k]!;
    } else {
      words.copyWithin(j, i, i + n);
    }
    words[i] = shape | FORWARDED_BIT;
    words[i + 1] = to;
    this.copiedObjects++;
    this.copiedBytes += size;
    this.heap.recordMove(ref, to);
    return to;
  }

  /** Marks and queues an unmarked large object (any non-null reference outside from-space is one). */
  private markLarge(ref: number): void {
    const words = this.words;
    const shape = words[ref >> 2]!;
    if ((shape & LARGE_MARK_BIT) === 0) {
      words[ref >> 2] = shape | LARGE_MARK_BIT;
      this.largeStack.push(ref);
    }
  }

  /**
   * Growth policy (no heap limit): when survivors plus the request exceed half of a half, the next
   * to-space gets twice that.
   */
  private planGrowth(request: number): void {
    const need = this.fromSpace.usedBytes + request;
    if (2 * need > this.fromSpace.capacity) {
      this.nextCapacity = Math.max(
        2 * this.fromSpace.capacity,
        Math.ceil((2 * need) / PAGE_SIZE) * PAGE_SIZE,
      );
    }
  }

  /**
   * Replaces the idle half (it holds no object) with the largest size from `want` down to `least`
   * bytes that the simulated OS maps, a quarter less at each try: a semispace collector that cannot
   * double its halves (the 2 GiB address space, the host-memory budget) asks for less rather than
   * giving up. `OutOfMemoryError` when even `least` is refused.
   */
  private remapIdleHalf(want: number, least: number): void {
    this.toSpace.release();
    const os = this.heap.os;
    for (let bytes = Math.max(want, least); ; ) {
      const space = BumpSpace.map(os, bytes);
      if (space !== null) {
        this.toSpace = space;
        return;
      }
      if (bytes <= least) throw outOfMemory(this.heap, this.name, Math.max(want, least));
      bytes = Math.max(least, Math.floor((bytes * 0.75) / PAGE_SIZE) * PAGE_SIZE);
    }
  }

  /** Maps a half; `OutOfMemoryError` when the heap limit refuses it. */
  private mapHalf(bytes: number): BumpSpace {
    const space = BumpSpace.map(this.heap.os, bytes);
    if (space === null) throw outOfMemory(this.heap, this.name, bytes);
    return space;
  }

  /**
   * Checked mode: the active half is a contiguous run of well-formed objects with no GC bits set, the
   * idle half is empty, large objects carry no mark.
   */
  override verify(): void {
    const heap = this.heap;
    const words = heap.memory.words;
    const space = this.fromSpace;
    let addr = space.start;
    let objects = 0;
    while (addr < space.cursor) {
      const shape = words[addr >> 2]!;
      if ((shape & (FORWARDED_BIT | LARGE_MARK_BIT)) !== 0) {
        throw new HeapIntegrityError(
          heap.opIndex,
          `semispace: object at ${hex(addr)} still has GC bits ${hex(shape >>> 24)}`,
        );
      }
      addr += heap.model.size(words, addr);
      objects++;
    }
    if (addr !== space.cursor || objects !== this.objectsInSpace) {
      throw new HeapIntegrityError(
        heap.opIndex,
        `semispace: the active half parses as ${objects} objects ending at ${hex(addr)}, ` +
          `expected ${this.objectsInSpace} ending at the cursor ${hex(space.cursor)}`,
      );
    }
    if (this.toSpace.cursor !== this.toSpace.start) {
      throw new HeapIntegrityError(heap.opIndex, 'semispace: the idle half is not empty');
    }
    this.large?.forEachObject((obj) => {
      if ((words[obj >> 2]! & LARGE_MARK_BIT) !== 0) {
        throw new HeapIntegrityError(heap.opIndex, `semispace: large object ${hex(obj)} left marked`);
      }
    });
  }

  override stats(): Record<string, number> {
    return {
      collections: this.collections,
      semispaceBytes: this.fromSpace.capacity,
      activeBytes: this.fromSpace.usedBytes,
      activeObjects: this.objectsInSpace,
      largeObjects: this.large?.objects ?? 0,
      largeBytes: this.large?.bytes ?? 0,
      resizes: this.resizes,
    };
  }
}

const EMPTY = new Int32Array(0);

/** Descriptor of `semispace`. */
export const semispace: CollectorDescriptor = {
  name: 'semispace',
  family: 'tracing',
  summary: 'Cheney copying between two bump-allocated halves (both reserved); forwarding in the shape word.',
  constraints: {
    movesObjects: true,
    reclaimsCycles: true,
    countsReferences: false,
    generational: false,
    incremental: false,
    headerWords: 0,
  },
  create(heap: Heap, options: CollectorOptions = {}): Collector {
    return new Semispace(heap, options as SemispaceOptions);
  },
};
