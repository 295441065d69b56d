/**
 * Where everything lives in the shared memory: one `SharedArrayBuffer` seen by every mutator thread
 * as the same `Int32Array`, with core's addressing (a simulated word is 8 bytes held in two 32-bit
 * slots; the low slot of the word at byte address `a` is `words[a >> 2]`; 0 is null) and core's
 * object layout (`ObjectModel`).
 *
 * ```
 *  0          control words: chunk cursor, serial-free counters, barrier, GIL, free-chunk pool lock
 *  threads    per thread: eval-breaker flags, frame pointer, FRAMES x REGISTERS register words,
 *             an inbox (a ring of MAILBOX references another thread sends), a merge queue
 *             (biased counting: objects other threads queued for their owner to merge)
 *  globals    THREADS x PUBLISHED_PER_THREAD published objects, then the SINGLETONS
 *  chunks     the top of each chunk (the end of what was allocated in it), the free-chunk pool
 *  serials    one slot per 8-byte granule of the heap: the serial of the object that starts there
 *  heap       CHUNK_BYTES chunks, handed out whole to threads as allocation buffers (TLABs)
 * ```
 *
 * Everything a collector or the final check must see from another thread (registers, globals,
 * inboxes, queues, chunk tops) is in the shared memory; each thread's free lists and allocation
 * cursor are its own (thread-local, in its isolate).
 */
import { GclabError } from '@gclab/core';

/** Bytes in one chunk, the unit threads take from the shared heap as a thread-local allocation buffer. */
export const CHUNK_BYTES = 32 * 1024;
/** The most mutator threads a heap holds (serials keep the owner in their low 6 bits). */
export const MAX_THREADS = 63;
/** The thread id of the main thread, which builds the singletons before the mutators start. */
export const MAIN_TID = 63;
/** Frames per thread and registers per frame. */
export const FRAMES = 8;
export const REGISTERS = 8;
/** References an inbox holds. */
export const MAILBOX = 64;
/** Objects a merge queue holds before a thread queuing to it must wait for its owner. */
export const MERGE_QUEUE = 4096;
/** Objects each thread publishes in the globals before the run (read-only while it runs). */
export const PUBLISHED_PER_THREAD = 16;
/** The singletons every thread touches: None, True, False and small ints 0-4 (CPython's). */
export const SINGLETONS = 8;

/** Control slots (indices into the word array, not byte addresses). */
export const CONTROL = {
  /** Next chunk never handed out. */
  chunkCursor: 2,
  /** Threads that finished their program. */
  done: 3,
  /** Barrier: threads arrived, and the generation it releases. */
  barrierCount: 4,
  barrierGeneration: 5,
  /** The GIL: 0 when free, else holder tid + 1; the number of times it changed hands. */
  gil: 6,
  gilSwitches: 7,
  /** A stop-the-world collection was requested (tracing). */
  collectRequest: 8,
  /** The free-chunk pool: a lock and the number of chunks in it. */
  poolLock: 9,
  poolCount: 10,
  /** Chunks in use (handed out and not given back). */
  chunksInUse: 11,
  /** Stop-the-world collections finished (tracing). */
  collections: 12,
} as const;
const CONTROL_SLOTS = 16;

/** Eval-breaker bits of a thread (set by other threads with `Atomics.or`, as CPython 3.13's). */
export const BREAKER = {
  /** Another thread waits for the GIL longer than the switch interval. */
  dropGil: 1,
  /** Objects were queued for this thread to merge (biased counting). */
  merge: 2,
  /** A stop-the-world collection waits for this thread at its safepoint. */
  safepoint: 4,
} as const;

/** Bit of the shape word's low slot marking a free cell (a GC bit core leaves to collectors). */
export const FREE_BIT = 1 << 30;
/** Bit marking an object frozen: published or sent to another thread, its fields read-only. */
export const FROZEN_BIT = 1 << 29;
/** The mark bit of stop-the-world tracing. */
export const MARK_BIT = 1 << 24;

/** A configuration the heap cannot hold. */
export class ThreadHeapConfigError extends GclabError {
  override name = 'ThreadHeapConfigError';
}

/** The offsets of one shared heap, computed from its thread count and size. */
export class SharedLayout {
  readonly threads: number;
  readonly chunks: number;
  /** Slot index of thread 0's block; each thread's block is `threadSlots` slots. */
  readonly threadBase: number;
  readonly threadSlots: number;
  /** Slot index of global 0 (a global is one simulated word: two slots). */
  readonly globalBase: number;
  readonly globalCount: number;
  /** Slot index of chunk 0's top, and of the free-chunk pool. */
  readonly chunkTopBase: number;
  readonly poolBase: number;
  /** Slot index of the serial of the granule at the heap's first byte. */
  readonly serialBase: number;
  /** Byte address of the first chunk (32 KiB aligned). */
  readonly heapStart: number;
  readonly heapEnd: number;
  /** Total bytes of the shared buffer. */
  readonly totalBytes: number;

  constructor(threads: number, heapBytes: number) {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new ThreadHeapConfigError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
    }
    const chunks = Math.floor(heapBytes / CHUNK_BYTES);
    // Each thread and the main thread hold a chunk as their allocation buffer, with as many to spare,
    // so setting up (publishing) never needs a collection.
    const fewest = Math.max(4, 2 * threads + 2);
    if (!(chunks >= fewest) || heapBytes > 1024 * 1024 * 1024) {
      throw new ThreadHeapConfigError(
        `heap must be from ${fewest * CHUNK_BYTES} bytes (for ${threads} threads) to 1 GiB, in whole ${CHUNK_BYTES}-byte chunks; got ${heapBytes}`,
      );
    }
    this.threads = threads;
    this.chunks = chunks;
    this.threadBase = CONTROL_SLOTS;
    // breaker, fp, inbox head, inbox tail, queue lock, queue count, queue exited, spare; registers; inbox; queue.
    this.threadSlots = 8 + 2 * FRAMES * REGISTERS + MAILBOX + MERGE_QUEUE;
    this.globalBase = this.threadBase + (MAX_THREADS + 1) * this.threadSlots;
    this.globalCount = threads * PUBLISHED_PER_THREAD + SINGLETONS;
    this.chunkTopBase = this.globalBase + 2 * this.globalCount;
    this.poolBase = this.chunkTopBase + chunks;
    this.serialBase = this.poolBase + chunks;
    const serialSlots = (chunks * CHUNK_BYTES) / 8;
    const endOfTables = (this.serialBase + serialSlots) * 4;
    this.heapStart = Math.ceil(endOfTables / CHUNK_BYTES) * CHUNK_BYTES;
    this.heapEnd = this.heapStart + chunks * CHUNK_BYTES;
    this.totalBytes = this.heapEnd;
  }

  /** Slot of thread `tid`'s eval-breaker word. */
  breaker(tid: number): number {
    return this.threadBase + tid * this.threadSlots;
  }
  /** Slot of thread `tid`'s frame pointer (the index of its innermost frame). */
  framePointer(tid: number): number {
    return this.threadBase + tid * this.threadSlots + 1;
  }
  /** Slots of thread `tid`'s inbox head (next to receive) and tail (next to fill). */
  inboxHead(tid: number): number {
    return this.threadBase + tid * this.threadSlots + 2;
  }
  inboxTail(tid: number): number {
    return this.threadBase + tid * this.threadSlots + 3;
  }
  /** Slots of thread `tid`'s merge-queue lock, length and exited flag. */
  queueLock(tid: number): number {
    return this.threadBase + tid * this.threadSlots + 4;
  }
  queueLength(tid: number): number {
    return this.threadBase + tid * this.threadSlots + 5;
  }
  queueExited(tid: number): number {
    return this.threadBase + tid * this.threadSlots + 6;
  }
  /** Slot of register `r` of frame `f` of thread `tid` (the low slot of a simulated word). */
  register(tid: number, f: number, r: number): number {
    return this.threadBase + tid * this.threadSlots + 8 + 2 * (f * REGISTERS + r);
  }
  /** Slot of inbox entry `i` (0 to MAILBOX - 1) of thread `tid`. */
  inbox(tid: number, i: number): number {
    return this.threadBase + tid * this.threadSlots + 8 + 2 * FRAMES * REGISTERS + i;
  }
  /** Slot of merge-queue entry `i` of thread `tid`. */
  queue(tid: number, i: number): number {
    return this.threadBase + tid * this.threadSlots + 8 + 2 * FRAMES * REGISTERS + MAILBOX + i;
  }
  /** Slot of global `g` (published objects of thread t are t * PUBLISHED_PER_THREAD + k). */
  global(g: number): number {
    return this.globalBase + 2 * g;
  }
  /** Index of singleton `k` among the globals. */
  singleton(k: number): number {
    return this.threads * PUBLISHED_PER_THREAD + k;
  }
  /** Slot of the top (end address of what was allocated) of chunk `c`. */
  chunkTop(c: number): number {
    return this.chunkTopBase + c;
  }
  /** Byte address of chunk `c`'s start. */
  chunkStart(c: number): number {
    return this.heapStart + c * CHUNK_BYTES;
  }
  /** Slot of the serial of the object at byte address `addr`. */
  serial(addr: number): number {
    return this.serialBase + ((addr - this.heapStart) >> 3);
  }
  /** Whether `addr` may be an object's address (in the heap, 8-byte aligned). */
  inHeap(addr: number): boolean {
    return addr >= this.heapStart && addr < this.heapEnd && (addr & 7) === 0;
  }
}
