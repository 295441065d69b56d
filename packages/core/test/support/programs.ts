/**
 * Random valid mutator programs for property tests, with a reference model of their semantics.
 *
 * `buildProgram` turns a list of random choices into trace operations that never raise a
 * `MutatorError` under `no-gc`: a small model of frames, globals and objects (values are object ids,
 * 0 = null) decides which operands are valid at each step and is updated with each operation's
 * meaning. The model's reachability is the expected answer of the oracle.
 */
import fc from 'fast-check';
import { glob, reg, type TraceOp, type TraceRoot, type TraceSource } from '../../src/index.ts';

/** Registers of the outermost frame that programs use. */
const OUTER = 6;
/** Global names programs use. */
const GLOBALS = ['a', 'b', 'c', 'x.y', '_z'];
/** Deepest call nesting programs reach. */
const MAX_DEPTH = 5;

/** One random choice: an operation kind and three operand selectors. */
export type Choice = readonly [number, number, number, number];

/** An object of the model: its fields (object ids) and payload bytes. */
interface ModelObject {
  fields: number[];
  payload: number;
}

/** The meaning of a program: frames, globals and objects, as object ids. */
export class ProgramModel {
  /** Register values per frame, outermost first. */
  readonly frames: number[][] = [new Array<number>(OUTER).fill(0)];
  /** Defined globals and their values. */
  readonly globals = new Map<string, number>();
  /** Objects by id (index 0 unused). */
  readonly objects: ModelObject[] = [{ fields: [], payload: 0 }];

  private get frame(): number[] {
    return this.frames[this.frames.length - 1]!;
  }

  read(root: TraceSource): number {
    if (root === null) return 0;
    if (root.kind === 'reg') return this.frame[root.index] ?? 0;
    const v = this.globals.get(root.name);
    if (v === undefined) throw new Error(`model: global ${root.name} undefined`);
    return v;
  }

  write(root: TraceRoot, value: number): void {
    if (root.kind === 'reg') this.frame[root.index] = value;
    else this.globals.set(root.name, value);
  }

  /** Applies one operation's meaning. */
  apply(op: TraceOp): void {
    switch (op.op) {
      case 'new':
        this.objects.push({ fields: new Array<number>(op.refs).fill(0), payload: op.bytes });
        this.write(op.dst, this.objects.length - 1);
        break;
      case 'set':
        this.write(op.dst, this.read(op.src));
        break;
      case 'del':
        if (op.dst.kind === 'reg') this.write(op.dst, 0);
        else this.globals.delete(op.dst.name);
        break;
      case 'put':
        this.objects[this.read(op.obj)]!.fields[op.index] = this.read(op.src);
        break;
      case 'get':
        this.write(op.dst, this.objects[this.read(op.obj)]!.fields[op.index]!);
        break;
      case 'call': {
        const regs = new Array<number>(op.nregs).fill(0);
        op.args.forEach((a, i) => {
          regs[i] = this.read(a);
        });
        this.frames.push(regs);
        break;
      }
      case 'ret':
        this.frames.pop();
        break;
      case 'gc':
      case 'refcount':
        break;
    }
  }

  /** Objects and bytes reachable from the roots (no header words). */
  reachable(): { objects: number; bytes: number } {
    const seen = new Set<number>();
    const stack: number[] = [];
    for (const f of this.frames) for (const v of f) if (v !== 0) stack.push(v);
    for (const v of this.globals.values()) if (v !== 0) stack.push(v);
    let bytes = 0;
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const o = this.objects[id]!;
      bytes += 8 * (1 + o.fields.length) + ((o.payload + 7) & ~7);
      for (const f of o.fields) if (f !== 0 && !seen.has(f)) stack.push(f);
    }
    return { objects: seen.size, bytes };
  }

  /** Registers of the current frame. */
  frameSize(): number {
    return this.frame.length;
  }

  depth(): number {
    return this.frames.length - 1;
  }
}

/** Builds a valid program from random choices; returns its operations and its final model. */
export function buildProgram(choices: readonly Choice[]): { ops: TraceOp[]; model: ProgramModel } {
  const m = new ProgramModel();
  const ops: TraceOp[] = [];

  const readable = (): TraceRoot[] => {
    const out: TraceRoot[] = [];
    for (let i = 0; i < m.frameSize(); i++) out.push(reg(i));
    for (const name of m.globals.keys()) out.push(glob(name));
    return out;
  };
  const pickDst = (n: number): TraceRoot => {
    if (n % 3 === 0 || m.frameSize() === 0) return glob(GLOBALS[(n >>> 2) % GLOBALS.length]!);
    return reg((n >>> 2) % m.frameSize());
  };
  const pickSource = (n: number): TraceSource => {
    const roots = readable();
    if (n % 5 === 0 || roots.length === 0) return null;
    return roots[(n >>> 3) % roots.length]!;
  };
  const withFields = (): TraceRoot[] =>
    readable().filter((r) => (m.objects[m.read(r)]?.fields.length ?? 0) > 0);

  for (const [kind, a, b, c] of choices) {
    let op: TraceOp;
    const k = kind % 12;
    if (k <= 2) {
      op = { op: 'new', dst: pickDst(a), refs: b % 4, bytes: c % 3 === 0 ? c % 41 : 0 };
    } else if (k === 3) {
      op = { op: 'set', dst: pickDst(a), src: pickSource(b) };
    } else if (k === 4) {
      const roots = readable();
      if (roots.length === 0) continue;
      op = { op: 'del', dst: roots[a % roots.length]! };
    } else if (k <= 6) {
      const objs = withFields();
      if (objs.length === 0) continue;
      const obj = objs[a % objs.length]!;
      op = { op: 'put', obj, index: b % m.objects[m.read(obj)]!.fields.length, src: pickSource(c) };
    } else if (k <= 8) {
      const objs = withFields();
      if (objs.length === 0) continue;
      const obj = objs[a % objs.length]!;
      op = { op: 'get', dst: pickDst(c), obj, index: b % m.objects[m.read(obj)]!.fields.length };
    } else if (k === 9) {
      if (m.depth() >= MAX_DEPTH) continue;
      const nregs = a % 4;
      const nargs = b % (nregs + 1);
      const args: TraceSource[] = [];
      for (let i = 0; i < nargs; i++) args.push(pickSource(c + 7 * i));
      op = { op: 'call', nregs, args };
    } else if (k === 10) {
      if (m.depth() === 0) continue;
      op = { op: 'ret' };
    } else {
      const roots = readable();
      if (a % 2 === 0 || roots.length === 0)
        op = { op: 'gc', generation: b % 3 === 0 ? (b >>> 2) % 3 : null };
      else op = { op: 'refcount', src: roots[b % roots.length]! };
    }
    m.apply(op);
    ops.push(op);
  }
  return { ops, model: m };
}

/** Arbitrary list of choices. */
export function choicesArb(maxLength = 120): fc.Arbitrary<Choice[]> {
  const n = fc.nat({ max: 1 << 20 });
  return fc.array(fc.tuple(n, n, n, n), { maxLength, size: 'max' });
}

/** Arbitrary valid program with its model. */
export function programArb(maxLength = 120): fc.Arbitrary<{ ops: TraceOp[]; model: ProgramModel }> {
  return choicesArb(maxLength).map(buildProgram);
}

/** The fixed fast-check seed of this package's property tests. */
export const seed = Number(process.env.GCLAB_SEED ?? 42);
