/**
 * The lockstep run: one program executed under a collector (in checked mode) and against the
 * reference model, operation by operation, with every property checked after every operation.
 *
 * After each operation, in this order (the first violation ends the program):
 * 1. the collector's reports during the operation named real objects (a free or move of an address
 *    that holds no unfreed object, or an allocation over one, violates allocator integrity);
 * 2. safety: the reachable heap and the model are isomorphic: every root and field refers to the
 *    object the model says, each object at one address and one object per address, with the shape
 *    it was allocated with, where the collector last reported it, and not reported freed;
 * 3. allocator integrity: unfreed objects lie in mapped memory and do not overlap; the heap's
 *    counters of allocated and freed objects and bytes equal what the collector reported;
 * 4. count accuracy (collectors that count references): each unfreed object's `referenceCount` is
 *    the number of references to it from the fields of unfreed objects plus the roots;
 * 5. completeness after a full `gc`: the unfreed objects are exactly the reachable ones, plus (for
 *    `acyclic`) the cyclic garbage and what only it reaches.
 * Inside the operation, as the collector reports: a move by a collector that declares it does not
 * move violates `never-moves`; a collection record whose `collected` differs from the frees reported
 * since the previous record violates `reported-figures`; after a record of a 'full' collection (of a
 * collector that is not incremental) completeness is checked against the model as it was before the
 * operation, the state the collection saw. These are held until the operation returns, and win over
 * an out-of-memory the same operation ends with.
 * Core's checked mode runs inside each operation (its `HeapIntegrityError` is a safety violation).
 * A failing `collector.verify()` (called by checked mode, or after the checks when checked mode is
 * off) is held back until the model's checks have run, then reported as allocator integrity.
 *
 * Trace format 2 (finalizers and weak references; see properties.ts for the two properties): the
 * run listens to the heap's output lines. A `finalize N` line is checked as it is written (the
 * registration is the object's latest, has not run, its object is not freed) and, after the
 * operation, against reachability: the object must have been unreachable before the operation or
 * after it (not counting the globals this operation's finalizers stored into). Then the model
 * stores each resurrected object into its global, in the heap's order relative to the operation's
 * own root store, so safety checks the resurrected object and all it reaches. A `callback N` line is
 * checked likewise (its weak reference has a callback, is not freed, ran none before; its referent
 * is freed or unreachable by the end of the operation). A `deref` is checked against the model (see
 * `checkDeref`), and after every operation each weak reference the model has not seen cleared
 * must, in the heap's table, refer to its referent where the collector last reported it, or be
 * cleared (`checkWeakReferences`). Objects found unreachable while these checks run are remembered
 * (`ModelObject.wasUnreachable`). Completeness after a full collection allows, besides what
 * `Completeness` allows, what finalization keeps (`finalizationKept`).
 *
 * Out of memory: an `OutOfMemoryError` ends the program without a failure when the bytes the
 * collector may not free (reachable objects, plus the unfreed cyclic garbage for `acyclic` or when
 * `oomKeepsCycles`, plus every unfreed object for `none`) and the request exceed `oomLiveFraction` of
 * the heap limit; otherwise it violates `out-of-memory`. One refused by the host-memory budget is no
 * verdict on the collector: it is thrown as `HostMemoryExhaustedError`.
 */
import {
  type CollectionRecord,
  type CollectorDescriptor,
  type CollectorOptions,
  formatOp,
  HeapIntegrityError,
  hex,
  MutatorError,
  NREFS_MASK,
  OutOfMemoryError,
  type TraceOp,
  TracePerformer,
  WEAKREF_PAYLOAD_BYTES,
} from '@gclab/core';
import { HookGuard, type HookWatch, TimeLimitExceeded } from './containment.ts';
import { type StepFigures, stepFigures } from './determinism.ts';
import { HostMemoryExhaustedError, hostMemoryOption, refusedByHostMemory } from './host-memory-budget.ts';
import { type Completeness, type PropertyName, PropertyViolation } from './properties.ts';
import { type ModelFinalizer, ModelObject, ReferenceModel } from './reference-model.ts';
import { type ReportListener, TrackingHeap } from './tracking-heap.ts';

/** How a lockstep run is set up. */
export interface LockstepConfig {
  /** The collector under test. */
  descriptor: CollectorDescriptor;
  /** Heap limit in bytes, or null for none. */
  heapLimit: number | null;
  /** Options for the collector's `create`. */
  collectorOptions: CollectorOptions;
  /** What a full collection must reclaim. */
  completeness: Completeness;
  /** Whether `referenceCount` counts references from roots too (else from fields only). */
  countRoots: boolean;
  /** Whether core's checked mode runs too (the model's checks always run). */
  coreChecks: boolean;
  /** Whether the collector's own `verify()` runs after every operation. */
  collectorVerify: boolean;
  /** Out of memory is accepted only when unfreeable bytes exceed this fraction of the limit. */
  oomLiveFraction: number;
  /** Whether cyclic garbage counts as unfreeable for the out-of-memory rule (it waits for a cycle collector's schedule). */
  oomKeepsCycles: boolean;
  /** Milliseconds the program may run (checked at every hook return and collector report). */
  timeLimitMs: number;
  /** Host-memory budget in bytes of the heap (see `host-memory-budget.ts`). Default none. */
  hostMemoryLimit?: number;
  /** Told of every hook call (for a supervisor that must name a hook that never returns). Default none. */
  hookWatch?: HookWatch;
}

/** One program under one collector and the reference model. */
export class LockstepRun implements ReportListener {
  /** The heap (checked mode unless `coreChecks` is false). */
  readonly heap: TrackingHeap;
  /** The reference model. */
  readonly model = new ReferenceModel();
  /** Operations executed so far (the last one is the failing one after a violation). */
  readonly ops: TraceOp[] = [];
  /** Set when the program ended with an accepted `OutOfMemoryError`. */
  outOfMemory = false;
  /** Full collections run. */
  fullCollections = 0;
  /** The figures of each operation that ran to its end, for the determinism check. */
  readonly steps: StepFigures[] = [];
  /** Format 2 events seen so far (for coverage): finalizers run, resurrections, callbacks, ... */
  readonly events = { finalizers: 0, resurrections: 0, callbacks: 0, derefNull: 0, derefMoved: 0 };
  /** Output lines of the operation in progress. */
  private readonly lines: string[] = [];
  /** Finalizers that ran during the operation in progress, and whether before its own root store. */
  private readonly finalizedNow: Array<{ registration: ModelFinalizer; beforeStore: boolean }> = [];
  /** Weak reference objects whose callback ran during the operation in progress. */
  private readonly callbacksNow: ModelObject[] = [];
  /**
   * Whether the callback of the weak reference the running `weakref` operation makes ran during it
   * (its referent died as the operation's root store overwrote the referent's last reference).
   */
  private creationCallback = false;
  /** Objects reachable before the operation in progress (computed at its first format-2 event), or null. */
  private reachableBefore: Set<ModelObject> | null = null;
  /** The heap's root-write counter when the operation in progress began. */
  private rootWritesAtStart = 0;
  /** Whether the collector keeps a `gc.garbage` (legacy finalizer cycles stay there, unfreed). */
  private readonly hasGarbageList: boolean;
  /** Set once `gc.freeze` or `gc.set_debug` ran: completeness is no longer checked. */
  private gcModuleAltered = false;
  private readonly byAddress = new Map<number, ModelObject>();
  private readonly performer: TracePerformer;
  private readonly guard: HookGuard;
  private pending: PropertyViolation | null = null;
  private verifyFailure: unknown = null;
  private opIndex = -1;
  /**
   * Objects the collector reported freed since the last collection record (and, for a collector
   * that counts references, since the operation began).
   */
  private freedSinceRecord = 0;

  constructor(readonly config: LockstepConfig) {
    const options = {
      checked: config.coreChecks,
      collectorOptions: config.collectorOptions,
      ...(config.heapLimit === null ? {} : { heapLimit: config.heapLimit }),
      ...hostMemoryOption(config.hostMemoryLimit),
    };
    this.heap = new TrackingHeap(config.descriptor, options);
    this.heap.listener = this;
    this.heap.telemetry.collectionListeners.push((record) => this.collected(record));
    this.performer = new TracePerformer(this.heap);
    this.heap.onOutput = (line) => this.output(line);
    const collector = this.heap.collector;
    this.hasGarbageList = collector.heldReferences !== undefined;
    this.guard = new HookGuard(collector, config.timeLimitMs, config.hookWatch ?? null);
    const verify = collector.verify.bind(collector);
    // A failing verify() is held back until the model's checks have run: they name the defect
    // more precisely (a miscount, a freed reachable object) than the collector's own check.
    collector.verify = () => {
      if (!config.collectorVerify) return;
      try {
        verify();
      } catch (error) {
        if (error instanceof TimeLimitExceeded) throw error;
        if (this.verifyFailure === null) this.verifyFailure = error;
      }
    };
  }

  /**
   * Executes `op` (valid for the model) and checks every property. Returns false when the program
   * ended with an accepted out-of-memory; throws `PropertyViolation` on a violation (an exception
   * from the collector, in the operation or in a check that calls it, is `crash` or `time-limit`),
   * and `HostMemoryExhaustedError` when the host-memory budget refused the memory.
   */
  execute(op: TraceOp): boolean {
    try {
      return this.executeChecked(op);
    } catch (error) {
      throw this.classify(error);
    }
  }

  private executeChecked(op: TraceOp): boolean {
    const index = this.ops.length;
    this.ops.push(op);
    this.opIndex = index;
    // Frees outside collections are how a reference-counting collector works; a tracing one frees
    // only in collections, which may span operations (an incremental sweep).
    if (this.config.descriptor.constraints.countsReferences) this.freedSinceRecord = 0;
    this.lines.length = 0;
    this.finalizedNow.length = 0;
    this.callbacksNow.length = 0;
    this.creationCallback = false;
    this.reachableBefore = null;
    this.rootWritesAtStart = this.heap.counters.rootWrites;
    let result: number | null;
    try {
      result = this.performer.perform(op);
      this.steps.push(stepFigures(this.heap, result, this.lines.length === 0 ? '' : this.lines.join('\n')));
    } catch (error) {
      if (error instanceof OutOfMemoryError) {
        if (this.pending !== null) throw this.pending; // reported before the allocation failed
        // A limit of the host, not the collector's behaviour: it stops the campaign.
        if (refusedByHostMemory(error, this.heap))
          throw new HostMemoryExhaustedError(error, this.heap.os.memory.budgetBytes);
        this.checkOutOfMemory(op, error);
        this.outOfMemory = true;
        return false;
      }
      throw this.classify(error);
    }
    if (this.pending !== null) throw this.pending;
    let produced: ModelObject | null = null;
    if (op.op === 'new' || op.op === 'weakref') {
      const addr = result!;
      const occupant = this.byAddress.get(addr);
      if (occupant !== undefined) {
        this.fail(
          'allocator-integrity',
          `allocation returned ${hex(addr)}, where ${occupant.describe()} lies unfreed`,
        );
      }
      const refs = op.op === 'new' ? op.refs : 0;
      const bytes = op.op === 'new' ? op.bytes : WEAKREF_PAYLOAD_BYTES;
      produced = new ModelObject(
        this.model.objects.length + 1,
        index,
        refs,
        bytes,
        this.heap.model.sizeOf(refs, bytes),
      );
      produced.addr = addr;
      this.byAddress.set(addr, produced);
    } else if (op.op === 'deref') produced = this.checkDeref(op, result!);
    const events = this.finalizedNow.length > 0 || this.callbacksNow.length > 0 || this.creationCallback;
    if (events) {
      for (const f of this.finalizedNow) if (f.beforeStore) this.model.resurrect(f.registration);
    }
    this.model.apply(op, produced, index);
    if (this.creationCallback) {
      const w = produced!;
      if (!w.weak!.callback)
        this.report(
          'weak-references',
          `during '${formatOp(op)}' a callback ran for its weak reference, which has none`,
        );
      w.weak!.callbackRan = true;
      w.weak!.cleared = true;
      this.callbacksNow.push(w);
    }
    if (events) this.afterEvents(op);
    if (op.op === 'gc-call' && (op.gc.call === 'freeze' || (op.gc.call === 'set_debug' && op.gc.flags !== 0)))
      this.gcModuleAltered = true;
    this.checkSafety();
    this.checkAllocator();
    if (this.config.descriptor.constraints.countsReferences) this.checkCounts(op, result);
    if (this.model.weakRefs.length > 0) this.checkWeakReferences();
    if (ReferenceModel.isFullCollection(op)) {
      this.fullCollections++;
      const incomplete = this.incompleteness(false);
      if (incomplete !== null) this.fail('completeness', incomplete);
    }
    if (!this.config.coreChecks) this.heap.collector.verify();
    if (this.verifyFailure !== null) throw this.verifyViolation(this.verifyFailure);
    return true;
  }

  // ---- the collector's reports ---------------------------------------------------------------

  freed(addr: number, size: number): void {
    this.guard.check('when the collector reported a free');
    const o = this.byAddress.get(addr);
    if (o === undefined) {
      this.report(
        'allocator-integrity',
        `the collector freed ${hex(addr)}, where no unfreed object lies (a double free?)`,
      );
      return;
    }
    if (o.size !== size)
      this.report(
        'allocator-integrity',
        `the collector freed ${o.describe()} as ${size} bytes; it is ${o.size}`,
      );
    if (o.finalizer?.state === 'pending') {
      this.report(
        'finalizers',
        `the collector freed ${o.describe()} without running its finalizer (registered by op ${o.finalizer.id})`,
      );
    }
    o.freed = true;
    this.byAddress.delete(addr);
    this.freedSinceRecord++;
  }

  freedRange(start: number, end: number): void {
    this.guard.check('when the collector reported a freed range');
    for (const [addr, o] of this.byAddress) {
      if (addr >= start && addr < end) {
        if (o.finalizer?.state === 'pending') {
          this.report(
            'finalizers',
            `the collector reclaimed ${o.describe()} without running its finalizer (registered by op ${o.finalizer.id})`,
          );
        }
        o.freed = true;
        this.byAddress.delete(addr);
        this.freedSinceRecord++;
      }
    }
  }

  moved(from: number, to: number): void {
    this.guard.check('when the collector reported a move');
    if (!this.config.descriptor.constraints.movesObjects) {
      this.report(
        'never-moves',
        `the collector moved ${hex(from)} to ${hex(to)}, but its constraints say movesObjects: false`,
      );
    }
    const o = this.byAddress.get(from);
    if (o === undefined) {
      this.report(
        'allocator-integrity',
        `the collector moved ${hex(from)} to ${hex(to)}, but no unfreed object lies at ${hex(from)}`,
      );
      return;
    }
    this.byAddress.delete(from);
    const occupant = this.byAddress.get(to);
    if (occupant !== undefined && occupant !== o) occupant.addr = 0; // overwritten without a free report
    o.addr = to;
    this.byAddress.set(to, o);
  }

  /**
   * A collection the collector logged (`telemetry.recordCollection`), from inside the operation:
   * the objects it says it collected must be the objects it reported freed since the previous
   * record (for a collector that counts references, and so frees outside collections too, since
   * the operation began if later) (`reported-figures`), and after a stop-the-world full collection
   * (logged as 'full' by a collector that is not incremental, whoever started it) nothing
   * unreachable may remain but what the collector cannot reclaim (`completeness`). The model still
   * holds the state before the operation, which is the state the collection saw.
   */
  private collected(record: CollectionRecord): void {
    const freed = this.freedSinceRecord;
    this.freedSinceRecord = 0;
    // A collector that counts references may free more than it logs: CPython's `gc.collect()`
    // counts the unreachable objects the cycle collector found, and freeing them releases, by
    // counting, untracked objects they held. NOTE: drop an object on a self-loop that alone refers
    // to an object without reference fields (untracked), then `gc`: the log says 1 collected, and 2
    // were freed, the second by its count reaching zero.
    const counts = this.config.descriptor.constraints.countsReferences;
    if (counts ? record.collected > freed : record.collected !== freed) {
      this.report(
        'reported-figures',
        `the collection log says generation ${record.generation} collected ${record.collected} objects; the collector reported ${freed} freed`,
      );
    }
    if (record.generation !== 'full' || this.config.descriptor.constraints.incremental) return;
    if (ReferenceModel.isFullCollection(this.ops[this.opIndex]!)) return; // checked when it returns
    const incomplete = this.incompleteness(true);
    if (incomplete !== null)
      this.report('completeness', `in a collection during the operation: ${incomplete}`);
  }

  private report(property: PropertyName, reason: string): void {
    if (this.pending === null) this.pending = new PropertyViolation(property, this.opIndex, reason);
  }

  private fail(property: PropertyName, reason: string): never {
    throw new PropertyViolation(property, this.opIndex, reason);
  }

  /** The violation an exception from the heap or collector stands for. */
  private classify(error: unknown): PropertyViolation | HostMemoryExhaustedError {
    if (error instanceof PropertyViolation || error instanceof HostMemoryExhaustedError) return error;
    if (error instanceof TimeLimitExceeded) {
      const op = this.ops[this.opIndex];
      return new PropertyViolation(
        'time-limit',
        this.opIndex,
        `${error.message}, during '${op === undefined ? '?' : formatOp(op)}'`,
      );
    }
    if (this.pending !== null) return this.pending;
    if (error instanceof HeapIntegrityError)
      return new PropertyViolation('safety', this.opIndex, `core checked mode: ${error.reason}`);
    if (error instanceof MutatorError) {
      return new PropertyViolation(
        'safety',
        this.opIndex,
        `the heap rejected an operation the model says is valid: ${error.message}`,
      );
    }
    const hook = this.guard.failedHook;
    return new PropertyViolation(
      'crash',
      this.opIndex,
      `the collector threw ${describeError(error)}${hook === null ? '' : ` out of its ${hook} hook`}`,
    );
  }

  /** The violation a failing `collector.verify()` stands for. */
  private verifyViolation(error: unknown): PropertyViolation {
    const reason = error instanceof HeapIntegrityError ? error.reason : `threw ${describeError(error)}`;
    return new PropertyViolation('allocator-integrity', this.opIndex, `collector.verify(): ${reason}`);
  }

  // ---- trace format 2: output lines, finalizers and weak references ------------------------------

  /** One output line of the heap, as it is written (inside the operation). */
  private output(line: string): void {
    this.lines.push(line);
    if (line.startsWith('finalize ')) this.finalizerRan(Number(line.slice(9)));
    else if (line.startsWith('callback ')) this.callbackRan(Number(line.slice(9)));
  }

  /** The running operation, quoted, for messages. */
  private opText(): string {
    const op = this.ops[this.opIndex];
    return op === undefined ? '?' : `'${formatOp(op)}'`;
  }

  /** The objects reachable before the running operation (the model still holds that state). */
  private noteReachableBefore(): void {
    if (this.reachableBefore === null) this.reachableBefore = new Set(this.model.markReachable());
  }

  /** `finalize N`: the registration is the object's latest, has not run, and its object is not freed. */
  private finalizerRan(id: number): void {
    this.guard.check('when a finalizer ran');
    const registration = this.model.finalizers.get(id);
    if (registration === undefined) {
      this.report(
        'finalizers',
        `during ${this.opText()} a finalizer ran that no operation registered ('finalize ${id}')`,
      );
      return;
    }
    const o = registration.object;
    const what = `the finalizer of ${o.describe()} registered by op ${id}`;
    if (registration.state === 'ran') {
      this.report(
        'finalizers',
        `${what} ran a second time, during ${this.opText()} (it ran during op ${registration.ranAt})`,
      );
      return;
    }
    if (registration.state === 'replaced')
      this.report(
        'finalizers',
        `${what} ran during ${this.opText()}, but a later finalizer operation replaced it`,
      );
    if (o.freed)
      this.report('finalizers', `${what} ran during ${this.opText()}, after the collector freed the object`);
    this.noteReachableBefore();
    registration.state = 'ran';
    registration.ranAt = this.opIndex;
    // The heap's runFinalizer writes the line before its root store; the operation's own root store
    // (one for each operation that writes a root) is counted too.
    const writes = this.heap.counters.rootWrites - this.rootWritesAtStart;
    const earlier = this.finalizedNow.filter((f) => f.registration.resurrect !== null).length;
    this.finalizedNow.push({ registration, beforeStore: writes - earlier === 0 });
    this.events.finalizers++;
    if (registration.resurrect !== null) this.events.resurrections++;
  }

  /** `callback N`: the weak reference has a callback, is not freed, and ran none before. */
  private callbackRan(id: number): void {
    this.guard.check('when a weak reference callback ran');
    const w = this.model.weakRefsById.get(id);
    if (w === undefined && id === this.opIndex && this.ops[id]?.op === 'weakref' && !this.creationCallback) {
      // The weak reference this operation makes (the model makes it when the operation is applied).
      this.noteReachableBefore();
      this.creationCallback = true;
      this.events.callbacks++;
      return;
    }
    if (w === undefined || w.weak === null) {
      this.report(
        'weak-references',
        `during ${this.opText()} a callback ran for no weak reference ('callback ${id}')`,
      );
      return;
    }
    const weak = w.weak;
    const what = `the callback of weak reference ${w.describe()} (to #${weak.referent.id}, made by op ${id})`;
    if (!weak.callback)
      this.report(
        'weak-references',
        `during ${this.opText()} a callback ran for weak reference ${w.describe()}, which has none`,
      );
    else if (weak.callbackRan)
      this.report('weak-references', `${what} ran a second time, during ${this.opText()}`);
    if (w.freed)
      this.report(
        'weak-references',
        `${what} ran during ${this.opText()}, after the collector freed the weak reference object`,
      );
    this.noteReachableBefore();
    weak.callbackRan = true;
    weak.cleared = true;
    this.callbacksNow.push(w);
    this.events.callbacks++;
  }

  /**
   * After an operation during which finalizers or callbacks ran (the model has applied it, and the
   * resurrections that came before its root store): each finalized object and each callback's
   * referent was unreachable before the operation or after it (not counting the globals this
   * operation's finalizers stored into); a callback's weak reference was alive. Then the
   * remaining resurrections are applied, and every object unreachable before or after is remembered
   * as having been unreachable.
   */
  private afterEvents(op: TraceOp): void {
    const model = this.model;
    const before = this.reachableBefore ?? new Set<ModelObject>();
    const into = new Set<string>();
    for (const f of this.finalizedNow)
      if (f.registration.resurrect !== null) into.add(f.registration.resurrect);
    const after = new Set(model.markReachable(into));
    const dead = (o: ModelObject) => !before.has(o) || !after.has(o);
    for (const { registration } of this.finalizedNow) {
      const o = registration.object;
      if (!dead(o)) {
        this.fail(
          'finalizers',
          `the finalizer of ${o.describe()} (registered by op ${registration.id}) ran during '${formatOp(op)}', but the object is reachable from the roots before and after it`,
        );
      }
    }
    const counts = this.config.descriptor.constraints.countsReferences;
    const incremental = this.config.descriptor.constraints.incremental;
    for (const w of this.callbacksNow) {
      const weak = w.weak!;
      const referent = weak.referent;
      if (!referent.freed && !referent.wasUnreachable && !dead(referent)) {
        this.fail(
          'weak-references',
          `the callback of weak reference ${w.describe()} ran during '${formatOp(op)}', but its referent ${referent.describe()} is reachable from the roots before and after it`,
        );
      }
      // A collector that does not count references runs only the callbacks of weak references it
      // found reachable (a weak reference that dies with its referent does not call back). An
      // incremental collector may keep a weak reference that died during its marking cycle (floating
      // garbage, as it keeps any object): its callback may still run, so it is not checked.
      if (!counts && !incremental && !before.has(w) && !after.has(w)) {
        this.fail(
          'weak-references',
          `the callback of weak reference ${w.describe()} ran during '${formatOp(op)}', but the weak reference object itself is unreachable (garbage does not call back)`,
        );
      }
    }
    for (const f of this.finalizedNow) if (!f.beforeStore) model.resurrect(f.registration);
    for (const o of model.objects) if (!o.freed && (!before.has(o) || !after.has(o))) o.wasUnreachable = true;
  }

  /**
   * `deref`: the heap returned `value`. Live: exactly the referent where the collector last put it
   * (not freed, not a weak reference that read null before). Null: the referent is freed,
   * unreachable now, or was seen unreachable before. Returns the model object the heap returned.
   */
  private checkDeref(op: Extract<TraceOp, { op: 'deref' }>, value: number): ModelObject | null {
    const w = this.model.read(op.weakref)!;
    const weak = w.weak!;
    const referent = weak.referent;
    const what = `'${formatOp(op)}' (weak reference ${w.describe()} to ${referent.describe()})`;
    if (value !== 0) {
      if (referent.freed)
        this.fail(
          'weak-references',
          `${what} returned ${hex(value)}, but the collector freed the referent: a dangling weak reference`,
        );
      if (value !== referent.addr)
        this.fail(
          'weak-references',
          `${what} returned ${hex(value)}, but the collector last reported the referent at ${hex(referent.addr)}`,
        );
      if (weak.cleared)
        this.fail(
          'weak-references',
          `${what} returned the referent, but the weak reference was cleared before`,
        );
      if (referent.addr !== weak.referentAddr) this.events.derefMoved++;
      return referent;
    }
    this.events.derefNull++;
    if (!referent.freed && !referent.wasUnreachable) {
      this.model.markReachable();
      if (this.model.isMarked(referent))
        this.fail(
          'weak-references',
          `${what} returned null, but the referent is strongly reachable and never was unreachable`,
        );
      referent.wasUnreachable = true;
    }
    weak.cleared = true;
    return null;
  }

  /**
   * After every operation of a program with weak references: the heap's table has an entry at each
   * reachable weak reference object's address, and each weak reference the model has not seen
   * cleared refers to its referent's current address, or to nothing (cleared); never to a freed or
   * moved-from object.
   */
  private checkWeakReferences(): void {
    const table = this.heap.weakRefs;
    let reachable = false;
    for (const w of this.model.weakRefs) {
      const weak = w.weak!;
      if (w.freed) continue;
      if (!table.isWeakReference(w.addr)) {
        // Lost from the table: a defect if the weak reference object is reachable (a dead one's
        // entry may go before the object is swept).
        if (!reachable) {
          this.model.markReachable();
          reachable = true;
        }
        if (this.model.isMarked(w)) {
          this.fail(
            'weak-references',
            `weak reference object ${w.describe()} is reachable at ${hex(w.addr)}, but the heap's weak-reference table has no entry there (dropped, or not moved with the object)`,
          );
        }
        continue;
      }
      if (weak.cleared) continue;
      const at = table.referentOf(w.addr);
      if (at === 0) continue;
      const referent = weak.referent;
      if (referent.freed) {
        this.fail(
          'weak-references',
          `weak reference ${w.describe()} still refers to ${hex(at)} after the collector freed its referent ${referent.describe()}: a dangling weak reference`,
        );
      }
      if (at !== referent.addr) {
        this.fail(
          'weak-references',
          `weak reference ${w.describe()} refers to ${hex(at)}, but the collector last reported its referent ${referent.describe()} at ${hex(referent.addr)}`,
        );
      }
    }
  }

  /**
   * What finalization keeps after a full collection, among the unreachable objects (call right
   * after `markReachable`): the objects whose finalizer ran during this operation; during the
   * operation (`inOp`: the collection's finalizers may not have run yet) the objects whose
   * finalizer has not run; for a collector with a `gc.garbage`, the objects with a legacy finalizer
   * that has not run; and everything these reach.
   */
  private finalizationKept(inOp: boolean, into: Set<ModelObject>): void {
    const model = this.model;
    if (model.finalizers.size === 0) return;
    const stack: ModelObject[] = [];
    for (const registration of model.finalizers.values()) {
      const o = registration.object;
      if (o.freed || model.isMarked(o) || into.has(o)) continue;
      const keep =
        (registration.state === 'ran' && registration.ranAt === this.opIndex) ||
        (registration.state === 'pending' && (inOp || (registration.legacy && this.hasGarbageList)));
      if (!keep) continue;
      into.add(o);
      stack.push(o);
    }
    while (stack.length > 0) {
      const o = stack.pop()!;
      for (const f of o.fields) {
        if (f !== null && !model.isMarked(f) && !into.has(f)) {
          into.add(f);
          stack.push(f);
        }
      }
    }
  }

  // ---- checks ------------------------------------------------------------------------------------

  /** Property 1: the reachable heap is isomorphic to the model, each object where it was reported. */
  private checkSafety(): void {
    const heap = this.heap;
    const roots = heap.roots;
    const model = this.model;
    if (roots.depth !== model.depth)
      this.fail('safety', `the heap has ${roots.depth + 1} frames, the model ${model.depth + 1}`);
    const addressOf = new Map<ModelObject, number>();
    const objectAt = new Map<number, ModelObject>();
    const stack: ModelObject[] = [];
    const match = (addr: number, o: ModelObject | null, where: () => string): void => {
      if (o === null) {
        if (addr !== 0) this.fail('safety', `${where()} should be null but holds ${hex(addr)}`);
        return;
      }
      if (addr === 0) this.fail('safety', `${where()} should refer to ${o.describe()} but is null`);
      if (o.freed)
        this.fail(
          'safety',
          `${where()} refers to ${o.describe()}, which is reachable but the collector freed it`,
        );
      if ((addr & 7) !== 0 || !heap.os.isMapped(addr)) {
        this.fail(
          'safety',
          `${where()} should refer to #${o.id} but holds ${hex(addr)}, not a mapped, aligned address`,
        );
      }
      const seen = addressOf.get(o);
      if (seen !== undefined) {
        if (seen !== addr) {
          this.fail(
            'safety',
            `${where()} refers to #${o.id} at ${hex(addr)}, but another reference to it holds ${hex(seen)} (a reference not updated?)`,
          );
        }
        return;
      }
      const other = objectAt.get(addr);
      if (other !== undefined)
        this.fail(
          'safety',
          `${where()} should refer to #${o.id} but holds ${hex(addr)}, where #${other.id} is`,
        );
      if (o.addr !== addr) {
        const last =
          o.addr === 0 ? 'then overwrote it with another object' : `last reported it at ${hex(o.addr)}`;
        this.fail('safety', `${where()} refers to #${o.id} at ${hex(addr)}, but the collector ${last}`);
      }
      addressOf.set(o, addr);
      objectAt.set(addr, o);
      stack.push(o);
    };
    for (let d = 0; d <= model.depth; d++) {
      const base = roots.frameBase[d]!;
      const end = d < roots.depth ? roots.frameBase[d + 1]! : roots.top;
      const frame = model.frames[d]!;
      if (end - base !== frame.length)
        this.fail(
          'safety',
          `frame ${d} has ${end - base} registers in the heap, ${frame.length} in the model`,
        );
      for (let i = 0; i < frame.length; i++)
        match(roots.regs[base + i]!, frame[i]!, () => `register r${i} of frame ${d}`);
    }
    let defined = 0;
    for (let g = 0; g < roots.globalCount; g++) {
      const name = roots.globalNames[g]!;
      const inHeap = roots.globalDefined[g] === 1;
      if (inHeap !== model.globals.has(name))
        this.fail('safety', `global g:${name} is ${inHeap ? '' : 'un'}defined in the heap, not in the model`);
      if (!inHeap) continue;
      defined++;
      match(roots.globals[g]!, model.globals.get(name)!, () => `global g:${name}`);
    }
    if (defined !== model.globals.size)
      this.fail('safety', `the heap has ${defined} defined globals, the model ${model.globals.size}`);
    const mem = heap.model;
    while (stack.length > 0) {
      const o = stack.pop()!;
      const addr = addressOf.get(o)!;
      const words = heap.memory.words;
      const nrefs = words[addr >> 2]! & NREFS_MASK;
      const payload = words[(addr >> 2) + 1]!;
      if (nrefs !== o.fields.length || payload !== o.payload) {
        this.fail(
          'safety',
          `#${o.id} at ${hex(addr)} has shape (${nrefs} refs, ${payload} payload bytes); it was allocated as (${o.fields.length}, ${o.payload})`,
        );
      }
      for (let i = 0; i < nrefs; i++)
        match(mem.getField(words, addr, i), o.fields[i]!, () => `field ${i} of #${o.id}`);
    }
  }

  /** Property 4: unfreed objects are mapped and disjoint; the counters agree with the reports. */
  private checkAllocator(): void {
    const heap = this.heap;
    const live: ModelObject[] = [];
    let freedObjects = 0;
    let freedBytes = 0;
    let allocatedBytes = 0;
    for (const o of this.model.objects) {
      allocatedBytes += o.size;
      if (o.freed) {
        freedObjects++;
        freedBytes += o.size;
        continue;
      }
      if (o.addr === 0)
        this.fail(
          'allocator-integrity',
          `${o.describe()} was overwritten by a moved object without being reported freed`,
        );
      if (!heap.os.isMapped(o.addr) || !heap.os.isMapped(o.addr + o.size - 1)) {
        this.fail('allocator-integrity', `unfreed ${o.describe()} at ${hex(o.addr)} is not in mapped memory`);
      }
      live.push(o);
    }
    live.sort((a, b) => a.addr - b.addr);
    for (let i = 1; i < live.length; i++) {
      const a = live[i - 1]!;
      const b = live[i]!;
      if (a.addr + a.size > b.addr) {
        this.fail(
          'allocator-integrity',
          `#${a.id} at [${hex(a.addr)}, ${hex(a.addr + a.size)}) overlaps #${b.id} at ${hex(b.addr)}`,
        );
      }
    }
    const c = heap.counters;
    const objects = this.model.objects.length;
    if (
      c.objectsAllocated !== objects ||
      c.objectsFreed !== freedObjects ||
      c.bytesAllocated !== allocatedBytes ||
      c.bytesFreed !== freedBytes
    ) {
      this.fail(
        'allocator-integrity',
        `the heap counts ${c.objectsAllocated} objects (${c.bytesAllocated} bytes) allocated and ${c.objectsFreed} ` +
          `(${c.bytesFreed} bytes) freed; the collector's reports say ${objects} (${allocatedBytes}) and ${freedObjects} (${freedBytes})`,
      );
    }
  }

  /** Property 3: reference counts equal incoming references. */
  private checkCounts(op: TraceOp, result: number | null): void {
    const expected = this.model.incomingReferences(this.config.countRoots);
    const collector = this.heap.collector;
    const what = this.config.countRoots
      ? "fields of unfreed objects, roots and the collector's own references"
      : "fields of unfreed objects and the collector's own references";
    if (op.op === 'refcount') {
      const o = this.model.read(op.src);
      const heldHere =
        o === null ? 0 : (collector.heldReferences?.() ?? []).filter((a) => a === o.addr).length;
      const want = o === null ? null : (expected.get(o) ?? 0) + heldHere;
      if (result !== want && !(o !== null && this.fixedImmortalCount(o, result ?? -1)))
        this.fail('count-accuracy', `'${formatOp(op)}' gave ${result}, expected ${want}`);
    }
    // References the collector holds itself (CPython's gc.garbage) count too.
    const held = new Map<ModelObject, number>();
    for (const addr of collector.heldReferences?.() ?? []) {
      const o = this.byAddress.get(addr);
      if (o !== undefined) held.set(o, (held.get(o) ?? 0) + 1);
    }
    for (const o of this.model.objects) {
      if (o.freed) continue;
      const count = collector.referenceCount(o.addr);
      const want = (expected.get(o) ?? 0) + (held.get(o) ?? 0);
      if (count !== want && !this.fixedImmortalCount(o, count))
        this.fail(
          'count-accuracy',
          `#${o.id} has reference count ${count}, but ${want} references point to it (${what})`,
        );
    }
  }

  /**
   * Whether `count` is an immortal object's fixed count (PEP 683, CPython 3.12 on): the first count
   * reported for it that is not its references is taken as the fixed one; every later one must equal
   * it. (A collector that counts an immortal object's references, hidden global included, never
   * gets here.)
   */
  private fixedImmortalCount(o: ModelObject, count: number): boolean {
    if (!o.immortal) return false;
    if (o.immortalCount === null) o.immortalCount = count;
    return count === o.immortalCount;
  }

  /**
   * Property 2: after a full collection (`inOp`: one logged inside the operation), exactly the
   * reachable (and unreclaimable) objects remain; else why not.
   */
  private incompleteness(inOp: boolean): string | null {
    const mode = this.config.completeness;
    if (mode === 'none' || this.gcModuleAltered) return null;
    const model = this.model;
    model.markReachable();
    const kept = mode === 'acyclic' ? model.cyclicGarbage() : new Set<ModelObject>();
    const gone = [...kept].filter((o) => o.freed);
    this.finalizationKept(inOp, kept);
    const left = model.objects.filter((o) => !o.freed && !model.isMarked(o) && !kept.has(o));
    if (left.length > 0)
      return `after a full collection ${left.length} unreachable object(s) remain unfreed: ${list(left)}`;
    if (gone.length > 0)
      return `cyclic garbage was freed by a collector whose constraints say it does not reclaim cycles: ${list(gone)}`;
    return null;
  }

  /** Accepts an out-of-memory only when the data the collector may not free nearly fills the limit. */
  private checkOutOfMemory(op: TraceOp, error: OutOfMemoryError): void {
    const limit = this.config.heapLimit;
    const requested =
      op.op === 'new'
        ? this.heap.model.sizeOf(op.refs, op.bytes)
        : op.op === 'weakref'
          ? this.heap.model.sizeOf(0, WEAKREF_PAYLOAD_BYTES)
          : 0;
    const model = this.model;
    const reachable = model.markReachable();
    let kept = 0;
    if (this.config.completeness === 'none') {
      for (const o of model.objects) if (!o.freed && !model.isMarked(o)) kept += o.size;
    } else {
      const unfreeable =
        this.config.completeness === 'acyclic' || this.config.oomKeepsCycles
          ? model.cyclicGarbage()
          : new Set<ModelObject>();
      this.finalizationKept(true, unfreeable);
      for (const o of unfreeable) if (!o.freed) kept += o.size;
    }
    let live = 0;
    for (const o of reachable) live += o.size;
    const threshold = limit === null ? Number.POSITIVE_INFINITY : this.config.oomLiveFraction * limit;
    if (live + kept + requested <= threshold) {
      this.fail(
        'out-of-memory',
        `${error.message}, although only ${live} reachable bytes${kept > 0 ? ` and ${kept} unreclaimable bytes` : ''} ` +
          `and the ${requested}-byte request must fit (the verifier accepts running out of memory above ` +
          `${limit === null ? 'no limit' : `${this.config.oomLiveFraction} of the ${limit}-byte heap limit`})`,
      );
    }
  }
}

/** A few objects, described. */
function list(objects: readonly ModelObject[]): string {
  const shown = objects.slice(0, 4).map((o) => o.describe());
  return objects.length > 4 ? `${shown.join(', ')} and ${objects.length - 4} more` : shown.join(', ');
}

/** An exception as `Name: message`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
