/**
 * Random mutator programs, valid by construction.
 *
 * fast-check generates a program as a list of abstract steps whose operands are selectors (a
 * register number taken modulo the current frame's size, a global from a small pool, a field index
 * taken modulo the object's field count, a "mode" for the stored value). Each step is resolved
 * against the reference model when it runs, into one trace operation or none: a selector that names
 * nothing usable falls back to the next root that is (or the step is skipped). So every program,
 * and every sub-list fast-check's shrinker tries, is a valid program, and the counterexample is the
 * list of operations that actually ran.
 *
 * The generator is biased toward what breaks collectors: besides single random steps it emits
 * segments that build long chains, cycles and self-references, call deep frames, overwrite the last
 * reference to an object, store young objects into old ones around minor collections, and allocate
 * large payloads near the heap limit; `gc` (full or `gc 0`) is frequent enough to fall between any two
 * operations.
 *
 * Trace format 2: a share of the programs (`ProgramShape.format2`; the verifier's default is
 * `DEFAULT_FORMAT_2_SHARE`) get one to four pieces of `format2-segments.ts` inserted at random places:
 * object kinds, finalizers (plain, resurrecting, legacy), weak references with and without
 * callbacks, `deref`, `safepoint`, `immortal` and `gc.*` calls, as single steps and in segments. A resurrecting
 * finalizer stores its object into a global of its own (`fin0`, `fin1`, ... in registration order),
 * which no other step writes: only a `drop` step deletes it, so the model never has to guess the
 * order of two stores into one global.
 */

import { glob, type ObjectKindName, reg, type TraceOp, type TraceRoot, type TraceSource } from '@gclab/core';
import fc from 'fast-check';
import { format2Piece } from './format2-segments.ts';
import { reachSegment } from './reach-segments.ts';
import type { ModelObject, ReferenceModel } from './reference-model.ts';
import { neu, put, r, set } from './step-builders.ts';

/** Registers of the outermost frame the generator names (r0 .. r5). */
export const OUTER_REGISTERS = 6;
/**
 * Names of the globals the generator uses: random steps name the first three (`a`, `b`, `c`), the
 * many-globals segment all 64 (`a`, `b`, `c`, `g3` .. `g63`).
 */
export const GLOBAL_POOL: readonly string[] = [
  'a',
  'b',
  'c',
  ...Array.from({ length: 61 }, (_, i) => `g${i + 3}`),
];

/** Globals random steps name (the first of `GLOBAL_POOL`). */
const RANDOM_GLOBALS = 3;

/**
 * The share of generated programs (short and reach programs together) that use trace format 2
 * (finalizers, weak references, kinds, `gc.*` calls), unless a campaign says otherwise
 * (`VerifyOptions.format2`).
 */
export const FORMAT_2_SHARE: number = 0.3;

/** The share format-2 campaigns use by default: every collector of the lab implements format 2. */
export const DEFAULT_FORMAT_2_SHARE: number = FORMAT_2_SHARE;

/** Prefix of the globals resurrecting finalizers store into (`fin0`, `fin1`, ...). */
export const RESURRECTION_GLOBAL = 'fin';

/** The `gc` module calls generated programs make (the others change what a collector does). */
export type GeneratedGcCall = 'collect' | 'get_count' | 'garbage' | 'is_tracked' | 'is_finalized';

/** A root selector: register `r` (modulo the frame's size) or global `GLOBAL_POOL[g]`. */
export type RootSpec = { readonly r: number } | { readonly g: number };
/** A source selector: a root or null. */
export type SourceSpec = RootSpec | null;
/** How a `put` chooses the value it stores. */
export type StoreMode = 'given' | 'self' | 'young' | 'cycle';
/** A payload: small bytes, or `big` units of a size that scales with the heap limit. */
export type PayloadSpec = number | { readonly big: number };

/** One abstract step of a program. */
export type Step =
  | {
      readonly k: 'new';
      readonly dst: RootSpec;
      readonly refs: number;
      readonly bytes: PayloadSpec;
      readonly kind?: ObjectKindName;
    }
  | { readonly k: 'set'; readonly dst: RootSpec; readonly src: SourceSpec }
  | { readonly k: 'del'; readonly dst: RootSpec }
  | {
      readonly k: 'put';
      readonly obj: RootSpec;
      readonly index: number;
      readonly src: SourceSpec;
      readonly mode: StoreMode;
    }
  | { readonly k: 'get'; readonly dst: RootSpec; readonly obj: RootSpec; readonly index: number }
  | { readonly k: 'call'; readonly extra: number; readonly args: readonly SourceSpec[] }
  | { readonly k: 'ret' }
  | { readonly k: 'gc'; readonly generation: number | null }
  | { readonly k: 'refcount'; readonly src: RootSpec }
  // ---- trace format 2 ----
  | { readonly k: 'finalizer'; readonly obj: RootSpec; readonly mode: 'plain' | 'resurrect' | 'legacy' }
  | { readonly k: 'weakref'; readonly dst: RootSpec; readonly referent: RootSpec; readonly callback: boolean }
  | { readonly k: 'deref'; readonly dst: RootSpec; readonly weakref: RootSpec }
  /** Deletes one of the globals resurrecting finalizers stored into (the `index`-th defined, modulo). */
  | { readonly k: 'drop'; readonly index: number }
  | { readonly k: 'safepoint' }
  /** PEP 683: the object at the root becomes immortal (held forever by the heap). */
  | { readonly k: 'immortal'; readonly obj: RootSpec }
  | {
      readonly k: 'gccall';
      readonly call: GeneratedGcCall;
      readonly generation: number | null;
      readonly src: RootSpec;
    };

/**
 * A generated program: its heap limit (null = none), the size of a `big` payload unit, its steps,
 * in stress mode the allocations between forced collections (null = none; see `stress.ts`), and the
 * option set it runs the collector under (0 = the campaign's options, i = the collector's i-th
 * `verifyOptionSets` entry).
 */
export interface Program {
  readonly heapLimit: number | null;
  readonly bigUnit: number;
  readonly steps: readonly Step[];
  readonly stressEvery: number | null;
  readonly optionSet: number;
}

/** What the generator needs to know. */
export interface ProgramShape {
  /** Most steps per program. */
  maxOps: number;
  /** Fewest steps per program (before `explicitGc` leaves any out). Default 1. */
  minOps?: number;
  /** Heap limits to choose from (the first is the one shrinking moves toward). */
  heapLimits: ReadonlyArray<number | null>;
  /** Generations `gc N` may name besides the full `gc` (e.g. [0] or [0, 1, 2]). */
  generations: readonly number[];
  /** Whether programs hold explicit `gc` steps. Default true; false leaves them out. */
  explicitGc?: boolean;
  /** Relative weights of the kinds of single random steps, over `DEFAULT_STEP_WEIGHTS`. */
  weights?: Partial<StepWeights>;
  /**
   * Weight of reach programs (random steps around one segment of `reach-segments.ts`: long rings,
   * wide objects, boundary and large payloads, memory growth, deep calls, many globals) against 2 for
   * short random programs. Default 0 (short programs only).
   */
  reach?: number;
  /** Extra header words of the collector's objects, so reach segments make exact sizes. Default 0. */
  headerWords?: number;
  /**
   * Share (0 to 1) of the programs that use trace format 2 (see `DEFAULT_FORMAT_2_SHARE`). Default 0:
   * none, and the generator draws exactly the programs it drew before format 2.
   */
  format2?: number;
  /**
   * Option sets besides the campaign's options (the collector's `verifyOptionSets`): each program
   * draws one of the `optionSets + 1` sets, the campaign's own (0, where shrinking goes) or one of
   * them. Default 0.
   */
  optionSets?: number;
}

/** The kinds of steps of trace format 1 (single random steps of every program). */
type Version1Step = 'new' | 'set' | 'del' | 'put' | 'get' | 'call' | 'ret' | 'gc' | 'refcount';

/** Relative weight of each kind of single random step. */
export type StepWeights = Record<Version1Step, number>;

/** The weights of single random steps the verifier uses. */
export const DEFAULT_STEP_WEIGHTS: Readonly<StepWeights> = {
  new: 6,
  set: 3,
  del: 2,
  put: 6,
  get: 3,
  call: 2,
  ret: 2,
  gc: 4,
  refcount: 1,
};

/**
 * Bytes of one `big` payload unit for heap limit `heapLimit`: a sixteenth of it (so four units are a
 * quarter), or 4 KiB with no limit. Programs use the unit of the smallest limit they may run under,
 * so the larger limits see the same objects with more headroom (and the memory stays small).
 */
export function bigUnit(heapLimit: number | null): number {
  return heapLimit === null ? 4096 : Math.max(8, Math.floor(heapLimit / 16 / 8) * 8);
}

// ---- generation ---------------------------------------------------------------------------------

const regSel = fc.nat({ max: 7 });
const rootSpec: fc.Arbitrary<RootSpec> = fc.oneof(
  { weight: 4, arbitrary: regSel.map((r) => ({ r })) },
  { weight: 1, arbitrary: fc.nat({ max: RANDOM_GLOBALS - 1 }).map((g) => ({ g })) },
);
const sourceSpec: fc.Arbitrary<SourceSpec> = fc.oneof(
  { weight: 6, arbitrary: rootSpec },
  { weight: 1, arbitrary: fc.constant(null) },
);
const refsArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 3, 4) },
);
const payloadArb: fc.Arbitrary<PayloadSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0, 0, 8, 13, 40) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((big) => ({ big })) },
);
const modeArb: fc.Arbitrary<StoreMode> = fc.constantFrom('given', 'given', 'self', 'young', 'cycle', 'cycle');

function gcArb(generations: readonly number[]): fc.Arbitrary<Step> {
  const gen =
    generations.length === 0
      ? fc.constant(null)
      : fc.oneof(
          { weight: 3, arbitrary: fc.constant(null) },
          { weight: 2, arbitrary: fc.constantFrom(...generations) },
        );
  return gen.map((generation) => ({ k: 'gc' as const, generation }));
}

function singleStep(generations: readonly number[], w: Readonly<StepWeights>): fc.Arbitrary<Step> {
  return fc.oneof(
    {
      weight: w.new,
      arbitrary: fc.record({
        k: fc.constant('new' as const),
        dst: rootSpec,
        refs: refsArb,
        bytes: payloadArb,
      }),
    },
    {
      weight: w.set,
      arbitrary: fc.record({ k: fc.constant('set' as const), dst: rootSpec, src: sourceSpec }),
    },
    { weight: w.del, arbitrary: fc.record({ k: fc.constant('del' as const), dst: rootSpec }) },
    {
      weight: w.put,
      arbitrary: fc.record({
        k: fc.constant('put' as const),
        obj: rootSpec,
        index: fc.nat({ max: 3 }),
        src: sourceSpec,
        mode: modeArb,
      }),
    },
    {
      weight: w.get,
      arbitrary: fc.record({
        k: fc.constant('get' as const),
        dst: rootSpec,
        obj: rootSpec,
        index: fc.nat({ max: 3 }),
      }),
    },
    {
      weight: w.call,
      arbitrary: fc.record({
        k: fc.constant('call' as const),
        extra: fc.nat({ max: 2 }),
        args: fc.array(sourceSpec, { maxLength: 3 }),
      }),
    },
    { weight: w.ret, arbitrary: fc.constant({ k: 'ret' as const }) },
    { weight: w.gc, arbitrary: gcArb(generations) },
    { weight: w.refcount, arbitrary: fc.record({ k: fc.constant('refcount' as const), src: rootSpec }) },
  );
}

/** A chain `a <- b <- ...` built by repeated allocation, then maybe dropped. */
const chainSegment = fc
  .record({ a: regSel, b: regSel, n: fc.integer({ min: 2, max: 6 }), drop: fc.boolean() })
  .map(({ a, b, n, drop }) => {
    const steps: Step[] = [neu(a, 1)];
    for (let i = 0; i < n; i++) steps.push(neu(b, 1), put(b, 0, a), set(a, b));
    if (drop) steps.push(set(a, null), set(b, null));
    return steps;
  });

/** A self-reference or a two-object cycle, maybe dropped, maybe collected. */
const cycleSegment = fc
  .record({ a: regSel, b: regSel, two: fc.boolean(), drop: fc.nat({ max: 2 }), gc: fc.boolean() })
  .map(({ a, b, two, drop, gc }) => {
    const steps: Step[] = [neu(a, 2)];
    if (two) steps.push(neu(b, 1), put(a, 0, b), put(b, 0, a));
    else steps.push(put(a, 1, a));
    if (drop >= 1) steps.push(set(a, null));
    if (drop >= 2) steps.push({ k: 'del', dst: r(b) });
    if (gc) steps.push({ k: 'gc', generation: null });
    return steps;
  });

/** Nested calls passing a root down, work in the deepest frame, then the returns. */
function deepSegment(generations: readonly number[], w: Readonly<StepWeights>): fc.Arbitrary<Step[]> {
  return fc
    .record({
      levels: fc.integer({ min: 1, max: 5 }),
      extra: fc.nat({ max: 2 }),
      arg: sourceSpec,
      body: fc.array(singleStep(generations, w), { maxLength: 4 }),
    })
    .map(({ levels, extra, arg, body }) => {
      const steps: Step[] = [];
      for (let i = 0; i < levels; i++) steps.push({ k: 'call', extra, args: [i === 0 ? arg : r(0)] });
      steps.push(neu(1, 1), put(1, 0, 0), ...body);
      for (let i = 0; i < levels; i++) steps.push({ k: 'ret' });
      return steps;
    });
}

/**
 * An old object, promoted by minor collections, that gets a young object stored into it, then (in
 * later rounds) another after each minor collection, so the remembered set must take the same old
 * object again once a minor collection has emptied it.
 */
const youngIntoOldSegment = fc
  .record({
    a: regSel,
    b: regSel,
    c: regSel,
    promote: fc.integer({ min: 1, max: 2 }),
    rounds: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ a, b, c, promote, rounds }) => {
    const steps: Step[] = [neu(a, 1)];
    for (let i = 0; i < promote; i++) steps.push({ k: 'gc', generation: 0 });
    for (let i = 0; i < rounds; i++) {
      steps.push(
        neu(b, 1),
        put(a, 0, b),
        set(b, null),
        { k: 'gc', generation: 0 },
        { k: 'get', dst: r(c), obj: r(a), index: 0 },
      );
    }
    return steps;
  });

/** A store that overwrites the only reference to an object, around allocation and collection. */
const overwriteLastSegment = fc
  .record({ a: regSel, b: regSel, replace: fc.boolean(), gc: fc.boolean() })
  .map(({ a, b, replace, gc }) => {
    const steps: Step[] = [neu(a, 1), neu(b, 1), put(a, 0, b), set(b, null)];
    if (replace) steps.push(neu(b, 0), put(a, 0, b));
    else steps.push(put(a, 0, null));
    steps.push(gc ? { k: 'gc', generation: null } : neu(b, 2));
    return steps;
  });

/**
 * Allocation pressure: big objects into one or two registers, so each allocation turns an earlier one
 * into garbage; the total soon exceeds a small heap limit while little stays live.
 */
const pressureSegment = fc
  .record({
    a: regSel,
    two: fc.boolean(),
    n: fc.integer({ min: 2, max: 20 }),
    big: fc.integer({ min: 1, max: 4 }),
    keep: fc.boolean(),
  })
  .map(({ a, two, n, big, keep }) => {
    const steps: Step[] = [];
    for (let i = 0; i < n; i++) {
      const dst = two && i % 2 === 1 ? a + 1 : a;
      steps.push(neu(dst, 1, { big }));
      if (two && keep) steps.push(put(dst, 0, dst === a ? a + 1 : a));
    }
    return steps;
  });

/** Random segments (single steps and the small segments above) of a shape. */
function randomSegment(shape: ProgramShape): fc.Arbitrary<Step[]> {
  const { generations } = shape;
  const weights = { ...DEFAULT_STEP_WEIGHTS, ...shape.weights };
  const single = singleStep(generations, weights).map((s) => [s]);
  return fc.oneof(
    { weight: 8, arbitrary: single },
    { weight: 1, arbitrary: chainSegment },
    { weight: 2, arbitrary: cycleSegment },
    { weight: 1, arbitrary: deepSegment(generations, weights) },
    { weight: generations.length > 0 ? 2 : 0, arbitrary: youngIntoOldSegment },
    { weight: 2, arbitrary: overwriteLastSegment },
    { weight: 2, arbitrary: pressureSegment },
  );
}

/** Random steps: between `minSegments` and `maxSegments` random segments, cut to `maxOps` steps. */
function randomSteps(
  shape: ProgramShape,
  minSegments: number,
  maxSegments: number,
  maxOps: number,
): fc.Arbitrary<Step[]> {
  return fc
    .array(randomSegment(shape), {
      minLength: minSegments,
      maxLength: Math.max(minSegments, maxSegments),
      size: 'medium',
    })
    .map((segments) => withoutGcIfAsked(shape, segments.flat()).slice(0, maxOps));
}

function withoutGcIfAsked(shape: ProgramShape, steps: Step[]): Step[] {
  return shape.explicitGc === false
    ? steps.filter((s) => s.k !== 'gc' && !(s.k === 'gccall' && s.call === 'collect'))
    : steps;
}

/** The heap limits of a shape (none when it lists none), and the `big` unit of the smallest. */
function limitsOf(shape: ProgramShape): { limits: Array<number | null>; unit: number } {
  const limits = shape.heapLimits.length === 0 ? [null] : [...shape.heapLimits];
  const finite = limits.filter((l): l is number => l !== null);
  return { limits, unit: bigUnit(finite.length === 0 ? null : Math.min(...finite)) };
}

/** The option set a program runs under: 0 (the campaign's) or one of the shape's `optionSets`. */
function optionSetArbitrary(shape: ProgramShape): fc.Arbitrary<number> {
  const sets = shape.optionSets ?? 0;
  return sets === 0 ? fc.constant(0) : fc.integer({ min: 0, max: sets });
}

/** The largest of the limits: none when the list has none. */
function roomiest(limits: ReadonlyArray<number | null>): number | null {
  return limits.includes(null) ? null : Math.max(...(limits as number[]));
}

/** The largest finite limit, or none when there is none. */
function largestFinite(limits: ReadonlyArray<number | null>): number | null {
  const finite = limits.filter((l): l is number => l !== null);
  return finite.length === 0 ? null : Math.max(...finite);
}

/**
 * The arbitrary of programs of a given shape: short random programs and, with `reach` weight,
 * reach programs (a short random prefix, one reach segment, a short random suffix; a roomy segment
 * runs under the largest heap limit).
 */
export function programArbitrary(shape: ProgramShape): fc.Arbitrary<Program> {
  const { limits, unit } = limitsOf(shape);
  const minOps = shape.minOps ?? 1;
  const optionSet = optionSetArbitrary(shape);
  const short = fc.record({
    heapLimit: fc.constantFrom(...limits),
    bigUnit: fc.constant(unit),
    optionSet,
    steps: randomSteps(
      shape,
      Math.max(1, minOps),
      Math.max(1, Math.ceil(shape.maxOps / 3), minOps),
      shape.maxOps,
    ),
    stressEvery: fc.constant(null),
  });
  const reachWeight = shape.reach ?? 0;
  if (reachWeight <= 0) return withFormat2(shape, short);
  const third = Math.max(1, Math.ceil(shape.maxOps / 3));
  const reach = fc
    .record({
      heapLimit: fc.constantFrom(...limits),
      prefix: randomSteps(shape, 0, third, shape.maxOps),
      segment: reachSegment(true, shape.headerWords ?? 0),
      suffix: randomSteps(shape, 0, Math.ceil(third / 2), Math.ceil(shape.maxOps / 2)),
      optionSet,
    })
    .map(
      ({ heapLimit, prefix, segment, suffix, optionSet }): Program => ({
        optionSet,
        heapLimit: segment.roomy ? roomiest(limits) : heapLimit,
        bigUnit: unit,
        steps: [...prefix, ...withoutGcIfAsked(shape, [...segment.steps]), ...suffix],
        stressEvery: null,
      }),
    );
  return withFormat2(
    shape,
    fc.oneof({ weight: 2, arbitrary: short }, { weight: reachWeight, arbitrary: reach }),
  );
}

/**
 * The programs of `programs`, a share `shape.format2` of them with one to four format-2 pieces
 * (`format2-segments.ts`) inserted at random places, so that format-2 programs reach every shape the
 * others do. With no share, `programs` itself (the programs drawn before format 2).
 */
function withFormat2(shape: ProgramShape, programs: fc.Arbitrary<Program>): fc.Arbitrary<Program> {
  const share = Math.min(1, Math.max(0, shape.format2 ?? 0));
  if (share === 0) return programs;
  const format2 = fc
    .tuple(
      programs,
      fc.array(fc.tuple(fc.nat(), format2Piece(shape.generations)), { minLength: 1, maxLength: 4 }),
    )
    .map(([program, pieces]): Program => {
      const steps = [...program.steps];
      for (const [at, piece] of pieces)
        steps.splice(at % (steps.length + 1), 0, ...withoutGcIfAsked(shape, piece));
      return { ...program, steps };
    });
  if (share === 1) return format2;
  const weight = Math.round(share * 100);
  return fc.oneof({ weight: 100 - weight, arbitrary: programs }, { weight, arbitrary: format2 });
}

/**
 * The arbitrary of long programs in stress mode: `ops` random steps (a reach segment that fits a
 * small heap every two hundred), a collection forced every `every` allocations, under the largest
 * heap limit (none when the shape has an unlimited one) so that running out of memory does not cut
 * them short; with `freesNothing` (a collector that never frees), under the largest finite limit
 * instead, so that the memory stays bounded (such a collector runs out of memory early).
 */
export function stressProgramArbitrary(
  shape: ProgramShape,
  ops: number,
  every: number,
  freesNothing: boolean,
): fc.Arbitrary<Program> {
  const { limits, unit } = limitsOf(shape);
  const chunk = fc
    .tuple(randomSteps(shape, 60, 80, 200), reachSegment(false, shape.headerWords ?? 0))
    .map(([steps, segment]) => [...steps, ...segment.steps]);
  const chunks = Math.ceil(ops / 200) + 1;
  return fc.tuple(fc.array(chunk, { minLength: chunks, maxLength: chunks }), optionSetArbitrary(shape)).map(
    ([list, optionSet]): Program => ({
      optionSet,
      heapLimit: freesNothing ? largestFinite(limits) : roomiest(limits),
      bigUnit: unit,
      steps: withoutGcIfAsked(shape, list.flat()).slice(0, ops),
      stressEvery: every,
    }),
  );
}

// ---- resolution -----------------------------------------------------------------------------------

/** The roots the current frame can name, in a fixed order: registers, then the global pool. */
function rootList(model: ReferenceModel): TraceRoot[] {
  const n = model.registerCount(OUTER_REGISTERS);
  const list: TraceRoot[] = [];
  for (let i = 0; i < n; i++) list.push(reg(i));
  for (const name of GLOBAL_POOL) list.push(glob(name));
  return list;
}

/** Position of a selector in `rootList`. */
function position(spec: RootSpec, model: ReferenceModel): number {
  const n = model.registerCount(OUTER_REGISTERS);
  return 'r' in spec ? spec.r % n : n + (spec.g % GLOBAL_POOL.length);
}

function writableRoot(spec: RootSpec, model: ReferenceModel): TraceRoot {
  return 'r' in spec
    ? reg(spec.r % model.registerCount(OUTER_REGISTERS))
    : glob(GLOBAL_POOL[spec.g % GLOBAL_POOL.length]!);
}

/** A source to read: an undefined global reads as null. */
function source(spec: SourceSpec, model: ReferenceModel): TraceSource {
  if (spec === null) return null;
  const root = writableRoot(spec, model);
  return model.readable(root) ? root : null;
}

/** The first readable root at or after the selector whose value passes `accept`, or null. */
function findRoot(
  spec: RootSpec,
  model: ReferenceModel,
  accept: (o: ModelObject) => boolean,
): TraceRoot | null {
  const list = rootList(model);
  const start = position(spec, model);
  for (let i = 0; i < list.length; i++) {
    const root = list[(start + i) % list.length]!;
    if (!model.readable(root)) continue;
    const v = model.read(root);
    if (v !== null && accept(v)) return root;
  }
  return null;
}

/** Whether `from` reaches `to` through fields (in zero or more steps). */
function reaches(from: ModelObject, to: ModelObject): boolean {
  const seen = new Set<ModelObject>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (o === to) return true;
    for (const f of o.fields) {
      if (f !== null && !seen.has(f)) {
        seen.add(f);
        stack.push(f);
      }
    }
  }
  return false;
}

const hasFields = (o: ModelObject): boolean => o.fields.length > 0;
const any = (): boolean => true;

/** Most frames a program may have (calls beyond it are skipped). */
export const MAX_PROGRAM_DEPTH = 100;

/**
 * Resolves a step against the model into the operation it stands for, or null when the step has
 * nothing to act on (it is skipped). The operation returned is always valid for the model.
 */
export function resolveStep(step: Step, model: ReferenceModel, unit: number): TraceOp | null {
  switch (step.k) {
    case 'new': {
      const bytes = typeof step.bytes === 'number' ? step.bytes : step.bytes.big * unit;
      const dst = writableRoot(step.dst, model);
      return step.kind === undefined
        ? { op: 'new', dst, refs: step.refs, bytes }
        : { op: 'new', dst, refs: step.refs, bytes, kind: step.kind };
    }
    case 'set':
      return { op: 'set', dst: writableRoot(step.dst, model), src: source(step.src, model) };
    case 'del': {
      const dst = writableRoot(step.dst, model);
      return dst.kind === 'global' && !model.readable(dst) ? null : { op: 'del', dst };
    }
    case 'put': {
      const obj = findRoot(step.obj, model, hasFields);
      if (obj === null) return null;
      const target = model.read(obj)!;
      const index = step.index % target.fields.length;
      let src: TraceSource | null = null;
      if (step.mode === 'self') src = obj;
      else if (step.mode === 'young') src = youngest(model);
      else if (step.mode === 'cycle') {
        const fallback = step.src ?? { r: 0 };
        src = findRoot(fallback, model, (o) => o !== target && reaches(o, target)) ?? obj;
      }
      return { op: 'put', obj, index, src: src ?? source(step.src, model) };
    }
    case 'get': {
      const obj = findRoot(step.obj, model, hasFields);
      if (obj === null) return null;
      const index = step.index % model.read(obj)!.fields.length;
      return { op: 'get', dst: writableRoot(step.dst, model), obj, index };
    }
    case 'call': {
      if (model.depth + 1 >= MAX_PROGRAM_DEPTH) return null;
      const args = step.args.map((a) => source(a, model));
      return { op: 'call', nregs: Math.max(1, args.length + step.extra), args };
    }
    case 'ret':
      return model.depth > 0 ? { op: 'ret' } : null;
    case 'gc':
      return { op: 'gc', generation: step.generation };
    case 'refcount': {
      const src = findRoot(step.src, model, any);
      return src === null ? null : { op: 'refcount', src };
    }
    case 'finalizer': {
      const obj = findRoot(step.obj, model, any);
      if (obj === null) return null;
      if (step.mode === 'legacy') return { op: 'finalizer', obj, action: { kind: 'legacy' } };
      const resurrect = step.mode === 'resurrect' ? `${RESURRECTION_GLOBAL}${resurrections(model)}` : null;
      return { op: 'finalizer', obj, action: { kind: 'finalize', resurrect } };
    }
    case 'weakref': {
      const referent = findRoot(step.referent, model, any);
      if (referent === null) return null;
      return { op: 'weakref', dst: writableRoot(step.dst, model), referent, callback: step.callback };
    }
    case 'deref': {
      const weakref = findRoot(step.weakref, model, isWeakReference);
      return weakref === null ? null : { op: 'deref', dst: writableRoot(step.dst, model), weakref };
    }
    case 'drop': {
      const names = [...model.globals.keys()].filter((name) => name.startsWith(RESURRECTION_GLOBAL));
      return names.length === 0 ? null : { op: 'del', dst: glob(names[step.index % names.length]!) };
    }
    case 'safepoint':
      return { op: 'safepoint' };
    case 'immortal': {
      const obj = findRoot(step.obj, model, any);
      return obj === null ? null : { op: 'immortal', obj };
    }
    case 'gccall': {
      if (step.call === 'collect')
        return { op: 'gc-call', gc: { call: 'collect', generation: step.generation } };
      if (step.call === 'get_count' || step.call === 'garbage')
        return { op: 'gc-call', gc: { call: step.call } };
      const src = findRoot(step.src, model, any);
      return src === null ? null : { op: 'gc-call', gc: { call: step.call, src } };
    }
  }
}

const isWeakReference = (o: ModelObject): boolean => o.weak !== null;

/** Resurrecting finalizers registered so far (the next one stores into `fin<this number>`). */
function resurrections(model: ReferenceModel): number {
  let n = 0;
  for (const f of model.finalizers.values()) if (f.resurrect !== null) n++;
  return n;
}

/** The readable root holding the most recently allocated object, or null. */
function youngest(model: ReferenceModel): TraceRoot | null {
  let best: TraceRoot | null = null;
  let bestId = 0;
  for (const root of rootList(model)) {
    if (!model.readable(root)) continue;
    const v = model.read(root);
    if (v !== null && v.id > bestId) {
      bestId = v.id;
      best = root;
    }
  }
  return best;
}
