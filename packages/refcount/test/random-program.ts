/**
 * (Shared with packages/generational/test, which imports this file: test helpers are not part of a
 * package API.)
 *
 * Random mutator programs for the property tests, with a model of the object graph kept apart from
 * the heap. fast-check generates raw choices; `runProgram` turns each into an operation valid for
 * the model's state (a non-null object with fields for `put`/`get`, `ret` only inside a call...),
 * performs it on the heap and on the model, and returns the operations as a trace (a failing case
 * prints as a replayable trace). The model never looks at heap memory: it knows objects by the order
 * they were allocated, their fields, the roots, and never frees anything.
 *
 * From the model, `expectedRefcount` gives an object's incoming references (fields of every object
 * ever allocated and not yet freed by an ideal reference counter, plus roots), and `expectedLeak` the
 * objects an ideal reference counter can never free: unreachable objects that are on a cycle of
 * unreachable objects or reachable from one (found by repeatedly peeling unreachable objects with no
 * incoming reference, as counting does, and counting what is left).
 */
import {
  type Heap,
  NULL_ROOT,
  type TraceOp,
  type TraceRoot,
  type TraceSource,
  writeTrace,
} from '@gclab/core';
import fc from 'fast-check';

/** One raw choice: an operation kind and three operands, reduced modulo what the state allows. */
export type Choice = readonly [kind: number, a: number, b: number, c: number];

const OUTER_REGS = 5;
const GLOBALS = ['g0', 'g1'];

/** Arbitrary list of raw choices; `gcWeight` 0 leaves explicit collections out. */
export function choicesArbitrary(maxOps = 120, gcWeight = 1): fc.Arbitrary<Choice[]> {
  const kind = fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) }, // new
    { weight: 2, arbitrary: fc.constant(1) }, // set
    { weight: 2, arbitrary: fc.constant(2) }, // del
    { weight: 6, arbitrary: fc.constant(3) }, // put
    { weight: 2, arbitrary: fc.constant(4) }, // get
    { weight: 1, arbitrary: fc.constant(5) }, // call
    { weight: 1, arbitrary: fc.constant(6) }, // ret
    { weight: 2, arbitrary: fc.constant(8) }, // refcount
    { weight: gcWeight, arbitrary: fc.constant(7) }, // gc
  );
  const n = fc.nat(1000);
  return fc.array(fc.tuple(kind, n, n, n), { minLength: maxOps >> 2, maxLength: maxOps, size: 'max' });
}

/** The model of the object graph: objects are numbered from 1 in allocation order; 0 is null. */
export class GraphModel {
  /** Fields of each object (index = object number; entry 0 unused). */
  readonly fields: number[][] = [[]];
  /** Registers of each frame, outermost first. */
  readonly frames: number[][] = [new Array<number>(OUTER_REGS).fill(0)];
  /** Globals by name (absent = undefined). */
  readonly globals = new Map<string, number>();

  get frame(): number[] {
    return this.frames[this.frames.length - 1]!;
  }

  value(root: TraceRoot): number {
    return root.kind === 'reg' ? (this.frame[root.index] ?? 0) : (this.globals.get(root.name) ?? 0);
  }

  source(src: TraceSource): number {
    return src === null ? 0 : this.value(src);
  }

  assign(root: TraceRoot, v: number): void {
    if (root.kind === 'reg') this.frame[root.index] = v;
    else this.globals.set(root.name, v);
  }

  /** Every root value (registers of all frames, globals). */
  rootValues(): number[] {
    return [...this.frames.flat(), ...this.globals.values()].filter((v) => v !== 0);
  }

  /** Objects reachable from the roots. */
  reachable(): Set<number> {
    const seen = new Set<number>();
    const stack = this.rootValues();
    while (stack.length > 0) {
      const o = stack.pop()!;
      if (seen.has(o)) continue;
      seen.add(o);
      for (const f of this.fields[o]!) if (f !== 0) stack.push(f);
    }
    return seen;
  }

  /**
   * Objects an ideal reference counter keeps: reachable ones plus the unreachable ones left after
   * peeling every object with no incoming reference (from roots or kept objects), repeatedly.
   */
  keptByCounting(): Set<number> {
    const n = this.fields.length;
    const incoming = new Array<number>(n).fill(0);
    for (let o = 1; o < n; o++) for (const f of this.fields[o]!) if (f !== 0) incoming[f]!++;
    for (const r of this.rootValues()) incoming[r]!++;
    const kept = new Set<number>();
    for (let o = 1; o < n; o++) kept.add(o);
    const queue: number[] = [];
    for (let o = 1; o < n; o++) if (incoming[o] === 0) queue.push(o);
    while (queue.length > 0) {
      const o = queue.pop()!;
      kept.delete(o);
      for (const f of this.fields[o]!) if (f !== 0 && --incoming[f]! === 0) queue.push(f);
    }
    return kept;
  }

  /** Incoming references of object `o` from the fields of the objects in `kept` and from roots. */
  expectedRefcount(o: number, kept: Set<number>): number {
    let count = 0;
    for (const p of kept) for (const f of this.fields[p]!) if (f === o) count++;
    for (const r of this.rootValues()) if (r === o) count++;
    return count;
  }

  /** Number of objects an ideal reference counter leaks: kept but unreachable. */
  expectedLeak(): number {
    const reachable = this.reachable();
    let leak = 0;
    for (const o of this.keptByCounting()) if (!reachable.has(o)) leak++;
    return leak;
  }
}

/** What a run did. */
export interface ProgramRun {
  ops: TraceOp[];
  model: GraphModel;
  /** Each `refcount` operation's value from the heap and from the model. */
  refcounts: Array<{ heap: number | null; model: number }>;
}

/** Options of `runProgram`. */
export interface RunOptions {
  /**
   * Run a full `gc` before each `refcount` op (deferred counting: garbage awaiting reconciliation
   * still holds references, which the model, an ideal immediate counter, has already dropped).
   */
  gcBeforeRefcount?: boolean;
  /**
   * The model's expected count takes references from reachable objects only (a cycle collector
   * that just ran a full `gc` has freed all unreachable objects), instead of from every object an
   * ideal reference counter keeps.
   */
  countFromReachable?: boolean;
}

/** Performs `choices` on `heap` and on a fresh model (see the file comment). */
export function runProgram(heap: Heap, choices: readonly Choice[], options: RunOptions = {}): ProgramRun {
  const model = new GraphModel();
  const ops: TraceOp[] = [];
  const refcounts: ProgramRun['refcounts'] = [];
  const codeOf = (root: TraceRoot): number => (root.kind === 'reg' ? root.index : heap.global(root.name));
  const srcCode = (src: TraceSource): number => (src === null ? NULL_ROOT : codeOf(src));
  const readable = (): TraceRoot[] => {
    const out: TraceRoot[] = [];
    for (let r = 0; r < model.frame.length; r++) out.push({ kind: 'reg', index: r });
    for (const name of GLOBALS) if (model.globals.has(name)) out.push({ kind: 'global', name });
    return out;
  };
  const writable = (x: number): TraceRoot => {
    const regs = model.frame.length;
    const i = x % (regs + GLOBALS.length);
    return i < regs ? { kind: 'reg', index: i } : { kind: 'global', name: GLOBALS[i - regs]! };
  };
  const source = (x: number): TraceSource => {
    const roots = readable();
    const i = x % (roots.length + 1);
    return i === roots.length ? null : roots[i]!;
  };
  const holding = (x: number, withFields: boolean): TraceRoot | null => {
    const roots = readable().filter((r) => {
      const v = model.value(r);
      return v !== 0 && (!withFields || model.fields[v]!.length > 0);
    });
    return roots.length === 0 ? null : roots[x % roots.length]!;
  };
  for (const [kind, a, b, c] of choices) {
    let op: TraceOp | null = null;
    switch (kind) {
      case 0: {
        // Mostly small objects; now and then one above obmalloc's 512-byte limit (a large object).
        const bytes = c % 41 === 0 ? 600 : [0, 0, 8, 24][c % 4]!;
        op = { op: 'new', dst: writable(a), refs: b % 4, bytes };
        break;
      }
      case 1:
        op = { op: 'set', dst: writable(a), src: source(b) };
        break;
      case 2: {
        const dst = writable(a);
        if (dst.kind === 'global' && !model.globals.has(dst.name)) break;
        op = { op: 'del', dst };
        break;
      }
      case 3: {
        const obj = holding(a, true);
        if (obj === null) break;
        op = { op: 'put', obj, index: b % model.fields[model.value(obj)]!.length, src: source(c) };
        break;
      }
      case 4: {
        const obj = holding(b, true);
        if (obj === null) break;
        op = { op: 'get', dst: writable(a), obj, index: c % model.fields[model.value(obj)]!.length };
        break;
      }
      case 5: {
        if (model.frames.length > 4) break;
        const nregs = 1 + (a % 3);
        const nargs = b % (nregs + 1);
        const args: TraceSource[] = [];
        for (let i = 0; i < nargs; i++) args.push(source(c + 7 * i));
        op = { op: 'call', nregs, args };
        break;
      }
      case 6:
        if (model.frames.length > 1) op = { op: 'ret' };
        break;
      case 8: {
        const src = holding(a, false);
        if (src === null) break;
        if (options.gcBeforeRefcount === true) {
          ops.push({ op: 'gc', generation: null });
          heap.gc();
        }
        op = { op: 'refcount', src };
        break;
      }
      default:
        op = { op: 'gc', generation: c % 2 === 0 ? null : c % 3 };
    }
    if (op === null) continue;
    ops.push(op);
    switch (op.op) {
      case 'new': {
        heap.new(codeOf(op.dst), op.refs, op.bytes);
        model.fields.push(new Array<number>(op.refs).fill(0));
        model.assign(op.dst, model.fields.length - 1);
        break;
      }
      case 'set':
        heap.set(codeOf(op.dst), srcCode(op.src));
        model.assign(op.dst, model.source(op.src));
        break;
      case 'del':
        heap.del(codeOf(op.dst));
        if (op.dst.kind === 'global') model.globals.delete(op.dst.name);
        else model.assign(op.dst, 0);
        break;
      case 'put':
        heap.put(codeOf(op.obj), op.index, srcCode(op.src));
        model.fields[model.value(op.obj)]![op.index] = model.source(op.src);
        break;
      case 'get':
        heap.get(codeOf(op.dst), codeOf(op.obj), op.index);
        model.assign(op.dst, model.fields[model.value(op.obj)]![op.index]!);
        break;
      case 'call': {
        heap.call(op.nregs, Int32Array.from(op.args, srcCode));
        const regs = new Array<number>(op.nregs).fill(0);
        op.args.forEach((s, i) => {
          regs[i] = model.source(s);
        });
        model.frames.push(regs);
        break;
      }
      case 'ret':
        heap.ret();
        model.frames.pop();
        break;
      case 'refcount': {
        const value = heap.refcount(codeOf(op.src));
        const from = options.countFromReachable === true ? model.reachable() : model.keptByCounting();
        refcounts.push({ heap: value, model: model.expectedRefcount(model.value(op.src), from) });
        break;
      }
      default:
        heap.gc(op.generation ?? -1);
    }
  }
  return { ops, model, refcounts };
}

/** The operations as trace text (for failure messages). */
export function traceText(ops: readonly TraceOp[]): string {
  return writeTrace(ops);
}
