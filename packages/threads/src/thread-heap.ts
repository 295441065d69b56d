/**
 * One thread's view of the shared heap: its allocation buffer (a chunk bump-allocated by this thread
 * alone), its segregated free lists, the serials it stamps, and the free-chunk pool it shares.
 *
 * Allocation, fastest first: this thread's free list for the size, then a bump in its current chunk,
 * then a chunk from the pool (given back by a sweep), then a never-used chunk (an `Atomics.add` on
 * the chunk cursor). When all fail the plan's `exhausted` runs: tracing collects and retries,
 * counting raises `OutOfMemoryError`. No allocation takes a lock except the rare pool refill.
 *
 * A freed object becomes a free cell: its shape keeps its field count (so heap walks can step over
 * it) with `FREE_BIT` set, and word 1 links the free list. Cells go to the list of the thread that
 * frees them, whoever allocated them (as mimalloc's thread-free lists end up, simplified).
 *
 * Serials: `local * 64 + tid`, so a serial names its allocating thread (the owner) with no shared
 * counter; stores only point from a higher serial to a lower one, which keeps the graph acyclic.
 */
import { ObjectModel, OutOfMemoryError } from '@gclab/core';
import { CHUNK_BYTES, CONTROL, FREE_BIT, type SharedLayout, ThreadHeapConfigError } from './layout.ts';

/** Allocations one thread may make: serials are `local * 64 + tid` in 31 bits. */
const MAX_SERIAL = 1 << 25;

/** Size classes by size in words; objects here are at most 16 words. */
const SIZE_CLASSES = 17;

/** What a plan does when the heap has no room: collect and return true to retry, or throw. */
export type ExhaustedHandler = (bytes: number) => boolean;

/** A thread's allocator and object access over the shared word array. */
export class ThreadHeap {
  readonly words: Int32Array;
  readonly layout: SharedLayout;
  readonly model: ObjectModel;
  readonly tid: number;
  /** Heads of this thread's free lists by size in words (0 = empty). */
  readonly freeLists = new Int32Array(SIZE_CLASSES);
  /** Next free byte and end of this thread's allocation buffer; its chunk index (-1: none). */
  private cursor = 0;
  private limit = 0;
  private chunk = -1;
  private nextSerial = 1;
  /** Called when nothing is left; set by the plan. */
  exhausted: ExhaustedHandler;
  /** Objects allocated and freed by this thread, bytes allocated. */
  allocations = 0;
  frees = 0;
  bytesAllocated = 0;
  /** Free lists found corrupt (a cell on one was not free) and dropped: 0 unless counts were lost. */
  corruptFreeLists = 0;

  constructor(words: Int32Array, layout: SharedLayout, headerWords: number, tid: number) {
    this.words = words;
    this.layout = layout;
    this.model = new ObjectModel(headerWords);
    this.tid = tid;
    this.exhausted = (bytes) => {
      throw this.outOfMemory(bytes);
    };
  }

  /** An `OutOfMemoryError` for a request of `bytes`. */
  outOfMemory(bytes: number): OutOfMemoryError {
    const inUse = Atomics.load(this.words, CONTROL.chunksInUse);
    return new OutOfMemoryError({
      requestedBytes: bytes,
      reservedBytes: inUse * CHUNK_BYTES,
      heapLimit: this.layout.chunks * CHUNK_BYTES,
      allocatedBytes: inUse * CHUNK_BYTES,
      collector: `thread ${this.tid}`,
    });
  }

  /** Allocates an object with `nrefs` fields, zeroed, with its serial stamped; returns its address. */
  allocate(nrefs: number): number {
    const size = this.model.sizeOf(nrefs, 0);
    const w = this.words;
    let addr = this.freeLists[size >> 3]!;
    if (addr !== 0 && (w[addr >> 2]! & FREE_BIT) !== 0) {
      this.freeLists[size >> 3] = w[(addr >> 2) + 2]!;
    } else if (addr !== 0) {
      // Not a free cell: only a lost update (a cell freed twice, then reused) gets here. Drop the list.
      this.corruptFreeLists++;
      this.freeLists[size >> 3] = 0;
      addr = this.allocateSlow(size);
    } else if (this.cursor + size <= this.limit) {
      addr = this.cursor;
      this.cursor += size;
    } else {
      addr = this.allocateSlow(size);
    }
    this.model.format(w, addr, nrefs, 0);
    if (this.nextSerial === MAX_SERIAL)
      throw new ThreadHeapConfigError(
        `thread ${this.tid} allocated ${MAX_SERIAL} objects, the most serials hold: run fewer operations per thread`,
      );
    w[this.layout.serial(addr)] = this.nextSerial++ * 64 + this.tid;
    this.allocations++;
    this.bytesAllocated += size;
    return addr;
  }

  private allocateSlow(size: number): number {
    if (size >> 3 >= SIZE_CLASSES) {
      throw new ThreadHeapConfigError(
        `objects here are at most ${8 * (SIZE_CLASSES - 1)} bytes, asked for ${size}`,
      );
    }
    // A collection hands each thread the free cells of a different share of the chunks; when as many
    // collections as there are threads, and two more, leave no room for this request, the heap is full.
    const attempts = this.layout.threads + 2;
    for (let attempt = 0; ; attempt++) {
      if (this.takeChunk()) {
        const addr = this.cursor;
        this.cursor += size;
        return addr;
      }
      if (attempt === attempts || !this.exhausted(size)) throw this.outOfMemory(size);
      // The plan collected: free lists may hold a cell of this size now.
      const addr = this.freeLists[size >> 3]!;
      if (addr !== 0) {
        this.freeLists[size >> 3] = this.words[(addr >> 2) + 2]!;
        return addr;
      }
    }
  }

  /** Retires the current chunk and takes another (pool first, then a new one); false when none is left. */
  private takeChunk(): boolean {
    this.retireChunk();
    const w = this.words;
    let c = this.popPool();
    if (c < 0) {
      c = Atomics.add(w, CONTROL.chunkCursor, 1);
      if (c >= this.layout.chunks) {
        Atomics.sub(w, CONTROL.chunkCursor, 1);
        return false;
      }
    }
    Atomics.add(w, CONTROL.chunksInUse, 1);
    this.chunk = c;
    this.cursor = this.layout.chunkStart(c);
    this.limit = this.cursor + CHUNK_BYTES;
    Atomics.store(w, this.layout.chunkTop(c), this.cursor);
    return true;
  }

  /** Publishes the top of the current chunk (so heap walks stop there) and stops allocating in it. */
  retireChunk(): void {
    if (this.chunk >= 0) Atomics.store(this.words, this.layout.chunkTop(this.chunk), this.cursor);
    this.chunk = -1;
    this.cursor = 0;
    this.limit = 0;
  }

  /** Makes the object at `addr` a free cell on this thread's free list. */
  free(addr: number): void {
    const w = this.words;
    const i = addr >> 2;
    const size = this.model.size(w, addr);
    w[i] = (w[i]! & 0x00ff_ffff) | FREE_BIT;
    w[i + 2] = this.freeLists[size >> 3]!;
    this.freeLists[size >> 3] = addr;
    w[this.layout.serial(addr)] = 0;
    this.frees++;
  }

  /** Empties every free list (a sweep rebuilds them). */
  dropFreeLists(): void {
    this.freeLists.fill(0);
  }

  /** Gives chunk `c` back to the pool (a sweep found nothing live in it). */
  pushPool(c: number): void {
    const w = this.words;
    const L = this.layout;
    this.lockPool();
    const n = w[CONTROL.poolCount]!;
    w[L.poolBase + n] = c;
    w[CONTROL.poolCount] = n + 1;
    w[L.chunkTop(c)] = 0; // in the pool: heap walks skip it
    Atomics.sub(w, CONTROL.chunksInUse, 1);
    Atomics.store(w, CONTROL.poolLock, 0);
  }

  private popPool(): number {
    const w = this.words;
    if (Atomics.load(w, CONTROL.poolCount) === 0) return -1;
    this.lockPool();
    const n = w[CONTROL.poolCount]!;
    const c = n > 0 ? w[this.layout.poolBase + n - 1]! : -1;
    if (n > 0) w[CONTROL.poolCount] = n - 1;
    Atomics.store(w, CONTROL.poolLock, 0);
    return c;
  }

  private lockPool(): void {
    while (Atomics.compareExchange(this.words, CONTROL.poolLock, 0, 1) !== 0) {
      // Held for a few stores only: spin.
    }
  }

  /** The chunk this thread allocates in, or -1. */
  get currentChunk(): number {
    return this.chunk;
  }
}
