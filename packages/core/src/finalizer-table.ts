/**
 * The finalizers registered with the `finalizer` operation (trace format 2), by object address.
 *
 * A finalizer runs at most once (PEP 442): `Heap.runFinalizer` removes its entry before running it,
 * so an object that is resurrected and later dies again is freed without a second run. What each
 * collector does with this table (and when it calls `runFinalizer`) its header comment states:
 *
 * - reference counting runs the finalizer when the count reaches zero, before freeing; the object
 *   is freed only if the count is still zero afterwards (otherwise the finalizer resurrected it);
 * - tracing collectors keep the registered objects a collection found unreachable (and what they
 *   reach) alive through that collection, run their finalizers after it, and free them at a later
 *   collection if they are still unreachable (a finalization queue, as MMTk's FinalizableProcessor);
 * - CPython's cycle collector runs them inside the collection (`finalize_garbage`), in its order.
 *
 * A moving collector calls `forward` after a collection that moved objects. A collector that frees
 * an object still registered (a legacy finalizer it does not run, a dead object of a moving
 * collector) calls `forget`, or `retain` with its liveness after a collection.
 */

/** What a finalizer does, as the table stores it. */
export const FinalizerKind = {
  /** PEP 442's `tp_finalize` (`__del__`). */
  finalize: 0,
  /** A legacy finalizer (`tp_del`). */
  legacy: 1,
} as const;
/** A finalizer kind code. */
export type FinalizerKind = (typeof FinalizerKind)[keyof typeof FinalizerKind];

/** One registered finalizer. */
export interface FinalizerEntry {
  /** The number of the operation that registered it (the output says `finalize N`). */
  readonly id: number;
  /** `tp_finalize` or legacy `tp_del`. */
  readonly kind: FinalizerKind;
  /** Root code of the global the finalizer stores the object into (resurrection), or `NULL_ROOT`. */
  readonly resurrectInto: number;
}

/** Registered, not yet run finalizers by object address. */
export class FinalizerTable {
  private entries = new Map<number, FinalizerEntry>();

  /** Number of registered finalizers not yet run. */
  get size(): number {
    return this.entries.size;
  }

  /** Registers (or replaces) the finalizer of the object at `addr`. */
  register(addr: number, entry: FinalizerEntry): void {
    this.entries.set(addr, entry);
  }

  /** The finalizer registered for the object at `addr`, if it has not run. */
  get(addr: number): FinalizerEntry | undefined {
    return this.entries.size === 0 ? undefined : this.entries.get(addr);
  }

  /** Whether the object at `addr` has a finalizer that has not run. */
  has(addr: number): boolean {
    return this.entries.size !== 0 && this.entries.has(addr);
  }

  /** Whether the object at `addr` has a legacy finalizer (`tp_del`) that has not run. */
  hasLegacy(addr: number): boolean {
    return this.get(addr)?.kind === FinalizerKind.legacy;
  }

  /** Removes and returns the entry of `addr` (the finalizer is about to run, or never will). */
  take(addr: number): FinalizerEntry | undefined {
    if (this.entries.size === 0) return undefined;
    const entry = this.entries.get(addr);
    if (entry !== undefined) this.entries.delete(addr);
    return entry;
  }

  /** Drops the entry of an object that is freed without its finalizer running. */
  forget(addr: number): void {
    if (this.entries.size !== 0) this.entries.delete(addr);
  }

  /** Addresses of the registered objects for which `isLive` is false, in registration order. */
  unreachable(isLive: (addr: number) => boolean): number[] {
    const found: number[] = [];
    for (const addr of this.entries.keys()) if (!isLive(addr)) found.push(addr);
    return found;
  }

  /** After a collection: keeps the entries of live objects only, at their new addresses. */
  retain(isLive: (addr: number) => boolean, forward: (addr: number) => number = identity): void {
    if (this.entries.size === 0) return;
    const next = new Map<number, FinalizerEntry>();
    for (const [addr, entry] of this.entries) if (isLive(addr)) next.set(forward(addr), entry);
    this.entries = next;
  }

  /** Every registered address, in registration order. */
  addresses(): number[] {
    return [...this.entries.keys()];
  }
}

function identity(addr: number): number {
  return addr;
}
