/**
 * `cpython-3.14`: CPython 3.14's memory management as released in 3.14.0-3.14.4 (the real interpreter
 * compared is 3.14.2): immediate reference counting plus the *incremental* cycle collector of
 * Python/gc.c, a subclass of `CPythonCollector` (cpython.ts) that shares its phases (update_refs,
 * subtract_refs, move_unreachable, finalizers, weak references, delete_garbage: `collectRegion`) and
 * its `gc` module facade, and replaces the generations.
 *
 * Sources: Python/gc.c of the 3.14 line (`gc_collect_young`, `gc_collect_increment`,
 * `assess_work_to_do`, `mark_at_start`, `mark_stacks`, `mark_global_roots`, `mark_all_reachable`,
 * `move_to_reachable`, `expand_region_transitively_reachable`, `completed_scavenge`,
 * `gc_collect_full`, `gc_collect_region`, `_PyGC_Freeze`, `_PyGC_Unfreeze`, `_Py_RunGC`,
 * `PyObject_GC_Del`), Include/internal/pycore_object.h (`_PyObject_GC_TRACK` / `_UNTRACK`: the
 * counts and heap_size), Modules/gcmodule.c (get_count, get_threshold), and measurements on 3.14.2
 * (below).
 *
 * State (`struct _gc_runtime_state`): `young` (generation 0 of `CPythonCollector`, threshold 2000),
 * two old spaces `old[0]`, `old[1]` (its generation lists 1 and 2; `old[0].threshold` = 10 is the
 * scale factor of the work arithmetic, `old[1].threshold` = 0 is unused), `visited_space` (0 or 1),
 * `phase` (MARK or COLLECT), `work_to_do`, `heap_size` (tracked objects), the permanent generation.
 * Each tracked object carries `_PyGC_NEXT_MASK_OLD_SPACE_1`, the old space it belongs to: here bit 0
 * of the high half of its `_gc_next` word (`SPACE_SLOT`; the list functions of gc-list.ts use the
 * low half only, so the bit survives every list move, as `_PyGCHead_SET_NEXT` keeps it in CPython).
 *
 * Invariants between collections (`validate_spaces`; checked by `verify`): every object in young is
 * in the not-visited space; every object in old[s] is in space s; every object of the permanent
 * generation is in the visited space. old[visited_space] holds what this scavenge has visited (marked
 * from the roots or survived an increment); old[visited_space ^ 1] is pending.
 *
 * Tracking (`_PyObject_GC_TRACK`): a container joins young in the not-visited space, young.count += 1,
 * heap_size += 1, and when young.count > young.threshold (enabled, threshold 2000 != 0, not
 * collecting) a collection is scheduled; it runs at the next `safepoint` (`_Py_RunGC`: generation 1,
 * the increment). Freeing a tracked container: young.count -= 1 unless 0, heap_size -= 1. (young.count
 * is cpython.ts's count0, counted at allocation: the same moment for objects tracked from birth.
 * Dicts are tracked from birth and a tuple of untracked items is untracked at creation, as
 * measured on 3.14.2 (the `dicts` and `tuples` rules of cpython-versions.ts, shared with 3.15).)
 *
 * `gc_collect_increment` (an automatic collection, or gc.collect(1); reported as generation 1):
 * 1. work_to_do += assess_work_to_do: new = young.count, young.count = 0, and
 *    new + min(heap_size / 10 / max(old[0].threshold, 2), 2 * new) (integer divisions:
 *    SCAN_RATE_DIVISOR 10). If work_to_do < 0 it returns (nothing collected).
 * 2. untrack_tuples(young).
 * 3. Phase MARK (`mark_at_start`): mark_global_roots, then mark_stacks(start): every tracked object
 *    a root refers to that is not in the visited space is flipped to it and, with everything it
 *    reaches that is not visited yet (`mark_all_reachable`, breadth first), moved to old[visited].
 *    work_to_do -= marked TWICE (once in mark_at_start, once by its caller, as the source does);
 *    phase = COLLECT; the collection ends there (collected 0).
 * 4. Phase COLLECT: mark_stacks again (work_to_do -= marked); young gets the visited space and
 *    becomes the increment; while the increment's size < work_to_do and old[pending] is not empty,
 *    the first pending object moves into the increment (visited space) with everything it reaches
 *    that is not visited (`expand_region_transitively_reachable`; each counts 1). gc_collect_region
 *    collects the increment; its survivors join old[visited]. work_to_do -= increment size.
 * 5. If old[pending] is empty, `completed_scavenge`: with an empty permanent generation,
 *    visited_space flips (young is set to the new not-visited space; the old visited list becomes
 *    pending); otherwise (after gc.freeze) old[visited] is merged into old[pending], set to the
 *    pending space, and visited_space stays. work_to_do = 0, phase = MARK.
 *
 * `gc_collect_young` (gc.collect(0)): untrack_tuples(young); young gets the visited space and is
 * collected, survivors to old[visited]; young.count = 0, old[visited].count += 1.
 *
 * `gc_collect_full` (gc.collect(), generation 2): young and old[pending] join old[visited] (visited
 * space) and the whole of it is collected in place; all counts 0; completed_scavenge.
 *
 * gc.get_count() is (young.count, old[visited].count, old[pending].count) and get_threshold()
 * (2000, 10, 0). There is no long_lived_total / long_lived_pending in 3.14's gc.c (the full
 * collection is never automatic), so those figures stay 0. Unlike 3.11-3.13, a registered callback
 * leaves no trace in the counts: its info dicts are counted when tracked and uncounted when freed.
 *
 * Roots (`mark_global_roots`, `mark_stacks`): CPython marks the interpreter's sys dict, builtins and
 * type dicts, then each frame's locals and value stack from the innermost frame out. The simulated
 * machine's roots are its globals (marked first, in slot order) and its frames' registers
 * (innermost frame first, each frame's registers from the last to the first, as `sp` walks down),
 * except the first `frozenRegisters` registers of the outermost frame: they stand for the slots of a
 * container frozen by gc.freeze(), which CPython never marks through (a permanent object is in the
 * visited space, so move_to_reachable skips it). heap_size counts the program's tracked containers
 * plus `interpreterObjects`, the interpreter's own (a real interpreter has some 21,000).
 * CPython 3.14 stops an increment's stack walk after the first frame an earlier walk visited
 * (`frame->visited`); gclab's frames carry no such flag, so every walk visits every frame (a
 * difference only for programs that store new objects in the registers of outer frames).
 *
 * From measurement on 3.14.2 (probes and the differential mix, seeds 1 and 7): thresholds (2000, 10,
 * 0); every automatic collection reported as generation 1; the MARK collection reports 0 collected;
 * gc.collect(0) leaves count (0, 1, 0); counts fall when a tracked container is freed; the collection
 * is scheduled when young.count, counting the new container, exceeds 2000 and runs at the next eval
 * breaker check (with threshold 10: 11 containers, collection at the 11th's `__init__`); no info-dict
 * observer effect; the mix needs both rules of the paragraph above (seed 1 diverges at its second
 * collection when the 64 `R` registers are marked; seed 7 after a 50,000-object prefill diverges at
 * collection 56 without the interpreter's objects in heap_size).
 *
 * What differs from 3.11 (cpython.ts) and 3.12/3.13: no generations 1 and 2 (two old spaces
 * instead), no long-lived rule, every automatic collection is an increment of the old space, the
 * roots are scanned (3.11-3.13 find external references by reference counts alone), no
 * untrack_dicts. Weak references are handled as 3.11 does (all cleared before finalizers, callbacks
 * run then); 3.14 clears weak references without callbacks after the finalizers (GH-135552), which
 * only a finalizer that dereferences a weak reference to garbage can observe.
 */
import type { Collector, CollectorDescriptor, CollectorOptions, Heap } from '@gclab/core';
import { integerOption, NREFS_MASK } from '@gclab/core';
import { CPythonCollector, type CPythonOptions, type CPythonVersion, cpythonDescriptor } from './cpython.ts';
import { gcListInit, gcListIsEmpty, gcListMerge, gcListMove, gcListSize, NEXT_SLOT } from './gc-list.ts';

/** Options of `cpython-3.14`. */
export interface CPython314Options extends CPythonOptions {
  /**
   * Tracked containers of the interpreter itself (default 0): CPython's heap_size counts them, and
   * assess_work_to_do scans heap_size / 100 of them per increment; gclab's heap holds only the
   * program's objects. A fresh 3.14.2 (pyodide) has 20,947 (gc.get_freeze_count() after gc.freeze()).
   */
  interpreterObjects?: number;
  /**
   * The first N registers of the outermost frame stand for the slots of a container frozen by
   * gc.freeze() (default 0): mark_stacks does not mark through them, as CPython does not mark through
   * a frozen list (the differential mix's `R`, 64 slots).
   */
  frozenRegisters?: number;
}

/**
 * CPython 3.14's rules: thresholds (2000, 10, 0), collections run by the eval breaker; dicts tracked
 * from birth and tuples of untracked items untracked at creation (measured on 3.14.2, as on
 * 3.15.0rc1: cpython-versions.ts); immortal objects' count 3 << 30 (Include/refcount.h).
 */
export const CPYTHON_3_14: CPythonVersion = {
  name: 'cpython-3.14',
  version: '3.14',
  thresholds: [2000, 10, 0],
  trigger: 'eval-breaker',
  dicts: 'always',
  tuples: 'creation',
  immortalRefcount: 3221225472,
};

/** Offset, in 32-bit slots from `node >> 2`, of the high half of `_gc_next`: bit 0 = old space 1. */
export const SPACE_SLOT = NEXT_SLOT + 1;
/** `SCAN_RATE_DIVISOR`: heap_size / 10 / scale factor objects of the heap per increment. */
export const SCAN_RATE_DIVISOR = 10;
/** `GC_PHASE_MARK`: the next increment marks from the roots. */
export const GC_PHASE_MARK = 0;
/** `GC_PHASE_COLLECT`: the next increment collects. */
export const GC_PHASE_COLLECT = 1;

/** CPython 3.14: reference counting plus the incremental cycle collector of Python/gc.c. */
export class CPython314Collector extends CPythonCollector {
  /** `gcstate->visited_space`: the old space (0 or 1) of what this scavenge has visited. */
  visitedSpace = 0;
  /** `gcstate->phase`: `GC_PHASE_MARK` or `GC_PHASE_COLLECT`. */
  phase = GC_PHASE_MARK;
  /** `gcstate->work_to_do`: objects the increments still owe (may be negative). */
  workToDo = 0;
  /** `gcstate->heap_size`: tracked containers. */
  heapSize = 0;
  /** `gcstate->old[s].count` (`counts[1..2]` show them in get_count()'s order). */
  readonly oldCounts = new Int32Array(2);
  /** Objects marked from the roots by the last `mark_at_start` or `mark_stacks` of an increment. */
  lastMarked = 0;
  /** Objects in the last increment (young plus what expand_region pulled in). */
  lastIncrementSize = 0;

  /** The 'stop' info dict is counted when tracked and uncounted when freed (see the header). */
  protected override readonly stopDictCounted = false;

  /** Tracked objects of the interpreter itself, counted in heap_size (option `interpreterObjects`). */
  readonly interpreterObjects: number;
  /** Outermost-frame registers that stand for slots of a frozen container (option `frozenRegisters`). */
  readonly frozenRegisters: number;

  constructor(heap: Heap, options: CPython314Options = {}, rules: CPythonVersion = CPYTHON_3_14) {
    super(heap, options, rules);
    this.interpreterObjects = integerOption(options, rules.name, 'interpreterObjects', 0, 0);
    this.frozenRegisters = integerOption(options, rules.name, 'frozenRegisters', 0, 0);
  }

  /** `old[s]`'s list head (the base class's generation lists 1 and 2). */
  oldHead(s: number): number {
    return this.generationHead(1 + s);
  }

  /** The old space (0 or 1) of the tracked object at `addr`. */
  oldSpace(addr: number): number {
    return this.heap.memory.words[(addr >> 2) + SPACE_SLOT]! & 1;
  }

  // ---- tracking --------------------------------------------------------------------------

  /** `_PyObject_GC_TRACK`: the not-visited space, heap_size += 1 (a resurrected object only moves). */
  protected override trackedYoung(addr: number, tracked: boolean): void {
    this.heap.memory.words[(addr >> 2) + SPACE_SLOT] = this.visitedSpace ^ 1;
    if (tracked) this.heapSize++;
  }

  /** `_PyObject_GC_UNTRACK` in a collection (untrack_tuples): young.count -= 1 unless 0, heap_size -= 1. */
  protected override untracked(_addr: number): void {
    if (this.counts[0]! > 0) this.counts[0]!--;
    this.heapSize--;
  }

  /** `_PyObject_GC_UNTRACK` / `PyObject_GC_Del` of a tracked container: heap_size -= 1 as well. */
  protected override objectFreed(addr: number): void {
    const words = this.heap.memory.words;
    if (words[(addr >> 2) + NEXT_SLOT] !== 0 && this.isGcType(words, addr)) this.heapSize--;
    super.objectFreed(addr);
  }

  /** `gc_list_set_space`: every object of `list` gets `space`; returns their number. */
  private setSpace(list: number, space: number): number {
    const words = this.heap.memory.words;
    let n = 0;
    for (let gc = words[(list >> 2) + NEXT_SLOT]!; gc !== list; gc = words[(gc >> 2) + NEXT_SLOT]!) {
      words[(gc >> 2) + SPACE_SLOT] = space;
      n++;
    }
    return n;
  }

  // ---- collections -----------------------------------------------------------------------

  /** `_Py_RunGC`: an automatic collection is always an increment (generation 1). */
  protected override collectGenerations(): number {
    return this.collectWithCallback(1);
  }

  /** `_PyGC_Collect`'s switch: 0 young, 1 an increment, 2 full. */
  protected override collectMain(g: number): number {
    const start = this.heap.telemetry.startPause();
    this.lastUncollectable = 0;
    this.lastCandidates = 0;
    let collected: number;
    if (g === 0) collected = this.collectYoung();
    else if (g === 1) collected = this.collectIncrement();
    else collected = this.collectFull();
    this.syncCounts();
    this.recordCollection(g, collected, start);
    return collected;
  }

  /** gc.get_count()'s order: counts[1] = old[visited].count, counts[2] = old[pending].count. */
  private syncCounts(): void {
    this.counts[1] = this.oldCounts[this.visitedSpace]!;
    this.counts[2] = this.oldCounts[this.visitedSpace ^ 1]!;
  }

  /** `gc_collect_region(from, to)`: the shared phases (3.14 has no untrack_dicts). */
  private collectRegion314(from: number, to: number): number {
    return this.collectRegion(from, to, false);
  }

  /** `gc_collect_young`. */
  private collectYoung(): number {
    const visited = this.oldHead(this.visitedSpace);
    this.untrackTuples(this.generationHead(0));
    this.setSpace(this.generationHead(0), this.visitedSpace);
    const collected = this.collectRegion314(this.generationHead(0), visited);
    this.counts[0] = 0;
    this.oldCounts[this.visitedSpace]!++;
    return collected;
  }

  /** `assess_work_to_do`: new objects plus a fraction of the heap (at most twice the new ones). */
  private assessWorkToDo(): number {
    const scale = Math.max(this.thresholds[1]!, 2);
    const newObjects = this.counts[0]!;
    const heapFraction = Math.min(
      Math.floor(Math.floor((this.heapSize + this.interpreterObjects) / SCAN_RATE_DIVISOR) / scale),
      newObjects * 2,
    );
    this.counts[0] = 0;
    return newObjects + heapFraction;
  }

  /** `gc_collect_increment` (see the header, steps 1-5). */
  private collectIncrement(): number {
    this.workToDo += this.assessWorkToDo();
    this.lastMarked = 0;
    this.lastIncrementSize = 0;
    if (this.workToDo < 0) return 0;
    const young = this.generationHead(0);
    this.untrackTuples(young);
    if (this.phase === GC_PHASE_MARK) {
      const marked = this.markAtStart();
      this.workToDo -= marked;
      this.lastCandidates = marked;
      return 0;
    }
    const visitedSpace = this.visitedSpace;
    const notVisited = this.oldHead(visitedSpace ^ 1);
    const visited = this.oldHead(visitedSpace);
    const increment = this.scratchHead(0);
    const marked = this.markStacks(visited);
    this.lastMarked = marked;
    this.workToDo -= marked;
    let words = this.heap.memory.words;
    gcListInit(words, increment);
    this.setSpace(young, visitedSpace);
    gcListMerge(words, young, increment);
    let size = gcListSize(words, increment);
    while (size < this.workToDo) {
      if (gcListIsEmpty(words, notVisited)) break;
      const gc = words[(notVisited >> 2) + NEXT_SLOT]!;
      gcListMove(words, gc, increment);
      size++;
      words[(gc >> 2) + SPACE_SLOT] = visitedSpace;
      size += this.expandRegion(increment, gc);
    }
    this.lastIncrementSize = size;
    const collected = this.collectRegion314(increment, visited);
    this.workToDo -= size;
    words = this.heap.memory.words;
    if (gcListIsEmpty(words, notVisited)) this.completedScavenge();
    return collected;
  }

  /**
   * `expand_region_transitively_reachable`: from `gc` (the increment's last object) to the end of
   * the increment, each object's referents that are tracked and not visited get the visited space
   * and join the increment's end (so they are scanned in turn). Returns how many joined.
   */
  private expandRegion(increment: number, gc: number): number {
    const words = this.heap.memory.words;
    let added = 0;
    for (; gc !== increment; gc = words[(gc >> 2) + NEXT_SLOT]!) added += this.addReferents(gc, increment);
    return added;
  }

  /**
   * `visit_add_to_container` over the fields of `gc`: each referent that is tracked and not in the
   * visited space is flipped to it and appended to `container`. Returns how many were.
   */
  private addReferents(gc: number, container: number): number {
    const words = this.heap.memory.words;
    const visitedSpace = this.visitedSpace;
    const fieldOffset = this.fieldOffset;
    const n = words[gc >> 2]! & NREFS_MASK;
    let p = (gc + fieldOffset) >> 2;
    const end = p + 2 * n;
    let added = 0;
    for (; p < end; p += 2) {
      const ref = words[p]!;
      if (ref === 0) continue;
      const r = ref >> 2;
      if (words[r + NEXT_SLOT] === 0 || (words[r + SPACE_SLOT]! & 1) === visitedSpace) continue;
      words[r + SPACE_SLOT] = visitedSpace;
      gcListMove(words, ref, container);
      added++;
    }
    return added;
  }

  /** `move_to_reachable`: a tracked, not-visited object is flipped and moved to `reachable`. */
  private moveToReachable(addr: number, reachable: number): number {
    if (addr === 0) return 0;
    const words = this.heap.memory.words;
    const i = addr >> 2;
    if (words[i + NEXT_SLOT] === 0 || (words[i + SPACE_SLOT]! & 1) === this.visitedSpace) return 0;
    words[i + SPACE_SLOT] = this.visitedSpace;
    gcListMove(words, addr, reachable);
    return 1;
  }

  /**
   * `mark_all_reachable`: until `reachable` is empty, its first object moves to `visited` and its
   * not-visited referents join `reachable`'s end (breadth first). Returns how many joined.
   */
  private markAllReachable(reachable: number, visited: number): number {
    const words = this.heap.memory.words;
    let added = 0;
    while (!gcListIsEmpty(words, reachable)) {
      const gc = words[(reachable >> 2) + NEXT_SLOT]!;
      gcListMove(words, gc, visited);
      added += this.addReferents(gc, reachable);
    }
    return added;
  }

  /** `mark_stacks`: the frames' registers, innermost frame first, each from its last register down. */
  private markStacks(visited: number): number {
    const reachable = this.scratchHead(1);
    gcListInit(this.heap.memory.words, reachable);
    const roots = this.heap.roots;
    let marked = 0;
    let top = roots.top;
    for (let d = roots.depth; d >= 0; d--) {
      const base = roots.frameBase[d]!;
      const first = d === 0 ? Math.min(this.frozenRegisters, top) : base;
      for (let r = top - 1; r >= first; r--) marked += this.moveToReachable(roots.regs[r]!, reachable);
      top = base;
    }
    return marked + this.markAllReachable(reachable, visited);
  }

  /** `mark_global_roots`: the globals, in slot order. */
  private markGlobalRoots(visited: number): number {
    const reachable = this.scratchHead(1);
    gcListInit(this.heap.memory.words, reachable);
    const roots = this.heap.roots;
    let marked = 0;
    for (let g = 0; g < roots.globalCount; g++) marked += this.moveToReachable(roots.globals[g]!, reachable);
    return marked + this.markAllReachable(reachable, visited);
  }

  /** `mark_at_start`: globals then stacks; work_to_do -= marked; phase = COLLECT. */
  private markAtStart(): number {
    const visited = this.oldHead(this.visitedSpace);
    const marked = this.markGlobalRoots(visited) + this.markStacks(visited);
    this.lastMarked = marked;
    this.workToDo -= marked;
    this.phase = GC_PHASE_COLLECT;
    return marked;
  }

  /** `completed_scavenge` (see the header, step 5). */
  private completedScavenge(): void {
    const words = this.heap.memory.words;
    if (gcListIsEmpty(words, this.permanentHead)) {
      const notVisited = this.visitedSpace;
      this.visitedSpace = notVisited ^ 1;
      this.setSpace(this.generationHead(0), notVisited);
    } else {
      const visited = this.visitedSpace;
      gcListMerge(words, this.oldHead(visited), this.oldHead(visited ^ 1));
      this.setSpace(this.oldHead(visited ^ 1), visited ^ 1);
    }
    this.workToDo = 0;
    this.phase = GC_PHASE_MARK;
  }

  /** `gc_collect_full`. */
  private collectFull(): number {
    const young = this.generationHead(0);
    const pending = this.oldHead(this.visitedSpace ^ 1);
    const visited = this.oldHead(this.visitedSpace);
    this.untrackTuples(young);
    const words = this.heap.memory.words;
    gcListMerge(words, young, pending);
    this.setSpace(pending, this.visitedSpace);
    this.counts[0] = 0;
    gcListMerge(words, pending, visited);
    const collected = this.collectRegion314(visited, visited);
    this.counts[0] = 0;
    this.oldCounts[0] = 0;
    this.oldCounts[1] = 0;
    this.completedScavenge();
    return collected;
  }

  // ---- the gc module's state operations ----------------------------------------------------

  /** `_PyGC_Freeze`: young and both old spaces join the permanent generation, in the visited space. */
  override freeze(): void {
    const words = this.heap.memory.words;
    const permanent = this.permanentHead;
    this.setSpace(this.generationHead(0), this.visitedSpace);
    gcListMerge(words, this.generationHead(0), permanent);
    this.counts[0] = 0;
    this.setSpace(this.oldHead(this.visitedSpace ^ 1), this.visitedSpace);
    gcListMerge(words, this.oldHead(0), permanent);
    gcListMerge(words, this.oldHead(1), permanent);
    this.oldCounts[0] = 0;
    this.oldCounts[1] = 0;
    this.syncCounts();
  }

  /** `_PyGC_Unfreeze`: the permanent generation joins old[visited]. */
  override unfreeze(): void {
    gcListMerge(this.heap.memory.words, this.permanentHead, this.oldHead(this.visitedSpace));
  }

  // ---- verification and figures -----------------------------------------------------------

  /** Checked mode: the base class's checks plus `validate_spaces` and heap_size. */
  override verify(): void {
    super.verify();
    if (this.collecting) return;
    const words = this.heap.memory.words;
    const check = (list: number, space: number, what: string): number => {
      let n = 0;
      for (let gc = words[(list >> 2) + NEXT_SLOT]!; gc !== list; gc = words[(gc >> 2) + NEXT_SLOT]!) {
        if ((words[(gc >> 2) + SPACE_SLOT]! & 1) !== space)
          this.fail(`object 0x${gc.toString(16)} in ${what} is not in old space ${space}`);
        n++;
      }
      return n;
    };
    const v = this.visitedSpace;
    let tracked = check(this.generationHead(0), v ^ 1, 'young');
    tracked += check(this.oldHead(0), 0, 'old[0]');
    tracked += check(this.oldHead(1), 1, 'old[1]');
    tracked += check(this.permanentHead, v, 'the permanent generation');
    if (tracked !== this.heapSize) this.fail(`heap_size is ${this.heapSize}, ${tracked} objects are tracked`);
  }

  /** The base figures plus the incremental state. */
  override stats(): Record<string, number> {
    const out = super.stats();
    out['visitedSpace'] = this.visitedSpace;
    out['phase'] = this.phase;
    out['workToDo'] = this.workToDo;
    out['heapSize'] = this.heapSize;
    return out;
  }
}

/** Descriptor of `cpython-3.14`. */
export const cpython314: CollectorDescriptor = {
  ...cpythonDescriptor(
    CPYTHON_3_14,
    "CPython 3.14: reference counting plus gc.c's incremental cycle collector (young + old increments, 2000/10/0).",
    (heap: Heap, options: CollectorOptions | undefined): Collector => new CPython314Collector(heap, options),
  ),
  constraints: {
    movesObjects: false,
    reclaimsCycles: true,
    countsReferences: true,
    generational: true,
    incremental: true,
    headerWords: 3,
  },
  // Small thresholds so that increments, scavenges and flips run in the verifier's small programs.
  verifyOptionSets: [
    { threshold0: 10, threshold1: 2 },
    { threshold0: 3, threshold1: 1 },
  ],
};
