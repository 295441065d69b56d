/**
 * Random mutators for property tests: fast-check generates raw choices, and `runChoices` turns each
 * into a valid operation for the heap's current state (a non-null object for `put`/`get`, a field
 * index in range, `ret` only inside a call...), performs it and returns the operations as a trace, so
 * a failing case prints as a replayable trace. The decisions depend only on the shape of the object
 * graph, never on addresses, so the same choices give the same trace under every collector.
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

/** Registers of the outermost frame the mutator uses. */
const OUTER_REGS = 6;
/** Global names the mutator uses. */
const GLOBALS = ['g0', 'g1', 'g2'];

/** Options of the choice arbitrary. */
export interface ChoiceOptions {
  /** Most operations per run. */
  maxOps?: number;
  /** Relative weight of explicit `gc` operations (0 = none). */
  gcWeight?: number;
  /** Payload sizes `new` picks from (default 0, 0, 8, 16, 40); about 1% of objects get 9000 bytes. */
  payloads?: readonly number[];
}

/** Arbitrary list of raw choices. */
export function choicesArbitrary(options: ChoiceOptions = {}): fc.Arbitrary<Choice[]> {
  const gcWeight = options.gcWeight ?? 1;
  const kind = fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) }, // new
    { weight: 2, arbitrary: fc.constant(1) }, // set
    { weight: 1, arbitrary: fc.constant(2) }, // del
    { weight: 5, arbitrary: fc.constant(3) }, // put
    { weight: 2, arbitrary: fc.constant(4) }, // get
    { weight: 1, arbitrary: fc.constant(5) }, // call
    { weight: 1, arbitrary: fc.constant(6) }, // ret
    { weight: gcWeight, arbitrary: fc.constant(7) }, // gc
  );
  const n = fc.nat(1000);
  const maxLength = options.maxOps ?? 150;
  const payloads = options.payloads ?? DEFAULT_PAYLOADS;
  return fc
    .array(fc.tuple(kind, n, n, n), { minLength: Math.floor(maxLength / 3), maxLength, size: 'max' })
    .map((choices) =>
      choices.map(([k, a, b, c]): Choice => [k, a, b, k === 0 ? payloadChoice(c, payloads) : c]),
    );
}

const DEFAULT_PAYLOADS = [0, 0, 8, 16, 40];
/** Operand `c` of a `new` choice is the payload itself. */
function payloadChoice(c: number, payloads: readonly number[]): number {
  return c % 97 === 0 ? 9000 : payloads[c % payloads.length]!;
}

/**
 * Performs `choices` on `heap` (see the file comment), calling `afterOp` after each operation;
 * returns the operations done.
 */
export function runChoices(
  heap: Heap,
  choices: readonly Choice[],
  afterOp?: (op: TraceOp) => void,
): TraceOp[] {
  const ops: TraceOp[] = [];
  const codeOf = (root: TraceRoot): number => (root.kind === 'reg' ? root.index : heap.global(root.name));
  const srcCode = (src: TraceSource): number => (src === null ? NULL_ROOT : codeOf(src));
  const frameRegs = (): number => (heap.roots.depth === 0 ? OUTER_REGS : heap.roots.frameSize);
  const rootValue = (root: TraceRoot): number => {
    if (root.kind === 'reg') return heap.peekRoot(root.index);
    const g = heap.roots.globalSlot(root.name);
    return heap.roots.globalDefined[g] === 1 ? heap.roots.globals[g]! : 0;
  };
  // Readable roots: registers of the frame and defined globals.
  const readable = (): TraceRoot[] => {
    const out: TraceRoot[] = [];
    for (let r = 0; r < frameRegs(); r++) out.push({ kind: 'reg', index: r });
    for (const name of GLOBALS) {
      const g = heap.roots.globalSlot(name);
      if (heap.roots.globalDefined[g] === 1) out.push({ kind: 'global', name });
    }
    return out;
  };
  const writable = (x: number): TraceRoot => {
    const n = frameRegs() + GLOBALS.length;
    const i = x % n;
    return i < frameRegs() ? { kind: 'reg', index: i } : { kind: 'global', name: GLOBALS[i - frameRegs()]! };
  };
  const source = (x: number): TraceSource => {
    const roots = readable();
    const i = x % (roots.length + 1);
    return i === roots.length ? null : roots[i]!;
  };
  /** A readable root holding an object with at least one field, chosen by `x`, or null. */
  const objectWithFields = (x: number): TraceRoot | null => {
    const roots = readable().filter((r) => {
      const v = rootValue(r);
      return v !== 0 && heap.fieldCount(v) > 0;
    });
    return roots.length === 0 ? null : roots[x % roots.length]!;
  };
  for (const [kind, a, b, c] of choices) {
    let op: TraceOp | null = null;
    switch (kind) {
      case 0: {
        // `c` is the payload (see payloadChoice): now and then above the segregated 8 KiB small limit.
        op = { op: 'new', dst: writable(a), refs: b % 4, bytes: c };
        break;
      }
      case 1:
        op = { op: 'set', dst: writable(a), src: source(b) };
        break;
      case 2: {
        const dst = writable(a);
        if (dst.kind === 'global' && !isDefined(heap, dst.name)) break;
        op = { op: 'del', dst };
        break;
      }
      case 3: {
        const obj = objectWithFields(a);
        if (obj === null) break;
        op = { op: 'put', obj, index: b % heap.fieldCount(rootValue(obj)), src: source(c) };
        break;
      }
      case 4: {
        const obj = objectWithFields(b);
        if (obj === null) break;
        op = { op: 'get', dst: writable(a), obj, index: c % heap.fieldCount(rootValue(obj)) };
        break;
      }
      case 5: {
        if (heap.roots.depth >= 4) break;
        const nregs = 1 + (a % 4);
        const nargs = b % (nregs + 1);
        const args: TraceSource[] = [];
        for (let i = 0; i < nargs; i++) args.push(source(c + 7 * i));
        op = { op: 'call', nregs, args };
        break;
      }
      case 6:
        if (heap.roots.depth > 0) op = { op: 'ret' };
        break;
      default:
        op = { op: 'gc', generation: null };
    }
    if (op === null) continue;
    ops.push(op);
    switch (op.op) {
      case 'new':
        heap.new(codeOf(op.dst), op.refs, op.bytes);
        break;
      case 'set':
        heap.set(codeOf(op.dst), srcCode(op.src));
        break;
      case 'del':
        heap.del(codeOf(op.dst));
        break;
      case 'put':
        heap.put(codeOf(op.obj), op.index, srcCode(op.src));
        break;
      case 'get':
        heap.get(codeOf(op.dst), codeOf(op.obj), op.index);
        break;
      case 'call':
        heap.call(op.nregs, Int32Array.from(op.args, srcCode));
        break;
      case 'ret':
        heap.ret();
        break;
      default:
        heap.gc();
    }
    afterOp?.(op);
  }
  return ops;
}

function isDefined(heap: Heap, name: string): boolean {
  return heap.roots.globalDefined[heap.roots.globalSlot(name)] === 1;
}

/** The operations as trace text (for failure messages). */
export function traceText(ops: readonly TraceOp[]): string {
  return writeTrace(ops);
}
