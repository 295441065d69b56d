/**
 * The heap: the mutator API that workloads and traces use, over the simulated memory, the roots and
 * one collector. Every operation of the trace format is a method here (`new`, `set`, `del`, `put`,
 * `get`, `call`, `ret`, `gc`, `refcount`); each validates its operands, performs the operation and
 * calls the collector's hooks in a fixed order:
 *
 * - `new`: allocate (safepoint) -> format -> postAlloc -> root store -> rootWritten(old, new)
 * - `put`: writeBarrierPre -> store -> writeBarrierPost (old and new values given to both)
 * - `set`, `del`, `get`, `call` (arguments), `ret` (each non-null register released): store -> rootWritten
 *
 * Trace format 2 adds `finalizer` (registers in `finalizers`), `weakref` (allocates a weak reference
 * object, registered in `weakRefs`), `deref`, `safepoint` (the collector's `safepoint` hook), `immortal`
 * (held forever in a hidden global, then the collector's `immortalized` hook) and the
 * `gc` module calls (`gcCall`: `collect`, or the collector's `gcModule` hook). What a run writes
 * besides `refcount` values (finalizers and callbacks that ran, results of `deref` and `gc` calls)
 * goes to `output`, a line each. Collectors run finalizers through `runFinalizer`.
 *
 * In checked mode a shadow of the object graph, updated only from the operations (never from the
 * simulated memory), is compared with the memory after every operation (see `checker.ts`).
 */

import { HeapChecker } from './checker.ts';
import type { GcModuleCall } from './collector.ts';
import {
  type Collector,
  type CollectorDescriptor,
  type CollectorOptions,
  FULL_COLLECTION,
} from './collector.ts';
import { MutatorError, OutOfMemoryError } from './errors.ts';
import { FinalizerKind, FinalizerTable } from './finalizer-table.ts';
import type { Memory } from './memory.ts';
import { ObjectKind, WEAKREF_PAYLOAD_BYTES } from './object-kind.ts';
import { MAX_PAYLOAD, MAX_REFS, NREFS_MASK, ObjectModel } from './object-model.ts';
import { Oracle } from './oracle.ts';
import { ADDRESS_SPACE_BYTES, SimulatedOS } from './os.ts';
import { MAX_FRAMES, MAX_OUTER_REGISTERS, MAX_REGISTERS, NULL_ROOT, Roots } from './roots.ts';
import { type Counters, OP_NAMES, OpCode, Telemetry } from './telemetry.ts';
import { GC_CALLS, gcCallText } from './trace/ops.ts';
import { WeakReferenceTable } from './weak-reference-table.ts';

/** Options of a heap. */
export interface HeapOptions {
  /** Heap limit in bytes: the simulated OS refuses to map past it. Default: none. */
  heapLimit?: number;
  /** Host-memory budget in bytes for the simulated memory (see `OSOptions`). Default: none. */
  hostMemoryLimit?: number;
  /** Verify the heap after every operation (slow; for tests and verification). */
  checked?: boolean;
  /** Options passed to the collector's `create`. */
  collectorOptions?: CollectorOptions;
}

/** Summary figures of a heap at one moment. */
export interface HeapStats {
  /** Deterministic counters. */
  counters: Counters;
  /** Objects allocated and not yet freed. */
  unfreedObjects: number;
  /** Bytes in objects allocated and not yet freed. */
  unfreedBytes: number;
  /** Bytes the simulated OS has mapped now. */
  reservedBytes: number;
  /** Peak mapped bytes. */
  peakReservedBytes: number;
  /** Collections by kind or generation. */
  collectionsByKind: Record<string, number>;
  /** Number of pauses recorded. */
  pauses: number;
  /** The collector's own figures. */
  collector: Record<string, number>;
}

/** The mutator's view of memory, roots and one collector. */
export class Heap {
  /** The simulated OS that every space maps memory from. */
  readonly os: SimulatedOS;
  /** The word array (through `memory.words`, which may be replaced when the OS maps more). */
  readonly memory: Memory;
  /** Object layout for this heap's header words. */
  readonly model: ObjectModel;
  /** Frames and globals. */
  readonly roots = new Roots();
  /** Counters, pauses, collection log. */
  readonly telemetry = new Telemetry();
  /** Shortcut to `telemetry.counters`. */
  readonly counters: Counters;
  /** The reachability oracle (independent of the collector). */
  readonly oracle: Oracle;
  /** The descriptor the collector came from. */
  readonly descriptor: CollectorDescriptor;
  /** The collector. */
  readonly collector: Collector;
  /** Whether checked mode is on. */
  readonly checked: boolean;
  /** The checked-mode verifier (present only in checked mode). */
  readonly checker: HeapChecker | null;
  /**
   * Whether someone listens to each freed address (checked mode's shadow graph, or a subclass that
   * overrides `recordFree`, such as @gclab/bench's tracking heap, which sets it). While it is false a
   * collector may report the frees of one operation's batch (a cascade) with one `recordBulkFree`
   * instead of one `recordFree` each; the counters and frees by operation come out the same.
   */
  freesObserved: boolean;
  /**
   * Kind (`ObjectKind`) of the object being allocated: set before the collector's `allocate` and
   * left set through `postAlloc` (trace format 2; `ObjectKind.default` for a version-1 `new`).
   */
  allocKind: ObjectKind = ObjectKind.default;
  /** `immortal` operations so far (each holds its object in the hidden global `immortal N`). */
  private immortalCount = 0;
  /** Finalizers registered and not yet run (trace format 2). */
  readonly finalizers = new FinalizerTable();
  /** Weak reference objects and their referents (trace format 2). */
  readonly weakRefs = new WeakReferenceTable((line) => this.emit(line));
  /** Output lines (finalizers, callbacks, `deref` and `gc` calls) when `onOutput` is not set. */
  readonly output: string[] = [];
  /** Receives each output line as it is written instead of `output` (replay sets it). */
  onOutput: ((line: string) => void) | null = null;

  private argScratch = new Int32Array(16);
  private opA = 0;
  private opB = 0;
  private opC = 0;
  private opArgs: ArrayLike<number> = EMPTY;
  private argSerials = new Int32Array(16);

  constructor(descriptor: CollectorDescriptor, options: HeapOptions = {}) {
    this.descriptor = descriptor;
    this.os = new SimulatedOS({
      ...(options.heapLimit === undefined ? {} : { heapLimit: options.heapLimit }),
      ...(options.hostMemoryLimit === undefined ? {} : { hostMemoryLimit: options.hostMemoryLimit }),
    });
    this.memory = this.os.memory;
    this.model = new ObjectModel(descriptor.constraints.headerWords);
    this.counters = this.telemetry.counters;
    this.oracle = new Oracle(this);
    this.checked = options.checked === true;
    this.checker = this.checked ? new HeapChecker(this) : null;
    this.freesObserved = this.checked;
    this.collector = descriptor.create(this, options.collectorOptions ?? {});
  }

  /**
   * Gives the heap's large host arrays back for the next heap of this process (see
   * `host-array-pool.ts`). The heap is unusable afterwards; call it when a run is over and nothing
   * will read the heap again.
   */
  release(): void {
    this.memory.release();
    this.checker?.release();
  }

  /** Index of the last operation started (ops are numbered from 0). */
  get opIndex(): number {
    return this.telemetry.opIndex;
  }

  /** Root code for global `name` (the global need not be defined yet). */
  global(name: string): number {
    return ~this.roots.globalSlot(name);
  }

  // ---- operations ---------------------------------------------------------------------------

  /** `new ROOT REFS [BYTES]`: allocates an object and assigns it to `dst`; returns its address. */
  new(dst: number, nrefs: number, payload = 0, kind: ObjectKind = ObjectKind.default): number {
    this.begin(OpCode.new, dst, nrefs, payload);
    this.allocKind = kind;
    if (!(nrefs >= 0 && nrefs <= MAX_REFS && Number.isInteger(nrefs))) {
      this.fail(`reference field count must be an integer from 0 to ${MAX_REFS}, got ${nrefs}`);
    }
    if (!(payload >= 0 && payload <= MAX_PAYLOAD && Number.isInteger(payload))) {
      this.fail(`payload must be an integer from 0 to ${MAX_PAYLOAD} bytes, got ${payload}`);
    }
    if (kind === ObjectKind.atomic && nrefs !== 0)
      this.fail(`an atomic object (an int or str) has no reference fields, got ${nrefs}`);
    this.checkWritable(dst);
    const addr = this.allocateObject(nrefs, payload);
    const serial = this.checker !== null ? this.checker.serialOf(addr) : 0;
    const old = this.storeRoot(dst, addr);
    if (this.checker !== null) this.checker.setRootSerial(dst, serial);
    this.collector.rootWritten(old, addr);
    if (this.checker !== null) this.checker.afterOp();
    return addr;
  }

  /** `set ROOT SRC`: assignment `dst = src` (`src` may be `NULL_ROOT`). */
  set(dst: number, src: number): void {
    this.begin(OpCode.set, dst, src, 0);
    const value = this.readSource(src);
    this.checkWritable(dst);
    const shadow = this.checker !== null ? this.checker.serialOfRoot(src) : 0;
    const old = this.storeRoot(dst, value);
    if (this.checker !== null) this.checker.setRootSerial(dst, shadow);
    this.collector.rootWritten(old, value);
    if (this.checker !== null) this.checker.afterOp();
  }

  /** `del ROOT`: sets a register to null, or removes a global's binding. */
  del(dst: number): void {
    this.begin(OpCode.del, dst, 0, 0);
    let old: number;
    if (dst < 0) {
      const g = ~dst;
      const roots = this.roots;
      if (g >= roots.globalCount || roots.globalDefined[g] === 0)
        this.fail(`global '${this.rootName(dst)}' is not defined`);
      old = roots.globals[g]!;
      roots.globals[g] = 0;
      roots.globalDefined[g] = 0;
      this.counters.rootWrites++;
    } else {
      this.checkWritable(dst);
      old = this.storeRoot(dst, 0);
    }
    if (this.checker !== null) this.checker.setRootSerial(dst, 0);
    this.collector.rootWritten(old, 0);
    if (this.checker !== null) this.checker.afterOp();
  }

  /** `put ROOT INDEX SRC`: field store `(object in obj).fields[index] = src`, with the write barrier. */
  put(objRoot: number, index: number, src: number): void {
    this.begin(OpCode.put, objRoot, index, src);
    const obj = this.readRoot(objRoot);
    if (obj === 0) this.fail(`field store into null (${this.rootName(objRoot)} is null)`);
    const words = this.memory.words;
    if (!(index >= 0 && index < (words[obj >> 2]! & NREFS_MASK) && (index | 0) === index)) {
      this.fail(
        `field index ${index} out of range: the object has ${words[obj >> 2]! & NREFS_MASK} reference fields`,
      );
    }
    const value = this.readSource(src);
    const slot = obj + this.model.fieldOffset + 8 * index;
    const old = words[slot >> 2]!;
    this.counters.pointerStores++;
    const collector = this.collector;
    collector.writeBarrierPre(obj, slot, old, value);
    this.memory.words[slot >> 2] = value;
    collector.writeBarrierPost(obj, slot, old, value);
    if (this.checker !== null) {
      this.checker.setFieldSerial(this.checker.serialOfRoot(objRoot), index, this.checker.serialOfRoot(src));
      this.checker.afterOp();
    }
  }

  /** `get ROOT ROOT2 INDEX`: field load `dst = (object in src).fields[index]`. */
  get(dst: number, srcRoot: number, index: number): void {
    this.begin(OpCode.get, dst, srcRoot, index);
    const obj = this.readRoot(srcRoot);
    if (obj === 0) this.fail(`field load through null (${this.rootName(srcRoot)} is null)`);
    const words = this.memory.words;
    if (!(index >= 0 && index < (words[obj >> 2]! & NREFS_MASK) && (index | 0) === index)) {
      this.fail(
        `field index ${index} out of range: the object has ${words[obj >> 2]! & NREFS_MASK} reference fields`,
      );
    }
    this.checkWritable(dst);
    const value = words[(obj + this.model.fieldOffset + 8 * index) >> 2]!;
    this.counters.pointerLoads++;
    const shadow =
      this.checker !== null ? this.checker.fieldSerial(this.checker.serialOfRoot(srcRoot), index) : 0;
    const old = this.storeRoot(dst, value);
    if (this.checker !== null) this.checker.setRootSerial(dst, shadow);
    this.collector.rootWritten(old, value);
    if (this.checker !== null) this.checker.afterOp();
  }

  /**
   * `call NREGS [SRC ...]`: pushes a frame of `nregs` registers; `args[i]` (root codes, read in the
   * caller's frame) are copied into r0, r1, ...
   */
  call(nregs: number, args: ArrayLike<number> = EMPTY): void {
    this.begin(OpCode.call, nregs, 0, 0, args);
    const n = args.length;
    if (!(Number.isInteger(nregs) && nregs >= n && nregs <= MAX_OUTER_REGISTERS)) {
      this.fail(`a frame needs from ${n} (its arguments) to ${MAX_OUTER_REGISTERS} registers, got ${nregs}`);
    }
    if (this.roots.depth + 1 >= MAX_FRAMES) this.fail(`call stack deeper than ${MAX_FRAMES} frames`);
    if (this.roots.top + nregs > MAX_REGISTERS) {
      this.fail(
        `call stack overflow: the frames would hold ${this.roots.top + nregs} registers, more than ${MAX_REGISTERS} in all`,
      );
    }
    if (n > this.argScratch.length) {
      this.argScratch = new Int32Array(n * 2);
      this.argSerials = new Int32Array(n * 2);
    }
    const scratch = this.argScratch;
    for (let i = 0; i < n; i++) {
      const src = args[i]!;
      scratch[i] = this.readSource(src);
      if (this.checker !== null) this.argSerials[i] = this.checker.serialOfRoot(src);
    }
    const base = this.roots.pushFrame(nregs);
    if (this.checker !== null) this.checker.onCall(base, nregs, this.argSerials, n);
    const regs = this.roots.regs;
    const collector = this.collector;
    this.counters.rootWrites += n;
    for (let i = 0; i < n; i++) {
      const v = scratch[i]!;
      regs[base + i] = v;
      if (v !== 0) collector.rootWritten(0, v);
    }
    if (this.checker !== null) this.checker.afterOp();
  }

  /** `ret`: pops the current frame, releasing its registers. */
  ret(): void {
    this.begin(OpCode.ret, 0, 0, 0);
    const roots = this.roots;
    if (roots.depth === 0) this.fail('ret with no called frame to return from');
    const base = roots.frameBase[roots.depth]!;
    const top = roots.top;
    const collector = this.collector;
    for (let i = base; i < top; i++) {
      const old = roots.regs[i]!;
      if (old !== 0) {
        roots.regs[i] = 0;
        this.counters.rootWrites++;
        collector.rootWritten(old, 0);
      }
    }
    roots.popFrame();
    if (this.checker !== null) {
      this.checker.onReturn(base, top);
      this.checker.afterOp();
    }
  }

  /** `gc [GENERATION]`: explicit collection; returns the number of objects found unreachable. */
  gc(generation: number = FULL_COLLECTION): number {
    this.begin(OpCode.gc, generation, 0, 0);
    if (!Number.isInteger(generation) || generation < FULL_COLLECTION) {
      this.fail(`generation must be a non-negative integer, got ${generation}`);
    }
    const collected = this.collector.collect(generation);
    if (this.checker !== null) this.checker.afterOp();
    return collected;
  }

  /** `refcount ROOT`: the reference count of the object in `src`, or null when it is not counted. */
  refcount(src: number): number | null {
    this.begin(OpCode.refcount, src, 0, 0);
    const obj = this.readRoot(src);
    const count = obj === 0 ? -1 : this.collector.referenceCount(obj);
    if (this.checker !== null) this.checker.afterOp();
    return count < 0 ? null : count;
  }

  /**
   * `finalizer ROOT [resurrect g:NAME | legacy]` (format 2): registers a finalizer for the object in
   * `obj`: `FinalizerKind.finalize` (`__del__`; with `resurrectInto`, a global's root code, it stores
   * the object there when it runs) or `FinalizerKind.legacy` (`tp_del`). Replaces an earlier one.
   */
  finalizer(obj: number, kind: FinalizerKind, resurrectInto: number = NULL_ROOT): void {
    this.begin(OpCode.finalizer, obj, kind, resurrectInto);
    const addr = this.readRoot(obj);
    if (addr === 0) this.fail('null cannot have a finalizer');
    if (resurrectInto !== NULL_ROOT && resurrectInto >= 0) this.fail('a finalizer resurrects into a global');
    this.finalizers.register(addr, { id: this.opIndex, kind, resurrectInto });
    if (this.checker !== null) this.checker.afterOp();
  }

  /**
   * `weakref ROOT SRC [callback]` (format 2): allocates a weak reference object (no reference fields,
   * `WEAKREF_PAYLOAD_BYTES` of payload, kind `weakref`) referring to the object in `referent`, and
   * assigns it to `dst`. A safepoint, like `new`. Returns its address.
   */
  weakref(dst: number, referent: number, callback: boolean): number {
    this.begin(OpCode.weakref, dst, referent, callback ? 1 : 0);
    if (this.readRoot(referent) === 0) this.fail('cannot make a weak reference to null');
    this.checkWritable(dst);
    this.allocKind = ObjectKind.weakref;
    const addr = this.allocateObject(0, WEAKREF_PAYLOAD_BYTES);
    // Read after the allocation, which may have moved the referent.
    this.weakRefs.create(addr, this.readRoot(referent), this.opIndex, callback);
    this.assignRoot(dst, addr);
    if (this.checker !== null) this.checker.afterOp();
    return addr;
  }

  /**
   * `deref ROOT WEAKREF` (format 2): `dst` = the referent of the weak reference object in `weakref`,
   * or null once it is cleared; writes `deref live` or `deref null`. Returns the value assigned.
   */
  deref(dst: number, weakref: number): number {
    this.begin(OpCode.deref, dst, weakref, 0);
    const w = this.readRoot(weakref);
    if (w === 0 || !this.weakRefs.isWeakReference(w))
      this.fail(`${this.rootName(weakref)} is not a weak reference`);
    const value = this.weakRefs.referentOf(w);
    this.checkWritable(dst);
    this.assignRoot(dst, value);
    this.emit(value === 0 ? 'deref null' : 'deref live');
    if (this.checker !== null) this.checker.afterOp();
    return value;
  }

  /** `safepoint` (format 2): an eval-breaker check of the interpreter; the collector's `safepoint` hook. */
  safepoint(): void {
    this.begin(OpCode.safepoint, 0, 0, 0);
    this.collector.safepoint?.();
    if (this.checker !== null) this.checker.afterOp();
  }

  /**
   * `immortal ROOT` (format 2): the object in `obj` becomes immortal (PEP 683: `_Py_SetImmortal`, as
   * CPython makes interned strings and its static objects). The heap holds it forever, like a global
   * root no trace can name (`immortal N`, a name with a space): every collector, the oracle and checked
   * mode see it reachable, and counting collectors count that reference, as the mutator's own. Then
   * the collector's optional `immortalized` hook runs (CPython 3.12 on fixes the count word there).
   * Each `immortal` of the same object adds one more such reference.
   */
  immortal(obj: number): void {
    this.begin(OpCode.immortal, obj, 0, 0);
    const addr = this.readRoot(obj);
    if (addr === 0) this.fail('null cannot be made immortal');
    const hidden = ~this.roots.globalSlot(`immortal ${this.immortalCount++}`);
    this.assignRoot(hidden, addr);
    this.collector.immortalized?.(addr);
    if (this.checker !== null) this.checker.afterOp();
  }

  /**
   * `gc.CALL [ARGS]` (format 2): a call of Python's `gc` module. `collect` collects (`args[0]`: the
   * generation, absent: full) and writes `collected N`; the others go to the collector's `gcModule`
   * hook (`is_tracked` and `is_finalized` with the address in root `args[0]`), and `get_count`,
   * `garbage`, `is_tracked` and `is_finalized` write their result (`null` when the collector has no
   * such notion). Returns the line written, or null.
   */
  gcCall(call: GcModuleCall | 'collect', args: ArrayLike<number> = EMPTY): string | null {
    this.begin(OpCode.gcCall, GC_CALLS.indexOf(call), args.length > 0 ? args[0]! : 0, 0, args);
    let line: string | null;
    if (call === 'collect') {
      const generation = args.length > 0 ? args[0]! : FULL_COLLECTION;
      line = `collected ${this.collector.collect(generation)}`;
    } else {
      const values: number[] = Array.from(args);
      if (call === 'is_tracked' || call === 'is_finalized') {
        const addr = this.readRoot(values[0]!);
        if (addr === 0) this.fail(`gc.${call} of null`);
        values[0] = addr;
      }
      const result = this.collector.gcModule?.(call, values) ?? null;
      const label = GC_CALL_OUTPUT[call];
      line = label === undefined ? null : `${label} ${result ?? 'null'}`;
    }
    if (line !== null) this.emit(line);
    if (this.checker !== null) this.checker.afterOp();
    return line;
  }

  /** Writes one output line (to `onOutput`, or to `output`). */
  emit(line: string): void {
    if (this.onOutput !== null) this.onOutput(line);
    else this.output.push(line);
  }

  /**
   * Runs the finalizer registered for the object at `addr`, if it has not run (it never runs twice):
   * writes `finalize N` and, for a resurrecting finalizer, stores the object into its global (a root
   * write: `rootWritten`, so a counting collector counts it). Returns whether a finalizer ran.
   * Collectors call this; see finalizer-table.ts for when.
   */
  runFinalizer(addr: number): boolean {
    const entry = this.finalizers.take(addr);
    if (entry === undefined) return false;
    this.emit(`finalize ${entry.id}`);
    const into = entry.resurrectInto;
    if (into !== NULL_ROOT) {
      this.assignRoot(into, addr);
    }
    return true;
  }

  // ---- reading the heap (no telemetry, no barriers: for workloads, tests and tools) -----------

  /** The address held by root `code` (0 for null); throws `MutatorError` for an invalid root. */
  peekRoot(code: number): number {
    return this.readRoot(code);
  }

  /** Reference-field count of the object at `addr`. */
  fieldCount(addr: number): number {
    return this.memory.words[addr >> 2]! & NREFS_MASK;
  }

  /** Field `index` of the object at `addr` (no bounds check). */
  peekField(addr: number, index: number): number {
    return this.model.getField(this.memory.words, addr, index);
  }

  /** Figures of the heap now. */
  stats(): HeapStats {
    const c = this.counters;
    return {
      counters: { ...c },
      unfreedObjects: c.objectsAllocated - c.objectsFreed,
      unfreedBytes: c.bytesAllocated - c.bytesFreed,
      reservedBytes: this.os.reservedBytes,
      peakReservedBytes: this.os.peakReservedBytes,
      collectionsByKind: { ...this.telemetry.collectionsByKind },
      pauses: this.telemetry.pauses.length,
      collector: this.collector.stats(),
    };
  }

  // ---- what collectors report -----------------------------------------------------------------

  /** A collector freed the object at `addr` of `size` bytes. */
  recordFree(addr: number, size: number): void {
    const c = this.counters;
    c.objectsFreed++;
    c.bytesFreed += size;
    const t = this.telemetry;
    t.freedDuringOp[t.opCode]!++;
    t.bytesFreedDuringOp[t.opCode]! += size;
    if (this.checker !== null) this.checker.onFree(addr);
  }

  /**
   * A collector reclaimed `objects` objects of `bytes` bytes at once: a copying collector's
   * from-space (which it must also report with `recordFreeRange` in checked mode), or a batch of
   * frees made during the running operation while `freesObserved` is false.
   */
  recordBulkFree(objects: number, bytes: number): void {
    const c = this.counters;
    c.objectsFreed += objects;
    c.bytesFreed += bytes;
    const t = this.telemetry;
    t.freedDuringOp[t.opCode]! += objects;
    t.bytesFreedDuringOp[t.opCode]! += bytes;
  }

  /** Checked mode: no object of `[start, end)` is valid any more (evacuated or reclaimed region). */
  recordFreeRange(start: number, end: number): void {
    if (this.checker !== null) this.checker.onFreeRange(start, end);
  }

  /** A moving collector moved the object at `from` to `to` (its contents already copied). */
  recordMove(from: number, to: number): void {
    this.counters.objectsMoved++;
    if (this.checker !== null) this.checker.onMove(from, to);
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Allocates and formats an object of `allocKind` (a safepoint: the collector may collect), counts
   * it and calls `postAlloc`; the caller stores it into a root.
   */
  private allocateObject(nrefs: number, payload: number): number {
    const size = this.model.sizeOf(nrefs, payload);
    // No map can return more than the address space: no collector could satisfy this request.
    if (size > ADDRESS_SPACE_BYTES) throw this.tooLarge(size);
    const addr = this.collector.allocate(size, nrefs, payload);
    this.model.format(this.memory.words, addr, nrefs, payload);
    const c = this.counters;
    c.objectsAllocated++;
    c.bytesAllocated += size;
    if (this.checker !== null) this.checker.onAllocate(addr, nrefs, payload);
    this.collector.postAlloc(addr);
    return addr;
  }

  /** Starts an operation, remembering its operands for error messages (no allocation). */
  private begin(op: OpCode, a: number, b: number, c: number, args: ArrayLike<number> = EMPTY): void {
    const t = this.telemetry;
    t.opIndex++;
    t.opCode = op;
    this.counters.ops++;
    this.opA = a;
    this.opB = b;
    this.opC = c;
    this.opArgs = args;
  }

  /** Reads a root for use as a value (NULL_ROOT allowed). */
  private readSource(src: number): number {
    if (src === NULL_ROOT) return 0;
    return this.readRoot(src);
  }

  /** Reads a root's value; throws `MutatorError` for an unknown register or undefined global. */
  private readRoot(code: number): number {
    const roots = this.roots;
    if (code >= 0) {
      const base = roots.frameBase[roots.depth]!;
      if (code < roots.top - base) return roots.regs[base + code]!;
      if (roots.depth === 0 && code < MAX_OUTER_REGISTERS) return 0;
      this.unknownRegister(code, roots.top - base);
    }
    const g = ~code;
    if (g >= roots.globalCount || roots.globalDefined[g] === 0) {
      this.fail(`global '${this.rootName(code)}' is not defined`);
    }
    return roots.globals[g]!;
  }

  /** Throws unless `code` names a root that can be written. */
  private checkWritable(code: number): void {
    if (code >= 0) {
      const roots = this.roots;
      const size = roots.top - roots.frameBase[roots.depth]!;
      if (code < size || (roots.depth === 0 && code < MAX_OUTER_REGISTERS)) return;
      if (code === NULL_ROOT) this.fail('cannot assign to null');
      this.unknownRegister(code, size);
    }
    if (~code >= this.roots.globalCount) this.fail(`unknown global slot ${~code}`);
  }

  /** Throws for a register code the current frame does not have (`NULL_ROOT` included). */
  private unknownRegister(code: number, frameSize: number): never {
    if (code === NULL_ROOT) this.fail('null is not a root here');
    if (this.roots.depth === 0) {
      this.fail(
        `unknown register r${code}: the outermost frame grows to at most ${MAX_OUTER_REGISTERS} registers`,
      );
    }
    this.fail(`unknown register r${code}: the frame has ${frameSize} registers`);
  }

  /**
   * Assigns the object at `value` (or null) to a validated root as the mutator would: the store, the
   * checked-mode shadow, then `rootWritten(old, value)`. For the operations of trace format 2 and the
   * finalizers' resurrections (`new` and `set` keep their own inlined copies: they are hot).
   */
  private assignRoot(code: number, value: number): void {
    const serial = this.checker !== null && value !== 0 ? this.checker.serialOf(value) : 0;
    const old = this.storeRoot(code, value);
    if (this.checker !== null) this.checker.setRootSerial(code, serial);
    this.collector.rootWritten(old, value);
  }

  /** Stores into a validated root and returns the old value (outer-frame registers grow). */
  private storeRoot(code: number, value: number): number {
    const roots = this.roots;
    this.counters.rootWrites++;
    if (code >= 0) {
      let slot = roots.frameBase[roots.depth]! + code;
      if (slot >= roots.top) {
        // Only the outermost frame grows; checkWritable guaranteed depth 0.
        roots.ensureRegisters(slot + 1);
        roots.regs.fill(0, roots.top, slot + 1);
        if (this.checker !== null) this.checker.growRegisters(roots.top, slot + 1);
        roots.top = slot + 1;
        slot = roots.frameBase[roots.depth]! + code;
      }
      const old = roots.regs[slot]!;
      roots.regs[slot] = value;
      return old;
    }
    const g = ~code;
    const old = roots.globals[g]!;
    roots.globals[g] = value;
    roots.globalDefined[g] = 1;
    return old;
  }

  /** Text of a root code: `r3`, `g:name` or `null`. */
  rootName(code: number): string {
    if (code === NULL_ROOT) return 'null';
    if (code >= 0) return `r${code}`;
    return `g:${this.roots.globalNames[~code] ?? `#${~code}`}`;
  }

  /**
   * The `OutOfMemoryError` of a request larger than the whole address space (no map could hold it):
   * raised for every collector alike, before the collector is asked.
   */
  private tooLarge(size: number): OutOfMemoryError {
    const os = this.os;
    os.refusedMaps++;
    os.lastRefusal = 'address-space';
    return this.outOfMemory(this.collector.name, size);
  }

  /**
   * The `OutOfMemoryError` a collector raises when it cannot find `requestedBytes` under the heap
   * limit, with the heap's figures (reserved bytes, the limit, bytes in unfreed objects).
   */
  outOfMemory(collector: string, requestedBytes: number): OutOfMemoryError {
    const c = this.counters;
    return new OutOfMemoryError({
      requestedBytes,
      reservedBytes: this.os.reservedBytes,
      heapLimit: this.os.heapLimit,
      allocatedBytes: c.bytesAllocated - c.bytesFreed,
      collector,
    });
  }

  /** Throws a `MutatorError` naming the running operation and its operands. */
  private fail(reason: string): never {
    const t = this.telemetry;
    throw new MutatorError(t.opIndex, this.opText(), reason);
  }

  /** The running operation (`opIndex`) in trace syntax, e.g. `put r0 1 g:x`. */
  opText(): string {
    const r = (code: number) => this.rootName(code);
    const a = this.opA;
    const b = this.opB;
    const c = this.opC;
    switch (this.telemetry.opCode) {
      case OpCode.new: {
        const kind = KIND_NAMES[this.allocKind];
        return `new ${r(a)} ${b}${c !== 0 ? ` ${c}` : ''}${kind === undefined ? '' : ` ${kind}`}`;
      }
      case OpCode.set:
        return `set ${r(a)} ${r(b)}`;
      case OpCode.del:
        return `del ${r(a)}`;
      case OpCode.put:
        return `put ${r(a)} ${b} ${r(c)}`;
      case OpCode.get:
        return `get ${r(a)} ${r(b)} ${c}`;
      case OpCode.call:
        return ['call', String(a), ...Array.from(this.opArgs, r)].join(' ');
      case OpCode.ret:
        return 'ret';
      case OpCode.gc:
        return a === FULL_COLLECTION ? 'gc' : `gc ${a}`;
      case OpCode.finalizer:
        return b === FinalizerKind.legacy
          ? `finalizer ${r(a)} legacy`
          : `finalizer ${r(a)}${c === NULL_ROOT ? '' : ` resurrect ${r(c)}`}`;
      case OpCode.weakref:
        return `weakref ${r(a)} ${r(b)}${c === 1 ? ' callback' : ''}`;
      case OpCode.deref:
        return `deref ${r(a)} ${r(b)}`;
      case OpCode.safepoint:
        return 'safepoint';
      case OpCode.immortal:
        return `immortal ${r(a)}`;
      case OpCode.gcCall: {
        const call = GC_CALLS[a] ?? 'collect';
        const args = Array.from(this.opArgs, (v) => (call.startsWith('is_') ? r(v) : String(v)));
        return [gcCallText(call), ...args].join(' ');
      }
      default:
        return `${OP_NAMES[this.telemetry.opCode]} ${r(a)}`;
    }
  }
}

const EMPTY = new Int32Array(0);

/** Kind names by `ObjectKind` code, for `opText` (none for the default kind and weak references). */
const KIND_NAMES: readonly (string | undefined)[] = [undefined, 'object', 'list', 'dict', 'tuple', 'atomic'];

/** The first word of the line each `gc` call that answers writes. */
const GC_CALL_OUTPUT: Partial<Record<GcModuleCall, string>> = {
  get_count: 'count',
  garbage: 'garbage',
  is_tracked: 'tracked',
  is_finalized: 'finalized',
};
