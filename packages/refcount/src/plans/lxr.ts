/**
 * `lxr`: reference counting on Immix's heap, after LXR (Zhao, Blackburn & McKinley, "Low-Latency,
 * High-Throughput Garbage Collection", PLDI 2022), which builds on RC Immix (Shahriyar, Blackburn,
 * Yang & McKinley, OOPSLA 2013) and "Down for the count?" (Shahriyar, Blackburn & Frampton, ISMM
 * 2012). A faithful simplification, stop-the-world: every piece of work LXR does concurrently (the
 * SATB trace, lazy decrements) runs here inside a pause.
 *
 * The mutator runs in epochs; an RC pause ends each one (when `epochBytes` have been allocated in
 * the epoch, when an allocation fails under the heap limit, or at an explicit `gc`):
 *
 * - Deferral (Deutsch & Bobrow): root writes are never counted. At each pause every root's referent
 *   gets a temporary increment, recorded in the root buffer, and the next pause decrements the buffer
 *   (after its own increments), so an object held by roots alone survives from pause to pause. NOTE:
 *   increments come first, so an object two roots hold across a pause reaches 2 + 2 for a moment and
 *   its count sticks at 3 (LXR's order, to never free early; the trace repairs it).
 * - Coalescing (Levanoni & Petrank, as LXR's field-logging barrier): the first store into a field of
 *   an old object in an epoch sets the field's log bit (a side table, one bit per 8-byte word of the
 *   simulated memory) and records the field and its OLD value; later stores to a logged field cost
 *   the store and the bit test. At the pause each logged field's CURRENT value is incremented and
 *   its logged old value decremented: one increment and one decrement however often it changed.
 * - Young objects are implicitly dead: a new object is not counted and its fields are not logged
 *   (the barrier skips young objects). At the pause an increment that reaches a young object makes it
 *   live (count 1) and its fields are then incremented in turn (they were never logged); the young
 *   objects no increment reached are freed without any decrement work.
 * - Evacuation of young survivors (LXR's young evacuation; option `evacuate`, default 1): a young
 *   object made live is first copied into fresh lines, leaving a forwarding address in its old copy,
 *   and the slot the increment came from is updated. Every reference to a young survivor is met by
 *   an increment in step 1 (a root, a logged field of an old object: the barrier logs every store
 *   into an old object, or a field of a young object made live), so every slot is updated; the
 *   finalizer and weak-reference tables follow the copies. A large object, or one with no room
 *   under the heap limit, is made live in place.
 * - Limited-bit counts: 2 bits in the shape word's GC bits. A count that reaches 3 is stuck: never
 *   incremented or decremented again; only the backup trace reclaims (or repairs) a stuck object.
 * - Recursive decrements: a count reaching zero frees the object and decrements its referents, with a
 *   typed-array worklist (decrement on pop).
 * - Line-level reclamation (RC Immix): objects live in `LineBlockSpace` (`@gclab/allocator`, counting
 *   mode: 32 KiB blocks of 256-byte lines, each line counting the objects on it; objects above 8 KiB
 *   in its large object space). A free drops its lines' counts; at the end of a pause that freed
 *   anything, `reclaimLines` turns lines back into holes and blocks into recyclable or free blocks
 *   (a free block is returned to the OS), so the mutator bump-allocates into lines whose objects died.
 * - Backup trace (LXR's snapshot-at-the-beginning trace, here in the pause): a mark from the root
 *   buffer (the roots as the RC pause saw them: the snapshot) right after an RC pause, every
 *   `traceEvery` epochs, when an allocation still fails after an RC pause, and at every explicit `gc`.
 *   It frees what it did not mark (cyclic garbage, stuck garbage; the space's sweep, which also
 *   reclaims their lines) and repairs counts: each marked
 *   object's count is recomputed from the references the trace followed (root buffer entries and the
 *   fields of marked objects), capped at 3, as "Down for the count?" restores stuck counts.
 *
 * Pause order (each step says what holds when it returns):
 * 1. increments: root referents (into the new root buffer), then each logged field's current value,
 *    clearing its log bit; young objects reached are made live (evacuated) and their fields
 *    incremented (worklist). After it, every young object reachable from a root or a counted field
 *    is live, and every slot refers to the new copy of an evacuated object.
 * 2. young sweep: objects still young are unreachable (nothing counted refers to them and no root
 *    does); they are freed, uncounted. After it, no object is young.
 * 3. decrements: the previous root buffer and the logged old values, recursively. After it, every
 *    count equals min(3, references from fields + root buffer entries), or is stuck at 3; a count of
 *    zero was freed.
 *
 * Invariants between operations (checked mode `verify()`): young objects are exactly the objects
 * allocated since the last pause; their count bits are 0. For every other object let R be its
 * references from the fields of old objects, a logged field counting its logged old value instead of
 * its current one, plus its root buffer entries: its count is min(3, R), or 3 (stuck); right after a
 * backup trace (until the next RC pause) it is exactly min(3, R). The log bits set are exactly the
 * logged fields. No mark bit is set outside a trace, and no object is forwarded outside a pause.
 *
 * Object layout: no header word (`headerWords: 0`); the count and the young bit are GC bits of the
 * shape word; the log bits and the trace's mark bits are side tables over the simulated memory.
 *
 * ```
 *  word 0  | bits 0-23 nrefs | 24-25 count (3 = stuck) | 26 young | 27 forwarded | payload bytes |
 *  word 1..| reference fields, then payload                                                      |
 *  (an evacuated object's old copy, during its pause: bit 27 set, the high slot holds the new address)
 *  log bits  logBits[slot >>> 8], bit (slot >>> 3) & 31: the field at byte address `slot` is logged
 *  marks     marks[addr >>> 8], bit (addr >>> 3) & 31: the object at `addr` is marked (trace only)
 * ```
 *
 * Finalizers and weak references (trace format 2) are left to the backup trace, as a tracing
 * collector handles them: an object with a registered finalizer, or the referent of a weak reference,
 * is never freed by counting; when its count reaches zero (or it dies young) it is kept with a stuck
 * count (`deferredToTrace`), and the next trace finds it unmarked, clears the weak references to it
 * (the callbacks of live weak references run), queues its finalizer and marks from it; the finalizer
 * runs after the trace, and a later trace frees it if it is still unreachable. A weak reference object
 * itself may be freed by counting (without its callback).
 *
 * What it keeps from LXR: deferral of roots, coalescing with a field-logging barrier and per-field
 * log bits, implicitly dead young objects, evacuation of young survivors, 2-bit stuck counts,
 * recursive decrements, increments before decrements, line-level reclamation, a backup trace from
 * the pause's root snapshot that reclaims cycles and stuck objects. What it drops: concurrency (the
 * trace and lazy decrements run in the pause), mature evacuation (fragmented old blocks are never
 * defragmented) and the remembered sets it needs, LXR's pause triggers on buffer sizes and its
 * heuristics for when to trace (here: every `traceEvery` epochs, and when the heap limit refuses an
 * allocation after an RC pause).
 *
 * `referenceCount` is -1 (`countsReferences: false`): counts are deferred (roots are counted only
 * at pauses) and limited to 2 bits, so no exact count exists to report.
 */
import { LineBlockSpace } from '@gclab/allocator';
import {
  type Collector,
  CollectorBase,
  type CollectorDescriptor,
  CollectorOptionError,
  type CollectorOptions,
  GC_BIT_0,
  type Heap,
  HeapIntegrityError,
  hex,
  integerOption,
  NREFS_MASK,
  Worklist,
} from '@gclab/core';

/** One in the 2-bit count (GC bits 0-1 of the shape word). */
export const LXR_RC_ONE = GC_BIT_0;
/** The count's bits; all set = 3 = stuck. */
export const LXR_RC_MASK = 3 * GC_BIT_0;
/** The largest count; a count that reaches it is stuck. */
export const LXR_STUCK = 3;
/** Shape-word bit: allocated since the last RC pause (uncounted, unlogged). */
export const LXR_YOUNG_BIT = GC_BIT_0 << 2;
/** Default bytes allocated per epoch (between RC pauses). */
export const DEFAULT_LXR_EPOCH_BYTES = 1 << 20;
/** Default number of RC pauses between backup traces (0: only at `gc` and on a refused allocation). */
export const DEFAULT_LXR_TRACE_EVERY = 8;

const RC_SHIFT = 24;
/** Shape-word bit of an evacuated object's old copy (inside a pause): its high slot holds the new address. */
const FORWARDED_BIT = GC_BIT_0 << 3;

/** Liveness for the tables at an RC pause: every entry is of an allocated object (or its old copy). */
function always(): boolean {
  return true;
}

/** Options of `lxr`. */
export interface LxrOptions extends CollectorOptions {
  /** Bytes allocated in an epoch before its RC pause (default 1 MiB; at least 1). */
  epochBytes?: number;
  /** 1 (default): young survivors are evacuated into fresh lines at the pause; 0: made live in place. */
  evacuate?: number;
  /** A backup trace after every this many RC pauses (default 8; 0 = never on that schedule). */
  traceEvery?: number;
}

/** LXR-style reference counting (see the file comment). */
export class Lxr extends CollectorBase {
  readonly name: string = 'lxr';
  /** Where objects live. */
  readonly space: LineBlockSpace;
  /** Bytes allocated per epoch. */
  readonly epochBytes: number;
  /** RC pauses between backup traces (0: none on that schedule). */
  readonly traceEvery: number;
  /** Whether young survivors are evacuated. */
  readonly evacuate: boolean;
  /** Log bits: one per 8-byte word of the simulated memory (see the file comment). */
  protected logBits: Int32Array;
  /** The backup trace's mark bits, laid out as the log bits (all clear outside a trace). */
  protected marks: Int32Array;
  /** The logged fields of this epoch (byte addresses), in logging order. */
  readonly modBuffer = new Worklist(1024);
  /** The old value of each logged field (0 for null), parallel to `modBuffer`. */
  readonly oldValues = new Worklist(1024);
  /** Objects allocated this epoch (young while their young bit is set). */
  readonly young = new Worklist(1024);
  /** Root referents incremented at the last pause, decremented at the next (deferred decrements). */
  protected rootBuffer = new Worklist(256);
  private nextRootBuffer = new Worklist(256);
  /** Objects made live whose fields are still to be incremented. */
  private readonly incStack = new Worklist(256);
  /** References of freed objects still to be decremented. */
  private readonly decStack = new Worklist(256);
  /** The backup trace's mark stack. */
  private readonly markStack = new Worklist(256);
  /** In checked mode, every allocated, not yet freed object. */
  protected readonly live: Set<number> | null;
  /** True from the end of a backup trace to the next RC pause: counts are exact (capped at 3). */
  protected countsRepaired = true;
  private allocatedInEpoch = 0;
  private pausesSinceTrace = 0;
  private freedObjects = 0;
  private freedBytes = 0;
  private readonly rcKind: number;
  private readonly traceKind: number;
  /** An evacuated object's new address (its old copy's forwarding address), else the address itself. */
  private readonly forward = (addr: number): number => {
    const words = this.heap.memory.words;
    return (words[addr >> 2]! & FORWARDED_BIT) !== 0 ? words[(addr >> 2) + 1]! : addr;
  };
  /** Liveness for the reference tables during a trace: marked. */
  private readonly isMarked = (addr: number): boolean =>
    (this.marks[addr >>> 8]! & (1 << ((addr >>> 3) & 31))) !== 0;

  /** RC pauses run. */
  rcPauses = 0;
  /** Backup traces run. */
  backupTraces = 0;
  /** Field stores seen by the barrier. */
  fieldStores = 0;
  /** Stores that logged a field (the first into it this epoch). */
  storesLogged = 0;
  /** Stores into an already logged field: they cost only the store (coalescing savings). */
  storesCoalesced = 0;
  /** Stores into young objects: not logged at all. */
  storesToYoung = 0;
  /** Count operations root writes would have cost under immediate counting (one per non-null old or new value). */
  rootWritesDeferred = 0;
  /** Count operations the pauses spent on roots instead (an increment and a decrement per buffer entry). */
  rootPauseOps = 0;
  /** Young objects made live by an increment. */
  youngPromoted = 0;
  /** Young objects evacuated (copied into fresh lines when made live). */
  youngEvacuated = 0;
  /** Bytes of the young objects evacuated. */
  bytesEvacuated = 0;
  /** Young objects freed without ever being counted. */
  youngFreed = 0;
  /** Counts that reached 3 (stuck) by an increment. */
  stuckCounts = 0;
  /** Objects kept for the trace at count zero: a finalizer or a weak reference to them. */
  deferredToTrace = 0;
  /** Objects freed by counting (recursive decrements), young objects excluded. */
  rcFreed = 0;
  /** Objects freed by the backup trace. */
  traceFreed = 0;
  /** RC pauses started because the heap limit refused an allocation. */
  heapLimitPauses = 0;

  constructor(heap: Heap, options: LxrOptions = {}) {
    super(heap);
    this.epochBytes = integerOption(options, 'lxr', 'epochBytes', DEFAULT_LXR_EPOCH_BYTES, 1);
    this.traceEvery = integerOption(options, 'lxr', 'traceEvery', DEFAULT_LXR_TRACE_EVERY, 0);
    const evacuate = integerOption(options, 'lxr', 'evacuate', 1, 0);
    if (evacuate > 1) throw new CollectorOptionError(`lxr: option evacuate must be 0 or 1, got ${evacuate}`);
    this.evacuate = evacuate === 1;
    this.space = new LineBlockSpace(heap.os, { countLines: true });
    this.logBits = new Int32Array(Math.ceil(heap.memory.words.length / 64));
    this.marks = new Int32Array(this.logBits.length);
    this.live = heap.checked ? new Set<number>() : null;
    this.rcKind = heap.telemetry.pauses.kindId('rc');
    this.traceKind = heap.telemetry.pauses.kindId('trace');
  }

  // ---- mutator hooks --------------------------------------------------------------------------

  allocate(size: number): number {
    if (this.allocatedInEpoch + size > this.epochBytes && this.allocatedInEpoch > 0) this.endEpoch();
    let addr = this.space.allocate(size);
    if (addr === 0) addr = this.allocateSlow(size);
    this.allocatedInEpoch += size;
    return addr;
  }

  /** The heap limit refused: an RC pause, then a backup trace, then `OutOfMemoryError`. */
  private allocateSlow(size: number): number {
    this.heapLimitPauses++;
    this.rcPause();
    let addr = this.space.allocate(size);
    if (addr !== 0) return addr;
    this.backupTrace();
    addr = this.space.allocate(size);
    if (addr !== 0) return addr;
    throw this.heap.outOfMemory(this.name, size);
  }

  /** A new object is young: uncounted, its fields unlogged. */
  override postAlloc(addr: number): void {
    const words = this.heap.memory.words;
    words[addr >> 2]! |= LXR_YOUNG_BIT;
    this.young.push(addr);
    if (this.live !== null) this.live.add(addr);
    if (words.length > this.logBits.length * 64) this.growSideTables(words.length);
  }

  /** Root writes are deferred: only counted (for the figures), never applied. */
  override rootWritten(oldValue: number, newValue: number): void {
    if (oldValue !== 0) this.rootWritesDeferred++;
    if (newValue !== 0) this.rootWritesDeferred++;
  }

  /**
   * The field-logging barrier: the first store into a field of an old object in an epoch logs the
   * field and its old value; any other store costs the bit test only.
   */
  override writeBarrierPost(obj: number, slot: number, oldValue: number, _newValue: number): void {
    this.fieldStores++;
    if ((this.heap.memory.words[obj >> 2]! & LXR_YOUNG_BIT) !== 0) {
      this.storesToYoung++;
      return;
    }
    const bits = this.logBits;
    const i = slot >>> 8;
    const bit = 1 << ((slot >>> 3) & 31);
    if ((bits[i]! & bit) !== 0) {
      this.storesCoalesced++;
      return;
    }
    bits[i]! |= bit;
    this.storesLogged++;
    this.heap.counters.barrierHits++;
    this.modBuffer.push(slot);
    this.oldValues.push(oldValue);
  }

  /** Explicit `gc`: an RC pause, then a backup trace; returns the objects both freed. */
  override collect(_generation: number): number {
    return this.rcPause() + this.backupTrace();
  }

  // ---- the RC pause ---------------------------------------------------------------------------

  /** The epoch's allocation budget is spent: an RC pause, and a backup trace when one is due. */
  private endEpoch(): void {
    this.rcPause();
    if (this.traceEvery > 0 && this.pausesSinceTrace >= this.traceEvery) this.backupTrace();
  }

  /** One RC pause (steps 1-3 of the file comment); returns the objects freed. */
  rcPause(): number {
    const heap = this.heap;
    const telemetry = heap.telemetry;
    const start = telemetry.startPause();
    const counters = heap.counters;
    const opsBefore = counters.rcIncrements + counters.rcDecrements;
    this.freedObjects = 0;
    this.freedBytes = 0;
    const movedBefore = this.youngEvacuated;

    // 1. Increments: the roots (into the new root buffer), then the logged fields' current values.
    //    Each increment returns its referent's address, new if it evacuated it, and the slot is
    //    updated. (An evacuation may map a block and grow the memory: `words` is read again.)
    const roots = heap.roots;
    const next = this.nextRootBuffer;
    next.clear();
    for (let i = 0; i < roots.top; i++) {
      const ref = roots.regs[i]!;
      if (ref !== 0) {
        const to = this.increment(ref);
        roots.regs[i] = to;
        next.push(to);
      }
    }
    for (let g = 0; g < roots.globalCount; g++) {
      const ref = roots.globals[g]!;
      if (ref !== 0) {
        const to = this.increment(ref);
        roots.globals[g] = to;
        next.push(to);
      }
    }
    const mods = this.modBuffer;
    for (let k = 0; k < mods.length; k++) {
      const slot = mods.items[k]!;
      this.logBits[slot >>> 8]! &= ~(1 << ((slot >>> 3) & 31));
      const ref = heap.memory.words[slot >> 2]!;
      if (ref !== 0) {
        // The increment first: an evacuation may grow the memory, and `heap.memory.words[...] = f()`
        // would store into the array read before the call.
        const to = this.incrementLogged(ref);
        heap.memory.words[slot >> 2] = to;
      }
    }
    this.incrementFields();

    // 2. Young sweep: what is still young is unreachable.
    this.sweepYoung();
    if (this.youngEvacuated !== movedBefore) this.forwardTables();
    const words = heap.memory.words;

    // 3. Decrements: the previous pause's root buffer, then the logged old values, recursively.
    const old = this.rootBuffer;
    for (let k = 0; k < old.length; k++) this.decrement(words, old.items[k]!);
    const olds = this.oldValues;
    for (let k = 0; k < olds.length; k++) {
      const ref = olds.items[k]!;
      if (ref !== 0) this.decrementOld(words, ref);
    }
    this.decrementFields(words);

    this.rootPauseOps += next.length + old.length;
    old.clear();
    this.rootBuffer = next;
    this.nextRootBuffer = old;
    mods.clear();
    olds.clear();
    this.young.clear();
    this.allocatedInEpoch = 0;
    this.countsRepaired = false;
    this.rcPauses++;
    this.pausesSinceTrace++;
    const freed = this.flushFrees();
    // Line-level reclamation: lines (and blocks) whose objects all died or moved become holes again.
    if (freed > 0 || this.youngEvacuated !== movedBefore) this.space.reclaimLines();
    telemetry.endPause(this.rcKind, start, counters.rcIncrements + counters.rcDecrements - opsBefore);
    telemetry.recordCollection('rc', freed, 0);
    return freed;
  }

  /**
   * One increment of the object at `ref` (from a root, a logged field or a field of an object made
   * live); returns its address, which the caller stores back into the slot. A young referent is made
   * live (count 1; its fields follow, on `incStack`) and, with `evacuate`, copied into fresh lines
   * first; a referent evacuated earlier in this pause forwards to its copy; any other gets +1 unless
   * its count is stuck.
   */
  protected increment(ref: number): number {
    const heap = this.heap;
    heap.counters.rcIncrements++;
    let words = heap.memory.words;
    let obj = ref;
    let w = words[ref >> 2]!;
    if ((w & (LXR_YOUNG_BIT | FORWARDED_BIT)) !== 0) {
      if ((w & FORWARDED_BIT) !== 0) {
        obj = words[(ref >> 2) + 1]!;
        w = words[obj >> 2]!;
      } else {
        this.youngPromoted++;
        if (this.evacuate) {
          obj = this.evacuateYoung(ref);
          words = heap.memory.words;
        }
        words[obj >> 2] = (w & ~LXR_YOUNG_BIT) | LXR_RC_ONE;
        this.incStack.push(obj);
        return obj;
      }
    }
    if ((w & LXR_RC_MASK) !== LXR_RC_MASK) {
      words[obj >> 2] = w + LXR_RC_ONE;
      if ((w & LXR_RC_MASK) === 2 * LXR_RC_ONE) this.stuckCounts++;
    }
    return obj;
  }

  /** The increment of a logged field's current value (the same as a root's; a seam for tests). */
  protected incrementLogged(ref: number): number {
    return this.increment(ref);
  }

  /**
   * Copies the young object at `from` into fresh lines and leaves a forwarding address in its old
   * shape word; returns the new address, or `from` when it stays (a large object, or no room under
   * the heap limit). The old copy's lines are released.
   *
   * NOTE: the copy is bump-allocated by the mutator's allocator (the next free lines of its current
   * hole, then of the recyclable blocks), not by the space's copy allocator, which takes a whole free
   * block per pause: survivors of successive pauses would then each pin a block, and a small heap
   * limit runs out with a few live objects. The allocator only moves forward within a pause and never
   * reaches lines that hold this epoch's objects, so no old copy is overwritten before the pause ends.
   */
  private evacuateYoung(from: number): number {
    const heap = this.heap;
    const size = heap.model.size(heap.memory.words, from);
    if (size > this.space.largeObjectBytes) return from;
    const to = this.space.allocate(size);
    if (to === 0) return from;
    const words = heap.memory.words;
    if (words.length > this.logBits.length * 64) this.growSideTables(words.length);
    words.copyWithin(to >> 2, from >> 2, (from + size) >> 2);
    this.space.free(from, size);
    words[from >> 2] = (words[from >> 2]! & ~LXR_YOUNG_BIT) | FORWARDED_BIT;
    words[(from >> 2) + 1] = to;
    heap.counters.bytesCopied += size;
    heap.recordMove(from, to);
    if (this.live !== null) {
      this.live.delete(from);
      this.live.add(to);
    }
    this.youngEvacuated++;
    this.bytesEvacuated += size;
    return to;
  }

  /** The finalizer and weak-reference tables follow the objects this pause evacuated. */
  private forwardTables(): void {
    const heap = this.heap;
    if (heap.finalizers.size !== 0) heap.finalizers.retain(always, this.forward);
    if (heap.weakRefs.size !== 0) heap.weakRefs.retain(always, this.forward);
  }

  /** Increments the fields of every object made live, until none is left (no recursion). */
  private incrementFields(): void {
    const stack = this.incStack;
    const heap = this.heap;
    const fieldOffset = heap.model.fieldOffset;
    while (stack.length > 0) {
      const obj = stack.pop();
      const n = heap.memory.words[obj >> 2]! & NREFS_MASK;
      const first = (obj + fieldOffset) >> 2;
      for (let p = first, end = first + 2 * n; p < end; p += 2) {
        const ref = heap.memory.words[p]!;
        if (ref !== 0) {
          const to = this.increment(ref);
          if (to !== ref) heap.memory.words[p] = to;
        }
      }
    }
  }

  /**
   * Frees every object still young: no root and no counted field refers to one. An object the trace
   * must see first (a finalizer, a weak reference to it) is made live in place with a stuck count
   * instead. Evacuated objects' old copies are not young any more: they were released when copied.
   */
  private sweepYoung(): void {
    const young = this.young;
    const items = young.items;
    const heap = this.heap;
    if (heap.finalizers.size !== 0 || heap.weakRefs.size !== 0) {
      const words = heap.memory.words;
      for (let k = 0; k < young.length; k++) {
        const obj = items[k]!;
        const w = words[obj >> 2]!;
        if ((w & LXR_YOUNG_BIT) !== 0 && this.keptForTrace(obj)) {
          words[obj >> 2] = (w & ~LXR_YOUNG_BIT) | LXR_RC_MASK;
          this.deferredToTrace++;
          this.incStack.push(obj);
        }
      }
      this.incrementFields();
    }
    const words = heap.memory.words;
    for (let k = 0; k < young.length; k++) {
      const obj = items[k]!;
      if ((words[obj >> 2]! & LXR_YOUNG_BIT) !== 0) {
        this.youngFreed++;
        this.freeObject(words, obj);
      }
    }
  }

  /** A decrement (a root buffer entry or a freed object's field): frees at zero; stuck counts stay. */
  protected decrement(words: Int32Array, ref: number): void {
    this.heap.counters.rcDecrements++;
    const w = words[ref >> 2]!;
    const count = (w & LXR_RC_MASK) >>> RC_SHIFT;
    if (count === LXR_STUCK) return;
    if (count === 0 || (w & LXR_YOUNG_BIT) !== 0) {
      this.fail(`decrement of the object at ${hex(ref)}, whose count is ${count === 0 ? 'zero' : 'young'}`);
    }
    if (count > 1) {
      words[ref >> 2] = w - LXR_RC_ONE;
      return;
    }
    if (this.keptForTrace(ref)) {
      words[ref >> 2] = w | LXR_RC_MASK;
      this.deferredToTrace++;
      return;
    }
    words[ref >> 2] = w - LXR_RC_ONE;
    // Its referents were counted: they are decremented when popped.
    const n = w & NREFS_MASK;
    if (n > 0) {
      const stack = this.decStack;
      stack.reserve(n);
      const first = (ref + this.heap.model.fieldOffset) >> 2;
      for (let p = first + 2 * (n - 1); p >= first; p -= 2) {
        const field = words[p]!;
        if (field !== 0) stack.items[stack.length++] = field;
      }
    }
    this.rcFreed++;
    this.freeObject(words, ref);
  }

  /** The decrement of a logged old value (the same as any; a seam for tests). */
  protected decrementOld(words: Int32Array, ref: number): void {
    this.decrement(words, ref);
  }

  /** Decrements the referents of freed objects, until none is left (no recursion). */
  private decrementFields(words: Int32Array): void {
    const stack = this.decStack;
    while (stack.length > 0) this.decrement(words, stack.pop());
  }

  /** Whether the object at `addr` must be left to the trace: a finalizer, or a weak reference to it. */
  private keptForTrace(addr: number): boolean {
    const heap = this.heap;
    return heap.finalizers.has(addr) || heap.weakRefs.isReferent(addr);
  }

  /** Returns one dead object's memory to the space and reports it (in bulk when unobserved). */
  private freeObject(words: Int32Array, addr: number): void {
    const heap = this.heap;
    const size = heap.model.size(words, addr);
    if (heap.weakRefs.size !== 0) heap.weakRefs.objectFreed(addr);
    this.space.free(addr, size);
    if (this.live !== null) this.live.delete(addr);
    this.freedObjects++;
    if (heap.freesObserved) heap.recordFree(addr, size);
    else this.freedBytes += size;
  }

  /** Reports the frees of a pause not yet reported one by one; returns the objects freed. */
  private flushFrees(): number {
    const heap = this.heap;
    if (!heap.freesObserved && this.freedObjects > 0) heap.recordBulkFree(this.freedObjects, this.freedBytes);
    return this.freedObjects;
  }

  // ---- the backup trace -----------------------------------------------------------------------

  /**
   * The backup trace, right after an RC pause (no young object, no logged field): marks from the
   * root buffer, recomputing each marked object's count; frees every unmarked object. Returns the
   * objects freed.
   */
  backupTrace(): number {
    const heap = this.heap;
    const telemetry = heap.telemetry;
    const start = telemetry.startPause();
    let words = heap.memory.words;
    const roots = this.rootBuffer;
    let marked = 0;
    for (let k = 0; k < roots.length; k++) marked += this.traceReference(words, roots.items[k]!);
    marked += this.traceFields(words);
    let queue: readonly number[] = NO_OBJECTS;
    if (heap.weakRefs.size !== 0 || heap.finalizers.size !== 0) {
      if (heap.weakRefs.size !== 0) heap.weakRefs.clearUnreachable(this.isMarked);
      if (heap.finalizers.size !== 0) queue = heap.finalizers.unreachable(this.isMarked);
      // A queued object survives this trace, and so does what it reaches; its count is what marked
      // objects' fields give it (the queue holds no counted reference).
      const marks = this.marks;
      for (const obj of queue) {
        const bit = 1 << ((obj >>> 3) & 31);
        if ((marks[obj >>> 8]! & bit) === 0) {
          marks[obj >>> 8]! |= bit;
          words[obj >> 2]! &= ~LXR_RC_MASK;
          this.markStack.push(obj);
          marked++;
        }
      }
      marked += this.traceFields(words);
      heap.weakRefs.retain(this.isMarked);
      heap.finalizers.retain(this.isMarked);
    }
    heap.counters.objectsTraced += marked;
    if (this.live !== null) {
      for (const addr of this.live) if (!this.isMarked(addr)) this.live.delete(addr);
    }
    // The space frees the unmarked objects (reported to the heap) and reclaims their lines.
    const swept = this.space.sweep(heap, this.marks);
    this.marks.fill(0);
    heap.counters.bytesSwept += swept.bytesSwept;
    words = heap.memory.words;
    this.traceFreed += swept.objectsFreed;
    this.backupTraces++;
    this.pausesSinceTrace = 0;
    this.countsRepaired = true;
    telemetry.endPause(this.traceKind, start, marked);
    telemetry.recordCollection('full', swept.objectsFreed, 0);
    for (const obj of queue) heap.runFinalizer(obj);
    return swept.objectsFreed;
  }

  /**
   * The trace follows one counted reference to `ref`: the first marks it and sets its count to 1
   * (pushing it); each later one adds 1 up to 3. Returns 1 if it marked `ref`. So when the trace is
   * done, a marked object's count is min(3, the references to it the trace followed).
   */
  protected traceReference(words: Int32Array, ref: number): number {
    const w = words[ref >> 2]!;
    const marks = this.marks;
    const bit = 1 << ((ref >>> 3) & 31);
    if ((marks[ref >>> 8]! & bit) === 0) {
      marks[ref >>> 8]! |= bit;
      words[ref >> 2] = (w & ~LXR_RC_MASK) | LXR_RC_ONE;
      this.markStack.push(ref);
      return 1;
    }
    if ((w & LXR_RC_MASK) !== LXR_RC_MASK) words[ref >> 2] = w + LXR_RC_ONE;
    return 0;
  }

  /** Follows the fields of every object on the mark stack; returns the objects it marked. */
  private traceFields(words: Int32Array): number {
    const stack = this.markStack;
    const fieldOffset = this.heap.model.fieldOffset;
    let marked = 0;
    while (stack.length > 0) {
      const obj = stack.pop();
      const n = words[obj >> 2]! & NREFS_MASK;
      const first = (obj + fieldOffset) >> 2;
      for (let p = first, end = first + 2 * n; p < end; p += 2) {
        const ref = words[p]!;
        if (ref !== 0) marked += this.traceReference(words, ref);
      }
    }
    return marked;
  }

  // ---- checks and figures ---------------------------------------------------------------------

  /** Checked mode: the invariants of the file comment, then the space's bookkeeping. */
  override verify(): void {
    this.space.verify(this.heap);
    for (let i = 0; i < this.marks.length; i++) {
      if (this.marks[i] !== 0) this.fail('a mark bit is set outside a backup trace');
    }
    const live = this.live;
    if (live === null) return;
    const words = this.heap.memory.words;
    const fieldOffset = this.heap.model.fieldOffset;
    const youngSet = new Set<number>();
    for (let k = 0; k < this.young.length; k++) youngSet.add(this.young.items[k]!);
    const logged = new Map<number, number>();
    for (let k = 0; k < this.modBuffer.length; k++) {
      const slot = this.modBuffer.items[k]!;
      if (logged.has(slot)) this.fail(`the field at ${hex(slot)} is logged twice`);
      if ((this.logBits[slot >>> 8]! & (1 << ((slot >>> 3) & 31))) === 0) {
        this.fail(`the field at ${hex(slot)} is in the modification buffer but its log bit is clear`);
      }
      logged.set(slot, this.oldValues.items[k]!);
    }
    let bitsSet = 0;
    for (let i = 0; i < this.logBits.length; i++) {
      let b = this.logBits[i]!;
      while (b !== 0) {
        b &= b - 1;
        bitsSet++;
      }
    }
    if (bitsSet !== logged.size) this.fail(`${bitsSet} log bits are set for ${logged.size} logged fields`);
    const references = new Map<number, number>();
    const note = (ref: number) => {
      if (ref !== 0) references.set(ref, (references.get(ref) ?? 0) + 1);
    };
    for (const addr of live) {
      const w = words[addr >> 2]!;
      const isYoung = (w & LXR_YOUNG_BIT) !== 0;
      if (isYoung !== youngSet.has(addr)) {
        this.fail(
          `the object at ${hex(addr)} is ${isYoung ? '' : 'not '}young but was ${isYoung ? 'not ' : ''}allocated this epoch`,
        );
      }
      if ((w & FORWARDED_BIT) !== 0) this.fail(`the object at ${hex(addr)} is forwarded outside a pause`);
      if (isYoung) {
        if ((w & LXR_RC_MASK) !== 0) this.fail(`the young object at ${hex(addr)} has a count`);
        continue;
      }
      const n = w & NREFS_MASK;
      for (let i = 0; i < n; i++) {
        const slot = addr + fieldOffset + 8 * i;
        const old = logged.get(slot);
        note(old ?? words[slot >> 2]!);
      }
    }
    for (let k = 0; k < this.rootBuffer.length; k++) note(this.rootBuffer.items[k]!);
    for (const addr of live) {
      const w = words[addr >> 2]!;
      if ((w & LXR_YOUNG_BIT) !== 0) continue;
      const count = (w & LXR_RC_MASK) >>> RC_SHIFT;
      const expected = Math.min(LXR_STUCK, references.get(addr) ?? 0);
      if (count === expected || (count === LXR_STUCK && !this.countsRepaired)) continue;
      this.fail(
        `the object at ${hex(addr)} has count ${count} but ${references.get(addr) ?? 0} counted references` +
          (this.countsRepaired ? ' right after a backup trace' : ''),
      );
    }
  }

  override stats(): Record<string, number> {
    return {
      rcPauses: this.rcPauses,
      backupTraces: this.backupTraces,
      increments: this.heap.counters.rcIncrements,
      decrements: this.heap.counters.rcDecrements,
      fieldStores: this.fieldStores,
      storesLogged: this.storesLogged,
      storesCoalesced: this.storesCoalesced,
      storesToYoung: this.storesToYoung,
      rootWritesDeferred: this.rootWritesDeferred,
      rootPauseOps: this.rootPauseOps,
      rootOpsSaved: this.rootWritesDeferred - this.rootPauseOps,
      youngPromoted: this.youngPromoted,
      youngFreed: this.youngFreed,
      youngEvacuated: this.youngEvacuated,
      bytesEvacuated: this.bytesEvacuated,
      stuckCounts: this.stuckCounts,
      deferredToTrace: this.deferredToTrace,
      rcFreed: this.rcFreed,
      traceFreed: this.traceFreed,
      freedWithoutTrace: this.rcFreed + this.youngFreed,
      heapLimitPauses: this.heapLimitPauses,
      epochBytes: this.epochBytes,
      traceEvery: this.traceEvery,
      spaceLiveBytes: this.space.liveBytes,
      spaceReservedBytes: this.space.reservedBytes,
      blocks: this.space.blocks,
      recyclableBlocks: this.space.recyclableBlocks,
      fragmentedBytes: this.space.fragmentedBytes,
    };
  }

  /** Makes the log bits and the mark bits cover a memory of `memoryWords` 32-bit slots. */
  private growSideTables(memoryWords: number): void {
    const length = Math.ceil(memoryWords / 64);
    const logBits = new Int32Array(length);
    logBits.set(this.logBits);
    this.logBits = logBits;
    this.marks = new Int32Array(length);
  }

  /** Throws `HeapIntegrityError` for the running operation. */
  protected fail(reason: string): never {
    throw new HeapIntegrityError(this.heap.opIndex, `${this.name}: ${reason}`);
  }
}

const NO_OBJECTS: readonly number[] = Object.freeze([]);

/** Descriptor of `lxr`. */
export const lxr: CollectorDescriptor = {
  name: 'lxr',
  family: 'hybrid',
  summary:
    'LXR-style reference counting: deferred roots, coalescing field-logging barrier, implicitly dead young objects, 2-bit stuck counts, backup trace.',
  constraints: {
    movesObjects: true,
    reclaimsCycles: true,
    countsReferences: false,
    generational: false,
    incremental: false,
    headerWords: 0,
  },
  // Small epochs and frequent traces, so that short programs reach RC pauses between operations.
  verifyOptionSets: [{ epochBytes: 256, traceEvery: 3 }],
  create(heap: Heap, options: CollectorOptions = {}): Collector {
    return new Lxr(heap, options as LxrOptions);
  },
};
