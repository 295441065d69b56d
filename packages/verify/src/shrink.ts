/**
 * Shrinking a failing trace to a local minimum over the whole program. A candidate is accepted when
 * it still fails the same way (the caller's `FailureCheck`) and is smaller by `traceMeasure`: fewer
 * operations first, then fewer frames, smaller payloads, fewer fields, lower field indices, plain
 * `gc` for `gc N`, registers rather than globals, fewer frame registers, and the text first in
 * order (lowest register numbers, first global names). Every accepted candidate is smaller, so the
 * search ends; `budget` bounds the candidates run.
 *
 * The passes, in stages repeated until none makes progress (a stage runs only once those before it
 * are at a fixpoint):
 * - delta debugging (ddmin): remove chunks of operations of halving size, down to single operations;
 * - cut the trace after a prefix and collect there, or collect in place of an allocation (a forced
 *   `gc` often stands for the allocations that triggered one);
 * - coalesce two allocations: drop a `new` and add its size to the payload of the next `new` (one
 *   large allocation often stands for many small ones that filled a heap or crossed a trigger);
 * - inline a call frame: drop a `call` and its `ret`, the callee's registers renamed to free
 *   registers of the caller (released or not where the frame returned), its argument registers
 *   either to the caller's sources or to copies of them;
 * - merge two roots: rename one root (a register of one frame, or a global) to another or to a free
 *   register, dropping the `set X X` it makes; this stores directly
 *   (`new r0 1; set g:a r0` -> `new g:a 1`) and replaces a register by a global or a global by a
 *   register;
 * - forward a `set`: the operation that wrote its source writes its destination instead;
 * - simplify operands: fewer `new` fields and payload bytes (binary search), lower field indices,
 *   `gc N` to `gc`, a `call`'s last argument dropped, smaller `call` frames;
 * - rename roots: registers numbered and globals named in order of first appearance.
 */
import { formatOp, type TraceOp, type TraceRoot, type TraceSource } from '@gclab/core';

/**
 * Whether a candidate still fails the same way: the operations that ran (through the failing one, so
 * a prefix of the candidate), or null when it passes, is invalid, or fails otherwise.
 */
export type FailureCheck = (candidate: readonly TraceOp[]) => readonly TraceOp[] | null;

/** Options of `shrinkTrace`. */
export interface ShrinkOptions {
  /** Most candidates run (cached repeats are free). Default 3000. */
  budget?: number;
}

/** What `shrinkTrace` found. */
export interface ShrinkResult {
  /** The smallest failing trace found (a local minimum unless the budget ran out). */
  ops: TraceOp[];
  /** Candidates run. */
  runs: number;
  /** Whether the budget ran out before a fixpoint. */
  exhausted: boolean;
}

/**
 * Shrinks `ops`, which fails (`fails(ops)` is not null), to a local minimum under `traceMeasure`:
 * no pass finds a smaller candidate that still fails.
 */
export function shrinkTrace(
  ops: readonly TraceOp[],
  fails: FailureCheck,
  options: ShrinkOptions = {},
): ShrinkResult {
  const shrinker = new Shrinker(fails, options.budget ?? 3000);
  return shrinker.run(ops);
}

/** What `traceMeasure` returns: nine counts, then the trace text. */
export type TraceMeasure = [number, number, number, number, number, number, number, number, number, string];

/**
 * The size a shrink minimizes, compared lexicographically (`compareMeasures`): operations, calls,
 * payload bytes, reference fields, field indices, `gc N` generations (+1 each), global uses, call
 * arguments, call frame registers, then the trace text.
 */
export function traceMeasure(ops: readonly TraceOp[]): TraceMeasure {
  let calls = 0;
  let bytes = 0;
  let refs = 0;
  let indices = 0;
  let generations = 0;
  let globals = 0;
  let args = 0;
  let frameRegisters = 0;
  for (const op of ops) {
    for (const root of rootsOf(op)) if (root.kind === 'global') globals++;
    switch (op.op) {
      case 'new':
        bytes += op.bytes;
        refs += op.refs;
        break;
      case 'put':
      case 'get':
        indices += op.index;
        break;
      case 'call':
        calls++;
        args += op.args.length;
        frameRegisters += op.nregs;
        break;
      case 'gc':
        generations += op.generation === null ? 0 : op.generation + 1;
        break;
      default:
        break;
    }
  }
  return [ops.length, calls, bytes, refs, indices, generations, globals, args, frameRegisters, traceKey(ops)];
}

/** Negative when measure `a` is smaller than `b`, zero when equal, positive when larger. */
function compareMeasures(a: TraceMeasure, b: TraceMeasure): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The operations as text, one a line (the cache key and the measure's last tie-break). */
function traceKey(ops: readonly TraceOp[]): string {
  return ops.map(formatOp).join('\n');
}

/** The roots an operation names (arguments of a `call` are read in the caller's frame). */
function rootsOf(op: TraceOp): TraceRoot[] {
  const out: TraceRoot[] = [];
  const add = (s: TraceSource) => {
    if (s !== null) out.push(s);
  };
  switch (op.op) {
    case 'new':
    case 'del':
      add(op.dst);
      break;
    case 'set':
      add(op.dst);
      add(op.src);
      break;
    case 'put':
      add(op.obj);
      add(op.src);
      break;
    case 'get':
      add(op.dst);
      add(op.obj);
      break;
    case 'call':
      for (const a of op.args) add(a);
      break;
    case 'refcount':
      add(op.src);
      break;
    case 'finalizer':
      add(op.obj);
      if (op.action.kind === 'finalize' && op.action.resurrect !== null)
        add({ kind: 'global', name: op.action.resurrect });
      break;
    case 'weakref':
      add(op.dst);
      add(op.referent);
      break;
    case 'deref':
      add(op.dst);
      add(op.weakref);
      break;
    case 'gc-call':
      if (op.gc.call === 'is_tracked' || op.gc.call === 'is_finalized') add(op.gc.src);
      break;
    default:
      break;
  }
  return out;
}

/**
 * A finalizer operation with its roots mapped by `f`: the object, and the global it resurrects into
 * (kept when `f` maps it to a register: a finalizer stores into a global only).
 */
function mapFinalizer(op: Extract<TraceOp, { op: 'finalizer' }>, f: (root: TraceRoot) => TraceRoot): TraceOp {
  const obj = f(op.obj);
  const a = op.action;
  if (a.kind !== 'finalize' || a.resurrect === null) return { ...op, obj };
  const into = f({ kind: 'global', name: a.resurrect });
  return {
    ...op,
    obj,
    action: { kind: 'finalize', resurrect: into.kind === 'global' ? into.name : a.resurrect },
  };
}

/** A `gc` module call with the root it reads mapped by `f`. */
function mapGcCall(op: Extract<TraceOp, { op: 'gc-call' }>, f: (root: TraceRoot) => TraceRoot): TraceOp {
  const g = op.gc;
  return g.call === 'is_tracked' || g.call === 'is_finalized' ? { ...op, gc: { ...g, src: f(g.src) } } : op;
}

/** `op` with each root `f` maps (a source's null stays null). */
function mapOpRoots(op: TraceOp, f: (root: TraceRoot) => TraceRoot): TraceOp {
  const s = (src: TraceSource): TraceSource => (src === null ? null : f(src));
  switch (op.op) {
    case 'new':
    case 'del':
      return { ...op, dst: f(op.dst) };
    case 'set':
      return { ...op, dst: f(op.dst), src: s(op.src) };
    case 'put':
      return { ...op, obj: f(op.obj), src: s(op.src) };
    case 'get':
      return { ...op, dst: f(op.dst), obj: f(op.obj) };
    case 'call':
      return { ...op, args: op.args.map(s) };
    case 'refcount':
      return { ...op, src: f(op.src) };
    case 'finalizer':
      return mapFinalizer(op, f);
    case 'weakref':
      return { ...op, dst: f(op.dst), referent: f(op.referent) };
    case 'deref':
      return { ...op, dst: f(op.dst), weakref: f(op.weakref) };
    case 'gc-call':
      return mapGcCall(op, f);
    default:
      return op;
  }
}

/** A root's identity across the trace: `g:NAME`, or `FRAME:rN` for a register of one frame. */
function rootKey(root: TraceRoot, frame: number): string {
  return root.kind === 'global' ? `g:${root.name}` : `${frame}:r${root.index}`;
}

/**
 * The frames of a trace: `frameOf[i]` is the frame operation `i` runs in (a `call` runs in its
 * caller, a `ret` in the frame it pops); frame 0 is the outermost; `calls[f]` and `rets[f]` are the
 * indices of the operations that push and pop frame `f` (-1: none), `parent[f]` its caller.
 */
interface Frames {
  frameOf: number[];
  calls: number[];
  rets: number[];
  parent: number[];
}

function framesOf(ops: readonly TraceOp[]): Frames {
  const frames: Frames = { frameOf: [], calls: [-1], rets: [-1], parent: [-1] };
  const stack = [0];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const current = stack[stack.length - 1]!;
    frames.frameOf.push(current);
    if (op.op === 'call') {
      const f = frames.calls.length;
      frames.calls.push(i);
      frames.rets.push(-1);
      frames.parent.push(current);
      stack.push(f);
    } else if (op.op === 'ret' && stack.length > 1) {
      frames.rets[current] = i;
      stack.pop();
    }
  }
  return frames;
}

/** The `n`th global name (from 0): `a` to `z`, then `g26`, `g27`, ... */
function globalName(n: number): string {
  return n < 26 ? String.fromCharCode(97 + n) : `g${n}`;
}

/** A search for a smaller failing trace. */
class Shrinker {
  private current: TraceOp[] = [];
  private measure!: TraceMeasure;
  private runs = 0;
  private readonly tried = new Set<string>();

  constructor(
    private readonly fails: FailureCheck,
    private readonly budget: number,
  ) {}

  run(ops: readonly TraceOp[]): ShrinkResult {
    this.accept([...ops]);
    // Each stage runs only once the stages before it are at a fixpoint: the payloads and fields an
    // operation's removal needs are still there while operations are being removed.
    const stages = [
      () => {
        this.ddmin();
        this.pass(() => this.cutAndCollect());
        this.pass(() => this.collectInstead());
        this.pass(() => this.coalesceAllocations());
        this.pass(() => this.inlineFrames());
        this.pass(() => this.mergeRoots());
        this.pass(() => this.forwardSets());
      },
      () => this.simplifyPayloads(),
      () => this.simplifyShapes(),
      () => this.pass(() => [this.renamed()]),
    ];
    let progress = true;
    while (progress && !this.exhausted) {
      progress = false;
      for (const stage of stages) {
        const before = this.measure;
        stage();
        if (compareMeasures(this.measure, before) < 0) {
          progress = true;
          break;
        }
      }
    }
    return { ops: this.current, runs: this.runs, exhausted: this.exhausted };
  }

  private get exhausted(): boolean {
    return this.runs >= this.budget;
  }

  private accept(ops: TraceOp[]): void {
    this.current = ops;
    this.measure = traceMeasure(ops);
  }

  /** Runs a candidate if it is smaller and untried; true (and it becomes current) if it still fails. */
  private attempt(candidate: TraceOp[]): boolean {
    if (this.exhausted) return false;
    const measure = traceMeasure(candidate);
    if (compareMeasures(measure, this.measure) >= 0) return false;
    const key = measure[9];
    if (this.tried.has(key)) return false;
    this.tried.add(key);
    this.runs++;
    const ran = this.fails(candidate);
    if (ran === null) return false;
    this.accept([...ran]);
    return true;
  }

  /** Tries `candidates()` of the current trace in order, starting over after each success. */
  private pass(candidates: () => Iterable<TraceOp[]>): void {
    let again = true;
    while (again && !this.exhausted) {
      again = false;
      for (const c of candidates()) {
        if (this.attempt(c)) {
          again = true;
          break;
        }
      }
    }
  }

  /**
   * Delta debugging: removes chunks of halving size, down to single operations, last chunk first
   * (what comes later depends on what comes earlier, so later operations are likelier to go).
   */
  private ddmin(): void {
    for (let size = this.current.length >> 1; size >= 1 && !this.exhausted; size >>= 1) {
      for (let end = this.current.length; end > 0 && !this.exhausted; end -= size) {
        const ops = this.current;
        const from = Math.max(0, end - size);
        if (end > ops.length) end = ops.length;
        this.attempt(ops.slice(0, from).concat(ops.slice(end)));
      }
    }
  }

  /** The prefixes of the trace followed by a full collection. */
  private *cutAndCollect(): Generator<TraceOp[]> {
    const ops = this.current;
    for (let i = 0; i + 2 < ops.length; i++) yield [...ops.slice(0, i + 1), { op: 'gc', generation: null }];
  }

  /** For each `new`, the trace with a full collection in its place (it may stand for one it triggered). */
  private *collectInstead(): Generator<TraceOp[]> {
    for (let i = 0; i < this.current.length; i++)
      if (this.current[i]!.op === 'new') yield this.replaced(i, { op: 'gc', generation: null });
  }

  /** For each `new` followed by another: the trace without it, its size added to the next one's payload. */
  private *coalesceAllocations(): Generator<TraceOp[]> {
    const ops = this.current;
    let next = -1;
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (op.op !== 'new') continue;
      const later = next < 0 ? undefined : ops[next];
      if (later?.op === 'new') {
        const bytes = later.bytes + 8 + 8 * op.refs + op.bytes;
        yield [...ops.slice(0, i), ...ops.slice(i + 1, next), { ...later, bytes }, ...ops.slice(next + 1)];
      }
      next = i;
    }
  }

  /** For each call frame: the trace without it, its registers aliased to the arguments or copies of them. */
  private *inlineFrames(): Generator<TraceOp[]> {
    const ops = this.current;
    const frames = framesOf(ops);
    for (let f = 1; f < frames.calls.length; f++) {
      for (const alias of [true, false])
        for (const release of [false, true]) yield inline(ops, frames, f, alias, release);
    }
  }

  /**
   * Every root renamed to every other root it could be (one visible wherever it is used) or to the
   * lowest free register of its frame, with the `set X X` this makes dropped.
   */
  private *mergeRoots(): Generator<TraceOp[]> {
    const ops = this.current;
    const frames = framesOf(ops);
    // Each root, with where it is used: its frame (registers), or every frame using it (globals).
    const roots = new Map<string, { root: TraceRoot; frame: number; frames: Set<number> }>();
    const highest = new Map<number, number>();
    for (let i = 0; i < ops.length; i++) {
      const frame = frames.frameOf[i]!;
      for (const r of rootsOf(ops[i]!)) {
        const key = rootKey(r, frame);
        const entry = roots.get(key) ?? { root: r, frame, frames: new Set<number>() };
        entry.frames.add(frame);
        roots.set(key, entry);
        if (r.kind === 'reg') highest.set(frame, Math.max(highest.get(frame) ?? -1, r.index));
      }
    }
    for (const [fromKey, from] of roots) {
      const targets: Array<{ root: TraceRoot; frame: number }> = [];
      for (const [toKey, to] of roots) {
        if (toKey === fromKey) continue;
        if (to.root.kind === 'reg' && (from.frames.size !== 1 || !from.frames.has(to.frame))) continue;
        targets.push(to);
      }
      if (from.root.kind === 'global' && from.frames.size === 1) {
        const frame = [...from.frames][0]!;
        targets.push({ root: { kind: 'reg', index: (highest.get(frame) ?? -1) + 1 }, frame });
      }
      for (const to of targets) yield renameRoot(ops, frames, fromKey, to.root);
    }
  }

  /** For each `set Y X`: the operation that last wrote X writes Y instead, later reads of X read Y. */
  private *forwardSets(): Generator<TraceOp[]> {
    const ops = this.current;
    const frames = framesOf(ops);
    for (let j = 0; j < ops.length; j++) {
      const set = ops[j]!;
      if (set.op !== 'set' || set.src === null) continue;
      const frame = frames.frameOf[j]!;
      const x = rootKey(set.src, frame);
      let i = j - 1;
      while (i >= 0 && !(frames.frameOf[i] === frame && writes(ops[i]!, x, frame))) i--;
      const writer = ops[i];
      if (writer === undefined || (writer.op !== 'new' && writer.op !== 'get' && writer.op !== 'set'))
        continue;
      const out: TraceOp[] = [];
      let live = true;
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (k === j) continue;
        if (k === i) {
          out.push({ ...writer, dst: set.dst });
          continue;
        }
        if (k > i && live && frames.frameOf[k] === frame) {
          out.push(mapReads(op, (r) => (rootKey(r, frame) === x ? set.dst : r)));
          if (writes(op, x, frame)) live = false;
          continue;
        }
        out.push(op);
      }
      yield out;
    }
  }

  /**
   * Smaller payloads (binary search), `gc` for `gc N`, a call's last argument dropped (its register
   * starts null); format 2: no kind on a `new`, no callback on a `weakref`, a plain finalizer, `gc`
   * for `gc.collect`.
   */
  private simplifyPayloads(): void {
    for (let i = 0; i < this.current.length && !this.exhausted; i++) {
      const op = this.current[i]!;
      if (op.op === 'new') {
        if (op.kind !== undefined)
          this.attempt(this.replaced(i, { op: 'new', dst: op.dst, refs: op.refs, bytes: op.bytes }));
        const now = this.current[i];
        if (now?.op === 'new') this.lower(i, now.bytes, (n) => ({ ...now, bytes: n }));
      } else if (op.op === 'weakref' && op.callback)
        this.attempt(this.replaced(i, { ...op, callback: false }));
      else if (op.op === 'finalizer' && (op.action.kind === 'legacy' || op.action.resurrect !== null))
        this.attempt(this.replaced(i, { ...op, action: { kind: 'finalize', resurrect: null } }));
      else if (op.op === 'gc-call' && op.gc.call === 'collect')
        this.attempt(this.replaced(i, { op: 'gc', generation: op.gc.generation }));
      else if (op.op === 'gc' && op.generation !== null)
        this.attempt(this.replaced(i, { op: 'gc', generation: null }));
      else if (op.op === 'call' && op.args.length > 0)
        this.attempt(this.replaced(i, { ...op, args: op.args.slice(0, -1) }));
    }
  }

  /**
   * Fewer fields (binary search, then one field fewer with the field indices above it lowered),
   * lower field indices, smaller call frames.
   */
  private simplifyShapes(): void {
    for (let i = 0; i < this.current.length && !this.exhausted; i++) {
      const op = this.current[i]!;
      switch (op.op) {
        case 'new':
          this.lower(i, op.refs, (n) => ({ ...op, refs: n }));
          while (this.attempt(this.oneFieldFewer(i)));
          break;
        case 'put':
        case 'get':
          this.lower(i, op.index, (n) => ({ ...op, index: n }));
          break;
        case 'call':
          this.lower(i, op.nregs, (n) => ({ ...op, nregs: Math.max(n, op.args.length) }));
          break;
        default:
          break;
      }
    }
  }

  /**
   * The lowest value (below `value`) of one operand of op `i` that still fails: 0 if it does, else
   * a binary search.
   */
  private lower(i: number, value: number, withValue: (n: number) => TraceOp): void {
    if (value === 0 || this.attempt(this.replaced(i, withValue(0)))) return;
    let lo = 1;
    let hi = value;
    while (lo < hi && !this.exhausted && i < this.current.length) {
      const mid = (lo + hi) >> 1;
      if (this.attempt(this.replaced(i, withValue(mid)))) hi = mid;
      else lo = mid + 1;
    }
  }

  /**
   * The `new` at `i` with one field fewer, and every field index at or above its new count lowered
   * by one (the operations that named its last field now name the one before).
   */
  private oneFieldFewer(i: number): TraceOp[] {
    const op = this.current[i] as Extract<TraceOp, { op: 'new' }>;
    const refs = op.refs - 1;
    if (refs < 0) return this.current;
    return this.current.map((o, k) => {
      if (k === i) return { ...op, refs };
      if ((o.op === 'put' || o.op === 'get') && o.index >= refs && o.index > 0)
        return { ...o, index: o.index - 1 };
      return o;
    });
  }

  private replaced(i: number, op: TraceOp): TraceOp[] {
    const out = this.current.slice();
    out[i] = op;
    return out;
  }

  /** The trace with registers numbered (above a frame's arguments) and globals named in order of first use. */
  private renamed(): TraceOp[] {
    const ops = this.current;
    const frames = framesOf(ops);
    const names = new Map<string, TraceRoot>();
    const next = new Map<number, number>();
    let globals = 0;
    const out = ops.map((op, i) => {
      const frame = frames.frameOf[i]!;
      return mapOpRoots(op, (r) => {
        const key = rootKey(r, frame);
        let to = names.get(key);
        if (to === undefined) {
          if (r.kind === 'global') to = { kind: 'global', name: globalName(globals++) };
          else {
            const args = frame === 0 ? 0 : callOf(ops, frames, frame).args.length;
            if (r.index < args) to = r;
            else {
              const n = next.get(frame) ?? args;
              next.set(frame, n + 1);
              to = { kind: 'reg', index: n };
            }
          }
          names.set(key, to);
        }
        return to;
      });
    });
    return out;
  }
}

/** Whether `op` (in `frame`) writes the root `key`. */
function writes(op: TraceOp, key: string, frame: number): boolean {
  switch (op.op) {
    case 'new':
    case 'set':
    case 'get':
    case 'del':
    case 'weakref':
    case 'deref':
      return rootKey(op.dst, frame) === key;
    default:
      return false;
  }
}

/** `ops` with root `fromKey` renamed to `to` wherever it is used, and the `set X X` this makes dropped. */
function renameRoot(ops: readonly TraceOp[], frames: Frames, fromKey: string, to: TraceRoot): TraceOp[] {
  const out: TraceOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const frame = frames.frameOf[i]!;
    const op = mapOpRoots(ops[i]!, (r) => (rootKey(r, frame) === fromKey ? to : r));
    if (op.op === 'set' && op.src !== null && rootKey(op.src, frame) === rootKey(op.dst, frame)) continue;
    out.push(op);
  }
  return out;
}

/**
 * The trace with frame `f` inlined into its caller: the `call` and its `ret` dropped, the callee's
 * registers renamed to fresh registers of the caller above those it uses (a called caller's frame
 * grows). With `alias`, an argument register is the caller's source itself, else a fresh register
 * set to it where the call was; with `release`, the fresh registers the callee used are deleted
 * where its `ret` was.
 */
function inline(
  ops: readonly TraceOp[],
  frames: Frames,
  f: number,
  alias: boolean,
  release: boolean,
): TraceOp[] {
  const caller = frames.parent[f]!;
  const at = frames.calls[f]!;
  const call = ops[at] as Extract<TraceOp, { op: 'call' }>;
  let used = 0;
  const calleeUsed = new Set<number>();
  for (let i = 0; i < ops.length; i++) {
    const frame = frames.frameOf[i];
    for (const r of rootsOf(ops[i]!)) {
      if (r.kind !== 'reg') continue;
      if (frame === caller) used = Math.max(used, r.index + 1);
      else if (frame === f) calleeUsed.add(r.index);
    }
  }
  const base = caller === 0 ? used : Math.max(used, callOf(ops, frames, caller).nregs);
  const fresh = (index: number): TraceRoot => ({ kind: 'reg', index: base + index });
  const mapped = (index: number): TraceRoot => {
    const arg = index < call.args.length ? call.args[index]! : null;
    return alias && arg !== null ? arg : fresh(index);
  };
  const out: TraceOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (i === at) {
      if (!alias) {
        call.args.forEach((arg, k) => {
          if (arg !== null) out.push({ op: 'set', dst: fresh(k), src: arg });
        });
      }
    } else if (i === frames.rets[f]) {
      if (release) {
        for (const k of calleeUsed) {
          const to = mapped(k);
          if (to.kind === 'reg' && to.index >= base) out.push({ op: 'del', dst: to });
        }
      }
    } else if (frames.frameOf[i] === f) {
      out.push(mapOpRoots(op, (r) => (r.kind === 'reg' ? mapped(r.index) : r)));
    } else out.push(op);
  }
  if (caller !== 0) {
    // The caller's frame grows to hold the callee's registers (its call comes before this one).
    const outer = frames.calls[caller]!;
    const callerCall = callOf(ops, frames, caller);
    out[outer] = { ...callerCall, nregs: Math.max(callerCall.nregs, base + call.nregs) };
  }
  return out;
}

/** The `call` that pushed frame `f` (not the outermost). */
function callOf(ops: readonly TraceOp[], frames: Frames, f: number): Extract<TraceOp, { op: 'call' }> {
  return ops[frames.calls[f]!] as Extract<TraceOp, { op: 'call' }>;
}

/** `op` with each root it reads (not the one it writes) mapped by `f`. */
function mapReads(op: TraceOp, f: (root: TraceRoot) => TraceRoot): TraceOp {
  const s = (src: TraceSource): TraceSource => (src === null ? null : f(src));
  switch (op.op) {
    case 'set':
      return { ...op, src: s(op.src) };
    case 'put':
      return { ...op, obj: f(op.obj), src: s(op.src) };
    case 'get':
      return { ...op, obj: f(op.obj) };
    case 'call':
      return { ...op, args: op.args.map(s) };
    case 'refcount':
      return { ...op, src: f(op.src) };
    case 'finalizer':
      return { ...op, obj: f(op.obj) };
    case 'weakref':
      return { ...op, referent: f(op.referent) };
    case 'deref':
      return { ...op, weakref: f(op.weakref) };
    case 'gc-call':
      return mapGcCall(op, f);
    default:
      return op;
  }
}
