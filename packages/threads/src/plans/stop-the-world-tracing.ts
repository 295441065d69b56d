/**
 * `tracing`: parallel stop-the-world mark-sweep with thread-local allocation buffers.
 *
 * Algorithm: the shape of a stop-the-world parallel collector (GC Handbook, ch. 14, "Parallel
 * garbage collection"; HotSpot's and Go's safepoints): threads allocate by bump in their own chunk
 * (a TLAB) and from their own free lists, store pointers with plain stores and no barrier, and
 * poll their eval breaker between operations (the safepoint poll). A thread that finds no memory
 * requests a collection: it sets every thread's safepoint bit; each thread, at its next poll, retires
 * its TLAB, drops its free lists and meets the others at a barrier. Then, all stopped:
 * 1. mark: each thread marks from its own registers and inbox and from its share of the globals
 *    (global g goes to thread g mod N), with an atomic test-and-set of the mark bit (`Atomics.or`)
 *    so an object reached by two threads is traced once; each thread drains its own mark stack
 *    (no work stealing: the roots are the only load balancing);
 * 2. barrier; sweep: thread t sweeps chunks c with (c + k) mod N = t in the k-th collection,
 *    clearing marks, making unmarked objects free cells on its own free lists (free lists are per
 *    thread and per size, so the share rotates: a thread left without cells of its size gets
 *    another share next time), and giving wholly free chunks back to the pool;
 * 3. barrier (all have read the collection number); thread 0 counts the collection and clears the
 *    request; barrier; the mutators resume.
 * After every program ended, all threads run one more collection together (`finish`), so the
 * final check can demand that nothing unreachable is left.
 *
 * Layout: no header word; the mark bit is a GC bit of the shape word.
 * Invariants: after mark, an object is marked iff reachable from the roots; after sweep no mark bit
 * is set and every unmarked object is a free cell; a mutator never runs during 1-3.
 */
import { NREFS_MASK } from '@gclab/core';
import { awaitBarrier } from '../barrier.ts';
import { BREAKER, CONTROL, FREE_BIT, MAILBOX, MARK_BIT, REGISTERS } from '../layout.ts';
import type { ThreadHeap } from '../thread-heap.ts';
import { ThreadPlan } from '../thread-plan.ts';

/** Stop-the-world parallel mark-sweep. */
export class StopTheWorldTracing extends ThreadPlan {
  static readonly headerWords = 0;
  readonly freesAllGarbage = true;
  private readonly saved = new Int32Array(17);

  constructor(heap: ThreadHeap, threads: number) {
    super(heap, threads);
    heap.exhausted = () => this.requestCollection();
  }

  initialize(_addr: number): void {}
  increment(_addr: number): void {}
  decrement(_addr: number): void {}
  countOf(_addr: number): null {
    return null;
  }

  /** Out of memory: ask every thread to its safepoint (unless another thread already did) and collect. */
  private requestCollection(): boolean {
    const w = this.words;
    if (Atomics.compareExchange(w, CONTROL.collectRequest, 0, 1) === 0) {
      for (let t = 0; t < this.threads; t++) {
        Atomics.or(w, this.layout.breaker(t), BREAKER.safepoint);
        Atomics.notify(w, this.layout.breaker(t));
      }
    }
    this.service(Atomics.load(w, this.layout.breaker(this.tid)));
    return true;
  }

  override service(bits: number): void {
    super.service(bits);
    if ((bits & BREAKER.safepoint) !== 0) this.collect();
  }

  override finish(): void {
    this.collect();
  }

  /** The collection, run by every thread at once. */
  private collect(): void {
    const start = performance.now();
    const w = this.words;
    this.heap.retireChunk();
    this.heap.dropFreeLists();
    awaitBarrier(w, this.threads);
    this.markRoots();
    awaitBarrier(w, this.threads);
    this.sweep();
    awaitBarrier(w, this.threads);
    if (this.tid === 0) {
      Atomics.add(w, CONTROL.collections, 1);
      Atomics.store(w, CONTROL.collectRequest, 0);
    }
    awaitBarrier(w, this.threads);
    const pause = performance.now() - start;
    this.figures.collections++;
    this.figures.pauseTotalMs += pause;
    if (pause > this.figures.pauseMaxMs) this.figures.pauseMaxMs = pause;
  }

  private markRoots(): void {
    const w = this.words;
    const L = this.layout;
    const me = this.tid;
    const fp = w[L.framePointer(me)]!;
    for (let f = 0; f <= fp; f++) {
      for (let r = 0; r < REGISTERS; r++) this.markFrom(w[L.register(me, f, r)]!);
    }
    const head = w[L.inboxHead(me)]!;
    const tail = w[L.inboxTail(me)]!;
    for (let k = head; k < tail; k++) this.markFrom(w[L.inbox(me, k % MAILBOX)]!);
    for (let g = me; g < L.globalCount; g += this.threads) this.markFrom(w[L.global(g)]!);
  }

  /** Marks `root` and everything reachable from it not yet marked (by this or another thread). */
  private markFrom(root: number): void {
    const w = this.words;
    if (root === 0 || (Atomics.or(w, root >> 2, MARK_BIT) & MARK_BIT) !== 0) return;
    const offset = this.heap.model.fieldOffset;
    let stack = this.stack;
    let top = 0;
    stack[top++] = root;
    // Invariant: every address on the stack is marked and its fields not yet scanned.
    while (top > 0) {
      const a = stack[--top]!;
      const n = w[a >> 2]! & NREFS_MASK;
      if (top + n > stack.length) stack = this.reserveStack(top, n);
      for (let p = (a + offset) >> 2, end = p + 2 * n; p < end; p += 2) {
        const child = w[p]!;
        if (child !== 0 && (Atomics.or(w, child >> 2, MARK_BIT) & MARK_BIT) === 0) stack[top++] = child;
      }
    }
  }

  private sweep(): void {
    const w = this.words;
    const L = this.layout;
    const heap = this.heap;
    const model = heap.model;
    const lists = heap.freeLists;
    const used = Math.min(Atomics.load(w, CONTROL.chunkCursor), L.chunks);
    // Chunk c goes to thread (c + collections) mod N: a thread whose chunks are full this time gets
    // others' free cells next time.
    const n = this.threads;
    const first = (((this.tid - Atomics.load(w, CONTROL.collections)) % n) + n) % n;
    for (let c = first; c < used; c += n) {
      const top = w[L.chunkTop(c)]!;
      if (top === 0) continue; // in the pool
      this.saved.set(lists);
      let live = 0;
      // Invariant: [chunkStart, a) is swept: marks cleared, dead objects on this thread's free lists.
      for (let a = L.chunkStart(c); a < top; ) {
        const shape = w[a >> 2]!;
        const size = model.size(w, a);
        if ((shape & FREE_BIT) !== 0) {
          w[(a >> 2) + 2] = lists[size >> 3]!;
          lists[size >> 3] = a;
        } else if ((shape & MARK_BIT) !== 0) {
          w[a >> 2] = shape & ~MARK_BIT;
          live++;
        } else {
          heap.free(a);
        }
        a += size;
      }
      if (live === 0) {
        lists.set(this.saved);
        heap.pushPool(c);
      }
    }
  }
}
