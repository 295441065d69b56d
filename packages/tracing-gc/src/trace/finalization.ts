/**
 * Reference processing for the tracing plans (trace format 2): weak-reference clearing and the
 * finalization queue, written once and called by every plan at the same points of its collection
 * (MMTk's `ReferenceProcessor` and `FinalizableProcessor`; GC Handbook §12.1 "finalisation" and §12.2
 * "weak references"). The tables themselves are the heap's (`heap.weakRefs`, `heap.finalizers`).
 *
 * The steps of one collection, each called by the plan with its own liveness test (`isLive`: marked,
 * forwarded, or old in a minor collection) and, for a moving plan, its forwarding function:
 *
 * 1. `afterRootClosure(isLive)`, once everything reachable from the roots is live: weak references
 *    whose referent is not live are cleared (their callbacks run if the weak reference object itself
 *    is live), then the registered objects that are not live are queued, in registration order, and
 *    returned. After it, the plan keeps the queued objects alive by tracing (marking or evacuating)
 *    from them as from roots, so what they reach survives this collection too. A weak reference to an
 *    object reachable only from a queued object has been cleared already (as CPython's
 *    `handle_weakrefs` runs before `finalize_garbage`).
 * 2. `retain(isLive, forward)`, when that closure is complete and before liveness or forwarding
 *    information is destroyed (sweep, relocation, flip): the tables keep the entries of live objects
 *    only, at their new addresses; the queued objects' addresses are forwarded too.
 * 3. `runFinalizers()`, once the collection is complete and the heap consistent: each queued
 *    object's finalizer runs (`heap.runFinalizer`, registration order) at its current address. Its
 *    entry is gone once run, so a later collection frees the object if it is still unreachable (or it
 *    was resurrected into a global and lives on, never finalized again).
 *
 * Speed: a trace without finalizers or weak references pays one `pending` test per collection (two
 * size reads); the plans pass liveness and forwarding functions they made once, so nothing is
 * allocated per collection, and the queue is a shared empty array unless some object was queued.
 */
import type { Heap } from '@gclab/core';

/** The empty queue (shared and frozen: a collection that queues nothing allocates nothing). */
const NO_OBJECTS: readonly number[] = Object.freeze([]);

/** The identity forwarding of a non-moving plan. */
export function identity(addr: number): number {
  return addr;
}

/** Weak-reference clearing and the finalization queue of one tracing collector. */
export class ReferenceProcessor {
  /** The heap whose tables are processed. */
  readonly heap: Heap;
  /** Objects queued by the current collection, registration order (empty between collections). */
  private queue: number[] | readonly number[] = NO_OBJECTS;
  /** Weak references cleared so far. */
  cleared = 0;
  /** Finalizers run so far. */
  finalized = 0;

  constructor(heap: Heap) {
    this.heap = heap;
  }

  /** Whether the heap has a weak reference or a registered finalizer: if not, every step is a no-op. */
  get pending(): boolean {
    return this.heap.weakRefs.size !== 0 || this.heap.finalizers.size !== 0;
  }

  /** Objects queued by the current collection (their addresses forwarded after `retain`). */
  get queued(): readonly number[] {
    return this.queue;
  }

  /**
   * Step 1, after the closure from the roots: clears the weak references whose referent `isLive`
   * says is dead, then queues and returns the registered objects that are not live (registration
   * order). The caller traces from each returned address as from a root.
   */
  afterRootClosure(isLive: (addr: number) => boolean): readonly number[] {
    const heap = this.heap;
    if (heap.weakRefs.size !== 0) this.cleared += heap.weakRefs.clearUnreachable(isLive);
    if (heap.finalizers.size === 0) return NO_OBJECTS;
    const found = heap.finalizers.unreachable(isLive);
    if (found.length === 0) return NO_OBJECTS;
    this.queue = found;
    return found;
  }

  /**
   * Step 2, once the closure from the queued objects is complete: the tables keep live objects only,
   * at `forward(addr)`; the queued addresses are forwarded as well. A plan may call it more than once
   * in a collection (gen-copy: the marks, then the nursery's forwarding).
   */
  retain(isLive: (addr: number) => boolean, forward: (addr: number) => number = identity): void {
    const heap = this.heap;
    heap.weakRefs.retain(isLive, forward);
    heap.finalizers.retain(isLive, forward);
    if (forward !== identity) {
      const queue = this.queue as number[];
      for (let i = 0; i < queue.length; i++) queue[i] = forward(queue[i]!);
    }
  }

  /** Step 3, after the collection: runs the queued finalizers at their current addresses, in order. */
  runFinalizers(): void {
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = NO_OBJECTS;
    for (const addr of queue) if (this.heap.runFinalizer(addr)) this.finalized++;
  }

  /** Forgets the queue of a collection that was abandoned (gen-copy's failed promotion). */
  dropQueue(): void {
    this.queue = NO_OBJECTS;
  }
}
