/**
 * A mutator thread's program: a random mix of reference operations over its own frames and
 * registers, the globals other threads published, the singletons and an inbox, the same under
 * every plan so their costs compare.
 *
 * Each operation (per thousand): allocate 200, copy a reference into a register 200, store a field
 * 200, load a field 200, delete a register 100, call 40, return 40, send to the next thread's inbox
 * 10, receive from its own 10. Two knobs pick where copies and loads read from:
 * - `shared`: the share of them whose source is an object another thread owns (one of the 16 it
 *   published before the run), the contention knob;
 * - `singletons`: the share of copies that take None, True, False or a small int (objects every
 *   thread touches, owned by the main thread).
 *
 * Rules that keep every count update race the plans must handle, and no other race: a thread stores
 * only into fields of objects it owns that are not frozen; it loads only from objects it owns or
 * frozen ones; publishing and sending freeze an object (the owner sets `FROZEN_BIT`, as a sent
 * message is not mutated); a field points from a higher serial to a lower one (no cycles, so
 * counting frees everything and the final check can demand it). Free-threaded CPython protects
 * mutable containers with per-object locks instead; those are outside this comparison.
 *
 * The program is a function of the seed and the thread id: with one thread, every figure is
 * deterministic; with more, only what depends on the interleaving (inbox traffic) varies.
 */
import { NREFS_MASK } from '@gclab/core';
import {
  FRAMES,
  FREE_BIT,
  FROZEN_BIT,
  MAILBOX,
  PUBLISHED_PER_THREAD,
  REGISTERS,
  type SharedLayout,
  SINGLETONS,
} from './layout.ts';
import type { ThreadPlan } from './thread-plan.ts';

/** What a thread runs. */
export interface ProgramOptions {
  /** Operations to run. */
  readonly ops: number;
  /** Share (0-1) of copies and loads whose source another thread owns. */
  readonly shared: number;
  /** Share (0-1) of copies that take a singleton. */
  readonly singletons: number;
  /** Seed of the program (each thread derives its own). */
  readonly seed: number;
}

/** Figures of the program itself (what it did, independent of the plan). */
export interface MutatorFigures {
  ops: number;
  /** Copies and loads whose source another thread owns, and all copies and loads. */
  foreignSources: number;
  sources: number;
  /** Copies of a singleton. */
  singletonCopies: number;
  /** Stores done and stores skipped by the ownership and acyclicity rules. */
  stores: number;
  skippedStores: number;
  sends: number;
  receives: number;
  /** References to a free cell the program met and dropped (0 unless counts were lost). */
  useAfterFree: number;
}

/** The thread's program over a plan. */
export class Mutator {
  readonly figures: MutatorFigures = {
    ops: 0,
    foreignSources: 0,
    sources: 0,
    singletonCopies: 0,
    stores: 0,
    skippedStores: 0,
    sends: 0,
    receives: 0,
    useAfterFree: 0,
  };
  private readonly plan: ThreadPlan;
  private readonly words: Int32Array;
  private readonly layout: SharedLayout;
  private readonly me: number;
  private readonly threads: number;
  private readonly options: ProgramOptions;
  private readonly fieldOffset: number;

  constructor(plan: ThreadPlan, options: ProgramOptions) {
    this.plan = plan;
    this.words = plan.words;
    this.layout = plan.layout;
    this.me = plan.tid;
    this.threads = plan.threads;
    this.options = options;
    this.fieldOffset = plan.heap.model.fieldOffset;
  }

  /** Before the run: allocates this thread's published objects (a frozen chain, each also pointing at a singleton). */
  publish(): void {
    const w = this.words;
    const L = this.layout;
    const plan = this.plan;
    let previous = 0;
    for (let k = 0; k < PUBLISHED_PER_THREAD; k++) {
      const obj = plan.heap.allocate(2);
      plan.initialize(obj);
      if (previous !== 0) this.storeField(obj, 0, previous);
      const singleton = w[L.global(L.singleton(k % SINGLETONS))]!;
      if (singleton !== 0) this.storeField(obj, 1, singleton);
      Atomics.or(w, obj >> 2, FROZEN_BIT);
      w[L.global(this.me * PUBLISHED_PER_THREAD + k)] = obj;
      previous = obj;
    }
  }

  /** Runs the program. */
  run(): void {
    const w = this.words;
    const L = this.layout;
    const plan = this.plan;
    const f = this.figures;
    const me = this.me;
    const n = this.threads;
    const breaker = L.breaker(me);
    const sharedBelow = Math.round(this.options.shared * 65536);
    const singletonsBelow = Math.round(this.options.singletons * 65536);
    let x = seedState(this.options.seed, me);
    let fp = w[L.framePointer(me)]!;
    let base = L.register(me, fp, 0);
    const ops = this.options.ops;
    for (let k = 0; k < ops; k++) {
      const bits = Atomics.load(w, breaker);
      if (bits !== 0) plan.service(bits);
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const op = (x >>> 0) % 1000;
      const ra = base + 2 * ((x >>> 10) & 7);
      const rb = base + 2 * ((x >>> 13) & 7);
      if (op < 200) {
        const obj = plan.heap.allocate(1 + ((x >>> 16) & 3));
        plan.initialize(obj);
        const old = w[ra]!;
        w[ra] = obj;
        if (old !== 0) plan.decrement(old);
      } else if (op < 400 || (op >= 600 && op < 800)) {
        // Copy (op < 400) or load: pick the source.
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        let src: number;
        f.sources++;
        if (x >>> 16 < sharedBelow) {
          const other = n === 1 ? me : (me + 1 + ((x >>> 4) % (n - 1))) % n;
          if (other !== me) f.foreignSources++;
          src = w[L.global(other * PUBLISHED_PER_THREAD + ((x >>> 8) & 15))]!;
        } else if (op < 400 && (x & 0xffff) < singletonsBelow) {
          f.singletonCopies++;
          src = w[L.global(L.singleton((x >>> 8) & 7))]!;
        } else {
          src = w[rb]!;
        }
        if (src !== 0 && plan.isFree(src)) {
          f.useAfterFree++;
          src = 0;
        }
        if (op >= 600 && src !== 0) {
          // A load: only from an object this thread owns or a frozen one.
          if ((w[L.serial(src)]! & 63) !== me && (w[src >> 2]! & FROZEN_BIT) === 0) continue;
          const nrefs = w[src >> 2]! & NREFS_MASK;
          src = w[(src + this.fieldOffset + 8 * ((x >>> 20) % nrefs)) >> 2]!;
          if (src !== 0 && plan.isFree(src)) {
            f.useAfterFree++;
            src = 0;
          }
        }
        this.assign(ra, src);
      } else if (op < 600) {
        const obj = w[ra]!;
        if (obj === 0) continue;
        const value = w[rb]!;
        const shape = w[obj >> 2]!;
        if ((shape & FREE_BIT) !== 0 || (value !== 0 && plan.isFree(value))) {
          f.useAfterFree++;
          continue;
        }
        const serial = w[L.serial(obj)]!;
        if (
          (shape & FROZEN_BIT) !== 0 ||
          (serial & 63) !== me ||
          (value !== 0 && w[L.serial(value)]! >= serial)
        ) {
          f.skippedStores++;
          continue;
        }
        f.stores++;
        this.storeField(obj, (x >>> 20) % (shape & NREFS_MASK), value);
      } else if (op < 900) {
        const old = w[ra]!;
        w[ra] = 0;
        if (old !== 0) plan.decrement(old);
      } else if (op < 940) {
        if (fp === FRAMES - 1) continue;
        const callee = L.register(me, fp + 1, 0);
        this.assign(callee, w[ra]!);
        this.assign(callee + 2, w[rb]!);
        fp++;
        w[L.framePointer(me)] = fp;
        base = callee;
      } else if (op < 980) {
        if (fp === 0) continue;
        const caller = L.register(me, fp - 1, 0);
        this.assign(caller + 2 * ((x >>> 10) & 7), w[base]!);
        for (let r = 0; r < REGISTERS; r++) {
          const old = w[base + 2 * r]!;
          w[base + 2 * r] = 0;
          if (old !== 0) plan.decrement(old);
        }
        fp--;
        w[L.framePointer(me)] = fp;
        base = caller;
      } else if (op < 990) {
        const ref = w[ra]!;
        if (ref === 0 || plan.isFree(ref)) continue;
        const shape = w[ref >> 2]!;
        if ((shape & FROZEN_BIT) === 0) {
          if ((w[L.serial(ref)]! & 63) !== me) continue;
          Atomics.or(w, ref >> 2, FROZEN_BIT);
        }
        const to = (me + 1) % n;
        const tail = w[L.inboxTail(to)]!;
        if (tail - Atomics.load(w, L.inboxHead(to)) >= MAILBOX) continue;
        w[L.inbox(to, tail % MAILBOX)] = ref;
        Atomics.store(w, L.inboxTail(to), tail + 1);
        w[ra] = 0;
        f.sends++;
      } else {
        const head = w[L.inboxHead(me)]!;
        if (head === Atomics.load(w, L.inboxTail(me))) continue;
        const ref = w[L.inbox(me, head % MAILBOX)]!;
        Atomics.store(w, L.inboxHead(me), head + 1);
        const old = w[ra]!;
        w[ra] = ref;
        if (old !== 0) plan.decrement(old);
        f.receives++;
      }
    }
    f.ops += ops;
  }

  /** Stores `value` into register slot `slot`: counts the new reference, then drops the old. */
  private assign(slot: number, value: number): void {
    const w = this.words;
    if (value !== 0) this.plan.increment(value);
    const old = w[slot]!;
    w[slot] = value;
    if (old !== 0) this.plan.decrement(old);
  }

  /** Stores `value` into field `index` of `obj` (the caller checked the rules). */
  private storeField(obj: number, index: number, value: number): void {
    const w = this.words;
    const p = (obj + this.fieldOffset + 8 * index) >> 2;
    if (value !== 0) this.plan.increment(value);
    const old = w[p]!;
    w[p] = value;
    if (old !== 0) this.plan.decrement(old);
  }
}

/** A nonzero xorshift32 state for thread `tid` of seed `seed`. */
function seedState(seed: number, tid: number): number {
  let x = (Math.imul(seed | 0, 0x9e37_79b9) ^ Math.imul(tid + 1, 0x85eb_ca6b)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb_352d);
  x ^= x >>> 15;
  return x === 0 ? 0x1234_5678 : x;
}
