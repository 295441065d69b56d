import {
  glob,
  Heap,
  MutatorError,
  noGc,
  reg,
  type TraceOp,
  TracePerformer,
  type TraceRoot,
  type TraceSource,
} from '@gclab/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelObject, ReferenceModel } from '../src/reference-model.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

/** Allocates a model object as the lockstep run would. */
function allocate(model: ReferenceModel, nrefs: number): ModelObject {
  return new ModelObject(model.objects.length + 1, 0, nrefs, 0, 8 * (1 + nrefs));
}

// Raw operations, valid or not: registers beyond small frames, undefined globals, bad indexes.
const root: fc.Arbitrary<TraceRoot> = fc.oneof(
  fc.nat({ max: 5 }).map(reg),
  fc.constantFrom('a', 'b').map(glob),
);
const src: fc.Arbitrary<TraceSource> = fc.oneof(root, fc.constant(null));
const rawOp: fc.Arbitrary<TraceOp> = fc.oneof(
  fc.record({
    op: fc.constant('new' as const),
    dst: root,
    refs: fc.nat({ max: 3 }),
    bytes: fc.constantFrom(0, 8),
  }),
  fc.record({ op: fc.constant('set' as const), dst: root, src }),
  fc.record({ op: fc.constant('del' as const), dst: root }),
  fc.record({ op: fc.constant('put' as const), obj: root, index: fc.nat({ max: 3 }), src }),
  fc.record({ op: fc.constant('get' as const), dst: root, obj: root, index: fc.nat({ max: 3 }) }),
  fc.record({
    op: fc.constant('call' as const),
    nregs: fc.nat({ max: 3 }),
    args: fc.array(src, { maxLength: 3 }),
  }),
  fc.constant({ op: 'ret' as const }),
  fc.record({ op: fc.constant('gc' as const), generation: fc.constantFrom(null, 0) }),
  fc.record({ op: fc.constant('refcount' as const), src: root }),
);

describe('ReferenceModel', () => {
  it('accepts exactly the operations the heap accepts, and tracks what the heap holds', () => {
    let accepted = 0;
    let rejectedOps = 0;
    fc.assert(
      fc.property(fc.array(rawOp, { maxLength: 60 }), (ops) => {
        const heap = new Heap(noGc);
        const model = new ReferenceModel();
        const performer = new TracePerformer(heap);
        for (const op of ops) {
          const reason = model.validate(op);
          let rejected = false;
          try {
            performer.perform(op);
          } catch (error) {
            if (!(error instanceof MutatorError)) throw error;
            rejected = true;
          }
          expect(reason !== null, `${JSON.stringify(op)}: model says ${reason}`).toBe(rejected);
          if (rejected) {
            rejectedOps++;
            continue;
          }
          accepted++;
          model.apply(op, op.op === 'new' ? allocate(model, op.refs) : null);
          expect(model.markReachable().length).toBe(heap.oracle.traverse().reachableObjects);
          expect(model.depth).toBe(heap.roots.depth);
        }
      }),
      { seed, numRuns: 300 },
    );
    // Both sides of the agreement were exercised.
    expect(accepted).toBeGreaterThan(300);
    expect(rejectedOps).toBeGreaterThan(300);
  });

  it('finds the cyclic garbage and what only it reaches, and nothing else', () => {
    const model = new ReferenceModel();
    const [a, b, c, d, e, f, g, h, i] = Array.from({ length: 9 }, () => {
      const o = allocate(model, 2);
      model.objects.push(o);
      return o;
    }) as [
      ModelObject,
      ModelObject,
      ModelObject,
      ModelObject,
      ModelObject,
      ModelObject,
      ModelObject,
      ModelObject,
      ModelObject,
    ];
    a.fields[0] = b; // a <-> b: a cycle of garbage
    b.fields[0] = a;
    a.fields[1] = c; // c: reached only through the cycle
    e.fields[0] = a; // e refers into the cycle but is on none: its count drops to zero
    f.fields[0] = f; // f: a self-loop
    model.write(reg(0), g); // g -> h: reachable
    g.fields[0] = h;
    i.fields[0] = g; // i: garbage pointing at a reachable object
    model.markReachable();
    expect([...model.cyclicGarbage()].map((o) => o.id).sort()).toEqual([a.id, b.id, c.id, f.id]);
    expect(model.isMarked(d)).toBe(false);
  });

  it('counts incoming references from unfreed objects, with or without roots', () => {
    const model = new ReferenceModel();
    const x = allocate(model, 1);
    model.apply({ op: 'new', dst: reg(0), refs: 1, bytes: 0 }, x);
    const y = allocate(model, 1);
    model.apply({ op: 'new', dst: glob('g'), refs: 1, bytes: 0 }, y);
    model.apply({ op: 'put', obj: reg(0), index: 0, src: glob('g') });
    model.apply({ op: 'put', obj: glob('g'), index: 0, src: glob('g') });
    expect(model.incomingReferences(true).get(y)).toBe(3);
    expect(model.incomingReferences(false).get(y)).toBe(2);
    x.freed = true;
    expect(model.incomingReferences(false).get(y)).toBe(1);
    expect(model.incomingReferences(true).get(x)).toBe(1);
  });

  it('grows the outermost frame like the heap and keeps called frames fixed', () => {
    const model = new ReferenceModel();
    model.apply({ op: 'set', dst: reg(4), src: null });
    expect(model.frame.length).toBe(5);
    model.apply({ op: 'call', nregs: 2, args: [reg(0)] });
    expect(model.validate({ op: 'set', dst: reg(2), src: null })).not.toBeNull();
    expect(model.validate({ op: 'set', dst: reg(1), src: reg(0) })).toBeNull();
    model.apply({ op: 'ret' });
    expect(model.validate({ op: 'ret' })).not.toBeNull();
  });
});
