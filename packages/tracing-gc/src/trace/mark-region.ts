/**
 * Mark-region collection over Immix's line/block space (Blackburn & McKinley, PLDI 2008; MMTk's
 * `ImmixSpace` tracing and `Immix` plan), written once for the plans built on it: `immix` (full-heap
 * collections only) and `sticky-immix` (adds nursery collections with sticky mark bits). A mechanism
 * rather than a plan: the plans extend `MarkRegionCollector` and name themselves.
 *
 * Object layout: `headerWords` 0. Marks in a heap-wide side bitmap (`MarkBitmap.bits`, one bit per
 * 8-byte granule, `bits[a >>> 8]` bit `(a >>> 3) & 31`), which lines up word for word with the
 * space's object-start bitmap, so the sweep finds the dead objects as `allocated & ~marked`. Line
 * marks in the space (`LineBlockSpace.lineMarks`, one byte per 256-byte line). The shape word's
 * `FORWARDED_BIT` (with the new address in the high slot, `forwarding.ts`) marks an evacuated
 * object's old copy during a collection.
 *
 * ```
 *  object   word 0 | nrefs, GC bits: 24 FORWARDED_BIT, 28 LOGGED_BIT (sticky) | payload bytes / new address |
 *  marks    MarkBitmap.bits[addr >>> 8] bit (addr >>> 3) & 31
 *  lines    space.lineMarks[addr >>> 8] .. [(addr + size - 1) >>> 8] = 1 for a marked object in a block
 * ```
 *
 * A full collection (`collectFull`), each phase saying what holds when it returns:
 * 1. defragmentation decision: when the previous collection left at least two partly used blocks and
 *    at least `defragThreshold` of the block bytes as free lines in them, the most fragmented blocks become evacuation
 *    candidates (`defragThreshold` 0: after every collection that left a partly used block, a stress
 *    mode) (`LineBlockSpace.selectEvacuationCandidates`: Immix's histogram of free lines per
 *    block, most free lines first, as long as their live lines fit the headroom: the free blocks kept
 *    in reserve, `defragHeadroom` of the blocks, and what the heap limit still allows).
 * 2. mark (from the roots: `markInPlace` when nothing is evacuated, else `traceObject` and the slot
 *    loop `drain`; then the finalization queue): each reachable object is
 *    marked in the bitmap and its lines marked (exact line marking: every line it overlaps, where Immix
 *    marks the first line and treats the next as implicitly live). An object in a candidate block is
 *    first copied into a free block if the copy allocator has room (forwarding left in its old
 *    shape word, the slot or root that reached it updated, `heap.recordMove`, the original taken out
 *    of the space's books); otherwise it is marked in place (opportunistic). A forwarded object
 *    reached again gives its new address. After it, the marked objects are exactly those reachable
 *    (sticky: plus the old ones), every reference to an evacuated object holds its new address.
 * 3. sweep (`LineBlockSpace.sweep`): unmarked objects are freed (reported to the heap), every line no
 *    marked object overlaps is free, blocks are free / recyclable / full, free blocks beyond the
 *    reserve are unmapped. Then (immix) the mark bitmap is cleared.
 *
 * Trigger (`growth-trigger.ts`, like mark-sweep): after a collection leaving L live bytes, the next
 * one comes once `max(minHeapBytes, L * growthFactor) - L` bytes are allocated; also when the OS
 * refuses a block (heap limit): collect and retry (after a full collection, and with the reserve of
 * free blocks unmapped); if that fails too, an emergency defragmentation (a full collection that
 * evacuates the emptiest partly used blocks into the holes of the fullest:
 * `LineBlockSpace.selectEmergencyCandidates`, Immix's defragmentation after a failed allocation)
 * and a last retry, else `OutOfMemoryError`.
 *
 * Finalizers and weak references (`finalization.ts`): after the closure from the roots, weak references
 * to unmarked objects are cleared, unmarked registered objects queued and traced from (so they and what
 * they reach survive, evacuated or not), then the tables keep the live entries at their new addresses;
 * the queued finalizers run after the sweep.
 *
 * Pauses: `mark` (work = objects marked) and `sweep` (work = bytes swept: every line of every block
 * plus the large objects), per collection.
 */
import { LINE_BLOCK_BYTES, LINES_PER_BLOCK, LineBlockSpace, type SweepResult } from '@gclab/allocator';
import {
  CollectorBase,
  CollectorOptionError,
  type CollectorOptions,
  type Heap,
  HeapIntegrityError,
  hex,
  integerOption,
  NREFS_MASK,
  numberOption,
} from '@gclab/core';
import { ReferenceProcessor } from './finalization.ts';
import { FORWARDED_BIT } from './gc-bits.ts';
import { growthBudget } from './growth-trigger.ts';
import { MarkBitmap } from './mark-bitmap.ts';
import { outOfMemory } from './out-of-memory.ts';

/** Options of the mark-region plans. */
export interface MarkRegionOptions extends CollectorOptions {
  /** The growth trigger never collects below this many live + allocated bytes (default 1 MiB). */
  minHeapBytes?: number;
  /** Collect when live + allocated exceeds `live after the last collection * growthFactor` (default 2). */
  growthFactor?: number;
  /** Objects above this size go to the large object space (256 to 16384; default 8192). */
  largeObjectBytes?: number;
  /**
   * Defragment at the next collection when free lines in partly used blocks reach this share of the
   * blocks (default 0.1); 0 defragments at every collection that follows one leaving a partly used block.
   */
  defragThreshold?: number;
  /** Free blocks kept in reserve for evacuation, as a share of the blocks in use (default 0.05, at least 1 block). */
  defragHeadroom?: number;
}

/** Default `defragThreshold`. */
export const DEFAULT_DEFRAG_THRESHOLD = 0.1;
/** Default `defragHeadroom`. */
export const DEFAULT_DEFRAG_HEADROOM = 0.05;

/** The collector shared by `immix` and `sticky-immix`: allocation, the trigger, the full collection. */
export abstract class MarkRegionCollector extends CollectorBase {
  /** Where objects live. */
  readonly space: LineBlockSpace;
  /** The side mark bitmap (its marking loop is not used: `traceObject` also marks lines and evacuates). */
  readonly marks: MarkBitmap;
  /** Weak-reference clearing and the finalization queue. */
  readonly references: ReferenceProcessor;
  /** Growth trigger floor. */
  readonly minHeapBytes: number;
  /** Growth trigger factor. */
  readonly growthFactor: number;
  /** Fragmentation (free lines in recyclable blocks over block bytes) that makes the next collection defragment. */
  readonly defragThreshold: number;
  /** Reserve of free blocks for evacuation, as a share of the blocks in use. */
  readonly defragHeadroom: number;

  /** Full collections run. */
  fullCollections = 0;
  /** Collections started because the OS refused memory. */
  heapLimitCollections = 0;
  /** Full collections that evacuated (had candidates). */
  defragCollections = 0;
  /** Emergency defragmentations (an allocation failed under the heap limit after a full collection). */
  emergencyDefragCollections = 0;
  /** Objects evacuated so far. */
  objectsEvacuated = 0;
  /** Bytes evacuated so far. */
  bytesEvacuated = 0;
  /** Live bytes (objects in blocks and large objects) after the last collection. */
  liveBytesAfterLastGc = 0;

  /** Bytes allocated since the last collection. */
  protected allocatedSinceGc = 0;
  /** Bytes that may be allocated before the trigger fires. */
  protected budget: number;
  /** Whether the next full collection defragments. */
  protected defragNext = false;
  /** The collection under way is an emergency defragmentation (an allocation failed after a full one). */
  private emergencyDefrag = false;
  /** Whether the running trace evacuates objects of candidate blocks. */
  protected evacuating = false;
  /** The mark stack: slots (word indices of reference fields) whose referents are still to trace. */
  protected stack = new Int32Array(1024);
  protected top = 0;
  /** Objects marked by the running collection. */
  protected marked = 0;
  /** `space.largeObjectBytes`: objects above it have no lines. */
  private readonly largeObjectBytes: number;
  private readonly fieldOffset: number;
  private readonly markKind: number;
  private readonly sweepKind: number;
  /** Liveness and forwarding for the reference processor (made once). */
  protected readonly isLive = (addr: number): boolean => {
    const words = this.heap.memory.words;
    return (words[addr >> 2]! & FORWARDED_BIT) !== 0 || this.marks.isMarked(addr);
  };
  protected readonly forward = (addr: number): number => {
    const words = this.heap.memory.words;
    return (words[addr >> 2]! & FORWARDED_BIT) !== 0 ? words[(addr >> 2) + 1]! : addr;
  };

  constructor(heap: Heap, options: MarkRegionOptions, name: string) {
    super(heap);
    this.minHeapBytes = numberOption(options, name, 'minHeapBytes', 1 << 20, 0);
    this.growthFactor = numberOption(options, name, 'growthFactor', 2, 1);
    const largeObjectBytes = integerOption(options, name, 'largeObjectBytes', 8192, 256);
    if (largeObjectBytes > LINE_BLOCK_BYTES / 2) {
      throw new CollectorOptionError(
        `${name}: option largeObjectBytes must be an integer from 256 to ${LINE_BLOCK_BYTES / 2}, got ${largeObjectBytes}`,
      );
    }
    this.defragThreshold = numberOption(options, name, 'defragThreshold', DEFAULT_DEFRAG_THRESHOLD, 0);
    this.defragHeadroom = numberOption(options, name, 'defragHeadroom', DEFAULT_DEFRAG_HEADROOM, 0);
    this.space = new LineBlockSpace(heap.os, { largeObjectBytes, freeBlockReserve: 1 });
    this.marks = new MarkBitmap(heap);
    this.references = new ReferenceProcessor(heap);
    this.budget = growthBudget(0, this.minHeapBytes, this.growthFactor);
    this.largeObjectBytes = largeObjectBytes;
    this.fieldOffset = heap.model.fieldOffset;
    this.markKind = heap.telemetry.pauses.kindId('mark');
    this.sweepKind = heap.telemetry.pauses.kindId('sweep');
  }

  allocate(size: number): number {
    const allocated = this.allocatedSinceGc + size;
    if (allocated <= this.budget) {
      const addr = this.space.allocate(size);
      if (addr !== 0) {
        this.allocatedSinceGc = allocated;
        return addr;
      }
    }
    return this.allocateSlow(size);
  }

  /** The trigger fired or the OS refused: collect, then retry (a full collection last), or `OutOfMemoryError`. */
  private allocateSlow(size: number): number {
    if (this.allocatedSinceGc + size <= this.budget) this.heapLimitCollections++;
    const full = this.collectForAllocation(size);
    let addr = this.space.allocate(size);
    if (addr === 0 && !full) {
      this.collectFull();
      addr = this.space.allocate(size);
    }
    // Under memory pressure the reserve of free blocks goes back to the OS first.
    if (addr === 0 && this.space.releaseFreeBlocks() > 0) addr = this.space.allocate(size);
    // Then an emergency defragmentation: a full collection that evacuates the emptiest partly used
    // blocks into the holes of the fullest, so that whole blocks go back to the OS.
    if (addr === 0 && this.space.recyclableBlocks > 1) {
      this.emergencyDefrag = true;
      this.emergencyDefragCollections++;
      this.collectFull();
      this.emergencyDefrag = false;
      addr = this.space.allocate(size);
      if (addr === 0 && this.space.releaseFreeBlocks() > 0) addr = this.space.allocate(size);
    }
    if (addr === 0) throw outOfMemory(this.heap, this.name, size);
    this.allocatedSinceGc += size;
    return addr;
  }

  /** The collection an allocation triggers; returns whether it was a full one. */
  protected collectForAllocation(_size: number): boolean {
    this.collectFull();
    return true;
  }

  /** One full collection (defragmentation decision, mark, sweep); returns the objects freed. */
  collectFull(): number {
    const heap = this.heap;
    const telemetry = heap.telemetry;
    const space = this.space;
    let t = telemetry.startPause();
    space.retireAllocators();
    this.evacuating = this.emergencyDefrag
      ? space.selectEmergencyCandidates(this.headroomLines()) > 0
      : this.defragNext && space.selectEvacuationCandidates(this.headroomLines()) > 0;
    if (this.evacuating) this.defragCollections++;
    this.marks.cover();
    this.marks.clear();
    space.clearLineMarks();
    this.beginFullTrace();
    this.marked = 0;
    // Nothing moves in most collections: then the closure from the roots runs the address loop
    // (`markInPlace`, as fast as the bare mark loop plus line marks); an evacuating one runs the
    // slot loop, which can update the slot that reached an evacuated object.
    if (this.evacuating) this.traceRoots();
    else this.markInPlace();
    this.traceExtraRoots();
    this.drain();
    this.processReferences();
    this.evacuating = false;
    const marked = this.marked;
    heap.counters.objectsTraced += marked;
    telemetry.endPause(this.markKind, t, marked);
    t = telemetry.startPause();
    const freed = this.sweep();
    this.fullCollections++;
    telemetry.recordCollection('full', freed, 0);
    this.references.runFinalizers();
    return freed;
  }

  /** Before a full trace (after marks and line marks are cleared): sticky-immix drops its log. */
  protected beginFullTrace(): void {}

  /** Roots a collection traces besides the registers and globals (sticky-immix: the logged objects). */
  protected traceExtraRoots(): void {}

  /** Phase 3 as one `sweep` pause (`sweepSpace`); returns the objects freed. */
  protected sweep(): number {
    const telemetry = this.heap.telemetry;
    const t = telemetry.startPause();
    const swept = this.sweepSpace();
    telemetry.endPause(this.sweepKind, t, swept.bytesSwept);
    return swept.objectsFreed;
  }

  /**
   * Phase 3 and the figures, in the caller's pause (sticky-immix's nursery collection sweeps inside
   * its `nursery` pause): the sweep, then the trigger's budget (`nextBudget`) and the next
   * defragmentation decision.
   */
  protected sweepSpace(): SweepResult {
    const heap = this.heap;
    const space = this.space;
    // Keep a reserve of free blocks for the next evacuation (Immix's defragmentation headroom).
    space.freeBlockReserve = Math.max(1, Math.ceil(space.blocks * this.defragHeadroom));
    const swept = space.sweep(heap, this.marks.cover());
    heap.counters.bytesSwept += swept.bytesSwept;
    this.afterSweep();
    const live = space.liveBytes;
    this.liveBytesAfterLastGc = live;
    this.allocatedSinceGc = 0;
    this.budget = this.nextBudget(live);
    const blockBytes = (space.blocks - space.freeBlocks) * LINE_BLOCK_BYTES;
    // Evacuation can only give a block back when at least two blocks are partly used; threshold 0 is
    // a stress mode (MMTk's always-defrag): every collection evacuates what the headroom allows.
    const recyclable = space.recyclableBlocks;
    this.defragNext =
      recyclable > 0 &&
      (this.defragThreshold === 0 ||
        (recyclable > 1 && space.fragmentedBytes >= this.defragThreshold * blockBytes));
    return swept;
  }

  /** Bytes the mutator may allocate before the next collection, `live` bytes being left (the growth trigger). */
  protected nextBudget(live: number): number {
    return growthBudget(live, this.minHeapBytes, this.growthFactor);
  }

  /** After the sweep: immix clears the marks; sticky-immix keeps them (old objects stay marked). */
  protected afterSweep(): void {
    this.marks.clear();
  }

  /** Lines the copy allocator may fill: the reserve of free blocks, capped by what the heap limit allows. */
  private headroomLines(): number {
    const space = this.space;
    const os = this.heap.os;
    const mappable = Math.floor(Math.max(0, os.heapLimit - os.reservedBytes) / LINE_BLOCK_BYTES);
    const reserve = Math.max(1, Math.ceil(space.blocks * this.defragHeadroom));
    return Math.min(reserve, space.freeBlocks + mappable) * LINES_PER_BLOCK;
  }

  // ---- tracing ------------------------------------------------------------------------------------

  /** Traces the referent of every non-null root, updating roots to evacuated objects; returns objects marked. */
  protected traceRoots(): number {
    const before = this.marked;
    const roots = this.heap.roots;
    const regs = roots.regs;
    for (let i = 0, n = roots.top; i < n; i++) {
      const r = regs[i]!;
      if (r !== 0) {
        const to = this.traceObject(r);
        if (to !== r) regs[i] = to;
      }
    }
    const globals = roots.globals;
    for (let g = 0, n = roots.globalCount; g < n; g++) {
      const r = globals[g]!;
      if (r !== 0) {
        const to = this.traceObject(r);
        if (to !== r) globals[g] = to;
      }
    }
    return this.marked - before;
  }

  /**
   * Traces the object at `ref` (non-null) reached from outside the heap (a root, a logged object, the
   * finalization queue): a forwarded object gives its new address; an unmarked one is evacuated
   * (candidate block, room to copy) or not, then marked, its lines marked and its fields' slots
   * pushed. Returns the object's address after this collection.
   */
  protected traceObject(ref: number): number {
    const words = this.heap.memory.words;
    const i = ref >> 2;
    const shape = words[i]!;
    if ((shape & FORWARDED_BIT) !== 0) return this.forwarded(words, ref);
    if (this.marks.isMarked(ref)) return ref;
    const size = this.fieldOffset + 8 * (shape & NREFS_MASK) + ((words[i + 1]! + 7) & ~7);
    if (this.evacuating && this.space.isEvacuationCandidate(ref)) ref = this.evacuate(ref, size);
    const bits = this.marks.cover();
    bits[ref >>> 8]! |= 1 << ((ref >>> 3) & 31);
    this.marked++;
    this.markLines(ref, size);
    this.pushFields(ref);
    return ref;
  }

  /** The new address of the evacuated object at `ref` (its old copy's shape word has `FORWARDED_BIT`). */
  protected forwarded(words: Int32Array, ref: number): number {
    return words[(ref >> 2) + 1]!;
  }

  /** Pushes the slots (word indices) of the fields of the object at `obj`. */
  protected pushFields(obj: number): void {
    const n = this.heap.memory.words[obj >> 2]! & NREFS_MASK;
    if (this.top + n > this.stack.length) this.growStack(this.top + n);
    const first = (obj + this.fieldOffset) >> 2;
    for (let k = n - 1; k >= 0; k--) this.stack[this.top++] = first + 2 * k;
  }

  /**
   * The mark a live object's lines after its first get: 1. (A test's broken variant sets 0: Immix's
   * conservative marking of the first line only, without its rule that the next line is live too.)
   */
  protected readonly spannedLineMark: number = 1;

  /** Marks every line the live object at `ref` of `size` bytes overlaps (none for a large object). */
  protected markLines(ref: number, size: number): void {
    if (size <= this.largeObjectBytes) {
      const lines = this.space.lineMarks;
      lines[ref >>> 8] = 1;
      for (let l = (ref >>> 8) + 1, last = (ref + size - 1) >>> 8; l <= last; l++)
        lines[l] = this.spannedLineMark;
    }
  }

  /**
   * Copies the object at `ref` of `size` bytes out of its candidate block if the copy allocator has
   * room (returns the copy's address), else returns `ref` (it is marked in place).
   */
  protected evacuate(ref: number, size: number): number {
    const to = this.space.copyAllocate(size);
    if (to === 0) return ref;
    // The copy may have mapped a block: read the memory again.
    this.copy(this.heap.memory.words, ref, to, size);
    return to;
  }

  /** Evacuates the object at `from` to `to`: words copied, forwarding left, the space and heap told. */
  protected copy(words: Int32Array, from: number, to: number, size: number): void {
    const i = from >> 2;
    words.copyWithin(to >> 2, i, i + (size >> 2));
    words[i] = words[i]! | FORWARDED_BIT;
    words[i + 1] = to;
    this.space.free(from, size);
    this.heap.recordMove(from, to);
    this.objectsEvacuated++;
    this.bytesEvacuated += size;
  }

  /**
   * The marking loop: pops slots (word indices of reference fields) until the stack is empty. Mark on
   * pop, as `markFromStack`: the referent of a popped slot is tested (marked: done; forwarded: the
   * slot takes the new address), evacuated if it lies in a candidate block, marked with its lines, and
   * its fields' slots pushed, field 0 followed at once. Returns the objects marked.
   *
   * Loop invariant: every object reachable from the roots is marked or reachable through unmarked
   * objects from a slot on the stack (or the slot being followed); every slot already popped refers
   * to its referent's address after this collection.
   */
  protected drain(): number {
    let words = this.heap.memory.words;
    let bits = this.marks.cover();
    let stack: Int32Array = this.stack;
    let top = this.top;
    const fieldIndex = this.fieldOffset >> 2;
    const evacuating = this.evacuating;
    const space = this.space;
    const fieldOffset = this.fieldOffset;
    const large = this.largeObjectBytes;
    const spans = this.spannedLineMark;
    let lines = space.lineMarks;
    let marked = 0;
    while (top > 0) {
      let slot = stack[--top]!;
      for (;;) {
        let ref = words[slot]!;
        if (ref === 0) break;
        let w = ref >>> 8;
        let bit = 1 << ((ref >>> 3) & 31);
        let m = bits[w]!;
        if ((m & bit) !== 0) break;
        let i = ref >> 2;
        const shape = words[i]!;
        if ((shape & FORWARDED_BIT) !== 0) {
          words[slot] = this.forwarded(words, ref);
          break;
        }
        const size = fieldOffset + 8 * (shape & NREFS_MASK) + ((words[i + 1]! + 7) & ~7);
        if (evacuating && space.isEvacuationCandidate(ref)) {
          const to = this.evacuate(ref, size);
          if (to !== ref) {
            words = this.heap.memory.words;
            bits = this.marks.cover();
            lines = space.lineMarks;
            words[slot] = to;
            ref = to;
            w = ref >>> 8;
            bit = 1 << ((ref >>> 3) & 31);
            m = bits[w]!;
            i = ref >> 2;
          }
        }
        bits[w] = m | bit;
        marked++;
        if (size <= large) {
          // The object's lines: its first (w: a line is 256 bytes, as a bitmap word) and any it spans.
          lines[w] = 1;
          for (let l = w + 1, last = (ref + size - 1) >>> 8; l <= last; l++) lines[l] = spans;
        }
        const n = shape & NREFS_MASK;
        if (n === 0) break;
        const first = i + fieldIndex;
        if (top + n > stack.length) {
          this.top = top;
          stack = this.growStack(top + n);
        }
        // Fields n-1 .. 1 pushed (non-null only), field 0 followed at once.
        for (let p = first + 2 * (n - 1); p > first; p -= 2) if (words[p] !== 0) stack[top++] = p;
        slot = first;
      }
    }
    this.top = 0;
    this.marked += marked;
    return marked;
  }

  /**
   * The closure from the roots when nothing is evacuated: `markFromStack`'s loop (addresses on the
   * stack, mark on pop, field 0 followed at once, the other fields pushed last to first) plus the
   * lines of each marked object. No object is forwarded outside an evacuating collection, so no slot
   * needs updating and the loop never reads one twice. Returns the objects marked. (It is
   * `markFromStack`'s loop written again with the line marks inside: a line-marking option in
   * `markFromStack` would cost mark-sweep's loop a test per object.)
   *
   * Loop invariant: every object reachable from the roots is marked (with its lines) or reachable
   * from an address on the stack through unmarked objects.
   */
  protected markInPlace(): number {
    const words = this.heap.memory.words;
    const bits = this.marks.cover();
    const lines = this.space.lineMarks;
    const roots = this.heap.roots;
    const rootCount = roots.top + roots.globalCount;
    let stack: Int32Array = this.stack;
    if (rootCount > stack.length) stack = this.growStack(rootCount);
    let top = 0;
    const regs = roots.regs;
    for (let i = 0, n = roots.top; i < n; i++) if (regs[i] !== 0) stack[top++] = regs[i]!;
    const globals = roots.globals;
    for (let g = 0, n = roots.globalCount; g < n; g++) if (globals[g] !== 0) stack[top++] = globals[g]!;
    const fieldIndex = this.fieldOffset >> 2;
    const fieldOffset = this.fieldOffset;
    const large = this.largeObjectBytes;
    const spans = this.spannedLineMark;
    let marked = 0;
    while (top > 0) {
      let ref = stack[--top]!;
      while (ref !== 0) {
        const w = ref >>> 8;
        const bit = 1 << ((ref >>> 3) & 31);
        const m = bits[w]!;
        if ((m & bit) !== 0) break;
        bits[w] = m | bit;
        marked++;
        const i = ref >> 2;
        const n = words[i]! & NREFS_MASK;
        // Its lines: the first (w: a line is 256 bytes, as a bitmap word) and any it spans; none
        // for a large object. The first line is already marked when another object starting in it
        // was (m !== 0: the mark word is the line's), so most objects store nothing.
        const size = fieldOffset + 8 * n + ((words[i + 1]! + 7) & ~7);
        const last = (ref + size - 1) >>> 8;
        if (last === w) {
          if (m === 0) lines[w] = 1;
        } else if (size <= large) {
          lines[w] = 1;
          for (let l = w + 1; l <= last; l++) lines[l] = spans;
        }
        const first = i + fieldIndex;
        if (n > 1) {
          if (top + n > stack.length) {
            this.top = top;
            stack = this.growStack(top + n);
          }
          for (let p = first + 2 * (n - 1); p > first; p -= 2) {
            const r = words[p]!;
            if (r !== 0) stack[top++] = r;
          }
        } else if (n === 0) {
          break;
        }
        ref = words[first]!;
      }
    }
    this.top = 0;
    this.marked += marked;
    return marked;
  }

  /**
   * Weak references and finalization after the closure from the roots: clears and queues, traces
   * from the queued objects, then the tables keep the live entries at their new addresses.
   */
  protected processReferences(): number {
    const references = this.references;
    if (!references.pending) return 0;
    const before = this.marked;
    for (const a of references.afterRootClosure(this.isLive)) this.traceObject(a);
    this.drain();
    references.retain(this.isLive, this.forward);
    return this.marked - before;
  }

  /** Grows the stack to hold `min` slots (the first `top` kept); returns it. */
  private growStack(min: number): Int32Array {
    let size = this.stack.length * 2;
    while (size < min) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.stack.subarray(0, this.top));
    this.stack = grown;
    return grown;
  }

  // ---- checked mode and figures -------------------------------------------------------------------

  /** Checked mode: the space's books add up, the scan stack is empty, no object is forwarded. */
  override verify(): void {
    const heap = this.heap;
    try {
      this.space.verify(heap);
    } catch (e) {
      this.fail((e as Error).message);
    }
    if (this.top !== 0) this.fail('the scan stack is not empty outside a collection');
    const words = heap.memory.words;
    this.space.forEachObject((addr) => {
      if ((words[addr >> 2]! & FORWARDED_BIT) !== 0) this.fail(`object at ${hex(addr)} is still forwarded`);
    });
  }

  override stats(): Record<string, number> {
    const space = this.space;
    const reserved = space.reservedBytes;
    return {
      fullCollections: this.fullCollections,
      heapLimitCollections: this.heapLimitCollections,
      defragCollections: this.defragCollections,
      emergencyDefragCollections: this.emergencyDefragCollections,
      objectsEvacuated: this.objectsEvacuated,
      bytesEvacuated: this.bytesEvacuated,
      liveBytesAfterLastGc: this.liveBytesAfterLastGc,
      spaceLiveBytes: space.liveBytes,
      spaceReservedBytes: space.reservedBytes,
      blocks: space.blocks,
      freeBlocks: space.freeBlocks,
      recyclableBlocks: space.recyclableBlocks,
      fullBlocks: space.fullBlocks,
      freeLines: space.freeLines,
      fragmentedBytes: space.fragmentedBytes,
      fragmentation: reserved === 0 ? 0 : space.fragmentedBytes / reserved,
    };
  }

  protected fail(reason: string): never {
    throw new HeapIntegrityError(this.heap.opIndex, `${this.name}: ${reason}`);
  }
}
