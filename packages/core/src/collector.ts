/**
 * The collector contract. A collector plugs into the heap through hooks, like MMTk's plans: an
 * allocation hook (a safepoint: it may collect), a post-allocation hook, a write barrier with a pre
 * and a post hook around each field store, a root-write hook, explicit collection, incremental
 * steps, and a verification hook for checked mode. `CollectorBase` gives every hook a default that
 * does nothing, so a collector overrides only what its algorithm needs.
 *
 * A collector describes itself with a `CollectorDescriptor`: its name, family, a one-line summary,
 * its constraints as plain data (like MMTk's `PlanConstraints`) and a `create(heap, options)`.
 */
import type { Heap } from './heap.ts';

/** What a collector is and does, as data the harness reads. */
export interface CollectorConstraints {
  /** Objects may change address during a collection. */
  readonly movesObjects: boolean;
  /** Cyclic garbage is reclaimed (by some collection). */
  readonly reclaimsCycles: boolean;
  /** A reference count is kept per object (the `refcount` op reports it). */
  readonly countsReferences: boolean;
  /** Young and old objects are collected separately. */
  readonly generational: boolean;
  /** Collection work is spread over bounded steps between mutator operations. */
  readonly incremental: boolean;
  /** Extra header words per object (refcount, GC links, forwarding...), paid in object sizes. */
  readonly headerWords: number;
}

/** The family a collector belongs to, for grouping in reports. */
export type CollectorFamily = 'baseline' | 'reference-counting' | 'hybrid' | 'tracing';

/** Options every collector accepts; collectors add their own. */
export interface CollectorOptions {
  [option: string]: unknown;
}

/** A collector as the harness sees it before it runs. */
export interface CollectorDescriptor {
  /** Registry name, e.g. `mark-sweep`. */
  readonly name: string;
  /** Family, for reports. */
  readonly family: CollectorFamily;
  /** One line saying what it is. */
  readonly summary: string;
  /** Capabilities and costs as data. */
  readonly constraints: CollectorConstraints;
  /** Creates the collector for a heap; the heap already has the declared header words. */
  create(heap: Heap, options?: CollectorOptions): Collector;
  /**
   * Option sets the verifier runs besides the defaults (optional): settings under which the
   * collector's own schedule reaches what small test programs do not at its defaults, such as an
   * incremental mark with a small budget or a small nursery, so that marking and promotion interleave
   * with the mutator. `gclab verify` runs each program under the defaults or one of these, in turn.
   */
  readonly verifyOptionSets?: readonly CollectorOptions[];
}

/**
 * The calls of Python's `gc` module other than `collect` that a trace (format 2) can make; see
 * `Collector.gcModule`.
 */
export type GcModuleCall =
  | 'get_count'
  | 'set_threshold'
  | 'enable'
  | 'disable'
  | 'freeze'
  | 'unfreeze'
  | 'garbage'
  | 'garbage_clear'
  | 'set_debug'
  | 'is_tracked'
  | 'is_finalized';

/** Generation number meaning "a full collection". */
export const FULL_COLLECTION = -1;

/** The hooks the heap calls. Implementations extend `CollectorBase`. */
export interface Collector {
  /** The descriptor's name. */
  readonly name: string;
  /**
   * Returns the address of a free block of `size` bytes for an object with `nrefs` reference fields
   * and `payload` payload bytes. A safepoint: it may collect. The heap formats the block afterwards.
   * Throws `OutOfMemoryError` when no memory can be found under the heap limit.
   */
  allocate(size: number, nrefs: number, payload: number): number;
  /** Called once the new object at `addr` is formatted (shape set, header words and fields zero). */
  postAlloc(addr: number): void;
  /** Write barrier, before field `slot` of `obj` changes from `oldValue` to `newValue`. */
  writeBarrierPre(obj: number, slot: number, oldValue: number, newValue: number): void;
  /** Write barrier, after the store. */
  writeBarrierPost(obj: number, slot: number, oldValue: number, newValue: number): void;
  /** After a root (register or global) changed from `oldValue` to `newValue`. */
  rootWritten(oldValue: number, newValue: number): void;
  /**
   * Explicit collection of `generation` (`FULL_COLLECTION` = everything). Returns the number of
   * objects it found unreachable.
   */
  collect(generation: number): number;
  /** Does up to `budget` work units of incremental collection; returns true if work remains. */
  step(budget: number): boolean;
  /** The reference count of the object at `addr`, or -1 when this collector does not count. */
  referenceCount(addr: number): number;
  /** Checked mode: throws `HeapIntegrityError` if the collector's own invariants are broken. */
  verify(): void;
  /** Collector-specific deterministic figures for reports (counts by generation, spaces...). */
  stats(): Record<string, number>;
  /**
   * Optional (trace format 2): an eval-breaker check of the interpreter (the `safepoint` operation),
   * where a collector may run work an allocation asked for (CPython from 3.12). Absent: nothing.
   */
  safepoint?(): void;
  /**
   * Optional (trace format 2): the object at `addr` became immortal (the `immortal` operation, after
   * the heap stored it in its hidden global, a counted root reference). CPython from 3.12 fixes its
   * count word here and skips it in every increment and decrement. Absent: the object is just held.
   */
  immortalized?(addr: number): void;
  /**
   * Optional (trace format 2): a call of Python's `gc` module. `args` are the call's integers
   * (`set_threshold`, `set_debug`) or, for `is_tracked` and `is_finalized`, the object's address.
   * Returns the result as the output shows it (`1 0 0` for `get_count`, `true`, a number), or null
   * when the collector has no such notion (then `get_count` writes `count null`, and calls without
   * a result do nothing). Absent: null for every call.
   */
  gcModule?(call: GcModuleCall, args: readonly number[]): string | null;
  /**
   * Optional (trace format 2): the objects the collector itself holds a reference to, outside the
   * heap's roots and fields, one entry per reference (CPython's `gc.garbage`). A program can reach
   * them, so the verifier counts them as references (and the objects as reachable). Absent: none.
   */
  heldReferences?(): readonly number[];
}

/** Default hooks: allocation is left abstract; everything else does nothing. */
export abstract class CollectorBase implements Collector {
  abstract readonly name: string;

  constructor(readonly heap: Heap) {}

  abstract allocate(size: number, nrefs: number, payload: number): number;

  postAlloc(_addr: number): void {}

  writeBarrierPre(_obj: number, _slot: number, _oldValue: number, _newValue: number): void {}

  writeBarrierPost(_obj: number, _slot: number, _oldValue: number, _newValue: number): void {}

  rootWritten(_oldValue: number, _newValue: number): void {}

  collect(_generation: number): number {
    return 0;
  }

  step(_budget: number): boolean {
    return false;
  }

  referenceCount(_addr: number): number {
    return -1;
  }

  verify(): void {}

  stats(): Record<string, number> {
    return {};
  }
}
