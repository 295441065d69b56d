/**
 * `biased` and `biased-immortal`: biased reference counting, as free-threaded CPython does it.
 *
 * Algorithm: J. Choi, T. Shull, J. Torrellas, "Biased Reference Counting: Minimizing Atomic
 * Operations in Garbage Collection", PACT 2018, in the form PEP 703 adopted (CPython 3.13,
 * Include/object.h `Py_INCREF`/`Py_DECREF`, Objects/object.c `_Py_DecRefShared`,
 * `_Py_MergeZeroLocalRefcount`, `_Py_ExplicitMergeRefcount`, Python/brc.c). Each object is biased
 * toward the thread that allocated it (its owner, `ob_tid`): the owner updates a local count with
 * plain loads and stores; every other thread updates a shared count atomically.
 *
 * - A non-owner's decrement that finds the shared count at 0 (not merged, not queued) cannot know
 *   whether the object is dead: it sets QUEUED instead of going negative and queues the object to
 *   its owner, the queue holding the reference it would have dropped. The owner merges its queue
 *   when its eval breaker says so: shared + local - 1, MERGED, owner cleared; 0 frees the object.
 * - When the owner's local count reaches 0: shared 0 frees the object at once; otherwise the owner
 *   gives the object up (owner 0) and sets MERGED, so the shared count alone decides from then on
 *   and whoever brings a MERGED count to 0 frees it.
 * - A thread that ends marks its queue exited and merges what is in it; objects queued to an exited
 *   owner are merged on the spot by the thread that queues them (`_Py_brc_queue_object`).
 * - `biased-immortal` adds PEP 683's immortal objects: a local count of 0xFFFFFFFF (CPython's
 *   `_Py_IMMORTAL_REFCNT_LOCAL`) makes increments and decrements return at once, by any thread, so
 *   the singletons every thread touches are not contended. Both variants test for it (CPython 3.13
 *   always does); only `biased-immortal` makes the singletons immortal.
 *
 * Layout: two header words.
 * ```
 *  word 1   | ob_ref_local (uint32, owner only)   | ob_tid (owner tid + 1; 0 = none)     |
 *  word 2   | ob_ref_shared: count << 2 | flags   | (unused)                             |
 *             flags: 0 none, 2 QUEUED, 3 MERGED (1, MAYBE_WEAKREF, is unused: no weakrefs here)
 * ```
 * Invariants: once every queue is merged, local + (shared >> 2) equals the references to the
 * object; only the owner writes ob_ref_local (or any thread after the owner exited, under the
 * merge's compare-and-swap); the object is freed exactly once.
 */

import { CountingPlan } from '../counting-plan.ts';
import { BREAKER, MERGE_QUEUE } from '../layout.ts';
import type { ThreadHeap } from '../thread-heap.ts';

/** Flag values of the shared count's low two bits (Include/object.h, 3.13). */
export const REF_QUEUED = 2;
export const REF_MERGED = 3;
/** The local count of an immortal object, read back from an `Int32Array` (0xFFFFFFFF). */
export const IMMORTAL_LOCAL = -1;

/** Biased counts: non-atomic for the owner, atomic for the others. */
export class BiasedCounting extends CountingPlan {
  static readonly headerWords = 2;
  private readonly owner: number;
  private readonly immortalSingletons: boolean;
  private readonly merging = new Int32Array(MERGE_QUEUE);

  constructor(heap: ThreadHeap, threads: number, immortalSingletons: boolean) {
    super(heap, threads);
    this.owner = heap.tid + 1;
    this.immortalSingletons = immortalSingletons;
  }

  initialize(addr: number): void {
    const i = addr >> 2;
    this.words[i + 2] = 1;
    this.words[i + 3] = this.owner;
    this.words[i + 4] = 0;
  }

  override makeImmortal(addr: number): void {
    if (this.immortalSingletons) this.words[(addr >> 2) + 2] = IMMORTAL_LOCAL;
  }

  increment(addr: number): void {
    const w = this.words;
    const i = addr >> 2;
    const local = w[i + 2]!;
    this.figures.increments++;
    if (local === IMMORTAL_LOCAL) {
      this.figures.immortalSkips++;
      return;
    }
    if (w[i + 3] === this.owner) {
      w[i + 2] = local + 1;
    } else {
      this.figures.atomicUpdates++;
      Atomics.add(w, i + 4, 4);
    }
  }

  protected release(addr: number): boolean {
    const w = this.words;
    const i = addr >> 2;
    const local = w[i + 2]!;
    if (local === IMMORTAL_LOCAL) {
      this.figures.immortalSkips++;
      return false;
    }
    if (w[i + 3] === this.owner) {
      w[i + 2] = local - 1;
      return local === 1 ? this.mergeZeroLocal(i) : false;
    }
    return this.decrementShared(addr);
  }

  /** _Py_MergeZeroLocalRefcount: the owner dropped its last local reference. */
  private mergeZeroLocal(i: number): boolean {
    const w = this.words;
    let shared = Atomics.load(w, i + 4);
    if (shared === 0) return true;
    Atomics.store(w, i + 3, 0);
    for (;;) {
      const next = (shared & ~3) | REF_MERGED;
      const seen = Atomics.compareExchange(w, i + 4, shared, next);
      if (seen === shared) return next === REF_MERGED;
      shared = seen;
    }
  }

  /** _Py_DecRefShared: a decrement by a thread that does not own the object. */
  private decrementShared(addr: number): boolean {
    const w = this.words;
    const i = addr >> 2;
    this.figures.atomicUpdates++;
    let shared = Atomics.load(w, i + 4);
    for (;;) {
      const queue = shared === 0;
      const next = queue ? REF_QUEUED : shared - 4;
      const seen = Atomics.compareExchange(w, i + 4, shared, next);
      if (seen !== shared) {
        shared = seen;
        continue;
      }
      if (queue) return this.queueToOwner(addr);
      return next === REF_MERGED;
    }
  }

  /** _Py_brc_queue_object: hands the object to its owner's merge queue, or merges it here if the owner ended. */
  private queueToOwner(addr: number): boolean {
    const w = this.words;
    const L = this.layout;
    const owner = w[(addr >> 2) + 3]! - 1;
    this.figures.queued++;
    for (;;) {
      lock(w, L.queueLock(owner));
      if (w[L.queueExited(owner)] !== 0) {
        Atomics.store(w, L.queueLock(owner), 0);
        return this.explicitMerge(addr, -1) === 0;
      }
      const n = w[L.queueLength(owner)]!;
      if (n < MERGE_QUEUE) {
        w[L.queue(owner, n)] = addr;
        w[L.queueLength(owner)] = n + 1;
        Atomics.store(w, L.queueLock(owner), 0);
        Atomics.or(w, L.breaker(owner), BREAKER.merge);
        Atomics.notify(w, L.breaker(owner));
        return false;
      }
      // Full: wake the owner and give it a moment to merge.
      Atomics.store(w, L.queueLock(owner), 0);
      Atomics.or(w, L.breaker(owner), BREAKER.merge);
      Atomics.notify(w, L.breaker(owner));
      Atomics.wait(w, L.queueLength(owner), n, 1);
    }
  }

  /** _Py_ExplicitMergeRefcount: folds the local count into the shared one (plus `extra`), MERGED. */
  private explicitMerge(addr: number, extra: number): number {
    const w = this.words;
    const i = addr >> 2;
    let shared = Atomics.load(w, i + 4);
    let count: number;
    for (;;) {
      count = (shared >> 2) + w[i + 2]! + extra;
      const seen = Atomics.compareExchange(w, i + 4, shared, (count << 2) | REF_MERGED);
      if (seen === shared) break;
      shared = seen;
    }
    Atomics.store(w, i + 2, 0);
    Atomics.store(w, i + 3, 0);
    this.figures.merged++;
    return count;
  }

  /** Merges every object queued to this thread (_Py_brc_merge_refcounts); `exit` also closes the queue. */
  private mergeQueue(exit: boolean): void {
    const w = this.words;
    const L = this.layout;
    lock(w, L.queueLock(this.tid));
    const n = w[L.queueLength(this.tid)]!;
    for (let k = 0; k < n; k++) this.merging[k] = w[L.queue(this.tid, k)]!;
    w[L.queueLength(this.tid)] = 0;
    if (exit) w[L.queueExited(this.tid)] = 1;
    Atomics.store(w, L.queueLock(this.tid), 0);
    Atomics.notify(w, L.queueLength(this.tid));
    // The queue held one reference to each object: merge it away.
    for (let k = 0; k < n; k++) {
      const addr = this.merging[k]!;
      if (this.explicitMerge(addr, -1) === 0) this.cascade(addr);
    }
  }

  override service(bits: number): void {
    super.service(bits);
    if ((bits & BREAKER.merge) !== 0) this.mergeQueue(false);
  }

  override finish(): void {
    this.mergeQueue(true);
  }

  countOf(addr: number): number | null {
    const i = addr >> 2;
    const local = this.words[i + 2]!;
    if (local === IMMORTAL_LOCAL) return null;
    return local + (this.words[i + 4]! >> 2);
  }

  /** Whether an object's shared count still says QUEUED (a merge never happened). */
  override isQueued(addr: number): boolean {
    return (this.words[(addr >> 2) + 4]! & 3) === REF_QUEUED;
  }
}

function lock(w: Int32Array, slot: number): void {
  while (Atomics.compareExchange(w, slot, 0, 1) !== 0) {
    // Held for a few stores: spin.
  }
}
