/**
 * `incremental`: tri-colour incremental mark-sweep (Dijkstra, Lamport et al. 1978, "On-the-fly
 * garbage collection"; GC Handbook §15.1-15.2 and ch. 16) over the same segregated free lists as
 * `mark-sweep`, with lazy sweeping (Handbook §2.5). Unlike `mark-sweep` (side mark bitmap, mark on
 * pop) it keeps the mark bit in the shape word (`MARK_BIT`) and the shared mark-on-push `Marker`,
 * whose mark stack is exactly the grey set the barrier and the budgeted steps rely on.
 *
 * INVARIANT (strong tri-colour invariant, scanned roots treated as black): while marking, no black
 * object refers to a white object, and no root slot that the incremental root scan has passed refers
 * to a white object.
 *
 * How it is kept:
 * - field stores: a Dijkstra insertion barrier (`writeBarrierPost`) shades the stored referent grey
 *   if it is white, so a store can never create a black-to-white edge;
 * - root writes (`rootWritten`: assignments, loads into registers, call arguments): the same
 *   insertion barrier on the new value, so a root never refers to a white object once it has been
 *   scanned or written. Because of it the roots need no final re-scan: they are scanned once,
 *   incrementally, at the start of each cycle (a register that is written after the scan passed it
 *   got its value through the barrier; one written before the scan reaches it is scanned later);
 * - allocation during marking is black (`postAlloc` sets the mark bit; a new object's fields are
 *   null, so it has no white referent);
 * - scanning (the shared `Marker.drain`) blackens an object only after shading its referents.
 * Colours: white = mark bit clear; grey = mark bit set and on the mark stack; black = mark bit set,
 * not on the stack. When every root has been scanned and the stack is empty, there is no grey object,
 * so by the invariant every object reachable from the roots is black: marking is complete and the
 * white objects are garbage (they cannot become reachable again: the mutator only reaches objects
 * through roots and fields).
 *
 * A cycle (state IDLE -> MARKING -> SWEEPING -> IDLE):
 * 1. start: when the growth trigger (`trace/growth-trigger.ts`, as in `mark-sweep`) fires (live +
 *    allocated since the last cycle exceeds `max(minHeapBytes, live * growthFactor)`), the cycle
 *    begins; nothing is scanned yet.
 * 2. mark steps: at allocation safepoints, once `stepBytes` bytes have been allocated since the last
 *    step, one step does at most `budget` work units: scanning one root slot or one grey object
 *    costs one unit (a grey object's fields are all scanned in its unit). After the step, the
 *    invariant holds. When the roots are scanned and the stack is empty, marking is complete and the
 *    lazy sweep begins (`SegregatedFreeListSpace.beginSweep`).
 * 3. sweep steps: each step sweeps at most about `sweepBudgetBytes` bytes of blocks (`sweepStep`; the
 *    first one also sweeps the large objects): unmarked blocks are freed (`heap.recordFree`),
 *    survivors' mark bits cleared. Blocks allocated during the sweep are never visited by it (they are
 *    in swept or new chunks, or are large objects newer than `beginSweep`), and are white (allocation
 *    is black only while marking). After the last step no object has a mark bit
 *    set and the cycle is recorded (`recordCollection('full', ...)`).
 * Finalizers and weak references (trace format 2; the shared steps of `trace/finalization.ts`) are
 * processed atomically in the step that completes marking (as MMTk and V8 do in the final pause):
 * weak references whose referent is white are cleared (the callback of one that is itself marked
 * runs), the white registered objects are queued, shaded and drained to the end (this step may exceed
 * its budget by that closure), the tables keep the marked entries only (nothing moves), the sweep
 * begins, and then the queued finalizers run (registration order). Each queued object and everything
 * it reaches is marked, so this sweep keeps it; a finalized object still unreachable is freed by the
 * next cycle; one stored into a global by its finalizer lives on and is never finalized again.
 * Weak reference reads during marking: a `deref` that returns a referent writes it into a root, and
 * the root insertion barrier (`rootWritten`) shades it, so a referent read while marking is strongly
 * reachable from then on and marked: it is never cleared by this cycle. A weak reference to an object
 * that is white when marking completes (nobody read it into a root) is cleared. Weak references made
 * and finalizers registered during the sweep refer to objects that are marked or newer than the
 * sweep, which it does not free; the next cycle processes them.
 *
 * Every step is one pause record: `mark-step` (work = roots scanned + objects scanned, at most
 * `budget`) or `sweep-step` (work = bytes swept: about `sweepBudgetBytes`, at least a whole chunk;
 * the first step of a sweep also visits every large object, one unit per byte of each).
 *
 * Stop-the-world fallbacks (recorded as `mark` and `sweep` pauses, unbounded like mark-sweep's):
 * - the OS refuses memory (heap limit) during a cycle: the cycle is finished at once, then, if the
 *   allocation still fails, a complete stop-the-world cycle runs; if that fails too,
 *   `OutOfMemoryError` with the heap's figures;
 * - an explicit `gc` (`collect`) finishes the cycle in progress and runs a complete one, so no
 *   garbage survives it (floating garbage of the incremental cycle included).
 * `step(budget)` (the contract's incremental hook) advances the cycle in progress by one mark step of
 * `budget` units or one sweep step; it does not start a cycle.
 */

import { SegregatedFreeListSpace } from '@gclab/allocator';
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
} from '@gclab/core';
import { ReferenceProcessor } from '../trace/finalization.ts';
import { MARK_BIT } from '../trace/gc-bits.ts';
import {
  type GrowthTriggerOptions,
  growthBudget,
  readGrowthTriggerOptions,
} from '../trace/growth-trigger.ts';
import { Marker } from '../trace/mark-stack.ts';
import { outOfMemory } from '../trace/out-of-memory.ts';

/** Default work units per mark step. */
export const DEFAULT_MARK_BUDGET = 1000;
/** Default bytes allocated between two steps. */
export const DEFAULT_STEP_BYTES = 16 * 1024;
/** Default bytes swept per sweep step. */
export const DEFAULT_SWEEP_BUDGET_BYTES = 64 * 1024;

/** The phase of the incremental cycle. */
export const IncrementalState = { idle: 0, marking: 1, sweeping: 2 } as const;
/** A phase of the incremental cycle. */
export type IncrementalState = (typeof IncrementalState)[keyof typeof IncrementalState];

/** Options of `incremental`. */
export interface IncrementalOptions extends GrowthTriggerOptions {
  /** Work units per mark step (root slots + objects scanned). Default 1000. */
  budget?: number;
  /** Bytes allocated between two steps (the pacing). Default 16 KiB. */
  stepBytes?: number;
  /** Bytes swept per sweep step. Default 64 KiB. */
  sweepBudgetBytes?: number;
}

/** The incremental tri-colour mark-sweep collector. */
export class Incremental extends CollectorBase {
  readonly name = 'incremental';
  /** Where objects live. */
  readonly space: SegregatedFreeListSpace;
  /** The mark stack (grey objects). */
  readonly marker: Marker;
  /** Growth trigger floor. */
  readonly minHeapBytes: number;
  /** Growth trigger factor. */
  readonly growthFactor: number;
  /** Work units per mark step. */
  readonly markBudget: number;
  /** Allocation bytes between steps. */
  readonly stepBytes: number;
  /** Bytes per sweep step. */
  readonly sweepBudgetBytes: number;
  /** Current phase. */
  state: IncrementalState = IncrementalState.idle;
  /** Cycles completed. */
  cycles = 0;
  /** Cycles finished stop-the-world (heap limit or explicit `gc`). */
  forcedFinishes = 0;
  /** Mark steps done. */
  markSteps = 0;
  /** Sweep steps done. */
  sweepSteps = 0;
  /** Live bytes (space block bytes) at the end of the last cycle. */
  liveBytesAfterLastGc = 0;
  private allocatedSinceGc = 0;
  private allocatedSinceStep = 0;
  private budget: number;
  /** Next register slot (then global slot) the incremental root scan visits. */
  private regCursor = 0;
  private globalCursor = 0;
  /** Weak-reference clearing and the finalization queue. */
  readonly references: ReferenceProcessor;
  /** Liveness for the reference processor: marked (made once, no closure per collection). */
  private readonly isMarked = (addr: number): boolean => this.marker.isMarked(addr);
  private readonly markStepKind: number;
  private readonly sweepStepKind: number;
  private readonly markKind: number;
  private readonly sweepKind: number;

  constructor(heap: Heap, options: IncrementalOptions = {}) {
    super(heap);
    const o = readGrowthTriggerOptions(options, this.name);
    this.minHeapBytes = o.minHeapBytes;
    this.growthFactor = o.growthFactor;
    this.markBudget = numberOption(options, this.name, 'budget', DEFAULT_MARK_BUDGET, 1);
    this.stepBytes = numberOption(options, this.name, 'stepBytes', DEFAULT_STEP_BYTES, 0);
    this.sweepBudgetBytes = numberOption(
      options,
      this.name,
      'sweepBudgetBytes',
      DEFAULT_SWEEP_BUDGET_BYTES,
      1,
    );
    this.space = new SegregatedFreeListSpace(heap.os, { chunkBytes: o.chunkBytes });
    this.marker = new Marker(heap, MARK_BIT);
    this.references = new ReferenceProcessor(heap);
    this.budget = growthBudget(0, this.minHeapBytes, this.growthFactor);
    const pauses = heap.telemetry.pauses;
    this.markStepKind = pauses.kindId('mark-step');
    this.sweepStepKind = pauses.kindId('sweep-step');
    this.markKind = pauses.kindId('mark');
    this.sweepKind = pauses.kindId('sweep');
  }

  allocate(size: number): number {
    if (this.state === IncrementalState.idle) {
      if (this.allocatedSinceGc + size > this.budget) this.startCycle();
    } else {
      this.allocatedSinceStep += size;
      if (this.allocatedSinceStep >= this.stepBytes) {
        this.allocatedSinceStep = 0;
        this.stepOnce(this.markBudget);
      }
    }
    const addr = this.space.allocate(size);
    if (addr !== 0) {
      this.allocatedSinceGc += size;
      return addr;
    }
    return this.allocateSlow(size);
  }

  /** The OS refused: finish the cycle in progress, then a whole cycle, then give up. */
  private allocateSlow(size: number): number {
    let addr = 0;
    if (this.state !== IncrementalState.idle) {
      this.finishCycle();
      addr = this.space.allocate(size);
    }
    if (addr === 0) {
      this.startCycle();
      this.finishCycle();
      addr = this.space.allocate(size);
    }
    if (addr === 0) throw outOfMemory(this.heap, this.name, size);
    this.allocatedSinceGc += size;
    return addr;
  }

  /** Allocation during marking is black: the new object (fields null) gets its mark bit. */
  override postAlloc(addr: number): void {
    if (this.state === IncrementalState.marking) {
      const words = this.heap.memory.words;
      words[addr >> 2] = words[addr >> 2]! | MARK_BIT;
    }
  }

  /** Dijkstra insertion barrier: while marking, a stored white referent is shaded grey. */
  override writeBarrierPost(_obj: number, _slot: number, _oldValue: number, newValue: number): void {
    if (this.state === IncrementalState.marking && newValue !== 0 && this.marker.shade(newValue) !== 0) {
      this.heap.counters.barrierHits++;
    }
  }

  /** The insertion barrier on roots: while marking, a white object written into a root is shaded grey. */
  override rootWritten(_oldValue: number, newValue: number): void {
    if (this.state === IncrementalState.marking && newValue !== 0 && this.marker.shade(newValue) !== 0) {
      this.heap.counters.barrierHits++;
    }
  }

  override collect(_generation: number): number {
    let freed = this.state !== IncrementalState.idle ? this.finishCycle() : 0;
    this.startCycle();
    freed += this.finishCycle();
    return freed;
  }

  override step(budget: number): boolean {
    if (this.state === IncrementalState.idle) return false;
    this.stepOnce(budget);
    return this.inCycle;
  }

  /** Whether a cycle is in progress (marking or sweeping). */
  get inCycle(): boolean {
    return this.state !== IncrementalState.idle;
  }

  /**
   * Begins a cycle now, as the growth trigger would (no-op when one is in progress): the roots are
   * to be scanned from the first slot by the following steps; nothing is marked yet.
   */
  startCycle(): void {
    if (this.state !== IncrementalState.idle) return;
    this.state = IncrementalState.marking;
    this.regCursor = 0;
    this.globalCursor = 0;
    this.allocatedSinceStep = 0;
  }

  /** One bounded step of the current phase (a pause record). */
  private stepOnce(budget: number): void {
    const telemetry = this.heap.telemetry;
    const t = telemetry.startPause();
    if (this.state === IncrementalState.marking) {
      const work = this.markWork(budget);
      this.markSteps++;
      telemetry.endPause(this.markStepKind, t, work);
    } else {
      const before = this.space.lastSweep.bytesSwept;
      this.sweepWork(this.sweepBudgetBytes);
      this.sweepSteps++;
      telemetry.endPause(this.sweepStepKind, t, this.space.lastSweep.bytesSwept - before);
    }
  }

  /**
   * Up to `budget` units of marking: root slots first, then grey objects. When the roots are all
   * scanned and no grey object remains, marking is complete and the sweep begins. Returns the units
   * done.
   */
  private markWork(budget: number): number {
    const roots = this.heap.roots;
    const marker = this.marker;
    let done = 0;
    // Root scan. Invariant: every register slot below regCursor (global slot below globalCursor)
    // holds null, a non-white object, or a value written since through the barrier.
    const regs = roots.regs;
    while (done < budget && this.regCursor < roots.top) {
      const r = regs[this.regCursor++]!;
      if (r !== 0) marker.shade(r);
      done++;
    }
    const globals = roots.globals;
    while (done < budget && this.globalCursor < roots.globalCount) {
      const r = globals[this.globalCursor++]!;
      if (r !== 0) marker.shade(r);
      done++;
    }
    if (done < budget) done += marker.drain(budget - done);
    if (marker.isEmpty && this.regCursor >= roots.top && this.globalCursor >= roots.globalCount) {
      // Marking is complete. Format 2, in this same step: weak references to white referents
      // cleared, white finalizable objects queued and marked from, tables pruned. After it, the
      // marked objects are those reachable from the roots or the queue.
      const references = this.references;
      if (references.pending) {
        marker.shadeEach(references.afterRootClosure(this.isMarked));
        done += marker.drain(Number.POSITIVE_INFINITY);
        references.retain(this.isMarked);
      }
      this.state = IncrementalState.sweeping;
      this.space.beginSweep();
      references.runFinalizers();
    }
    return done;
  }

  /** Sweeps about `budgetBytes`; when the sweep is done, the cycle ends. */
  private sweepWork(budgetBytes: number): void {
    if (this.space.sweepStep(this.heap, MARK_BIT, budgetBytes)) return;
    this.endCycle();
  }

  private endCycle(): number {
    const heap = this.heap;
    const swept = this.space.lastSweep;
    heap.counters.bytesSwept += swept.bytesSwept;
    const live = this.space.liveBytes;
    this.liveBytesAfterLastGc = live;
    this.allocatedSinceGc = 0;
    this.budget = growthBudget(live, this.minHeapBytes, this.growthFactor);
    this.state = IncrementalState.idle;
    this.cycles++;
    heap.telemetry.recordCollection('full', swept.objectsFreed, 0);
    return swept.objectsFreed;
  }

  /** Finishes the cycle in progress stop-the-world (a `mark` and/or a `sweep` pause); returns objects freed. */
  private finishCycle(): number {
    const telemetry = this.heap.telemetry;
    this.forcedFinishes++;
    if (this.state === IncrementalState.marking) {
      const t = telemetry.startPause();
      const work = this.markWork(Number.POSITIVE_INFINITY);
      telemetry.endPause(this.markKind, t, work);
    }
    const t = telemetry.startPause();
    const before = this.space.lastSweep.bytesSwept;
    this.space.sweepStep(this.heap, MARK_BIT, Number.POSITIVE_INFINITY);
    telemetry.endPause(this.sweepKind, t, this.space.lastSweep.bytesSwept - before);
    return this.endCycle();
  }

  /**
   * Checked mode. Always: the space's bookkeeping adds up. While marking: the invariant (no root and
   * no black object refers to a white object; roots scanned so far included). While idle: no object
   * has its mark bit set and the mark stack is empty.
   */
  override verify(): void {
    this.space.verify();
    if (this.state === IncrementalState.marking) {
      const violation = this.findBlackToWhite();
      if (violation !== null) this.fail(violation);
    } else if (this.state === IncrementalState.idle) {
      if (!this.marker.isEmpty) this.fail('the mark stack is not empty between cycles');
      const words = this.heap.memory.words;
      this.space.forEachObject((addr) => {
        if ((words[addr >> 2]! & MARK_BIT) !== 0)
          this.fail(`object at ${hex(addr)} has its mark bit set between cycles`);
      });
    }
  }

  /**
   * While marking: a description of the first violation of the strong tri-colour invariant (a
   * scanned root or a black object referring to a white object), or null. Cold path (tests, checked
   * mode): it walks every allocated object.
   */
  findBlackToWhite(): string | null {
    if (this.state !== IncrementalState.marking) return null;
    const heap = this.heap;
    const words = heap.memory.words;
    const roots = heap.roots;
    const white = (addr: number) => (words[addr >> 2]! & MARK_BIT) === 0;
    for (let i = 0; i < Math.min(this.regCursor, roots.top); i++) {
      const r = roots.regs[i]!;
      if (r !== 0 && white(r)) return `scanned register slot ${i} refers to white object ${hex(r)}`;
    }
    for (let g = 0; g < Math.min(this.globalCursor, roots.globalCount); g++) {
      const r = roots.globals[g]!;
      if (r !== 0 && white(r))
        return `scanned global '${roots.globalNames[g]}' refers to white object ${hex(r)}`;
    }
    const grey = new Set<number>(this.marker.stack.subarray(0, this.marker.top));
    const fieldOffset = heap.model.fieldOffset;
    let found: string | null = null;
    this.space.forEachObject((addr) => {
      if (found !== null || white(addr) || grey.has(addr)) return;
      const n = words[addr >> 2]! & NREFS_MASK;
      for (let k = 0; k < n; k++) {
        const ref = words[(addr + fieldOffset + 8 * k) >> 2]!;
        if (ref !== 0 && white(ref)) {
          found = `black object ${hex(addr)} field ${k} refers to white object ${hex(ref)}`;
          return;
        }
      }
    });
    return found;
  }

  override stats(): Record<string, number> {
    return {
      cycles: this.cycles,
      forcedFinishes: this.forcedFinishes,
      markSteps: this.markSteps,
      sweepSteps: this.sweepSteps,
      liveBytesAfterLastGc: this.liveBytesAfterLastGc,
      spaceLiveBytes: this.space.liveBytes,
      spaceReservedBytes: this.space.reservedBytes,
      chunks: this.space.chunks,
    };
  }

  private fail(reason: string): never {
    throw new HeapIntegrityError(this.heap.opIndex, `incremental: ${reason}`);
  }
}

/** Descriptor of `incremental`. */
export const incremental: CollectorDescriptor = {
  name: 'incremental',
  family: 'tracing',
  summary:
    'Incremental tri-colour mark-sweep: bounded mark steps at allocation safepoints, Dijkstra insertion barrier, lazy sweep.',
  constraints: {
    movesObjects: false,
    reclaimsCycles: true,
    countsReferences: false,
    generational: false,
    incremental: true,
    headerWords: 0,
  },
  create(heap: Heap, options: CollectorOptions = {}): Collector {
    return new Incremental(heap, options as IncrementalOptions);
  },
  // At the defaults a cycle starts past 1 MiB and a step does 1000 units: the verifier's small
  // programs would never see marking interleave with the mutator. These make it span hundreds of
  // operations.
  verifyOptionSets: [
    { minHeapBytes: 2048, budget: 1, stepBytes: 0, sweepBudgetBytes: 1 },
    { minHeapBytes: 8192, budget: 4, stepBytes: 64, sweepBudgetBytes: 4096 },
  ],
};
