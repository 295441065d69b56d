/**
 * The operation mix of the differential test against CPython 3.11, as gclab operations. The same mix
 * is performed in Python by packages/experiments/scripts/differential_mix.py: both sides draw one
 * 32-bit word per step from MT19937 seeded like `random.Random(seed)` (Python reads them with
 * `randbytes`), and decode it the same way, so one seed gives one program.
 *
 * Python runs the mix on `__slots__ = ('ref',)` instances (containers with one reference field,
 * set to None by `__init__` so that a load never meets an unset slot),
 * with 64 root slots `R[0..63]` in a preallocated, frozen list and locals `t`, `a`, `b`, `H`. Here
 * those are registers of the outermost frame: R[i] = r{i}, t = r64, a = r65, b = r66, H = r67.
 *
 * Step word w: kind = KIND_OF[w & 255] (weights out of 256 below), i = (w >>> 8) & 63,
 * j = (w >>> 14) & 63.
 *
 * | kind          | weight | Python                                                   | gclab ops |
 * |---------------|--------|----------------------------------------------------------|-----------|
 * | keep          | 40     | `R[i] = N()`                                              | 1 |
 * | temporary     | 30     | `N()`                                                     | 2 |
 * | drop          | 25     | `R[i] = None`                                             | 1 |
 * | link          | 35     | `if R[i] is not None: R[i].ref = R[j]`                    | 1 or 0 |
 * | copy          | 15     | `R[i] = R[j]`                                             | 1 |
 * | chain         | 30     | `t = N(); t.ref = R[i]; R[i] = t; t = None`               | 4 |
 * | cycle kept    | 15     | `a = N(); b = N(); a.ref = b; b.ref = a; R[i] = a; a = b = None` | 7 |
 * | self-cycle kept | 10   | `t = N(); t.ref = t; R[i] = t; t = None`                  | 4 |
 * | cyclic garbage | 25    | `a = N(); b = N(); a.ref = b; b.ref = a; a = b = None`    | 6 |
 * | self-cycle garbage | 15 | `t = N(); t.ref = t; t = None`                          | 3 |
 * | load          | 16     | `if R[i] is not None: R[j] = R[i].ref`                    | 1 or 0 |
 *
 * The program starts with `gc` (op 0: Python's `gc.collect()` after `gc.freeze()`), then, when
 * `longLived` > 0, builds a chain of that many objects held by H (`t = N(); t.ref = H; H = t;
 * t = None`, 4 ops each), then runs `steps` steps. Operation indexes are those of the heap (and of
 * the trace lines), which is what Python's callback records for each collection. With `safepoints`
 * (the mix for CPython 3.12 and later) each `new` is followed by a `safepoint`, one op more per
 * allocation in the table's counts, and keep is `new t; safepoint; set R[i] t; del t` (4 ops): the
 * eval breaker runs the collection inside the call, before the store releases what R[i] held.
 */

import { MersenneTwister } from '@gclab/bench';
import type { Heap } from '@gclab/core';

/** Parameters of one run of the mix. */
export interface MixOptions {
  /** Seed of `random.Random(seed)`. */
  seed: number;
  /** Number of steps. */
  steps: number;
  /** Objects of the long-lived chain built before the steps (default 0). */
  longLived?: number;
  /**
   * The step words, drawn beforehand with `mixWords(seed, steps)` (at least `steps` of them). The
   * Python side draws its words before it starts its clock; a timed run passes them here so that
   * both sides time the operations alone. Default: drawn from MT19937 as the steps run.
   */
  words?: Uint32Array;
  /**
   * A `safepoint` after each `new` (default false): where CPython 3.12 and later run a scheduled
   * collection, the eval breaker at the RESUME of `Node.__init__` (differential_mix.py's VERSION).
   */
  safepoints?: boolean;
}

/** The first `steps` MT19937 words of `random.Random(seed)`: the step words of the mix. */
export function mixWords(seed: number, steps: number): Uint32Array {
  const rng = new MersenneTwister(seed);
  const words = new Uint32Array(steps);
  for (let s = 0; s < steps; s++) words[s] = rng.nextUint32();
  return words;
}

/** Step kinds, in the order of the weight table. */
export const MIX_KINDS = [
  'keep',
  'temporary',
  'drop',
  'link',
  'copy',
  'chain',
  'cycle-kept',
  'self-cycle-kept',
  'cyclic-garbage',
  'self-cycle-garbage',
  'load',
] as const;
/** Weights of the kinds, out of 256. */
export const MIX_WEIGHTS = [40, 30, 25, 35, 15, 30, 15, 10, 25, 15, 16] as const;

/** Root slots R[0..ROOT_SLOTS). */
export const ROOT_SLOTS = 64;
const T = 64;
const A = 65;
const B = 66;
const H = 67;

/** KIND_OF[byte] = the kind of a step whose low byte is `byte`. */
export const KIND_OF: Uint8Array = (() => {
  const table = new Uint8Array(256);
  let at = 0;
  MIX_WEIGHTS.forEach((w, kind) => {
    table.fill(kind, at, at + w);
    at += w;
  });
  if (at !== 256) throw new Error(`mix weights add up to ${at}, not 256`);
  return table;
})();

/** Receives each operation of the mix as a trace line (for writing the program as a trace). */
export type MixLineSink = (line: string) => void;

/**
 * Performs the mix on `heap` (any collector; the program depends only on which roots are null, never
 * on addresses); when `sink` is given, also emits each operation as a trace line. Returns the number
 * of operations performed.
 */
export function runMix(heap: Heap, options: MixOptions, sink?: MixLineSink): number {
  const { seed, steps } = options;
  const longLived = options.longLived ?? 0;
  const drawn = options.words ?? null;
  const safepoints = options.safepoints ?? false;
  if (drawn !== null && drawn.length < steps) {
    throw new RangeError(`runMix: ${steps} steps need ${steps} words, got ${drawn.length}`);
  }
  const rng = new MersenneTwister(seed);
  const emit = sink ?? null;
  const opsBefore = heap.counters.ops;
  // Each operation is a direct heap call, then its trace line when a sink is given: no helper
  // closure per operation (this loop is the mutator of perf figure 2).
  heap.gc();
  if (emit !== null) emit('gc');
  for (let k = 0; k < longLived; k++) {
    heap.new(T, 1);
    if (emit !== null) emit(`new r${T} 1`);
    if (safepoints) {
      heap.safepoint();
      if (emit !== null) emit('safepoint');
    }
    heap.put(T, 0, H);
    if (emit !== null) emit(`put r${T} 0 r${H}`);
    heap.set(H, T);
    if (emit !== null) emit(`set r${H} r${T}`);
    heap.del(T);
    if (emit !== null) emit(`del r${T}`);
  }
  for (let s = 0; s < steps; s++) {
    const w = drawn !== null ? drawn[s]! : rng.nextUint32();
    const i = (w >>> 8) & 63;
    const j = (w >>> 14) & 63;
    switch (KIND_OF[w & 255]) {
      case 0: // keep
        if (safepoints) {
          // The collection runs inside the call, before the store releases what R[i] held.
          heap.new(T, 1);
          if (emit !== null) emit(`new r${T} 1`);
          heap.safepoint();
          if (emit !== null) emit('safepoint');
          heap.set(i, T);
          if (emit !== null) emit(`set r${i} r${T}`);
          heap.del(T);
          if (emit !== null) emit(`del r${T}`);
        } else {
          heap.new(i, 1);
          if (emit !== null) emit(`new r${i} 1`);
        }
        break;
      case 1: // temporary
        heap.new(T, 1);
        if (emit !== null) emit(`new r${T} 1`);
        if (safepoints) {
          heap.safepoint();
          if (emit !== null) emit('safepoint');
        }
        heap.del(T);
        if (emit !== null) emit(`del r${T}`);
        break;
      case 2: // drop
        heap.del(i);
        if (emit !== null) emit(`del r${i}`);
        break;
      case 3: // link
        if (heap.peekRoot(i) !== 0) {
          heap.put(i, 0, j);
          if (emit !== null) emit(`put r${i} 0 r${j}`);
        }
        break;
      case 4: // copy
        heap.set(i, j);
        if (emit !== null) emit(`set r${i} r${j}`);
        break;
      case 5: // chain
        heap.new(T, 1);
        if (emit !== null) emit(`new r${T} 1`);
        if (safepoints) {
          heap.safepoint();
          if (emit !== null) emit('safepoint');
        }
        heap.put(T, 0, i);
        if (emit !== null) emit(`put r${T} 0 r${i}`);
        heap.set(i, T);
        if (emit !== null) emit(`set r${i} r${T}`);
        heap.del(T);
        if (emit !== null) emit(`del r${T}`);
        break;
      case 6: // cycle kept
        heap.new(A, 1);
        if (emit !== null) emit(`new r${A} 1`);
        if (safepoints) {
          heap.safepoint();
          if (emit !== null) emit('safepoint');
        }
        heap.new(B, 1);
        if (emit !== null) emit(`new r${B} 1`);
        if (safepoints) {
          heap.safepoint();
          if (emit !== null) emit('safepoint');
        }
        heap.put(A, 0, B);
        if (emit !== null) emit(`put r${A} 0 r${B}`);
        heap.put(B, 0, A);
        if (emit !== null) emit(`put r${B} 0 r${A}`);
        heap.set(i, A);
        if (emit !== null) emit(`set r${i} r${A}`);
        heap.del(A);
        if (emit !== null) emit(`del r${A}`);
        heap.del(B);
        if (emit !== null) emit(`del r${B}`);
        break;
      case 7: // self-cycle kept
        heap.new(T, 1);
        if (emit !== null) emit(`new r${T} 1`);
        if (safepoints) {
          heap.safepoint();
          if (emit !== null) emit('safepoint');
        }
        heap.put(T, 0, T);
        if (emit !== null) emit(`put r${T} 0 r${T}`);
        heap.set(i, T);
        if (emit !== null) emit(`set r${i} r${T}`);
        heap.del(T);
        if (emit !== null) emit(`del r${T}`);
        break;
      case 8: // cyclic garbage
        heap.new(A, 1);
        if (emit !== null) emit(`new r${A} 1`);
        if (safepoints) {
          heap.safepoint();
          if (emit !== null) emit('safepoint');
        }
        heap.new(B, 1);
        if (emit !== null) emit(`new r${B} 1`);
        if (safepoints) {
          heap.safepoint();
          if (emit !== null) emit('safepoint');
        }
        heap.put(A, 0, B);
        if (emit !== null) emit(`put r${A} 0 r${B}`);
        heap.put(B, 0, A);
        if (emit !== null) emit(`put r${B} 0 r${A}`);
        heap.del(A);
        if (emit !== null) emit(`del r${A}`);
        heap.del(B);
        if (emit !== null) emit(`del r${B}`);
        break;
      case 9: // self-cycle garbage
        heap.new(T, 1);
        if (emit !== null) emit(`new r${T} 1`);
        if (safepoints) {
          heap.safepoint();
          if (emit !== null) emit('safepoint');
        }
        heap.put(T, 0, T);
        if (emit !== null) emit(`put r${T} 0 r${T}`);
        heap.del(T);
        if (emit !== null) emit(`del r${T}`);
        break;
      default: // load
        if (heap.peekRoot(i) !== 0) {
          heap.get(j, i, 0);
          if (emit !== null) emit(`get r${j} r${i} 0`);
        }
    }
  }
  return heap.counters.ops - opsBefore;
}
