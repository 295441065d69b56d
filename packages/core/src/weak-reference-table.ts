/**
 * Weak references (trace format 2): each weak reference object (made by the `weakref` operation)
 * and the object it refers to, by the weak reference object's address.
 *
 * The referent is not a reference field of the weak reference object, so no collector traces it and
 * the oracle does not count it: holding a weak reference keeps nothing alive. When the referent
 * dies, every weak reference to it is cleared (reads give null from then on) and, for each cleared
 * weak reference that is itself alive and has a callback, the callback runs: it writes
 * `callback N` to the output (N: the number of the `weakref` operation). The callback of a weak
 * reference that dies with its referent does not run (CPython's `handle_weakrefs` rule).
 *
 * Collectors keep the table true:
 * - reference counting calls `objectFreed` as each object is freed (before its memory is reused);
 * - tracing collectors call `clearUnreachable` with their marks after the closure from the roots
 *   (before any object is kept alive for finalization: a weak reference to an object that is only
 *   reachable from a finalizable object is cleared), then `retain` after the collection, with
 *   forwarding for a moving collector.
 */

/** One weak reference. */
export interface WeakReferenceEntry {
  /** The number of the `weakref` operation that made it (the output says `callback N`). */
  readonly id: number;
  /** Address of the referent, or 0 once cleared. */
  referent: number;
  /** Whether a callback runs when it is cleared while alive. */
  readonly callback: boolean;
}

/** Weak reference objects and their referents. */
export class WeakReferenceTable {
  private entries = new Map<number, WeakReferenceEntry>();
  /** Referent address -> weak reference objects referring to it (CPython's per-object weakref list). */
  private byReferent = new Map<number, number[]>();

  constructor(
    /** Called with the output line of each callback that runs. */
    private readonly runCallback: (line: string) => void,
  ) {}

  /** Number of weak reference objects alive. */
  get size(): number {
    return this.entries.size;
  }

  /** Records the weak reference object at `weakref`, referring to the object at `referent`. */
  create(weakref: number, referent: number, id: number, callback: boolean): void {
    this.entries.set(weakref, { id, referent, callback });
    const list = this.byReferent.get(referent);
    if (list === undefined) this.byReferent.set(referent, [weakref]);
    else list.push(weakref);
  }

  /** Whether the object at `addr` is a weak reference object. */
  isWeakReference(addr: number): boolean {
    return this.entries.size !== 0 && this.entries.has(addr);
  }

  /** The referent of the weak reference object at `weakref` (0 once cleared, or if it is none). */
  referentOf(weakref: number): number {
    return this.entries.get(weakref)?.referent ?? 0;
  }

  /** Whether some weak reference refers to the object at `addr`. */
  isReferent(addr: number): boolean {
    return this.byReferent.size !== 0 && this.byReferent.has(addr);
  }

  /**
   * Reference counting: the object at `addr` is being freed. Weak references to it are cleared (their
   * callbacks run, as `PyObject_ClearWeakRefs` does from `subtype_dealloc`); if it is a weak reference
   * object, it is dropped without its callback running.
   */
  objectFreed(addr: number): void {
    if (this.entries.size === 0) return;
    const weakrefs = this.byReferent.get(addr);
    if (weakrefs !== undefined) {
      this.byReferent.delete(addr);
      // Cleared first, then the callbacks (newest weak reference first, as CPython's list is).
      for (const w of weakrefs) this.entries.get(w)!.referent = 0;
      for (let i = weakrefs.length - 1; i >= 0; i--) {
        const entry = this.entries.get(weakrefs[i]!)!;
        if (entry.callback) this.runCallback(`callback ${entry.id}`);
      }
    }
    this.drop(addr);
  }

  /**
   * Tracing: clears every weak reference whose referent `isLive` says is dead; the callbacks of the
   * cleared weak references that are themselves alive run (in the order the weak references were
   * made). Returns how many were cleared.
   */
  clearUnreachable(isLive: (addr: number) => boolean): number {
    if (this.entries.size === 0) return 0;
    let cleared = 0;
    const callbacks: WeakReferenceEntry[] = [];
    for (const [referent, weakrefs] of this.byReferent) {
      if (isLive(referent)) continue;
      this.byReferent.delete(referent);
      for (const w of weakrefs) {
        const entry = this.entries.get(w)!;
        entry.referent = 0;
        cleared++;
        if (entry.callback && isLive(w)) callbacks.push(entry);
      }
    }
    callbacks.sort((a, b) => a.id - b.id);
    for (const entry of callbacks) this.runCallback(`callback ${entry.id}`);
    return cleared;
  }

  /**
   * CPython's `handle_weakrefs`: clears every weak reference to the object at `referent` and returns
   * them, oldest first (undefined when there are none). The caller decides which callbacks run.
   */
  clearReferent(referent: number): number[] | undefined {
    if (this.byReferent.size === 0) return undefined;
    const weakrefs = this.byReferent.get(referent);
    if (weakrefs === undefined) return undefined;
    this.byReferent.delete(referent);
    for (const w of weakrefs) this.entries.get(w)!.referent = 0;
    return weakrefs;
  }

  /** Clears the weak reference object at `weakref` without its callback (`_PyWeakref_ClearRef`). */
  clearWeakReference(weakref: number): void {
    const entry = this.entries.get(weakref);
    if (entry === undefined || entry.referent === 0) return;
    const referent = entry.referent;
    entry.referent = 0;
    const list = this.byReferent.get(referent);
    if (list === undefined) return;
    const i = list.indexOf(weakref);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byReferent.delete(referent);
  }

  /** The callback line (`callback N`) of the weak reference object at `weakref`, or null without one. */
  callbackLine(weakref: number): string | null {
    const entry = this.entries.get(weakref);
    return entry?.callback === true ? `callback ${entry.id}` : null;
  }

  /** After a collection: keeps live weak reference objects only, at their new addresses. */
  retain(isLive: (addr: number) => boolean, forward: (addr: number) => number = identity): void {
    if (this.entries.size === 0) return;
    const entries = new Map<number, WeakReferenceEntry>();
    const byReferent = new Map<number, number[]>();
    for (const [w, entry] of this.entries) {
      if (!isLive(w)) continue;
      const at = forward(w);
      if (entry.referent !== 0) {
        entry.referent = forward(entry.referent);
        const list = byReferent.get(entry.referent);
        if (list === undefined) byReferent.set(entry.referent, [at]);
        else list.push(at);
      }
      entries.set(at, entry);
    }
    this.entries = entries;
    this.byReferent = byReferent;
  }

  /** Every weak reference object's address, in the order they were made. */
  addresses(): number[] {
    return [...this.entries.keys()];
  }

  /** Drops the weak reference object at `addr` (it is being freed). */
  private drop(addr: number): void {
    const entry = this.entries.get(addr);
    if (entry === undefined) return;
    this.entries.delete(addr);
    if (entry.referent === 0) return;
    const list = this.byReferent.get(entry.referent);
    if (list === undefined) return;
    const i = list.indexOf(addr);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byReferent.delete(entry.referent);
  }
}

function identity(addr: number): number {
  return addr;
}
