/**
 * What a memory-management plan does for one mutator thread of the shared heap: the counting (or
 * not) around each reference the mutator creates or drops, and what runs when the thread's eval
 * breaker is set. One plan instance per thread; one plan class per worker, so V8 sees monomorphic
 * calls.
 *
 * Lifecycle, per thread: `restoreThread` (take what the thread must hold to run: the GIL), the
 * program, `saveThread` (give it back), a wait for the other threads in which `service` still runs,
 * then `finish` (all threads together: a final collection, or biased counting's exit merge).
 */
import { FREE_BIT, type SharedLayout } from './layout.ts';
import type { ThreadHeap } from './thread-heap.ts';

/** Per-thread figures a plan keeps (deterministic for one thread; interleaving-dependent for more). */
export interface PlanFigures {
  increments: number;
  decrements: number;
  /** Count updates done with an atomic instruction (atomic counting, biased counting's shared path). */
  atomicUpdates: number;
  /** Count updates skipped because the object is immortal. */
  immortalSkips: number;
  /** Objects freed by a count reaching zero (including cascades). */
  freedByCount: number;
  /** Biased counting: objects queued to their owner, and merges the owner did. */
  queued: number;
  merged: number;
  /** Times this thread took the GIL. */
  gilAcquisitions: number;
  /** Tracing: collections this thread took part in, and its stopped time in them (ms; max, sum). */
  collections: number;
  pauseMaxMs: number;
  pauseTotalMs: number;
  /** References to a free cell the thread met (a count dropped to zero too early): 0 unless a race lost updates. */
  useAfterFree: number;
  /** Decrements of a count already zero (a lost increment): 0 unless a race lost updates. */
  underflows: number;
}

/** Zeroed figures. */
export function emptyFigures(): PlanFigures {
  return {
    increments: 0,
    decrements: 0,
    atomicUpdates: 0,
    immortalSkips: 0,
    freedByCount: 0,
    queued: 0,
    merged: 0,
    gilAcquisitions: 0,
    collections: 0,
    pauseMaxMs: 0,
    pauseTotalMs: 0,
    useAfterFree: 0,
    underflows: 0,
  };
}

/** A plan for one thread. */
export abstract class ThreadPlan {
  readonly heap: ThreadHeap;
  readonly words: Int32Array;
  readonly layout: SharedLayout;
  readonly tid: number;
  readonly threads: number;
  readonly figures: PlanFigures = emptyFigures();
  /** The explicit stack of a cascade or a mark (no recursion), grown by `reserveStack`. */
  protected stack: Int32Array<ArrayBuffer> = new Int32Array(4096);

  constructor(heap: ThreadHeap, threads: number) {
    this.heap = heap;
    this.words = heap.words;
    this.layout = heap.layout;
    this.tid = heap.tid;
    this.threads = threads;
  }

  /** The stack, grown (contents kept) so that `need` more entries fit above `top`. */
  protected reserveStack(top: number, need: number): Int32Array<ArrayBuffer> {
    if (top + need <= this.stack.length) return this.stack;
    const grown = new Int32Array(this.stack.length * 2 + need);
    grown.set(this.stack);
    this.stack = grown;
    return grown;
  }

  /** Counts a fresh object's first reference (the register it is about to be stored in). */
  abstract initialize(addr: number): void;
  /** A new reference to the object at `addr` (not null, not free). */
  abstract increment(addr: number): void;
  /** A reference to the object at `addr` was dropped (not null). */
  abstract decrement(addr: number): void;
  /** Makes the object at `addr` immortal (singletons; only plans with immortal objects do). */
  makeImmortal(_addr: number): void {}
  /** The object's reference count as the final check reads it; null when the plan keeps none or it is immortal. */
  abstract countOf(addr: number): number | null;
  /** Whether the object's count still waits for a merge (biased counting's QUEUED). */
  isQueued(_addr: number): boolean {
    return false;
  }
  /** Whether the final check should find no unreachable object (everything dead was freed). */
  abstract readonly freesAllGarbage: boolean;

  /** Runs what the eval-breaker `bits` ask for (each bit is cleared by the handler). */
  service(bits: number): void {
    Atomics.and(this.words, this.layout.breaker(this.tid), ~bits);
  }
  /** Takes what the thread needs to run mutator code (the GIL); default: nothing. */
  restoreThread(): void {}
  /** Gives it back before the thread waits. */
  saveThread(): void {}
  /** Runs with all threads once every program ended (a final collection, an exit merge). */
  finish(): void {}

  /** Whether the object at `addr` is a free cell (a reference to it is a use after free). */
  isFree(addr: number): boolean {
    return (this.words[addr >> 2]! & FREE_BIT) !== 0;
  }
}
