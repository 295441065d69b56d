/**
 * The reference model: the mutator's object graph as plain JavaScript objects, updated from the
 * trace operations alone. It knows nothing of addresses, headers or collectors (only where the
 * collector last said each object is, which the lockstep run records from the heap's reports), and it
 * shares no code with core's checked mode, so the two are independent witnesses of the same program.
 *
 * Frames mirror the heap's: the outermost frame grows when one of its registers is written (to at
 * most `MAX_OUTER_REGISTERS`), a called frame has exactly the registers it was called with. Globals
 * are defined by a write and undefined by `del`. `validate` applies the heap's rules, so a program
 * that the model accepts never raises a `MutatorError`.
 *
 * Trace format 2: each object knows its kind, its current finalizer registration (`ModelFinalizer`:
 * the registering operation's number, legacy or not, the global it resurrects into) and, for a weak
 * reference object, its `ModelWeakRef` (referent, callback, whether the verifier has seen it
 * cleared). The model cannot know when a collector runs a finalizer or clears a weak reference: it
 * follows what the heap reports (`finalize N` lines, `deref` results), after the lockstep run has
 * checked that the report is allowed (see lockstep.ts): `resurrect` stores a finalized object into
 * its global, and a `deref` stores what the heap returned. `gc.*` calls change nothing in the model.
 * `immortal` stores the object into a hidden global, `immortal N`, as the heap does.
 */
import {
  FULL_COLLECTION,
  GLOBAL_NAME,
  MAX_FRAMES,
  MAX_OUTER_REGISTERS,
  MAX_PAYLOAD,
  MAX_REFS,
  MAX_REGISTERS,
  type ObjectKindName,
  type TraceOp,
  type TraceRoot,
  type TraceSource,
} from '@gclab/core';

/** A finalizer registered by a `finalizer` operation. */
export interface ModelFinalizer {
  /** Number of the operation that registered it (the heap writes `finalize N` with it). */
  readonly id: number;
  /** The object it finalizes. */
  readonly object: ModelObject;
  /** A legacy finalizer (`tp_del`). */
  readonly legacy: boolean;
  /** The global the finalizer stores the object into when it runs, or null. */
  readonly resurrect: string | null;
  /** Not run yet, replaced by a later registration for the same object (never to run), or ran. */
  state: 'pending' | 'replaced' | 'ran';
  /** The operation during which it ran, or -1. */
  ranAt: number;
}

/** What a weak reference object (made by a `weakref` operation) refers to. */
export interface ModelWeakRef {
  /** Number of the `weakref` operation (the heap writes `callback N` with it). */
  readonly id: number;
  /** The referent. */
  readonly referent: ModelObject;
  /** Whether a callback runs when it is cleared while the weak reference object is alive. */
  readonly callback: boolean;
  /** Where the referent was when the weak reference was made (a later `deref` may see it moved). */
  readonly referentAddr: number;
  /** Whether the verifier has seen it cleared (a `deref` gave null, or its callback ran). */
  cleared: boolean;
  /** Whether its callback ran. */
  callbackRan: boolean;
}

/** One object of the model. */
export class ModelObject {
  /** Reference fields: the objects they refer to (null for a null field). */
  readonly fields: Array<ModelObject | null>;
  /** Where the collector last said the object is (its allocation, then each reported move). */
  addr = 0;
  /** Set when the collector reported the object freed. */
  freed = false;
  /** Traversal stamp (see `ReferenceModel.markReachable`). */
  mark = 0;
  /** Format 2: its kind (`weakref` for a weak reference object), or null for a version-1 `new`. */
  kind: ObjectKindName | 'weakref' | null = null;
  /** Format 2: its finalizer registration (the latest), or null. */
  finalizer: ModelFinalizer | null = null;
  /** Format 2: what it refers to weakly, when it is a weak reference object. */
  weak: ModelWeakRef | null = null;
  /**
   * Format 2: set once the verifier has seen the object unreachable from the roots (at an operation
   * where a finalizer ran, or a weak reference to it was cleared): from then on a weak reference to
   * it may read null even if a finalizer resurrected it (or something that reaches it).
   */
  wasUnreachable = false;
  /**
   * Format 2: the count a collector with fixed immortal counts (CPython 3.12 on) reported for it once
   * it became immortal (`immortal`), or null: immortal or not, it is held by a hidden global.
   */
  immortalCount: number | null = null;
  /** Format 2: an `immortal` operation named it. */
  immortal = false;

  constructor(
    /** Allocation number, from 1 (the heap's serial numbers count the same way). */
    readonly id: number,
    /** Index of the operation that allocated it. */
    readonly opIndex: number,
    nrefs: number,
    /** Payload bytes. */
    readonly payload: number,
    /** Size in bytes under the collector's header words. */
    readonly size: number,
  ) {
    this.fields = new Array<ModelObject | null>(nrefs).fill(null);
  }

  /** `#id` with the operation that allocated it, for messages. */
  describe(): string {
    return `#${this.id} (allocated by op ${this.opIndex}, ${this.fields.length} refs, ${this.payload} payload bytes)`;
  }
}

/** The model's roots and objects. */
export class ReferenceModel {
  /** Every object ever allocated, in allocation order (`objects[i].id === i + 1`). */
  readonly objects: ModelObject[] = [];
  /** Frames, outermost first: each an array of register values. */
  readonly frames: Array<Array<ModelObject | null>> = [[]];
  /** Defined globals and their values. */
  readonly globals = new Map<string, ModelObject | null>();
  /** Format 2: every finalizer registration, by the number of the operation that made it. */
  readonly finalizers = new Map<number, ModelFinalizer>();
  /** Format 2: every weak reference object, in the order they were made. */
  readonly weakRefs: ModelObject[] = [];
  /** Format 2: weak reference objects by the number of the `weakref` operation that made each. */
  readonly weakRefsById = new Map<number, ModelObject>();
  private epoch = 0;
  /** `immortal` operations so far (the heap's hidden globals are numbered by them). */
  private immortalOps = 0;

  /** Depth of the current frame (0 = outermost). */
  get depth(): number {
    return this.frames.length - 1;
  }

  /** The current frame's registers. */
  get frame(): Array<ModelObject | null> {
    return this.frames[this.frames.length - 1]!;
  }

  /** Registers the generator may name in the current frame (the outermost: `outer`, it grows). */
  registerCount(outer: number): number {
    return this.depth === 0 ? outer : this.frame.length;
  }

  /** Whether `root` may be written now. */
  writable(root: TraceRoot): boolean {
    if (root.kind === 'global') return true;
    return root.index < (this.depth === 0 ? MAX_OUTER_REGISTERS : this.frame.length);
  }

  /** Whether `src` may be read now (null always may). */
  readable(src: TraceSource): boolean {
    if (src === null) return true;
    if (src.kind === 'global') return this.globals.has(src.name);
    return src.index < (this.depth === 0 ? MAX_OUTER_REGISTERS : this.frame.length);
  }

  /** Value of a readable source. */
  read(src: TraceSource): ModelObject | null {
    if (src === null) return null;
    if (src.kind === 'global') return this.globals.get(src.name) ?? null;
    return this.frame[src.index] ?? null;
  }

  /** Writes a writable root (the outermost frame grows as the heap's does). */
  write(root: TraceRoot, value: ModelObject | null): void {
    if (root.kind === 'global') {
      this.globals.set(root.name, value);
      return;
    }
    const frame = this.frame;
    while (frame.length <= root.index) frame.push(null);
    frame[root.index] = value;
  }

  /** Why `op` is invalid now (the reason the heap would raise a `MutatorError`), or null if valid. */
  validate(op: TraceOp): string | null {
    switch (op.op) {
      case 'new':
        if (!(Number.isInteger(op.refs) && op.refs >= 0 && op.refs <= MAX_REFS)) return 'bad field count';
        if (!(Number.isInteger(op.bytes) && op.bytes >= 0 && op.bytes <= MAX_PAYLOAD)) return 'bad payload';
        if (op.kind === 'atomic' && op.refs > 0) return 'an atomic object has no reference fields';
        return this.writable(op.dst) ? null : 'destination is not writable';
      case 'set':
        if (!this.readable(op.src)) return 'source is not readable';
        return this.writable(op.dst) ? null : 'destination is not writable';
      case 'del':
        if (op.dst.kind === 'global') return this.globals.has(op.dst.name) ? null : 'global is not defined';
        return this.writable(op.dst) ? null : 'register is not writable';
      case 'put': {
        if (!this.readable(op.obj)) return 'object root is not readable';
        const obj = this.read(op.obj);
        if (obj === null) return 'store into null';
        if (!(op.index >= 0 && op.index < obj.fields.length)) return 'field index out of range';
        return this.readable(op.src) ? null : 'source is not readable';
      }
      case 'get': {
        if (!this.readable(op.obj)) return 'object root is not readable';
        const obj = this.read(op.obj);
        if (obj === null) return 'load through null';
        if (!(op.index >= 0 && op.index < obj.fields.length)) return 'field index out of range';
        return this.writable(op.dst) ? null : 'destination is not writable';
      }
      case 'call':
        if (!(Number.isInteger(op.nregs) && op.nregs >= op.args.length && op.nregs <= MAX_OUTER_REGISTERS)) {
          return 'bad register count';
        }
        if (this.depth + 1 >= MAX_FRAMES) return 'call stack too deep';
        if (this.frames.reduce((n, f) => n + f.length, op.nregs) > MAX_REGISTERS)
          return 'call stack overflow';
        return op.args.every((a) => this.readable(a)) ? null : 'argument is not readable';
      case 'ret':
        return this.depth > 0 ? null : 'ret with no called frame';
      case 'gc':
        return op.generation === null || (Number.isInteger(op.generation) && op.generation >= 0)
          ? null
          : 'bad generation';
      case 'refcount':
        return this.readable(op.src) ? null : 'source is not readable';
      case 'finalizer': {
        if (!this.readable(op.obj)) return 'object root is not readable';
        if (this.read(op.obj) === null) return 'null cannot have a finalizer';
        const a = op.action;
        return a.kind === 'finalize' && a.resurrect !== null && !GLOBAL_NAME.test(a.resurrect)
          ? 'bad global name'
          : null;
      }
      case 'weakref':
        if (!this.readable(op.referent)) return 'referent root is not readable';
        if (this.read(op.referent) === null) return 'cannot make a weak reference to null';
        return this.writable(op.dst) ? null : 'destination is not writable';
      case 'deref': {
        if (!this.readable(op.weakref)) return 'weak reference root is not readable';
        const w = this.read(op.weakref);
        if (w === null || w.weak === null) return 'not a weak reference';
        return this.writable(op.dst) ? null : 'destination is not writable';
      }
      case 'safepoint':
        return null;
      case 'immortal':
        if (!this.readable(op.obj)) return 'object root is not readable';
        return this.read(op.obj) === null ? 'null cannot be made immortal' : null;
      case 'gc-call': {
        const g = op.gc;
        if (g.call === 'collect')
          return g.generation === null || (Number.isInteger(g.generation) && g.generation >= 0)
            ? null
            : 'bad generation';
        if (g.call === 'is_tracked' || g.call === 'is_finalized') {
          if (!this.readable(g.src)) return 'object root is not readable';
          return this.read(g.src) === null ? `gc.${g.call} of null` : null;
        }
        return null;
      }
    }
  }

  /**
   * Applies a valid operation. `produced` is the object a `new` or `weakref` created (the caller
   * made it, with its address and size), or the object a `deref` returned (null for null: the
   * caller checked it); other operations ignore it. `opIndex` is the operation's number (a
   * finalizer registration's id).
   */
  apply(op: TraceOp, produced: ModelObject | null = null, opIndex = -1): void {
    switch (op.op) {
      case 'new':
        if (op.kind !== undefined) produced!.kind = op.kind;
        this.objects.push(produced!);
        this.write(op.dst, produced);
        return;
      case 'weakref': {
        const w = produced!;
        w.kind = 'weakref';
        w.weak = {
          id: w.opIndex,
          referent: this.read(op.referent)!,
          callback: op.callback,
          referentAddr: this.read(op.referent)!.addr,
          cleared: false,
          callbackRan: false,
        };
        this.objects.push(w);
        this.weakRefs.push(w);
        this.weakRefsById.set(w.opIndex, w);
        this.write(op.dst, w);
        return;
      }
      case 'deref':
        this.write(op.dst, produced);
        return;
      case 'finalizer': {
        const object = this.read(op.obj)!;
        if (object.finalizer?.state === 'pending') object.finalizer.state = 'replaced';
        const a = op.action;
        const registration: ModelFinalizer = {
          id: opIndex,
          object,
          legacy: a.kind === 'legacy',
          resurrect: a.kind === 'finalize' ? a.resurrect : null,
          state: 'pending',
          ranAt: -1,
        };
        object.finalizer = registration;
        this.finalizers.set(registration.id, registration);
        return;
      }
      case 'set':
        this.write(op.dst, this.read(op.src));
        return;
      case 'del':
        if (op.dst.kind === 'global') this.globals.delete(op.dst.name);
        else this.write(op.dst, null);
        return;
      case 'put':
        this.read(op.obj)!.fields[op.index] = this.read(op.src);
        return;
      case 'get':
        this.write(op.dst, this.read(op.obj)!.fields[op.index]!);
        return;
      case 'call': {
        const frame: Array<ModelObject | null> = new Array<ModelObject | null>(op.nregs).fill(null);
        for (let i = 0; i < op.args.length; i++) frame[i] = this.read(op.args[i]!);
        this.frames.push(frame);
        return;
      }
      case 'ret':
        this.frames.pop();
        return;
      case 'immortal': {
        // The heap holds it in the hidden global `immortal N`, N counting `immortal` operations.
        const obj = this.read(op.obj)!;
        obj.immortal = true;
        this.globals.set(`immortal ${this.immortalOps++}`, obj);
        return;
      }
      default:
        return;
    }
  }

  /** A resurrecting finalizer that ran stores its object into its global. */
  resurrect(registration: ModelFinalizer): void {
    if (registration.resurrect !== null) this.globals.set(registration.resurrect, registration.object);
  }

  /** Whether `op` is a full collection (`gc` or `gc.collect` with no generation). */
  static isFullCollection(op: TraceOp): boolean {
    if (op.op === 'gc-call') return op.gc.call === 'collect' && op.gc.generation === null;
    return op.op === 'gc' && (op.generation === null || op.generation === FULL_COLLECTION);
  }

  /** Calls `visit` for every root value (registers of every frame, then defined globals). */
  forEachRoot(visit: (value: ModelObject | null) => void): void {
    for (const frame of this.frames) for (const v of frame) visit(v);
    for (const v of this.globals.values()) visit(v);
  }

  /**
   * Marks every object reachable from the roots (but the globals named in `skipGlobals`) with a
   * fresh stamp and returns them; afterwards `isMarked(o)` tells whether `o` is reachable.
   */
  markReachable(skipGlobals: ReadonlySet<string> | null = null): ModelObject[] {
    const stamp = ++this.epoch;
    const out: ModelObject[] = [];
    const stack: ModelObject[] = [];
    const visit = (v: ModelObject | null): void => {
      if (v !== null && v.mark !== stamp) {
        v.mark = stamp;
        stack.push(v);
      }
    };
    if (skipGlobals === null) this.forEachRoot(visit);
    else {
      for (const frame of this.frames) for (const v of frame) visit(v);
      for (const [name, v] of this.globals) if (!skipGlobals.has(name)) visit(v);
    }
    while (stack.length > 0) {
      const o = stack.pop()!;
      out.push(o);
      for (const f of o.fields) {
        if (f !== null && f.mark !== stamp) {
          f.mark = stamp;
          stack.push(f);
        }
      }
    }
    return out;
  }

  /** Whether `o` was reached by the last `markReachable`. */
  isMarked(o: ModelObject): boolean {
    return o.mark === this.epoch;
  }

  /**
   * The unreachable objects that reference counting cannot free: those on a cycle of unreachable
   * objects, and every object reachable only through such a cycle. Call right after `markReachable`.
   *
   * NOTE: an unreachable object outside every cycle has only unreachable referrers, none of them on a
   * cycle, so following referrers back always ends at an object with no referrer at all: its count
   * is zero, it is freed, and the cascade frees the rest. So this set is exact for any counting
   * collector whose cascade is complete.
   */
  cyclicGarbage(): Set<ModelObject> {
    const garbage = this.objects.filter((o) => !this.isMarked(o));
    const onCycle = new Set<ModelObject>();
    for (const start of garbage) {
      // Does `start` reach itself through unreachable objects? (garbage only points at garbage or
      // at reachable objects, and a reachable object never leads back to garbage)
      const seen = new Set<ModelObject>();
      const stack = start.fields.filter((f): f is ModelObject => f !== null && !this.isMarked(f));
      while (stack.length > 0) {
        const o = stack.pop()!;
        if (o === start) {
          onCycle.add(start);
          break;
        }
        if (seen.has(o)) continue;
        seen.add(o);
        for (const f of o.fields) if (f !== null && !this.isMarked(f) && !seen.has(f)) stack.push(f);
      }
    }
    const kept = new Set<ModelObject>(onCycle);
    const stack = [...onCycle];
    while (stack.length > 0) {
      const o = stack.pop()!;
      for (const f of o.fields) {
        if (f !== null && !this.isMarked(f) && !kept.has(f)) {
          kept.add(f);
          stack.push(f);
        }
      }
    }
    return kept;
  }

  /**
   * The number of references to each object: from the fields of every object `holds` accepts (by
   * default, every object not yet freed), plus (when `roots`) every register of every frame and every
   * defined global.
   */
  incomingReferences(
    roots: boolean,
    holds: (o: ModelObject) => boolean = (o) => !o.freed,
  ): Map<ModelObject, number> {
    const counts = new Map<ModelObject, number>();
    for (const o of this.objects) {
      if (!holds(o)) continue;
      for (const f of o.fields) if (f !== null) counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    if (roots) {
      this.forEachRoot((v) => {
        if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      });
    }
    return counts;
  }
}
