/**
 * `mark-compact`: stop-the-world Lisp-2 sliding compaction (GC Handbook §3.2; Jones & Lins §5.3;
 * Haddon & Waite's "compute addresses / update / relocate" three passes) in one contiguous
 * `BumpSpace`. Every object, large or small, lives in that space and is slid like any other.
 *
 * Object layout: one header word, the forwarding word, plus the mark bit `MARK_BIT` (`GC_BIT_0`,
 * `trace/gc-bits.ts`) in the shape word.
 *
 * ```
 *  word 0  | shape (nrefs, GC bits: bit 24 = mark) | payload bytes |
 *  word 1  | forwarding: new offset from the target space start (0 outside a collection)  |
 *  word 2..| reference fields, then payload                                                 |
 * ```
 *
 * Phases of a collection (each says what holds when it returns):
 * 1. mark: from the roots, with the shared `Marker`. After it, an object in [start, cursor) has its
 *    mark bit set exactly when it is reachable.
 * 2. compute forwarding addresses: one linear walk of [start, cursor) assigns each marked object the
 *    offset `free` it will have in the target space, in address order, `free += size`. After it,
 *    `liveBytes = free` and the header of every marked object holds its offset.
 *    The target is this space, or, when the live data leaves too little headroom and the OS allows,
 *    a new larger space (growth by evacuation: the same passes, moving into the new region).
 * 3. update references: every root, and every field of every marked object, is replaced by
 *    `target.start + header(referent)`. After it, every reference of a live object and every root is
 *    the referent's new address (referents have not moved yet, so their headers are still readable).
 * 4. relocate (slide): a second linear walk copies each marked object to its new address (for an
 *    in-place compaction the new address is never above the old one, so address order never
 *    overwrites an object not yet moved), clears its mark bit and forwarding word, and reports it with
 *    `heap.recordMove`; each unmarked object is reported with `heap.recordFree`. After it, the space
 *    is dense: [start, start + liveBytes) holds exactly the live objects, no mark bit and no
 *    forwarding word is left set, and the cursor is `start + liveBytes`.
 *
 * Finalizers and weak references (trace format 2; the shared steps of `trace/finalization.ts`):
 * after phase 1, weak references whose referent is unmarked are cleared (the callback of one that is
 * itself marked runs), then the registered objects left unmarked are queued and marked from, so each
 * and everything it reaches survives this collection (and is slid like any live object). Between
 * phases 3 and 4, while the marks and the forwarding words of phase 2 are still there, the tables keep
 * the marked entries only, at `target.start + forwarding word` (a weak reference object and its
 * referent both move). After phase 4 the queued finalizers run at the objects' new addresses
 * (registration order); a finalized object still unreachable is freed by the next collection; one
 * stored into a global by its finalizer lives on and is never finalized again.
 *
 * Sizing (the space never shrinks):
 * - initial capacity `initialBytes`: by default the whole heap limit (rounded down to pages) when one
 *   is set, as a fixed-size heap (-Xms = -Xmx); otherwise 1 MiB. A heap limit below one page leaves
 *   no room for the space: creating the collector raises `OutOfMemoryError`;
 * - collection trigger: an allocation that does not fit in the space;
 * - growth: after marking, if `liveBytes + request > capacity` or `liveBytes * growthFactor >
 *   capacity` (default 2), a space of `max(liveBytes + request, liveBytes * growthFactor)` bytes is
 *   mapped and the live objects are evacuated into it; the old space is unmapped. Growth needs the
 *   old and the new space mapped at once, so under a heap limit it happens only while both fit.
 * - out of memory: when the compacted space still cannot hold the request, `OutOfMemoryError`.
 *
 * Pauses: one record per stop-the-world phase: `mark` (work = objects marked, from the roots and from
 * the finalization queue) and `compact` (work =
 * bytes of the space walked by the compaction passes, i.e. the bytes in use before the collection).
 */

import { BumpSpace } from '@gclab/allocator';
import {
  type Collector,
  CollectorBase,
  type CollectorDescriptor,
  type CollectorOptions,
  type Heap,
  HeapIntegrityError,
  hex,
  NREFS_MASK,
  numberOption,
  PAGE_SIZE,
  roundUp,
} from '@gclab/core';
import { ReferenceProcessor } from '../trace/finalization.ts';
import { MARK_BIT } from '../trace/gc-bits.ts';
import { Marker } from '../trace/mark-stack.ts';
import { outOfMemory } from '../trace/out-of-memory.ts';

/** Capacity of the space when no heap limit is set and no `initialBytes` is given. */
const DEFAULT_INITIAL_BYTES = 1 << 20;

/** Options of `mark-compact`. */
export interface MarkCompactOptions extends CollectorOptions {
  /** Capacity of the space mapped at creation (default: the heap limit if set, else 1 MiB). */
  initialBytes?: number;
  /** Headroom factor: grow the space when `live * growthFactor` exceeds its capacity (default 2). */
  growthFactor?: number;
}

/** The Lisp-2 mark-compact collector. */
export class MarkCompact extends CollectorBase {
  readonly name = 'mark-compact';
  /** The space every object lives in. */
  space: BumpSpace;
  /** The mark stack. */
  readonly marker: Marker;
  /** Headroom factor for growth. */
  readonly growthFactor: number;
  /** Full collections run. */
  collections = 0;
  /** Times the space grew (by evacuation into a larger space). */
  grows = 0;
  /** Live bytes after the last collection. */
  liveBytesAfterLastGc = 0;
  private readonly markKind: number;
  private readonly compactKind: number;
  /** Weak-reference clearing and the finalization queue. */
  readonly references: ReferenceProcessor;
  /** Start of the space being compacted into (during a collection, from phase 2 on). */
  private targetStart = 0;
  /** Liveness for the reference processor: marked (made once, no closure per collection). */
  private readonly isMarked = (addr: number): boolean => this.marker.isMarked(addr);
  /** Between phases 2 and 4: the new address of a marked object (its forwarding word). */
  private readonly forward = (addr: number): number =>
    this.targetStart + this.heap.memory.words[(addr >> 2) + 2]!;

  constructor(heap: Heap, options: MarkCompactOptions = {}) {
    super(heap);
    this.growthFactor = numberOption(options, this.name, 'growthFactor', 2, 1);
    const limit = heap.os.heapLimit;
    const defaultInitial = Number.isFinite(limit)
      ? Math.floor(limit / PAGE_SIZE) * PAGE_SIZE
      : DEFAULT_INITIAL_BYTES;
    const initial = numberOption(options, this.name, 'initialBytes', defaultInitial, 0);
    const space = initial > 0 ? BumpSpace.map(heap.os, initial) : null;
    if (space === null) throw outOfMemory(heap, this.name, initial);
    this.space = space;
    this.marker = new Marker(heap, MARK_BIT);
    this.markKind = heap.telemetry.pauses.kindId('mark');
    this.compactKind = heap.telemetry.pauses.kindId('compact');
    this.references = new ReferenceProcessor(heap);
  }

  allocate(size: number): number {
    const addr = this.space.allocate(size);
    if (addr !== 0) return addr;
    return this.allocateSlow(size);
  }

  /** The space is full: collect (perhaps growing), then retry once or raise `OutOfMemoryError`. */
  private allocateSlow(size: number): number {
    this.collectFull(size);
    const addr = this.space.allocate(size);
    if (addr === 0) throw outOfMemory(this.heap, this.name, size);
    return addr;
  }

  override collect(_generation: number): number {
    return this.collectFull(0);
  }

  /** One full collection making room for a request of `request` bytes; returns objects freed. */
  collectFull(request: number): number {
    const heap = this.heap;
    const telemetry = heap.telemetry;
    // Phase 1: mark.
    let t = telemetry.startPause();
    const marker = this.marker;
    marker.shadeRoots();
    let marked = marker.drain(Number.POSITIVE_INFINITY);
    // Format 2: weak references to unmarked referents cleared, unmarked finalizable objects queued
    // and marked from. After it, the marked objects are those reachable from the roots or the queue.
    const references = this.references;
    const processing = references.pending;
    if (processing) {
      marker.shadeEach(references.afterRootClosure(this.isMarked));
      marked += marker.drain(Number.POSITIVE_INFINITY);
    }
    telemetry.endPause(this.markKind, t, marked);

    t = telemetry.startPause();
    const old = this.space;
    const walked = old.usedBytes;
    // Phase 2: forwarding offsets; liveBytes is known when it returns.
    const liveBytes = this.computeForwarding();
    const target = this.chooseTarget(liveBytes, request);
    // Phase 3 and 4 (memory.words may have been replaced by the map in chooseTarget).
    this.updateReferences(target.start);
    if (processing) {
      this.targetStart = target.start;
      references.retain(this.isMarked, this.forward);
    }
    const freed = this.relocate(target.start);
    if (target !== old) {
      old.release();
      this.space = target;
      this.grows++;
    }
    target.cursor = target.start + liveBytes;
    telemetry.endPause(this.compactKind, t, walked);

    this.liveBytesAfterLastGc = liveBytes;
    this.collections++;
    telemetry.recordCollection('full', freed, 0);
    references.runFinalizers();
    return freed;
  }

  /**
   * Phase 2: writes into each marked object's forwarding word its offset in the target space, in
   * address order. Returns the live bytes.
   */
  private computeForwarding(): number {
    const words = this.heap.memory.words;
    const space = this.space;
    const fieldOffset = this.heap.model.fieldOffset;
    let free = 0;
    // Loop invariant: `free` = total size of the marked objects in [start, a).
    for (let a = space.start, end = space.cursor; a < end; ) {
      const i = a >> 2;
      const shape = words[i]!;
      const size = fieldOffset + 8 * (shape & NREFS_MASK) + ((words[i + 1]! + 7) & ~7);
      if ((shape & MARK_BIT) !== 0) {
        words[i + 2] = free;
        free += size;
      }
      a += size;
    }
    return free;
  }

  /** The space to compact into: this one, or a larger new one when growth is due and the OS allows. */
  private chooseTarget(liveBytes: number, request: number): BumpSpace {
    const space = this.space;
    const needed = liveBytes + request;
    const wanted = Math.max(needed, Math.ceil(liveBytes * this.growthFactor));
    if (wanted <= space.capacity) return space;
    const os = this.heap.os;
    const bytes = roundUp(wanted, PAGE_SIZE);
    if (os.reservedBytes + bytes > os.heapLimit) return space;
    return BumpSpace.map(os, bytes) ?? space;
  }

  /** Phase 3: every root and every field of a marked object becomes its referent's new address. */
  private updateReferences(base: number): void {
    const heap = this.heap;
    const words = heap.memory.words;
    const roots = heap.roots;
    const regs = roots.regs;
    for (let r = 0, n = roots.top; r < n; r++) {
      const ref = regs[r]!;
      if (ref !== 0) regs[r] = base + words[(ref >> 2) + 2]!;
    }
    const globals = roots.globals;
    for (let g = 0, n = roots.globalCount; g < n; g++) {
      const ref = globals[g]!;
      if (ref !== 0) globals[g] = base + words[(ref >> 2) + 2]!;
    }
    const space = this.space;
    const fieldIndex = heap.model.fieldOffset >> 2;
    for (let a = space.start, end = space.cursor; a < end; ) {
      const i = a >> 2;
      const shape = words[i]!;
      const n = shape & NREFS_MASK;
      if ((shape & MARK_BIT) !== 0) {
        for (let p = i + fieldIndex, e = p + 2 * n; p < e; p += 2) {
          const ref = words[p]!;
          if (ref !== 0) words[p] = base + words[(ref >> 2) + 2]!;
        }
      }
      a += 4 * fieldIndex + 8 * n + ((words[i + 1]! + 7) & ~7);
    }
  }

  /**
   * Phase 4: moves each marked object to `base + offset` (address order), clearing its mark bit and
   * forwarding word; reports moves and frees. Returns the objects freed.
   */
  private relocate(base: number): number {
    const heap = this.heap;
    const words = heap.memory.words;
    const space = this.space;
    const fieldOffset = heap.model.fieldOffset;
    let freed = 0;
    let copied = 0;
    for (let a = space.start, end = space.cursor; a < end; ) {
      const i = a >> 2;
      const shape = words[i]!;
      const size = fieldOffset + 8 * (shape & NREFS_MASK) + ((words[i + 1]! + 7) & ~7);
      if ((shape & MARK_BIT) !== 0) {
        const to = base + words[i + 2]!;
        words[i] = shape & ~MARK_BIT;
        words[i + 2] = 0;
        if (to !== a) {
          words.copyWithin(to >> 2, i, (a + size) >> 2);
          copied += size;
          heap.recordMove(a, to);
        }
      } else {
        heap.recordFree(a, size);
        freed++;
      }
      a += size;
    }
    heap.counters.bytesCopied += copied;
    return freed;
  }

  /**
   * Checked mode: the space parses as back-to-back objects from `start` to exactly `cursor`, and no
   * object has its mark bit or a forwarding word left set (they exist only during a collection).
   */
  override verify(): void {
    const heap = this.heap;
    const words = heap.memory.words;
    const space = this.space;
    const fieldOffset = heap.model.fieldOffset;
    let a = space.start;
    const end = space.cursor;
    while (a < end) {
      const i = a >> 2;
      const shape = words[i]!;
      if ((shape & MARK_BIT) !== 0) this.fail(`object at ${hex(a)} still has its mark bit set`);
      if (words[i + 2] !== 0) this.fail(`object at ${hex(a)} still has a forwarding word`);
      a += fieldOffset + 8 * (shape & NREFS_MASK) + ((words[i + 1]! + 7) & ~7);
    }
    if (a !== end) this.fail(`the last object ends at ${hex(a)}, past the cursor ${hex(end)}`);
    if (!this.marker.isEmpty) this.fail('the mark stack is not empty outside a collection');
  }

  override stats(): Record<string, number> {
    return {
      collections: this.collections,
      grows: this.grows,
      capacityBytes: this.space.capacity,
      usedBytes: this.space.usedBytes,
      liveBytesAfterLastGc: this.liveBytesAfterLastGc,
    };
  }

  private fail(reason: string): never {
    throw new HeapIntegrityError(this.heap.opIndex, `mark-compact: ${reason}`);
  }
}

/** Descriptor of `mark-compact`. */
export const markCompact: CollectorDescriptor = {
  name: 'mark-compact',
  family: 'tracing',
  summary:
    'Stop-the-world Lisp-2 sliding compaction in one contiguous space: no fragmentation after a collection.',
  constraints: {
    movesObjects: true,
    reclaimsCycles: true,
    countsReferences: false,
    generational: false,
    incremental: false,
    headerWords: 1,
  },
  create(heap: Heap, options: CollectorOptions = {}): Collector {
    return new MarkCompact(heap, options as MarkCompactOptions);
  },
};
