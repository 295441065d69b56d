/**
 * `cpython` (and, with other `CPythonVersion` rules, `cpython-3.12`, `-3.13`, `-3.15`: see
 * cpython-versions.ts): CPython 3.11's memory management: immediate reference counting (`ReferenceCounting`
 * from @gclab/refcount) plus the generational cycle collector of Modules/gcmodule.c, reproduced to
 * the collection. Sources: gcmodule.c (`_PyObject_GC_Link`, `gc_collect_generations`,
 * `gc_collect_with_callback`, `invoke_gc_callback`, `gc_collect_main`, `update_refs`,
 * `subtract_refs`, `move_unreachable`, `visit_reachable`, `delete_garbage`, `PyObject_GC_Del`,
 * `gc_freeze_impl`), Objects/typeobject.c (`PyType_GenericAlloc`, `subtype_clear`,
 * `subtype_dealloc`), Objects/dictobject.c (the dict free list), and measurements on CPython 3.11.
 *
 * Objects: header word 0 is the count, words 1-2 are `PyGC_Head` (see gc-list.ts). Tracking follows
 * the object's kind (trace format 2; three GC bits of the shape word keep it): `default` is version
 * 1's rule, a GC object tracked from birth exactly when it has a reference field, so version-1 traces
 * replay as before; `object`, `list`, `tuple` and `weakref` are GC objects tracked from birth; a
 * `dict` is a GC object untracked until a store gives it a value that may be tracked
 * (`MAINTAIN_TRACKING`: a GC object that is not an untracked tuple; keys are taken to be atomic);
 * `atomic` objects (ints, strs) are not GC objects and never tracked. An untracked object is freed
 * by reference counting alone. Every GC object counts in count[0] at allocation and deallocation,
 * except, with the option `freeLists`, the lists, dicts and tuples CPython's free lists hand out and
 * take back (free-lists.ts; off by default, why at `CPythonOptions.freeLists`). Every object
 * carries the two link words (one header size per collector).
 *
 * The state is `struct _gc_runtime_state`: three generations (lists, `count`, `threshold` 700/10/10),
 * the permanent generation of `gc.freeze`, `long_lived_total` and `long_lived_pending`, per-generation
 * stats, `enabled`, `collecting`.
 *
 * Allocation of a container (`PyType_GenericAlloc` -> `_PyObject_GC_Link` -> `_PyObject_GC_TRACK`):
 * the block is taken from obmalloc, count[0] += 1, then if count[0] > threshold[0], the collector is
 * enabled, threshold[0] != 0 and no collection is running, `gc_collect_generations` runs; only after
 * that is the new object linked into generation 0 (`postAlloc`). So with nothing freed, generation-0
 * collections come every 701 allocations.
 *
 * Deallocation of a container (`subtype_dealloc` -> `PyObject_GC_UnTrack`, `PyObject_GC_Del`):
 * unlinked from whatever list holds it, and count[0] -= 1 unless it is already 0.
 *
 * `gc_collect_generations`: the oldest g with count[g] > threshold[g] is collected, except that
 * generation 2 is skipped (count[2] is left as it is, and younger generations are considered) while
 * long_lived_pending < long_lived_total / 4 (integer division).
 *
 * `gc_collect_main(g)`, each phase saying what holds when it returns:
 * 1. counts: count[g+1] += 1 (g < 2); count[0..g] = 0. Generations 0..g-1 are merged into g
 *    ("young"); "old" is g+1 (or g itself for g = 2).
 * 2. update_refs: for every object in young, gc_refs = its reference count, PREV_MASK_COLLECTING set.
 * 3. subtract_refs: each young object's references to young objects are subtracted. After this,
 *    gc_refs > 0 exactly for objects referenced from outside young (roots, older generations,
 *    untracked or frozen objects).
 * 4. move_unreachable: objects with gc_refs > 0 are reachable and so is everything they reach; the
 *    others move to the unreachable list (tentatively: a later reachable object may pull one back).
 *    After this, young holds exactly the objects reachable from outside young, COLLECTING cleared and
 *    `_gc_prev` restored; unreachable holds the rest.
 * 5. untrack_tuples(young): a tuple with no null item and no item that may be tracked is untracked.
 *    Survivors (still tracked): g = 1 adds their number to long_lived_pending; young is merged into
 *    old. For g = 2, untrack_dicts(young) first (a dict with no value that may be tracked is
 *    untracked; full collections only), then long_lived_pending = 0, long_lived_total = survivors.
 * 6. move_legacy_finalizers: NEXT_MASK_UNREACHABLE is cleared on every unreachable object; those with
 *    a legacy finalizer (`tp_del`) move to the `finalizers` list, COLLECTING cleared. The others keep
 *    COLLECTING: from here "COLLECTING set" means "in the unreachable set".
 * 7. move_legacy_finalizer_reachable: unreachable objects a `finalizers` object reaches join it.
 *    After this, `finalizers` is closed under references into the unreachable set.
 * 8. handle_weakrefs: for each unreachable object in list order, a weak reference object is cleared;
 *    then each weak reference to it is cleared, and those with a callback that are not unreachable
 *    themselves are set aside (the object's weak reference list order: newest first). Their
 *    callbacks run after the pass (`callback N`), each weak reference then moving to old. (3.11
 *    counts weak references a callback freed into `m`; a callback here frees nothing.)
 * 9. finalize_garbage: each unreachable object in turn, if FINALIZED is clear and it has `__del__`,
 *    gets FINALIZED and its finalizer runs (incref'd around it): `finalize N`, maybe resurrection.
 * 10. handle_resurrected_objects: COLLECTING cleared, then deduce_unreachable (update_refs,
 *    subtract_refs, move_unreachable) over the unreachable set alone: objects a finalizer made
 *    reachable from outside it, and what they reach, move to old; the rest is final_unreachable.
 *    (Since 3.9 a resurrection no longer saves the whole set, as check_garbage did before.)
 * 11. delete_garbage: m += |final_unreachable|; each in turn is incref'd, its reference fields
 *    cleared (`subtype_clear`: each set to NULL, then its referent decref'd), then decref'd.
 *    Reference counting frees the cycle; an object still alive afterwards moves to old. With
 *    DEBUG_SAVEALL each is appended to gc.garbage instead (a strong reference) and moves to old.
 * 12. handle_legacy_finalizers: n = |finalizers| (uncollectable); the objects with a legacy finalizer
 *    (every one, with DEBUG_SAVEALL) are appended to gc.garbage; `finalizers` joins old. Stats:
 *    collections += 1, collected += m, uncollectable += n; `gc.collect()` returns m + n. A
 *    generation-2 collection also empties the free lists.
 * Phases 7-10 run only while the heap has finalizers or weak references (size checks), so a
 * version-1 trace takes the old path.
 *
 * Reference counting with finalizers (`ReferenceCounting.releaseFinalizing`, `subtype_dealloc`): at
 * count zero `__del__` runs first (FINALIZED is set); a resurrected object is re-tracked at the end
 * of generation 0; otherwise its weak references are cleared (callbacks run) and it is freed. A
 * legacy finalizer runs at count zero too. gc.garbage holds counted references: `gc.garbage.clear()`
 * releases them last to first (`_list_clear`), and reference counting frees what it held alone.
 *
 * Safepoints (the `safepoint` operation) have no effect under 3.11's rules (`trigger: 'allocation'`):
 * a collection runs inside the allocation that crosses threshold 0. Under 3.12's and later rules
 * (`trigger: 'eval-breaker'`, cpython-versions.ts) that allocation only schedules the collection
 * (`_Py_ScheduleGC`, `gcScheduled`) and the next `safepoint` runs it (`_Py_RunGC`), after the new
 * object is tracked; a program with no safepoint yet runs it at the start of the next allocation.
 * The later versions' other rules (thresholds; for 3.15 dicts tracked from birth and tuples
 * untracked at creation) are the `CPythonVersion` fields, measured as cpython-versions.ts says.
 *
 * `gc_collect_with_callback` calls the callbacks with 'start' before and 'stop' after, with
 * `{generation, collected, uncollectable}`.
 *
 * NOTE (the observer effect of callbacks, measured on 3.11): `invoke_gc_callback` builds the info
 * dict only while some callback is registered. Dicts come from a free list that bypasses count[0];
 * a full collection empties that free list (`clear_freelists`), so after a generation-2 collection
 * the 'stop' dict is a fresh container (count[0] becomes 1) whose release goes back to the free list
 * uncounted: count[0] stays 1. After generation-0 and -1 collections both dicts come from the free
 * list and count[0] stays 0. In this model a callback is registered when `gc.callbacks` is not empty
 * or the heap's telemetry has collection listeners (`gclab replay --gc-log` registers one, like a
 * Python script logging collections through gc.callbacks). Example: with a callback registered, `gc`
 * on an empty heap leaves gc.get_count() at (1, 0, 0); without one, at (0, 0, 0).
 */
import {
  booleanOption,
  type Collector,
  type CollectorDescriptor,
  CollectorOptionError,
  type CollectorOptions,
  FinalizerKind,
  FULL_COLLECTION,
  GC_BIT_0,
  type GcModuleCall,
  type Heap,
  hex,
  integerOption,
  MutatorError,
  NREFS_MASK,
  ObjectKind,
} from '@gclab/core';
import { COUNT_SLOT, ReferenceCounting } from '@gclab/refcount';
import { type FreeListSizes, FreeLists } from './free-lists.ts';
import {
  gcListAppend,
  gcListInit,
  gcListMerge,
  gcListMove,
  gcListRemove,
  gcListSize,
  gcUntrack,
  NEXT_MASK_UNREACHABLE,
  NEXT_SLOT,
  PREV_MASK,
  PREV_MASK_COLLECTING,
  PREV_MASK_FINALIZED,
  PREV_SHIFT,
  PREV_SLOT,
} from './gc-list.ts';
import { GcModule, GcValueError } from './gc-module.ts';

/** Number of generations (NUM_GENERATIONS). */
export const NUM_GENERATIONS = 3;
/** CPython's default thresholds (700, 10, 10). */
export const DEFAULT_THRESHOLDS: readonly [number, number, number] = [700, 10, 10];

/**
 * What differs between the CPython versions gclab models (`cpython` is 3.11; the others are
 * described in their descriptors' modules). The rules of one version, fixed at construction.
 */
export interface CPythonVersion {
  /** Collector name (`cpython`, `cpython-3.12`, ...). */
  name: string;
  /** `major.minor`. */
  version: string;
  /** Default thresholds of generations 0-2 (`gc.get_threshold()` of a fresh interpreter). */
  thresholds: readonly [number, number, number];
  /**
   * Where an automatic collection runs. `allocation` (3.11): inside the allocation that crosses
   * threshold 0 (`_PyObject_GC_Link` calls `gc_collect_generations`). `eval-breaker` (3.12 on): that
   * allocation only schedules it (`_Py_ScheduleGC` sets the eval breaker) and it runs at the next
   * `safepoint` operation (`_Py_RunGC` from the eval breaker). A program that has had no `safepoint`
   * yet (a version-1 trace, a workload) cannot say where its eval-breaker checks are: there a
   * scheduled collection runs at the start of the next allocation.
   */
  trigger: 'allocation' | 'eval-breaker';
  /**
   * How dicts are tracked. `lazy` (3.11-3.13, the default): untracked until a store gives one a
   * value that may be tracked (`MAINTAIN_TRACKING`), untracked again by a full collection
   * (`untrack_dicts`). `always` (measured on 3.14.2 and 3.15.0rc1: `gc.is_tracked({})` is True, and a
   * dict that holds only atomic values stays tracked across gc.collect()): tracked from birth, like
   * lists.
   */
  dicts?: 'lazy' | 'always';
  /**
   * When tuples are untracked. `collection` (3.11-3.13, the default): tracked from birth, untracked by
   * a collection (`untrack_tuples`) once no item may be tracked. `creation` (measured on 3.14.2 and
   * 3.15.0rc1: `(s, s)` of two strs and `tuple([1, 2, 3])` are untracked at once): a new tuple is
   * untracked unless an item may be tracked; since a trace fills a tuple by stores right after
   * allocating it, the model starts it untracked and tracks it at the first store of a GC object (as
   * `MAINTAIN_TRACKING` does for dicts); `untrack_tuples` still runs at collections. NOTE: an
   * untracked tuple stored into a tuple tracks it too (CPython would leave `((1, 2),)` untracked; the
   * model untracks it at the next collection): a trace can store a tuple into itself, or two tuples
   * into each other, which Python cannot, and such a cycle must be collectable.
   */
  tuples?: 'collection' | 'creation';
  /**
   * PEP 683 (3.12 on): the count word of an immortal object (the `immortal` operation), a 64-bit
   * build's: `_Py_IMMORTAL_REFCNT` = UINT_MAX = 4294967295 in 3.12 and 3.13, whose low 32 bits are
   * negative as an int32 (what `_Py_IsImmortal` tests); `_Py_IMMORTAL_INITIAL_REFCNT` = 3 << 30 =
   * 3221225472 from 3.14 (Include/refcount.h). Absent (3.11): `immortal` only holds the object.
   */
  immortalRefcount?: number;
  /**
   * The free lists of lists, dicts and tuples (free-lists.ts), modelled with the collector option
   * `freeLists`: containers they hand out and take back are not counted in count[0]. Absent (3.14):
   * none that the count sees.
   */
  freeLists?: FreeListSizes;
}

/** CPython 3.11, the rules of `cpython`. */
export const CPYTHON_3_11: CPythonVersion = {
  name: 'cpython',
  version: '3.11',
  thresholds: [700, 10, 10],
  trigger: 'allocation',
  freeLists: { lists: 80, dicts: 80, tuples: 2000, tupleTakeMax: 19, tupleFreeMax: 20 },
};

/** Options of `cpython`. */
export interface CPythonOptions extends CollectorOptions {
  /** Generation-0 threshold (default 700; 0 disables automatic collection, as in CPython). */
  threshold0?: number;
  /** Generation-1 threshold (default 10). */
  threshold1?: number;
  /** Generation-2 threshold (default 10). */
  threshold2?: number;
  /**
   * Model the free lists of lists, dicts and tuples (free-lists.ts; default false). Right for a
   * trace of every container the program and the interpreter allocate: their free lists' state then
   * follows from the trace. Most traces and workloads hold the program's own objects only, while
   * the interpreter's unseen lists and dicts keep its free lists filled; with the option off every
   * container is counted both ways, which is what free lists come to in their steady state.
   */
  freeLists?: boolean;
}

/** Statistics of one generation, as `gc.get_stats()` gives them. */
export interface GenerationStats {
  /** Collections of this generation. */
  collections: number;
  /** Objects collected by them. */
  collected: number;
  /** Uncollectable objects they found (legacy finalizers in cycles, and what they reach). */
  uncollectable: number;
}

/** `gc.DEBUG_SAVEALL`: delete_garbage appends the garbage to gc.garbage instead of clearing it. */
export const DEBUG_SAVEALL = 32;

/** The object kind (`ObjectKind`) lives in three GC bits of the shape word, from this one. */
const KIND_SHIFT = 24;
const KIND_MASK = 7 * GC_BIT_0;
const KIND_DICT = ObjectKind.dict << KIND_SHIFT;
const KIND_TUPLE = ObjectKind.tuple << KIND_SHIFT;
const KIND_ATOMIC = ObjectKind.atomic << KIND_SHIFT;

/** Bytes of the page holding the list heads (generations 0-2, permanent, unreachable, ...). */
const HEADS_BYTES = 4096;
/** Spacing of list heads in that page (a head's link words are at +16 and +24, like an object's). */
const HEAD_STRIDE = 32;

/** Scratch list heads a version's subclass may use (`scratchHead`). */
const SCRATCH_HEADS = 2;

/** CPython 3.11: reference counting plus the generational cycle collector. */
export class CPythonCollector extends ReferenceCounting {
  readonly name: string;
  /** The version's rules. */
  readonly rules: CPythonVersion;
  /** A collection is scheduled (the eval breaker is set): it runs at the next safepoint. */
  gcScheduled = false;
  /**
   * Whether the 'stop' info dict of a full collection stays counted in count[0] (the NOTE of the
   * header; 3.11-3.13). 3.14 counts a container when it is tracked and uncounts it when it is
   * untracked, so the dict leaves no trace (measured on 3.14.2).
   */
  protected readonly stopDictCounted: boolean = true;
  /** Whether the program has had a `safepoint` operation (see `CPythonVersion.trigger`). */
  private sawSafepoint = false;
  /** `gcstate->generations[i].threshold`. */
  readonly thresholds = new Int32Array(NUM_GENERATIONS);
  /** `gcstate->generations[i].count`. */
  readonly counts = new Int32Array(NUM_GENERATIONS);
  /** Automatic collection enabled (`gc.enable()`/`gc.disable()`). */
  enabled = true;
  /** Survivors of generation-1 collections since the last full collection. */
  longLivedPending = 0;
  /** Survivors of the last full collection. */
  longLivedTotal = 0;
  /** `gcstate->generation_stats`. */
  readonly generationStats: GenerationStats[] = [
    { collections: 0, collected: 0, uncollectable: 0 },
    { collections: 0, collected: 0, uncollectable: 0 },
    { collections: 0, collected: 0, uncollectable: 0 },
  ];
  /** The `gc` module facade (collect, get_count, callbacks, freeze...). */
  readonly gc: GcModule;
  /** `gc.garbage`: addresses of the objects it holds, each a counted (strong) reference. */
  readonly garbage: number[] = [];
  /** `gc.set_debug` flags (only DEBUG_SAVEALL changes what a collection does). */
  debug = 0;
  /** Whether an object of a kind other than `default` was allocated (format 2): enables the kind rules. */
  private kinds = false;
  /** Whether an `immortal` operation ran under rules with `immortalRefcount` (PEP 683). */
  private immortals = false;
  /** `rules.dicts` is `lazy`: a new dict starts untracked, full collections untrack dicts. */
  private readonly lazyDicts: boolean;
  /** `rules.tuples` is `creation`: a new tuple starts untracked, a store of a trackable item tracks it. */
  private readonly tuplesAtCreation: boolean;
  /** The free lists (`rules.freeLists`, with the option `freeLists`), or null. */
  protected readonly freeLists: FreeLists | null;
  /** Address of the page holding the list heads. */
  private readonly heads: number;
  private readonly pauseKinds: Int32Array;

  constructor(heap: Heap, options: CPythonOptions = {}, rules: CPythonVersion = CPYTHON_3_11) {
    super(heap);
    this.rules = rules;
    this.name = rules.name;
    this.lazyDicts = (rules.dicts ?? 'lazy') === 'lazy';
    this.tuplesAtCreation = rules.tuples === 'creation';
    const freeLists = booleanOption(options, rules.name, 'freeLists', false);
    if (freeLists && rules.freeLists === undefined)
      throw new CollectorOptionError(
        `${rules.name}: option freeLists does not apply: this version counts containers as they are tracked, which free lists do not change`,
      );
    this.freeLists = freeLists && rules.freeLists !== undefined ? new FreeLists(rules.freeLists) : null;
    if (heap.model.headerWords < 3) {
      throw new RangeError(
        `cpython needs 3 header words (refcount, _gc_next, _gc_prev), the heap has ${heap.model.headerWords}`,
      );
    }
    for (let g = 0; g < NUM_GENERATIONS; g++) {
      this.thresholds[g] = integerOption(options, rules.name, `threshold${g}`, rules.thresholds[g]!, 0);
    }
    const heads = heap.os.map(HEADS_BYTES);
    if (heads === 0) throw new RangeError('cpython: the heap limit leaves no room for the GC state page');
    this.heads = heads;
    const words = heap.memory.words;
    for (let k = 0; k <= NUM_GENERATIONS + 4 + SCRATCH_HEADS; k++) gcListInit(words, heads + HEAD_STRIDE * k);
    this.pauseKinds = Int32Array.from([0, 1, 2], (g) => heap.telemetry.pauses.kindId(`gen${g}`));
    this.gc = new GcModule(this);
  }

  /** Head of generation `g`'s list (0-2). */
  generationHead(g: number): number {
    return this.heads + HEAD_STRIDE * g;
  }

  /** Head of the permanent generation (`gc.freeze`). */
  get permanentHead(): number {
    return this.heads + HEAD_STRIDE * NUM_GENERATIONS;
  }

  private get unreachableHead(): number {
    return this.heads + HEAD_STRIDE * (NUM_GENERATIONS + 1);
  }

  /** `finalizers` of gc_collect_main: unreachable objects with, and reachable from, legacy finalizers. */
  private get finalizersHead(): number {
    return this.heads + HEAD_STRIDE * (NUM_GENERATIONS + 2);
  }

  /** `final_unreachable` of handle_resurrected_objects. */
  private get stillUnreachableHead(): number {
    return this.heads + HEAD_STRIDE * (NUM_GENERATIONS + 3);
  }

  /** Scratch list head `k` (0 to SCRATCH_HEADS - 1) for a version's own lists (3.14's increment). */
  protected scratchHead(k: number): number {
    return this.heads + HEAD_STRIDE * (NUM_GENERATIONS + 5 + k);
  }

  /** `seen` of finalize_garbage. */
  private get seenHead(): number {
    return this.heads + HEAD_STRIDE * (NUM_GENERATIONS + 4);
  }

  // ---- allocation and deallocation ---------------------------------------------------------

  /** `PyType_GenericAlloc` up to `_PyObject_GC_Link`: block, count[0] += 1, maybe collect. */
  allocate(size: number, nrefs: number): number {
    // A program without safepoints: a collection scheduled by the last allocation runs now.
    if (this.gcScheduled && !this.sawSafepoint) this.runScheduled();
    const addr = this.allocateBlock(size);
    const kind = this.heap.allocKind;
    if (kind === ObjectKind.default ? nrefs > 0 : kind !== ObjectKind.atomic) {
      // Taken from a free list: no `_PyObject_GC_Link`, so neither counted nor a trigger.
      if (this.freeLists?.take(kind, nrefs) === true) return addr;
      const counts = this.counts;
      counts[0]!++;
      if (counts[0]! > this.thresholds[0]! && this.enabled && this.thresholds[0] !== 0 && !this.collecting) {
        if (this.rules.trigger === 'eval-breaker') this.gcScheduled = true;
        else this.runCollectGenerations();
      }
    }
    return addr;
  }

  /** `gc_collect_generations` with `collecting` set around it. */
  private runCollectGenerations(): void {
    this.collecting = true;
    try {
      this.collectGenerations();
    } finally {
      this.collecting = false;
    }
  }

  /** The eval breaker's check (`safepoint`): runs a scheduled collection. */
  safepoint(): void {
    this.sawSafepoint = true;
    if (this.gcScheduled) this.runScheduled();
  }

  /** `_Py_RunGC`: the scheduled collection, unless collection was disabled meanwhile. */
  protected runScheduled(): void {
    this.gcScheduled = false;
    if (this.enabled && !this.collecting) this.runCollectGenerations();
  }

  /** `_PyObject_GC_TRACK`: a new container joins generation 0 (after any collection it caused). */
  override postAlloc(addr: number): void {
    const words = this.heap.memory.words;
    const kind = this.heap.allocKind;
    if (kind === ObjectKind.default) {
      if ((words[addr >> 2]! & NREFS_MASK) !== 0) {
        gcListAppend(words, addr, this.heads);
        this.trackedYoung(addr, true);
      }
      return;
    }
    this.kinds = true;
    words[addr >> 2]! |= kind << KIND_SHIFT;
    // A new dict (lazy dicts) or tuple (tuples untracked at creation) is untracked until it holds an
    // object that may be tracked; atomic objects never are tracked.
    if (kind === ObjectKind.atomic) return;
    if (kind === ObjectKind.dict && this.lazyDicts) return;
    if (kind === ObjectKind.tuple && this.tuplesAtCreation) return;
    gcListAppend(words, addr, this.heads);
    this.trackedYoung(addr, true);
  }

  /**
   * `_PyObject_GC_TRACK` (`tracked`) or a resurrection (already tracked: moved) has just put the
   * object at `addr` at the end of generation 0. A hook for versions that keep more per-object state
   * (3.14's old-space bit and heap_size).
   */
  protected trackedYoung(_addr: number, _tracked: boolean): void {}

  /** A collection untracked the object at `addr` (untrack_tuples, untrack_dicts): a hook, as above. */
  protected untracked(_addr: number): void {}

  /** Whether the object at `addr` is of a GC type (`PyObject_IS_GC`): counted in count[0], may be tracked. */
  protected isGcType(words: Int32Array, addr: number): boolean {
    const shape = words[addr >> 2]!;
    const kind = shape & KIND_MASK;
    return kind === 0 ? (shape & NREFS_MASK) !== 0 : kind !== KIND_ATOMIC;
  }

  /** `_PyObject_GC_MAY_BE_TRACKED`: a GC object, and for a tuple, a tracked one. */
  private mayBeTracked(words: Int32Array, addr: number): boolean {
    if (!this.isGcType(words, addr)) return false;
    return (words[addr >> 2]! & KIND_MASK) !== KIND_TUPLE || words[(addr >> 2) + NEXT_SLOT] !== 0;
  }

  /** `subtype_dealloc`: untrack a container, then `PyObject_GC_Del`: count[0] -= 1 unless 0. */
  protected override objectFreed(addr: number): void {
    const words = this.heap.memory.words;
    const i = addr >> 2;
    if (!this.isGcType(words, addr)) return;
    if (words[i + NEXT_SLOT] !== 0) gcListRemove(words, addr);
    // Kept by a free list: `PyObject_GC_Del` is not called.
    const shape = words[i]!;
    if (this.freeLists?.keep((shape & KIND_MASK) >>> KIND_SHIFT, shape & NREFS_MASK) === true) return;
    if (this.counts[0]! > 0) this.counts[0]!--;
  }

  /**
   * `subtype_dealloc` around `PyObject_CallFinalizerFromDealloc`: the finalizer ran (the FINALIZED
   * flag is set); a resurrected object stays tracked, re-tracked at the end of generation 0.
   */
  protected override finalized(addr: number, resurrected: boolean): void {
    const words = this.heap.memory.words;
    const i = addr >> 2;
    words[i + PREV_SLOT]! |= PREV_MASK_FINALIZED;
    if (resurrected && words[i + NEXT_SLOT] !== 0) {
      gcListMove(words, addr, this.generationHead(0));
      this.trackedYoung(addr, false);
    }
  }

  /**
   * PEP 683 (`_Py_SetImmortal`, 3.12 on; nothing under 3.11's rules, where the heap's hidden root
   * alone keeps the object): the count word becomes `rules.immortalRefcount`'s low 32 bits, negative
   * as an int32 (`_Py_IsImmortal`: `(int32_t)ob_refcnt < 0`); a tracked object is untracked (Objects/
   * object.c, `_Py_SetImmortal`, as read in the 3.14-era source; the collector never examines it
   * again, so never frees it). From the first immortal object on, increments and decrements skip
   * immortal objects (`Py_INCREF`, `Py_DECREF`): the counting methods are swapped on this instance
   * only, so 3.11's and every program without `immortal` keep the plain ones.
   *
   * NOTE: @gclab/refcount's cascade decrements a freed object's referents inline. An immortal
   * referent's word then goes down by one and stays negative, so stays immortal: the tolerance PEP
   * 683 chose its value for (extensions built before 3.12 still decrement immortal objects).
   * `referenceCount` reports the fixed value whatever the word holds.
   */
  immortalized(addr: number): void {
    const value = this.rules.immortalRefcount;
    if (value === undefined) return;
    const words = this.heap.memory.words;
    if (words[(addr >> 2) + NEXT_SLOT] !== 0) {
      gcUntrack(words, addr);
      this.untracked(addr);
    }
    words[(addr >> 2) + COUNT_SLOT] = value | 0;
    if (!this.immortals) {
      this.immortals = true;
      this.increment = this.incrementMortal;
      this.decrement = this.decrementMortal;
    }
  }

  /** `Py_INCREF` from 3.12: nothing for an immortal object (count word negative as an int32). */
  private incrementMortal(addr: number): void {
    if (this.heap.memory.words[(addr >> 2) + COUNT_SLOT]! < 0) return;
    super.increment(addr);
  }

  /** `Py_DECREF` from 3.12: nothing for an immortal object. */
  private decrementMortal(addr: number): void {
    if (this.heap.memory.words[(addr >> 2) + COUNT_SLOT]! < 0) return;
    super.decrement(addr);
  }

  /** The count word, or for an immortal object (3.12 on) `rules.immortalRefcount`. */
  override referenceCount(addr: number): number {
    const count = this.heap.memory.words[(addr >> 2) + COUNT_SLOT]!;
    return count < 0 && this.immortals ? this.rules.immortalRefcount! : count;
  }

  override rootWritten(oldValue: number, newValue: number): void {
    if (newValue !== 0) this.increment(newValue);
    if (oldValue !== 0) this.decrement(oldValue);
  }

  override writeBarrierPost(obj: number, _slot: number, oldValue: number, newValue: number): void {
    if (newValue !== 0) {
      this.increment(newValue);
      if (this.kinds) this.maintainTracking(obj, newValue);
    }
    if (oldValue !== 0) this.decrement(oldValue);
  }

  /**
   * `MAINTAIN_TRACKING`: an untracked dict (or, when tuples are untracked at creation, tuple) that
   * gets a value that may be tracked is tracked (generation 0).
   */
  private maintainTracking(obj: number, value: number): void {
    const words = this.heap.memory.words;
    const i = obj >> 2;
    const kind = words[i]! & KIND_MASK;
    if (words[i + NEXT_SLOT] !== 0) return;
    // A tuple being filled is tracked by any GC item, an untracked tuple too (see `tuples`).
    const track =
      kind === KIND_DICT
        ? this.mayBeTracked(words, value)
        : kind === KIND_TUPLE && this.tuplesAtCreation && this.isGcType(words, value);
    if (track) {
      gcListAppend(words, obj, this.generationHead(0));
      this.trackedYoung(obj, true);
    }
  }

  // ---- collection ---------------------------------------------------------------------------

  /** Explicit `gc` (`gc.collect(generation)`; `FULL_COLLECTION` = 2); returns collected + uncollectable. */
  override collect(generation: number): number {
    const g = generation === FULL_COLLECTION ? NUM_GENERATIONS - 1 : generation;
    if (!(g >= 0 && g < NUM_GENERATIONS)) {
      throw new MutatorError(
        this.heap.opIndex,
        `gc ${generation}`,
        'invalid generation: cpython has generations 0, 1 and 2',
      );
    }
    if (this.collecting) return 0;
    this.collecting = true;
    try {
      return this.collectWithCallback(g);
    } finally {
      this.collecting = false;
    }
  }

  /** `gc_collect_generations`: collects the oldest generation over its threshold (see the header). */
  protected collectGenerations(): number {
    const counts = this.counts;
    for (let g = NUM_GENERATIONS - 1; g >= 0; g--) {
      if (counts[g]! > this.thresholds[g]!) {
        if (g === NUM_GENERATIONS - 1 && this.longLivedPending < Math.floor(this.longLivedTotal / 4))
          continue;
        return this.collectWithCallback(g);
      }
    }
    return 0;
  }

  /** Whether a callback is registered: `gc.callbacks` or telemetry collection listeners. */
  private hasCallbacks(): boolean {
    return this.gc.callbacks.length > 0 || this.heap.telemetry.collectionListeners.length > 0;
  }

  /** `gc_collect_with_callback`: 'start' callbacks, `gc_collect_main`, 'stop' callbacks. */
  protected collectWithCallback(g: number): number {
    this.invokeCallbacks('start', g, 0, 0);
    const collected = this.collectMain(g);
    const uncollectable = this.lastUncollectable;
    const full = g === NUM_GENERATIONS - 1;
    // clear_freelists, at the end of a full collection: each object PyObject_GC_Del'd.
    if (full && this.freeLists !== null)
      this.counts[0] = Math.max(0, this.counts[0]! - this.freeLists.clear());
    // invoke_gc_callback("stop"): the info dict is a fresh container after a full collection, and
    // its release puts it on the emptied dict free list.
    if (full && this.stopDictCounted && this.hasCallbacks()) {
      this.counts[0]!++;
      this.freeLists?.keep(ObjectKind.dict, 0);
    }
    this.heap.telemetry.recordCollection(g, collected, uncollectable);
    this.invokeCallbacks('stop', g, collected, uncollectable);
    return collected + uncollectable;
  }

  /** `n` of the last gc_collect_main: objects in its `finalizers` list (uncollectable). */
  protected lastUncollectable = 0;

  private invokeCallbacks(
    phase: 'start' | 'stop',
    generation: number,
    collected: number,
    uncollectable: number,
  ): void {
    const callbacks = this.gc.callbacks;
    if (callbacks.length === 0) return;
    const info = { generation, collected, uncollectable };
    for (const cb of callbacks.slice()) cb(phase, info);
  }

  /**
   * `gc_collect_main`: phases 1-12 of the header; returns `m`, the number collected, and leaves `n`,
   * the number uncollectable, in `lastUncollectable`.
   */
  protected collectMain(g: number): number {
    const heap = this.heap;
    const start = heap.telemetry.startPause();
    const counts = this.counts;
    // 1. Counters, and the generations merged into young.
    if (g + 1 < NUM_GENERATIONS) counts[g + 1]!++;
    for (let i = 0; i <= g; i++) counts[i] = 0;
    const words = heap.memory.words;
    const young = this.generationHead(g);
    for (let i = 0; i < g; i++) gcListMerge(words, this.generationHead(i), young);
    const old = g < NUM_GENERATIONS - 1 ? this.generationHead(g + 1) : young;
    const collected = this.collectRegion(young, old, true);
    // 5. (the survivors' figures) long_lived_pending and long_lived_total.
    if (young !== old) {
      if (g === NUM_GENERATIONS - 2) this.longLivedPending += this.lastSurvivors;
    } else {
      this.longLivedPending = 0;
      this.longLivedTotal = this.lastSurvivors;
    }
    this.recordCollection(g, collected, start);
    return collected;
  }

  /** Statistics of a collection of generation `g` and its pause (begun at `start`). */
  protected recordCollection(g: number, collected: number, start: number): void {
    const stats = this.generationStats[g]!;
    stats.collections++;
    stats.collected += collected;
    stats.uncollectable += this.lastUncollectable;
    this.heap.telemetry.endPause(this.pauseKinds[g]!, start, this.lastCandidates);
  }

  /** Survivors (still tracked) of the last `collectRegion`. */
  protected lastSurvivors = 0;
  /** Objects examined by the last `collectRegion` (update_refs' candidates). */
  protected lastCandidates = 0;

  /**
   * Phases 2-12 of the header over the list `young` (3.14's `gc_collect_region(from, to)`): the
   * unreachable objects are collected, the survivors and resurrected objects join `old` (`young`
   * itself when they are the same list). `untrackDicts`: untrack_dicts runs when young is old (full
   * collections up to 3.13; 3.14 has no untrack_dicts). Returns `m`; leaves `n` in
   * `lastUncollectable`, the survivors in `lastSurvivors` and the candidates in `lastCandidates`.
   */
  protected collectRegion(young: number, old: number, untrackDicts: boolean): number {
    const heap = this.heap;
    let words = heap.memory.words;
    // 2-4. deduce_unreachable.
    const unreachable = this.unreachableHead;
    const total = this.updateRefs(words, young);
    this.subtractRefs(words, young);
    gcListInit(words, unreachable);
    const reachable = this.moveUnreachable(words, young, unreachable);
    let survivors = reachable;
    heap.counters.objectsTraced += total;
    this.lastCandidates = total;
    // 5. untrack_tuples; survivors move to the next generation (untrack_dicts first, in a full one).
    if (this.kinds) survivors -= this.untrackContainers(words, young, KIND_TUPLE);
    if (young !== old) {
      gcListMerge(words, young, old);
    } else if (this.kinds && untrackDicts && this.lazyDicts) {
      survivors -= this.untrackContainers(words, young, KIND_DICT);
    }
    this.lastSurvivors = survivors;
    const format2 = heap.finalizers.size !== 0 || heap.weakRefs.size !== 0;
    // 6. move_legacy_finalizers: NEXT_MASK_UNREACHABLE cleared on every unreachable object; those with
    //    a legacy finalizer move to `finalizers` (COLLECTING cleared). The rest keep COLLECTING.
    const finalizers = this.finalizersHead;
    gcListInit(words, finalizers);
    for (let gc = words[(unreachable >> 2) + NEXT_SLOT]!; gc !== unreachable; ) {
      const i = gc >> 2;
      const next = words[i + NEXT_SLOT]! & ~NEXT_MASK_UNREACHABLE;
      words[i + NEXT_SLOT] = next;
      if (format2 && heap.finalizers.hasLegacy(gc)) {
        words[i + PREV_SLOT]! &= ~PREV_MASK_COLLECTING;
        gcListMove(words, gc, finalizers);
      }
      gc = next;
    }
    if (format2) {
      // 7. move_legacy_finalizer_reachable: what the legacy-finalizer objects reach is uncollectable too.
      this.moveLegacyFinalizerReachable(words, finalizers);
      // 8. handle_weakrefs (callbacks run here; `m` counts weak references they freed: none can be).
      this.handleWeakrefs(unreachable, old);
      // 9. finalize_garbage: tp_finalize of each unreachable object, once.
      this.finalizeGarbage(unreachable);
      words = heap.memory.words;
    }
    // 10. handle_resurrected_objects: deduce_unreachable again over the unreachable set; what a
    //     finalizer made reachable from outside it (and what that reaches) moves to old.
    let collectable = unreachable;
    if (format2) {
      for (
        let gc = words[(unreachable >> 2) + NEXT_SLOT]!;
        gc !== unreachable;
        gc = words[(gc >> 2) + NEXT_SLOT]!
      )
        words[(gc >> 2) + PREV_SLOT]! &= ~PREV_MASK_COLLECTING;
      collectable = this.stillUnreachableHead;
      this.updateRefs(words, unreachable);
      this.subtractRefs(words, unreachable);
      gcListInit(words, collectable);
      this.moveUnreachable(words, unreachable, collectable);
      for (let gc = words[(collectable >> 2) + NEXT_SLOT]!; gc !== collectable; ) {
        const next = words[(gc >> 2) + NEXT_SLOT]! & ~NEXT_MASK_UNREACHABLE;
        words[(gc >> 2) + NEXT_SLOT] = next;
        gc = next;
      }
      gcListMerge(words, unreachable, old);
    }
    // 11. delete_garbage (DEBUG_SAVEALL: into gc.garbage instead).
    const collected = format2 ? gcListSize(words, collectable) : total - reachable;
    this.deleteGarbage(collectable, old);
    // 12. handle_legacy_finalizers: `n` = the finalizers list; legacy ones (all, with DEBUG_SAVEALL)
    //     go to gc.garbage; the list joins old.
    words = heap.memory.words;
    let uncollectable = 0;
    for (
      let gc = words[(finalizers >> 2) + NEXT_SLOT]!;
      gc !== finalizers;
      gc = words[(gc >> 2) + NEXT_SLOT]!
    ) {
      uncollectable++;
      if ((this.debug & DEBUG_SAVEALL) !== 0 || heap.finalizers.hasLegacy(gc)) this.appendGarbage(gc);
    }
    gcListMerge(words, finalizers, old);
    this.lastUncollectable = uncollectable;
    return collected;
  }

  /** `untrack_tuples(list)` (trace format 2 kinds only); returns how many tuples were untracked. */
  protected untrackTuples(list: number): number {
    return this.kinds ? this.untrackContainers(this.heap.memory.words, list, KIND_TUPLE) : 0;
  }

  /**
   * `untrack_tuples` (`kind` tuple) or `untrack_dicts` (dict) over `list`: a tuple none of whose items
   * is null or may be tracked, a dict none of whose values may be tracked (null values skipped), is
   * untracked. Returns how many were.
   */
  private untrackContainers(words: Int32Array, list: number, kind: number): number {
    const fieldOffset = this.fieldOffset;
    const tuple = kind === KIND_TUPLE;
    let untracked = 0;
    for (let gc = words[(list >> 2) + NEXT_SLOT]!; gc !== list; ) {
      const next = words[(gc >> 2) + NEXT_SLOT]!;
      if ((words[gc >> 2]! & KIND_MASK) === kind) {
        const n = words[gc >> 2]! & NREFS_MASK;
        let keep = false;
        for (let k = 0; k < n && !keep; k++) {
          const ref = words[(gc + fieldOffset + 8 * k) >> 2]!;
          keep = ref === 0 ? tuple : this.mayBeTracked(words, ref);
        }
        if (!keep) {
          gcUntrack(words, gc);
          this.untracked(gc);
          untracked++;
        }
      }
      gc = next;
    }
    return untracked;
  }

  /** `move_legacy_finalizer_reachable`: moves what `finalizers` reaches in the unreachable set into it. */
  private moveLegacyFinalizerReachable(words: Int32Array, finalizers: number): void {
    const fieldOffset = this.fieldOffset;
    for (
      let gc = words[(finalizers >> 2) + NEXT_SLOT]!;
      gc !== finalizers;
      gc = words[(gc >> 2) + NEXT_SLOT]!
    ) {
      const n = words[gc >> 2]! & NREFS_MASK;
      for (let k = 0; k < n; k++) {
        const ref = words[(gc + fieldOffset + 8 * k) >> 2]!;
        if (ref === 0) continue;
        const rp = (ref >> 2) + PREV_SLOT;
        if ((words[rp]! & PREV_MASK_COLLECTING) !== 0) {
          gcListMove(words, ref, finalizers);
          words[rp]! &= ~PREV_MASK_COLLECTING;
        }
      }
    }
  }

  /**
   * `handle_weakrefs`: in unreachable's order, a weak reference object there is cleared; then every
   * weak reference to the object is cleared, and those with a callback that are not themselves
   * unreachable (COLLECTING clear) are set aside, in the object's weak reference list order (newest
   * first). After the pass their callbacks run, each weak reference then moving to `old`.
   */
  private handleWeakrefs(unreachable: number, old: number): void {
    const heap = this.heap;
    const weakRefs = heap.weakRefs;
    if (weakRefs.size === 0) return;
    const words = heap.memory.words;
    const toCall: number[] = [];
    for (
      let gc = words[(unreachable >> 2) + NEXT_SLOT]!;
      gc !== unreachable;
      gc = words[(gc >> 2) + NEXT_SLOT]!
    ) {
      weakRefs.clearWeakReference(gc);
      const list = weakRefs.clearReferent(gc);
      if (list === undefined) continue;
      for (let k = list.length - 1; k >= 0; k--) {
        const w = list[k]!;
        if (weakRefs.callbackLine(w) === null) continue;
        if ((words[(w >> 2) + PREV_SLOT]! & PREV_MASK_COLLECTING) !== 0) continue;
        toCall.push(w);
      }
    }
    for (const w of toCall) {
      heap.emit(weakRefs.callbackLine(w)!);
      const ww = heap.memory.words;
      if (ww[(w >> 2) + NEXT_SLOT] !== 0) gcListMove(ww, w, old);
    }
  }

  /** `finalize_garbage`: each object in turn moves to `seen`; tp_finalize runs once (FINALIZED). */
  private finalizeGarbage(collectable: number): void {
    const heap = this.heap;
    const seen = this.seenHead;
    gcListInit(heap.memory.words, seen);
    for (;;) {
      const words = heap.memory.words;
      const gc = words[(collectable >> 2) + NEXT_SLOT]!;
      if (gc === collectable) break;
      gcListMove(words, gc, seen);
      const i = gc >> 2;
      const entry = heap.finalizers.get(gc);
      if ((words[i + PREV_SLOT]! & PREV_MASK_FINALIZED) === 0 && entry?.kind === FinalizerKind.finalize) {
        words[i + PREV_SLOT]! |= PREV_MASK_FINALIZED;
        this.increment(gc);
        heap.runFinalizer(gc);
        this.decrement(gc);
      }
    }
    gcListMerge(heap.memory.words, seen, collectable);
  }

  /** Appends the object at `addr` to gc.garbage (a strong reference). */
  private appendGarbage(addr: number): void {
    this.increment(addr);
    this.garbage.push(addr);
  }

  /** `update_refs`: gc_refs = refcount and COLLECTING for each object of `young`; returns their number. */
  protected updateRefs(words: Int32Array, young: number): number {
    let n = 0;
    for (let gc = words[(young >> 2) + NEXT_SLOT]!; gc !== young; gc = words[(gc >> 2) + NEXT_SLOT]!) {
      const i = gc >> 2;
      words[i + PREV_SLOT] =
        (words[i + PREV_SLOT]! & PREV_MASK_FINALIZED) |
        PREV_MASK_COLLECTING |
        (words[i + COUNT_SLOT]! << PREV_SHIFT);
      n++;
    }
    return n;
  }

  /** `subtract_refs`: for each reference from a young object to a young object, gc_refs -= 1. */
  private subtractRefs(words: Int32Array, young: number): void {
    const fieldOffset = this.fieldOffset;
    for (let gc = words[(young >> 2) + NEXT_SLOT]!; gc !== young; gc = words[(gc >> 2) + NEXT_SLOT]!) {
      const n = words[gc >> 2]! & NREFS_MASK;
      let p = (gc + fieldOffset) >> 2;
      const end = p + 2 * n;
      for (; p < end; p += 2) {
        const ref = words[p]!;
        if (ref === 0) continue;
        const rp = (ref >> 2) + PREV_SLOT;
        if ((words[rp]! & PREV_MASK_COLLECTING) !== 0) words[rp]! -= 1 << PREV_SHIFT;
      }
    }
  }

  /**
   * `move_unreachable` with `visit_reachable`. Invariant: every object to the left of `gc` in young
   * has been scanned, is reachable from outside young, and has COLLECTING cleared and `_gc_prev`
   * restored; every object moved to `unreachable` has gc_refs 0 when moved and NEXT_MASK_UNREACHABLE
   * set. Returns the number of objects left in young.
   */
  private moveUnreachable(words: Int32Array, young: number, unreachable: number): number {
    const fieldOffset = this.fieldOffset;
    const yi = young >> 2;
    const ui = unreachable >> 2;
    let survivors = 0;
    let prev = young;
    let gc = words[yi + NEXT_SLOT]!;
    while (gc !== young) {
      const i = gc >> 2;
      if (words[i + PREV_SLOT]! >> PREV_SHIFT !== 0) {
        // gc is reachable from outside young: so is everything it refers to (visit_reachable).
        const n = words[i]! & NREFS_MASK;
        let p = (gc + fieldOffset) >> 2;
        const end = p + 2 * n;
        for (; p < end; p += 2) {
          const ref = words[p]!;
          if (ref === 0) continue;
          const r = ref >> 2;
          const refPrev = words[r + PREV_SLOT]!;
          // Objects of other generations, untracked ones and those already scanned are skipped.
          if ((refPrev & PREV_MASK_COLLECTING) === 0) continue;
          const refNext = words[r + NEXT_SLOT]!;
          if ((refNext & NEXT_MASK_UNREACHABLE) !== 0) {
            // Tentatively unreachable, but reachable after all: back to the end of young.
            const uPrev = refPrev & PREV_MASK;
            const uNext = refNext & ~NEXT_MASK_UNREACHABLE;
            words[(uPrev >> 2) + NEXT_SLOT] = refNext; // keeps NEXT_MASK_UNREACHABLE
            const np = (uNext >> 2) + PREV_SLOT;
            words[np] = (words[np]! & ~PREV_MASK) | uPrev;
            gcListAppend(words, ref, young);
            words[r + PREV_SLOT] = (words[r + PREV_SLOT]! & ~PREV_MASK) | (1 << PREV_SHIFT);
          } else if (refPrev >> PREV_SHIFT === 0) {
            // Not scanned yet and gc_refs 0: tell move_unreachable it is reachable.
            words[r + PREV_SLOT] = (refPrev & ~PREV_MASK) | (1 << PREV_SHIFT);
          }
        }
        // Restore gc's prev pointer; gc leaves the collecting state.
        words[i + PREV_SLOT] = ((words[i + PREV_SLOT]! & ~PREV_MASK) | prev) & ~PREV_MASK_COLLECTING;
        prev = gc;
        survivors++;
      } else {
        // Tentatively unreachable: move gc to the end of unreachable (singly linked young).
        words[(prev >> 2) + NEXT_SLOT] = words[i + NEXT_SLOT]!;
        const last = words[ui + PREV_SLOT]!;
        words[(last >> 2) + NEXT_SLOT] = NEXT_MASK_UNREACHABLE | gc;
        words[i + PREV_SLOT] = (words[i + PREV_SLOT]! & ~PREV_MASK) | last;
        words[i + NEXT_SLOT] = NEXT_MASK_UNREACHABLE | unreachable;
        words[ui + PREV_SLOT] = gc;
      }
      gc = words[(prev >> 2) + NEXT_SLOT]!;
    }
    words[yi + PREV_SLOT] = prev;
    words[ui + NEXT_SLOT]! &= ~NEXT_MASK_UNREACHABLE;
    return survivors;
  }

  /**
   * `delete_garbage`: for each unreachable object, incref, clear its fields (decref'ing referents),
   * decref. Reference counting frees the garbage (each freed container unlinks itself); an object
   * still alive afterwards moves to `old`.
   */
  private deleteGarbage(collectable: number, old: number): void {
    const heap = this.heap;
    const fieldOffset = this.fieldOffset;
    const head = (collectable >> 2) + NEXT_SLOT;
    const saveAll = (this.debug & DEBUG_SAVEALL) !== 0;
    for (;;) {
      let words = heap.memory.words;
      const gc = words[head]!;
      if (gc === collectable) break;
      if (saveAll) {
        this.appendGarbage(gc);
        words[(gc >> 2) + PREV_SLOT]! &= ~PREV_MASK_COLLECTING;
        gcListMove(words, gc, old);
        continue;
      }
      this.increment(gc);
      const n = words[gc >> 2]! & NREFS_MASK;
      for (let k = 0; k < n; k++) {
        const slot = (gc + fieldOffset + 8 * k) >> 2;
        const ref = words[slot]!;
        if (ref !== 0) {
          words[slot] = 0;
          this.decrement(ref);
          words = heap.memory.words;
        }
      }
      this.decrement(gc);
      words = heap.memory.words;
      if (words[head] === gc) {
        words[(gc >> 2) + PREV_SLOT]! &= ~PREV_MASK_COLLECTING;
        gcListMove(words, gc, old);
      }
    }
  }

  // ---- the gc module's state operations (used by the facade) ------------------------------

  /** `gc.freeze()`: every tracked object moves to the permanent generation; all counts reset. */
  freeze(): void {
    const words = this.heap.memory.words;
    for (let g = 0; g < NUM_GENERATIONS; g++) {
      gcListMerge(words, this.generationHead(g), this.permanentHead);
      this.counts[g] = 0;
    }
  }

  /** `gc.unfreeze()`: the permanent generation joins generation 2. */
  unfreeze(): void {
    gcListMerge(this.heap.memory.words, this.permanentHead, this.generationHead(NUM_GENERATIONS - 1));
  }

  /** Number of objects in generation `g`'s list (3 = the permanent generation). */
  generationSize(g: number): number {
    return gcListSize(this.heap.memory.words, this.heads + HEAD_STRIDE * g);
  }

  /** Whether the object at `addr` is tracked (`gc.is_tracked`). */
  isTracked(addr: number): boolean {
    return this.heap.memory.words[(addr >> 2) + NEXT_SLOT] !== 0;
  }

  /** Whether the finalizer of the object at `addr` ran (`gc.is_finalized`: the FINALIZED flag). */
  isFinalized(addr: number): boolean {
    return (this.heap.memory.words[(addr >> 2) + PREV_SLOT]! & PREV_MASK_FINALIZED) !== 0;
  }

  /** gc.garbage's references (the contract's `heldReferences`): a program reaches them through it. */
  heldReferences(): readonly number[] {
    return this.garbage;
  }

  /** `gc.garbage.clear()`: releases gc.garbage's references, last to first (`_list_clear`). */
  clearGarbage(): void {
    const garbage = this.garbage.splice(0);
    for (let k = garbage.length - 1; k >= 0; k--) this.decrement(garbage[k]!);
  }

  /**
   * The trace's `gc.CALL` operations (format 2), through the facade. A value Python's `gc` would
   * reject (its ValueError) is a `MutatorError` naming the operation.
   */
  gcModule(call: GcModuleCall, args: readonly number[]): string | null {
    const gc = this.gc;
    try {
      switch (call) {
        case 'get_count':
          return gc.get_count().join(' ');
        case 'set_threshold':
          gc.set_threshold(args[0]!, args[1], args[2]);
          return null;
        case 'enable':
          gc.enable();
          return null;
        case 'disable':
          gc.disable();
          return null;
        case 'freeze':
          gc.freeze();
          return null;
        case 'unfreeze':
          gc.unfreeze();
          return null;
        case 'garbage':
          return String(gc.garbage.length);
        case 'garbage_clear':
          gc.clear_garbage();
          return null;
        case 'set_debug':
          gc.set_debug(args[0]!);
          return null;
        case 'is_tracked':
          return String(gc.is_tracked(args[0]!));
        case 'is_finalized':
          return String(gc.is_finalized(args[0]!));
      }
    } catch (error) {
      if (error instanceof GcValueError)
        throw new MutatorError(this.heap.opIndex, this.heap.opText(), error.message);
      throw error;
    }
  }

  // ---- verification and figures -----------------------------------------------------------

  /**
   * Checked mode: counts (heap fields plus roots), the allocator's bookkeeping, and the GC lists:
   * each list is circular and consistent both ways with no flag set, holds only allocated
   * containers, and every allocated container is in exactly one list; untracked objects have
   * `_gc_next = 0`; the counts are not negative.
   */
  override verify(): void {
    // Immortal objects (3.12 on) have a fixed count, not their references.
    this.verifyCounts(true, this.garbage, this.immortals ? isImmortalCount : undefined);
    this.space.verify();
    const live = this.live;
    if (live === null) return;
    const words = this.heap.memory.words;
    const seen = new Set<number>();
    for (let k = 0; k <= NUM_GENERATIONS; k++) {
      const head = this.heads + HEAD_STRIDE * k;
      let prev = head;
      for (let gc = words[(head >> 2) + NEXT_SLOT]!; gc !== head; gc = words[(gc >> 2) + NEXT_SLOT]!) {
        if (!live.has(gc)) this.fail(`list ${k} holds ${hex(gc)}, which is not allocated`);
        if (seen.has(gc)) this.fail(`${hex(gc)} is in more than one GC list (or a list loops)`);
        seen.add(gc);
        if (!this.isGcType(words, gc)) this.fail(`list ${k} holds ${hex(gc)}, which is not a GC object`);
        // Between collections only FINALIZED may be set among `_gc_prev`'s flags.
        const p = words[(gc >> 2) + PREV_SLOT]! & ~PREV_MASK_FINALIZED;
        if (p !== prev) this.fail(`${hex(gc)} in list ${k} has _gc_prev ${hex(p)}, expected ${hex(prev)}`);
        prev = gc;
      }
      if (words[(head >> 2) + PREV_SLOT] !== prev) this.fail(`list ${k}'s head has a stale _gc_prev`);
    }
    for (const addr of live) {
      const shape = words[addr >> 2]!;
      // Version-1 containers are always tracked; other kinds may be untracked (dicts, tuples), and
      // so may immortal objects (3.12 on: `_Py_SetImmortal` untracks).
      const immortal = this.immortals && isImmortalCount(words[(addr >> 2) + COUNT_SLOT]!);
      const mustTrack = (shape & KIND_MASK) === 0 && (shape & NREFS_MASK) !== 0 && !immortal;
      if (mustTrack && !seen.has(addr)) this.fail(`container ${hex(addr)} is in no GC list`);
      if (!seen.has(addr) && words[(addr >> 2) + NEXT_SLOT] !== 0)
        this.fail(`${hex(addr)} is tracked but in no GC list`);
    }
    for (let g = 0; g < NUM_GENERATIONS; g++) {
      if (this.counts[g]! < 0) this.fail(`count[${g}] is negative`);
    }
  }

  /** gc.get_count() as count0..count2, thresholds, long-lived figures and per-generation stats. */
  override stats(): Record<string, number> {
    const out: Record<string, number> = { ...super.stats() };
    for (let g = 0; g < NUM_GENERATIONS; g++) {
      out[`count${g}`] = this.counts[g]!;
      out[`threshold${g}`] = this.thresholds[g]!;
    }
    out['longLivedPending'] = this.longLivedPending;
    out['longLivedTotal'] = this.longLivedTotal;
    for (let g = 0; g < NUM_GENERATIONS; g++) {
      const s = this.generationStats[g]!;
      out[`collections${g}`] = s.collections;
      out[`collected${g}`] = s.collected;
    }
    return out;
  }
}

/** Whether a count word marks an immortal object (`_Py_IsImmortal`: negative as an int32). */
function isImmortalCount(count: number): boolean {
  return count < 0;
}

/**
 * The descriptor of a CPython version's collector: `create` builds a `CPythonCollector` with `rules`,
 * or with `make` when the version has its own subclass.
 */
export function cpythonDescriptor(
  rules: CPythonVersion,
  summary: string,
  make: (heap: Heap, options: CollectorOptions | undefined) => Collector = (heap, options) =>
    new CPythonCollector(heap, options, rules),
): CollectorDescriptor {
  return { ...cpython, name: rules.name, summary, create: make };
}

/** Descriptor of `cpython`. */
export const cpython: CollectorDescriptor = {
  name: 'cpython',
  family: 'hybrid',
  summary: "CPython 3.11: reference counting plus gcmodule.c's generational cycle collector (700/10/10).",
  constraints: {
    movesObjects: false,
    reclaimsCycles: true,
    countsReferences: true,
    generational: true,
    incremental: false,
    headerWords: 3,
  },
  create(heap: Heap, options?: CollectorOptions): Collector {
    return new CPythonCollector(heap, options);
  },
  // Small thresholds, so that the cycle collector's automatic collections of every generation run
  // in the verifier's small programs (at 700/10/10 they need 70,000 allocations for a full one);
  // the second with the free lists, whose uncounted containers shift the schedule.
  verifyOptionSets: [
    { threshold0: 10, threshold1: 2, threshold2: 2 },
    { threshold0: 50, threshold1: 3, threshold2: 1, freeLists: true },
  ],
};
