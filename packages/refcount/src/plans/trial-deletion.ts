/**
 * `refcount-trial-deletion`: immediate reference counting plus the synchronous cycle collector of
 * Bacon & Rajan, "Concurrent Cycle Collection in Reference Counted Systems" (ECOOP 2001, §3; GC
 * Handbook §5.5, Algorithm 5.4): trial deletion.
 *
 * Counting is `ImmediateCounting` (as `refcount`): every root write and field store counts, a count
 * reaching zero frees at once (the cascade). The barrier's extra work: an increment colours its
 * object black; a decrement that leaves a count above zero (in the barrier, a root write or inside
 * a cascade: `ReferenceCounting.survived`) makes the object a possible root of a garbage cycle:
 * coloured purple and, unless it is already, buffered as a candidate (PossibleRoot). A candidate
 * that is freed by counting leaves the buffer at once (its slot becomes 0: see the NOTE).
 *
 * `collectCycles` (the collection), each phase saying what holds when it returns:
 * 1. MarkRoots: each buffered candidate still purple is marked gray (MarkGray: colour gray, then
 *    subtract one from the count of each referent and mark it gray, recursively: the trial deletion
 *    of the candidates' subgraph); the others (black since: an increment reached them) leave the
 *    buffer. After this, every object reachable from a candidate is gray and its count is the
 *    number of references from outside the gray set (roots, other objects).
 * 2. ScanRoots: Scan each candidate: a gray object with count above zero is referenced from outside,
 *    so it and everything it reaches is live: ScanBlack re-blackens them, adding back the counts
 *    MarkGray subtracted along their references; a gray object with count zero becomes white and
 *    its referents are scanned. After this, white = gray set minus what an outside reference
 *    reaches: exactly the garbage in it; black objects' counts are exact.
 * 3. CollectRoots: every candidate leaves the buffer, and CollectWhite frees the white objects
 *    reachable from each. Their references to black objects stay subtracted (they die with them),
 *    so every count is exact again.
 * Every garbage object is reachable from a buffered candidate (the decrement that cut its last path
 * from the roots made one), so each collection is complete: it is logged as 'full'.
 *
 * Trigger: when the buffer holds `candidateThreshold` candidates (option, default 10,000, PHP's root
 * buffer `GC_THRESHOLD_DEFAULT`), checked at allocation (the safepoint); when an allocation fails
 * under the heap limit (then it is tried once more); at an explicit `gc`.
 *
 * Finalizers and weak references (trace format 2), when the white set holds or is referred to by
 * any, in CPython's order (`handle_weakrefs`, `finalize_garbage`, then what is still garbage):
 * (a) the white objects' own references are counted again (every count exact); (b) weak references
 * to white objects are cleared, and callbacks run for those not white themselves (a white weak
 * reference object is cleared first, without callback); (c) the finalizers of white objects run
 * (each once; legacy ones too, since there is no gc.garbage); one may resurrect its object into a
 * global; (d) the objects whose finalizer ran, and the white objects they reach, are kept (black)
 * and the finalized ones buffered again, so the next collection frees them if they are still
 * garbage (a tracing collector's finalization queue; CPython frees them at once after a second
 * pass); (e) the other white objects are freed and their references to survivors decremented
 * (which may free those by counting, with their finalizers). Reference counting at count zero keeps
 * `ReferenceCounting`'s rules.
 *
 * Object layout (header word 1 is the count, as every counting collector's):
 *
 * ```
 *  word 0  | shape: bits 0-23 nrefs, 24-25 colour, 26 buffered, 28-30 count ceilings | payload bytes     |
 *  word 1  | reference count                                                         | buffer index      |
 * ```
 * colour: 0 black, 1 gray, 2 white, 3 purple (`COLOUR_MASK`, `GRAY`, `WHITE`, `PURPLE`); buffered
 * (`BUFFERED_BIT`): in the candidate buffer, at the index kept in the high half of the count word
 * (free there: counts are 32 bits); bits 28-30 are the count-ceiling tally (count-ceilings.ts).
 *
 * Kept from the paper: the colours, the buffered flag, MarkRoots/ScanRoots/CollectRoots and the
 * recursive MarkGray, Scan, ScanBlack and CollectWhite (iterative here, on typed-array stacks).
 * Changed: a buffered object whose count reaches zero is freed at once and leaves the buffer (the
 * paper leaves it, black, for MarkRoots to free); acyclic (green) objects are decided per object,
 * not per class: an object without reference fields cannot be on a cycle, so it is never a
 * candidate. Dropped: the concurrent collector (§4) and its sigma/delta tests.
 *
 * Invariants between collections (checked mode, `verify`): counts exact (heap fields plus roots);
 * every object black or purple, never gray or white; purple implies buffered; a buffered object is
 * in the buffer at its recorded index; the buffer's live entries number `candidates`; an object
 * without reference fields is never buffered.
 *
 * NOTE (why a freed candidate leaves the buffer at once, PHP's `gc_remove_from_buffer` does the
 * same): `a.f = b; b.f = a; del b` buffers b (count 2 -> 1); `del a` then frees neither, so b
 * stays. But with `x.f = y; del y` (y buffered, count 1) then `del x`, the cascade frees y: left in
 * the buffer, its slot would name a freed block, later a new object at the same address.
 */
import {
  type Collector,
  type CollectorDescriptor,
  type CollectorOptions,
  GC_BIT_0,
  type Heap,
  hex,
  integerOption,
  NREFS_MASK,
  OutOfMemoryError,
  Worklist,
} from '@gclab/core';
import { ImmediateCounting, type ImmediateCountingOptions } from '../immediate-counting.ts';
import { COUNT_SLOT } from '../reference-counting.ts';

/** The colour bits (GC bits 0-1 of the shape word); black is 0. */
export const COLOUR_MASK = 3 * GC_BIT_0;
/** Colour gray: in the subgraph under trial deletion. */
export const GRAY = GC_BIT_0;
/** Colour white: garbage, found by Scan. */
export const WHITE = 2 * GC_BIT_0;
/** Colour purple: a possible root of a garbage cycle. */
export const PURPLE = 3 * GC_BIT_0;
/** The buffered flag (GC bit 2): in the candidate buffer. */
export const BUFFERED_BIT = 4 * GC_BIT_0;
/** Index offset, in 32-bit slots from `addr >> 2`, of a buffered object's index in the buffer. */
const INDEX_SLOT = COUNT_SLOT + 1;

/** Default number of buffered candidates that triggers a collection (PHP's root buffer size). */
export const DEFAULT_CANDIDATE_THRESHOLD = 10_000;

/** Options of `refcount-trial-deletion`. */
export interface TrialDeletionOptions extends ImmediateCountingOptions {
  /** Collect cycles when this many candidates are buffered (default 10,000; at least 1). */
  candidateThreshold?: number;
}

/** Immediate reference counting with Bacon & Rajan's synchronous cycle collector. */
export class TrialDeletion extends ImmediateCounting {
  readonly name: string = 'refcount-trial-deletion';
  protected override readonly watchesSurvivors: boolean = true;
  /** Buffered candidates that trigger a collection. */
  readonly candidateThreshold: number;
  /** The candidate buffer (Roots): addresses, 0 for a slot whose object was freed since. */
  readonly buffer = new Worklist(1024);
  /** Live (non-zero) entries of the buffer. */
  candidates = 0;
  /** Candidates buffered so far. */
  candidatesBuffered = 0;
  /**
   * Candidates MarkRoots found no longer purple and dropped: an increment blackened them, or an
   * earlier candidate's MarkGray already reached them (Scan reaches them from it).
   */
  candidatesDropped = 0;
  /** Cycle collections run. */
  cycleCollections = 0;
  /** Objects marked gray, all collections. */
  markedGray = 0;
  /** Gray objects Scan examined, all collections. */
  scanned = 0;
  /** Objects re-blackened by ScanBlack (their counts restored), all collections. */
  scannedBlack = 0;
  /** White objects CollectWhite found, all collections (freed, unless finalization kept them). */
  white = 0;
  /** White objects freed, all collections. */
  freedWhite = 0;
  /** Work units of the largest collection (gray + scanned + black + white). */
  largestCollectionWork = 0;
  /** MarkGray's stack. */
  private readonly grayStack = new Worklist(1024);
  /** Scan's and CollectWhite's stack. */
  private readonly scanStack = new Worklist(1024);
  /** ScanBlack's stack (it runs inside Scan). */
  private readonly blackStack = new Worklist(1024);
  /** The white objects one collection found. */
  private readonly whites = new Worklist(1024);
  private readonly pauseKind: number;

  constructor(heap: Heap, options: TrialDeletionOptions = {}) {
    super(heap, 'refcount-trial-deletion', options);
    this.candidateThreshold = integerOption(
      options,
      'refcount-trial-deletion',
      'candidateThreshold',
      DEFAULT_CANDIDATE_THRESHOLD,
      1,
    );
    this.pauseKind = heap.telemetry.pauses.kindId('trial-deletion');
  }

  override allocate(size: number): number {
    if (this.candidates >= this.candidateThreshold) this.collectCycles();
    try {
      return this.allocateBlock(size);
    } catch (error) {
      // The heap limit refused: the candidates may lead to garbage cycles, so collect and retry once.
      if (!(error instanceof OutOfMemoryError) || this.candidates === 0) throw error;
      this.collectCycles();
      return this.allocateBlock(size);
    }
  }

  /** Increment: the count (and its ceilings), and the object is black (Bacon & Rajan's Increment). */
  protected override increment(addr: number): void {
    super.increment(addr);
    const words = this.heap.memory.words;
    const w = words[addr >> 2]!;
    if ((w & COLOUR_MASK) !== 0) words[addr >> 2] = w & ~COLOUR_MASK;
  }

  /** PossibleRoot: a decrement left the count above zero: purple, and buffered unless it is. */
  protected override survived(addr: number): void {
    const words = this.heap.memory.words;
    const s = addr >> 2;
    const w = words[s]!;
    if ((w & COLOUR_MASK) === PURPLE || (w & NREFS_MASK) === 0) return;
    if ((w & BUFFERED_BIT) !== 0) {
      words[s] = (w & ~COLOUR_MASK) | PURPLE;
      return;
    }
    words[s] = (w & ~COLOUR_MASK) | PURPLE | BUFFERED_BIT;
    this.bufferCandidate(addr);
  }

  /** Appends `addr` (its flag already set) to the buffer, compacting it first when full of holes. */
  protected bufferCandidate(addr: number): void {
    const buffer = this.buffer;
    if (buffer.length === buffer.items.length && this.candidates <= buffer.length >> 1) this.compact();
    this.heap.memory.words[(addr >> 2) + INDEX_SLOT] = buffer.length;
    buffer.push(addr);
    this.candidates++;
    this.candidatesBuffered++;
  }

  /** Removes the freed slots (0) from the buffer, recording each candidate's new index. */
  private compact(): void {
    const words = this.heap.memory.words;
    const items = this.buffer.items;
    let kept = 0;
    for (let k = 0; k < this.buffer.length; k++) {
      const addr = items[k]!;
      if (addr === 0) continue;
      words[(addr >> 2) + INDEX_SLOT] = kept;
      items[kept++] = addr;
    }
    this.buffer.length = kept;
  }

  /** A buffered object freed by counting leaves the buffer (its slot becomes 0). */
  protected override objectFreed(addr: number): void {
    const words = this.heap.memory.words;
    if ((words[addr >> 2]! & BUFFERED_BIT) === 0) return;
    this.buffer.items[words[(addr >> 2) + INDEX_SLOT]!] = 0;
    this.candidates--;
  }

  /** Explicit `gc` (any generation): collects cycles; returns the number of objects freed. */
  override collect(_generation: number): number {
    return this.collectCycles();
  }

  /** CollectCycles: MarkRoots, ScanRoots, CollectRoots; returns the number of objects freed. */
  collectCycles(): number {
    const heap = this.heap;
    const start = heap.telemetry.startPause();
    const freedBefore = heap.counters.objectsFreed;
    const work = this.markedGray + this.scanned + this.scannedBlack + this.white;
    this.collecting = true;
    const words = heap.memory.words;
    const buffer = this.buffer;
    const roots = buffer.items;
    // 1. MarkRoots. After this, roots[0, n) are the purple candidates, all still buffered.
    let n = 0;
    for (let k = 0; k < buffer.length; k++) {
      const addr = roots[k]!;
      if (addr === 0) continue;
      const w = words[addr >> 2]!;
      if ((w & COLOUR_MASK) === PURPLE) {
        this.markGray(addr);
        roots[n++] = addr;
      } else {
        words[addr >> 2] = w & ~BUFFERED_BIT;
        this.candidatesDropped++;
      }
    }
    // 2. ScanRoots.
    for (let k = 0; k < n; k++) this.scan(roots[k]!);
    // 3. CollectRoots: the buffer empties, then the white objects are gathered (coloured black).
    for (let k = 0; k < n; k++) words[roots[k]! >> 2]! &= ~BUFFERED_BIT;
    buffer.length = 0;
    this.candidates = 0;
    const whites = this.whites;
    whites.length = 0;
    for (let k = 0; k < n; k++) this.collectWhite(roots[k]!);
    this.white += whites.length;
    if (heap.finalizers.size === 0 && heap.weakRefs.size === 0) {
      for (let k = 0; k < whites.length; k++) this.freeObject(whites.items[k]!);
      this.freedWhite += whites.length;
    } else {
      this.reclaimFinalizing();
    }
    whites.length = 0;
    this.collecting = false;
    this.cycleCollections++;
    const units = this.markedGray + this.scanned + this.scannedBlack + this.white - work;
    if (units > this.largestCollectionWork) this.largestCollectionWork = units;
    const freed = heap.counters.objectsFreed - freedBefore;
    heap.telemetry.endPause(this.pauseKind, start, units);
    heap.telemetry.recordCollection('full', freed, 0);
    return freed;
  }

  /** MarkGray(root): colours gray what `root` reaches, subtracting one count per reference. */
  protected markGray(root: number): void {
    const words = this.heap.memory.words;
    const w0 = words[root >> 2]!;
    if ((w0 & COLOUR_MASK) === GRAY) return;
    words[root >> 2] = (w0 & ~COLOUR_MASK) | GRAY;
    this.markedGray++;
    const stack = this.grayStack;
    const fieldOffset = this.fieldOffset;
    stack.push(root);
    // Invariant: every object on the stack is gray and its references not yet subtracted.
    while (stack.length > 0) {
      const s = stack.pop();
      const nrefs = words[s >> 2]! & NREFS_MASK;
      stack.reserve(nrefs);
      const first = (s + fieldOffset) >> 2;
      for (let p = first; p < first + 2 * nrefs; p += 2) {
        const t = words[p]!;
        if (t === 0) continue;
        this.trialDecrement(words, t);
        const w = words[t >> 2]!;
        if ((w & COLOUR_MASK) !== GRAY) {
          words[t >> 2] = (w & ~COLOUR_MASK) | GRAY;
          this.markedGray++;
          stack.items[stack.length++] = t;
        }
      }
    }
  }

  /** MarkGray's subtraction of one reference to `t` (a step of its own for the broken variants). */
  protected trialDecrement(words: Int32Array, t: number): void {
    words[(t >> 2) + COUNT_SLOT]!--;
  }

  /** Scan(root): gray objects with a count above zero go black (ScanBlack), the others white. */
  protected scan(root: number): void {
    const words = this.heap.memory.words;
    const stack = this.scanStack;
    const fieldOffset = this.fieldOffset;
    stack.push(root);
    while (stack.length > 0) {
      const s = stack.pop();
      const w = words[s >> 2]!;
      if ((w & COLOUR_MASK) !== GRAY) continue;
      this.scanned++;
      if (words[(s >> 2) + COUNT_SLOT]! > 0) {
        this.scanBlack(s);
        continue;
      }
      words[s >> 2] = (w & ~COLOUR_MASK) | WHITE;
      const nrefs = w & NREFS_MASK;
      stack.reserve(nrefs);
      const first = (s + fieldOffset) >> 2;
      for (let p = first; p < first + 2 * nrefs; p += 2) {
        const t = words[p]!;
        if (t !== 0 && (words[t >> 2]! & COLOUR_MASK) === GRAY) stack.items[stack.length++] = t;
      }
    }
  }

  /** ScanBlack(root): colours black what `root` reaches, adding back one count per reference. */
  protected scanBlack(root: number): void {
    const words = this.heap.memory.words;
    words[root >> 2]! &= ~COLOUR_MASK;
    this.scannedBlack++;
    const stack = this.blackStack;
    const fieldOffset = this.fieldOffset;
    stack.push(root);
    // Invariant: every object on the stack is black, its references not yet added back.
    while (stack.length > 0) {
      const s = stack.pop();
      const nrefs = words[s >> 2]! & NREFS_MASK;
      stack.reserve(nrefs);
      const first = (s + fieldOffset) >> 2;
      for (let p = first; p < first + 2 * nrefs; p += 2) {
        const t = words[p]!;
        if (t === 0) continue;
        this.restoreCount(words, t);
        const w = words[t >> 2]!;
        if ((w & COLOUR_MASK) !== 0) {
          words[t >> 2] = w & ~COLOUR_MASK;
          this.scannedBlack++;
          stack.items[stack.length++] = t;
        }
      }
    }
  }

  /** ScanBlack's restoration of one reference to `t` (a step of its own for the broken variants). */
  protected restoreCount(words: Int32Array, t: number): void {
    words[(t >> 2) + COUNT_SLOT]!++;
  }

  /** CollectWhite(root): gathers into `whites` the white objects `root` reaches, colouring them black. */
  protected collectWhite(root: number): void {
    const words = this.heap.memory.words;
    if ((words[root >> 2]! & COLOUR_MASK) !== WHITE) return;
    words[root >> 2]! &= ~COLOUR_MASK;
    const whites = this.whites;
    const stack = this.scanStack;
    const fieldOffset = this.fieldOffset;
    whites.push(root);
    stack.push(root);
    while (stack.length > 0) {
      const s = stack.pop();
      const nrefs = words[s >> 2]! & NREFS_MASK;
      const first = (s + fieldOffset) >> 2;
      for (let p = first; p < first + 2 * nrefs; p += 2) {
        const t = words[p]!;
        if (t === 0 || (words[t >> 2]! & COLOUR_MASK) !== WHITE) continue;
        words[t >> 2]! &= ~COLOUR_MASK;
        whites.push(t);
        stack.push(t);
      }
    }
  }

  /**
   * The white set of a heap with finalizers or weak references: steps (a)-(e) of the header.
   * Finalizers and callbacks neither allocate nor free, so `words` stays valid until (e).
   */
  private reclaimFinalizing(): void {
    const heap = this.heap;
    const words = heap.memory.words;
    const fieldOffset = this.fieldOffset;
    const whites = this.whites;
    const n = whites.length;
    const list = Array.from(whites.items.subarray(0, n));
    // (a) White again, and their own references counted: every count is exact.
    for (const w of list) words[w >> 2] = (words[w >> 2]! & ~COLOUR_MASK) | WHITE;
    for (const w of list) {
      const first = (w + fieldOffset) >> 2;
      for (let p = first; p < first + 2 * (words[w >> 2]! & NREFS_MASK); p += 2) {
        const t = words[p]!;
        if (t !== 0) words[(t >> 2) + COUNT_SLOT]!++;
      }
    }
    const isWhite = (addr: number) => (words[addr >> 2]! & COLOUR_MASK) === WHITE;
    // (b) handle_weakrefs.
    const weakRefs = heap.weakRefs;
    if (weakRefs.size !== 0) {
      const toCall: number[] = [];
      for (const w of list) {
        weakRefs.clearWeakReference(w);
        const refs = weakRefs.clearReferent(w);
        if (refs === undefined) continue;
        for (let k = refs.length - 1; k >= 0; k--) {
          const r = refs[k]!;
          if (weakRefs.callbackLine(r) !== null && !isWhite(r)) toCall.push(r);
        }
      }
      for (const r of toCall) heap.emit(weakRefs.callbackLine(r)!);
    }
    // (c) finalize_garbage: a resurrecting finalizer's root write increments (blackens) its object.
    const finalized: number[] = [];
    if (heap.finalizers.size !== 0) for (const w of list) if (heap.runFinalizer(w)) finalized.push(w);
    // (d) Keep the finalized objects and the white objects they reach; buffer the finalized again.
    const stack = this.scanStack;
    for (const f of finalized) {
      words[f >> 2]! &= ~COLOUR_MASK;
      stack.push(f);
      while (stack.length > 0) {
        const s = stack.pop();
        const first = (s + fieldOffset) >> 2;
        for (let p = first; p < first + 2 * (words[s >> 2]! & NREFS_MASK); p += 2) {
          const t = words[p]!;
          if (t === 0 || !isWhite(t)) continue;
          words[t >> 2]! &= ~COLOUR_MASK;
          stack.push(t);
        }
      }
    }
    for (const f of finalized) this.survived(f);
    // (e) Free the rest, then release their references to the survivors (none is white).
    const survivors: number[] = [];
    const dead: number[] = [];
    for (const w of list) {
      if (!isWhite(w)) continue;
      dead.push(w);
      const first = (w + fieldOffset) >> 2;
      for (let p = first; p < first + 2 * (words[w >> 2]! & NREFS_MASK); p += 2) {
        const t = words[p]!;
        if (t !== 0 && !isWhite(t)) survivors.push(t);
      }
    }
    for (const w of dead) {
      words[w >> 2]! &= ~COLOUR_MASK;
      weakRefs.objectFreed(w);
      this.freeObject(w);
    }
    this.freedWhite += dead.length;
    for (const t of survivors) this.decrement(t);
  }

  /** Checked mode: counts, the colours and the buffer (the header's invariants), obmalloc. */
  override verify(): void {
    super.verify();
    const live = this.live;
    if (live === null) return;
    const words = this.heap.memory.words;
    const items = this.buffer.items;
    let buffered = 0;
    for (const addr of live) {
      const w = words[addr >> 2]!;
      const colour = w & COLOUR_MASK;
      if (colour === GRAY || colour === WHITE)
        this.fail(`the object at ${hex(addr)} is ${colour === GRAY ? 'gray' : 'white'} outside a collection`);
      if ((w & BUFFERED_BIT) === 0) {
        if (colour === PURPLE) this.fail(`the object at ${hex(addr)} is purple but not buffered`);
        continue;
      }
      buffered++;
      if ((w & NREFS_MASK) === 0)
        this.fail(`the object at ${hex(addr)} has no reference field but is buffered`);
      const index = words[(addr >> 2) + INDEX_SLOT]!;
      if (index >= this.buffer.length || items[index] !== addr)
        this.fail(`the object at ${hex(addr)} is buffered but not at its buffer index ${index}`);
    }
    let entries = 0;
    for (let k = 0; k < this.buffer.length; k++) if (items[k] !== 0) entries++;
    if (entries !== buffered || entries !== this.candidates)
      this.fail(
        `the buffer holds ${entries} candidates, ${buffered} objects are flagged buffered, the tally says ${this.candidates}`,
      );
  }

  override stats(): Record<string, number> {
    return {
      ...super.stats(),
      candidateThreshold: this.candidateThreshold,
      candidates: this.candidates,
      candidatesBuffered: this.candidatesBuffered,
      candidatesDropped: this.candidatesDropped,
      cycleCollections: this.cycleCollections,
      markedGray: this.markedGray,
      scanned: this.scanned,
      scannedBlack: this.scannedBlack,
      foundWhite: this.white,
      freedWhite: this.freedWhite,
      collectionWork: this.markedGray + this.scanned + this.scannedBlack + this.white,
      largestCollectionWork: this.largestCollectionWork,
    };
  }
}

/** Descriptor of `refcount-trial-deletion`. */
export const refcountTrialDeletion: CollectorDescriptor = {
  name: 'refcount-trial-deletion',
  family: 'reference-counting',
  summary:
    "Immediate reference counting plus Bacon & Rajan's trial deletion: candidates buffered at decrements to non-zero, mark-gray, scan, collect-white.",
  constraints: {
    movesObjects: false,
    reclaimsCycles: true,
    countsReferences: true,
    generational: false,
    incremental: false,
    headerWords: 1,
  },
  // One candidate triggers a collection at the next allocation: short programs collect often.
  verifyOptionSets: [{ candidateThreshold: 1 }],
  create(heap: Heap, options?: CollectorOptions): Collector {
    return new TrialDeletion(heap, options);
  },
};
