import type { TraceOp } from '@gclab/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bigUnit,
  MAX_PROGRAM_DEPTH,
  type Program,
  programArbitrary,
  resolveStep,
  type Step,
} from '../src/program.ts';
import { ModelObject, ReferenceModel } from '../src/reference-model.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);
const shape = { maxOps: 40, heapLimits: [65536, null], generations: [0] };

/** Resolves and applies every step against a model alone; returns the operations and the model. */
function resolveAll(steps: readonly Step[], unit: number): { ops: TraceOp[]; model: ReferenceModel } {
  const model = new ReferenceModel();
  const ops: TraceOp[] = [];
  for (const step of steps) {
    const op = resolveStep(step, model, unit);
    if (op === null) continue;
    const reason = model.validate(op);
    if (reason !== null) throw new Error(`step ${JSON.stringify(step)} resolved to an invalid op: ${reason}`);
    ops.push(op);
    model.apply(
      op,
      op.op === 'new'
        ? new ModelObject(model.objects.length + 1, ops.length - 1, op.refs, op.bytes, 8)
        : null,
    );
  }
  return { ops, model };
}

describe('programArbitrary and resolveStep', () => {
  it('generates programs whose every step resolves to a valid operation', () => {
    fc.assert(
      fc.property(programArbitrary(shape), (program) => {
        const { ops } = resolveAll(program.steps, program.bigUnit);
        expect(ops.length).toBeLessThanOrEqual(shape.maxOps);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('keeps every sub-list of a program valid, so shrinking never makes an invalid program', () => {
    const withMask = programArbitrary(shape).chain((p) =>
      fc.tuple(
        fc.constant(p),
        fc.array(fc.boolean(), { minLength: p.steps.length, maxLength: p.steps.length }),
      ),
    );
    fc.assert(
      fc.property(withMask, ([program, keep]) => {
        resolveAll(
          program.steps.filter((_, i) => keep[i]),
          program.bigUnit,
        );
      }),
      { seed, numRuns: 300 },
    );
  });

  it('is biased toward cycles, self-references, deep frames, minor collections and big payloads', () => {
    const programs: Program[] = fc.sample(programArbitrary({ ...shape, heapLimits: [65536] }), {
      seed,
      numRuns: 200,
    });
    let cycles = 0;
    let selfRefs = 0;
    let deep = 0;
    let minor = 0;
    let big = 0;
    for (const program of programs) {
      const { ops, model } = resolveAll(program.steps, program.bigUnit);
      model.markReachable();
      if (model.cyclicGarbage().size > 0) cycles++;
      if (model.objects.some((o) => o.fields.includes(o))) selfRefs++;
      let depth = 0;
      let maxDepth = 0;
      for (const op of ops) {
        if (op.op === 'call') maxDepth = Math.max(maxDepth, ++depth);
        if (op.op === 'ret') depth--;
      }
      if (maxDepth >= 3) deep++;
      if (ops.some((op) => op.op === 'gc' && op.generation === 0)) minor++;
      if (ops.some((op) => op.op === 'new' && op.bytes >= bigUnit(65536))) big++;
    }
    // Each feature shows up in a good share of the programs.
    expect(cycles).toBeGreaterThan(40);
    expect(selfRefs).toBeGreaterThan(40);
    expect(deep).toBeGreaterThan(15);
    expect(minor).toBeGreaterThan(60);
    expect(big).toBeGreaterThan(60);
  });

  it('resolves store modes: self, youngest and cycle-closing', () => {
    const model = new ReferenceModel();
    const run = (step: Step): TraceOp => {
      const op = resolveStep(step, model, 4096)!;
      model.apply(
        op,
        op.op === 'new' ? new ModelObject(model.objects.length + 1, 0, op.refs, op.bytes, 8) : null,
      );
      return op;
    };
    run({ k: 'new', dst: { r: 0 }, refs: 1, bytes: 0 });
    run({ k: 'new', dst: { r: 1 }, refs: 1, bytes: 0 });
    run({ k: 'put', obj: { r: 0 }, index: 0, src: { r: 1 }, mode: 'given' }); // r0 -> r1
    expect(run({ k: 'put', obj: { r: 1 }, index: 0, src: null, mode: 'cycle' })).toEqual({
      op: 'put',
      obj: { kind: 'reg', index: 1 },
      index: 0,
      src: { kind: 'reg', index: 0 }, // r0 reaches r1: storing it closes a cycle
    });
    expect(run({ k: 'put', obj: { r: 0 }, index: 0, src: null, mode: 'self' })).toMatchObject({
      src: { kind: 'reg', index: 0 },
    });
    run({ k: 'new', dst: { r: 4 }, refs: 0, bytes: 0 });
    expect(run({ k: 'put', obj: { r: 0 }, index: 0, src: null, mode: 'young' })).toMatchObject({
      src: { kind: 'reg', index: 4 },
    });
  });

  it('skips steps with nothing to act on and falls back to the next usable root', () => {
    const model = new ReferenceModel();
    expect(resolveStep({ k: 'ret' }, model, 4096)).toBeNull();
    expect(resolveStep({ k: 'del', dst: { g: 0 } }, model, 4096)).toBeNull();
    expect(
      resolveStep({ k: 'put', obj: { r: 0 }, index: 0, src: null, mode: 'given' }, model, 4096),
    ).toBeNull();
    model.apply(
      { op: 'new', dst: { kind: 'reg', index: 3 }, refs: 2, bytes: 0 },
      new ModelObject(1, 0, 2, 0, 24),
    );
    expect(resolveStep({ k: 'get', dst: { r: 0 }, obj: { r: 1 }, index: 5 }, model, 4096)).toEqual({
      op: 'get',
      dst: { kind: 'reg', index: 0 },
      obj: { kind: 'reg', index: 3 },
      index: 1,
    });
    expect(
      resolveStep({ k: 'new', dst: { r: 9 }, refs: 1, bytes: { big: 3 } }, model, bigUnit(65536)),
    ).toEqual({
      op: 'new',
      dst: { kind: 'reg', index: 3 },
      refs: 1,
      bytes: 3 * bigUnit(65536),
    });
    for (let i = 0; i + 1 < MAX_PROGRAM_DEPTH; i++) model.apply({ op: 'call', nregs: 1, args: [] });
    expect(resolveStep({ k: 'call', extra: 0, args: [] }, model, 4096)).toBeNull();
  });
});

describe('program shapes', () => {
  it('minOps, explicitGc and weights shape the programs; the default shape is unchanged by them', () => {
    const sample = (s: Parameters<typeof programArbitrary>[0]): Program[] =>
      fc.sample(programArbitrary(s), { seed, numRuns: 50 });
    const base = { maxOps: 60, heapLimits: [null], generations: [0] };
    expect(sample({ ...base, explicitGc: true, weights: {} })).toEqual(sample(base));
    const long = sample({ ...base, minOps: 45 });
    expect(Math.min(...long.map((p) => p.steps.length))).toBeGreaterThanOrEqual(45);
    expect(Math.max(...long.map((p) => p.steps.length))).toBeLessThanOrEqual(60);
    const kinds = (programs: Program[], k: Step['k']): number =>
      programs.reduce((n, p) => n + p.steps.filter((s) => s.k === k).length, 0);
    expect(kinds(sample(base), 'gc')).toBeGreaterThan(0);
    expect(kinds(sample({ ...base, explicitGc: false }), 'gc')).toBe(0);
    expect(kinds(sample({ ...base, weights: { refcount: 12 } }), 'refcount')).toBeGreaterThan(
      3 * kinds(sample(base), 'refcount'),
    );
  });
});
