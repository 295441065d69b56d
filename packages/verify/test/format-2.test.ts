import {
  type CollectorDescriptor,
  glob,
  type Heap,
  parseTrace,
  reg,
  type TraceOp,
  WEAKREF_PAYLOAD_BYTES,
} from '@gclab/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TinyMarkSweep, descriptor as tinyMarkSweep } from '../../../examples/collectors/tiny-mark-sweep.ts';
import {
  DEFAULT_FORMAT_2_SHARE,
  FORMAT_2_SHARE,
  ModelObject,
  programArbitrary,
  ReferenceModel,
  verifyCollector,
  verifyTrace,
} from '../src/index.ts';
import { descriptor as weakReferencesNotCleared } from './fixtures/broken/weak-references-not-cleared.ts';
import { tinyRefcount } from './fixtures/tiny-refcount.ts';
import { tinySemispace } from './fixtures/tiny-semispace.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

/** Operations of a format-2 trace given as lines. */
function ops(...lines: string[]): TraceOp[] {
  return parseTrace(`gclab-trace 2\n${lines.join('\n')}\n`, 'test.trace');
}

/** Hand-written format-2 traces every correct collector passes. */
const HAPPY: Record<string, TraceOp[]> = {
  resurrection: ops(
    ...['new r0 1', 'new r1 0', 'put r0 0 r1', 'del r1', 'finalizer r0 resurrect g:f'],
    ...['del r0', 'gc', 'gc', 'del g:f', 'gc', 'gc'],
  ),
  'weak reference with callback': ops(
    ...['new r0 0', 'weakref r1 r0 callback', 'deref r2 r1', 'del r2', 'gc'],
    ...['del r0', 'gc', 'deref r3 r1', 'gc'],
  ),
  'finalizable cycle': ops(
    ...['new r0 1', 'new r1 1', 'put r0 0 r1', 'put r1 0 r0', 'finalizer r0', 'weakref r2 r1 callback'],
    ...['del r0', 'del r1', 'gc', 'deref r3 r2', 'gc', 'gc.collect', 'gc.get_count', 'safepoint'],
  ),
  'legacy finalizer': ops('new r0 1 0 list', 'finalizer r0 legacy', 'put r0 0 r0', 'del r0', 'gc', 'gc'),
  'weak reference to a weak reference': ops(
    ...['new r0 0', 'weakref r1 r0 callback', 'weakref r2 r1 callback', 'del r1', 'gc'],
    ...['del r0', 'gc', 'deref r3 r2'],
  ),
  'a finalizer resurrects what another finalizes': ops(
    ...['new r0 1', 'new r1 0', 'put r0 0 r1', 'finalizer r1', 'finalizer r0 resurrect g:f'],
    ...['del r1', 'del r0', 'gc', 'gc', 'del g:f', 'gc'],
  ),
};

/** tiny-mark-sweep with one change to its collection, for the checks no correct collector trips. */
function variant(name: string, queue: (this: TinyMarkSweep, heap: Heap) => number[]): CollectorDescriptor {
  class Variant extends TinyMarkSweep {
    protected override queue(): number[] {
      return queue.call(this, this.heap);
    }
  }
  return { ...tinyMarkSweep, name, create: (heap: Heap) => new Variant(heap) };
}

describe('the reference model knows trace format 2', () => {
  it('rejects what the heap rejects: deref of a non-weak reference, finalizer or weakref of null', () => {
    const model = new ReferenceModel();
    const x = new ModelObject(1, 0, 0, 0, 16);
    model.apply({ op: 'new', dst: reg(0), refs: 0, bytes: 0 }, x, 0);
    expect(model.validate({ op: 'deref', dst: reg(1), weakref: reg(0) })).toBe('not a weak reference');
    expect(model.validate({ op: 'deref', dst: reg(1), weakref: glob('nope') })).toBe(
      'weak reference root is not readable',
    );
    expect(model.validate({ op: 'finalizer', obj: reg(1), action: { kind: 'legacy' } })).toBe(
      'null cannot have a finalizer',
    );
    expect(model.validate({ op: 'weakref', dst: reg(2), referent: reg(1), callback: false })).toBe(
      'cannot make a weak reference to null',
    );
    expect(model.validate({ op: 'gc-call', gc: { call: 'is_tracked', src: reg(1) } })).toBe(
      'gc.is_tracked of null',
    );
    const w = new ModelObject(2, 1, 0, WEAKREF_PAYLOAD_BYTES, 48);
    model.apply({ op: 'weakref', dst: reg(1), referent: reg(0), callback: true }, w, 1);
    expect(w.weak?.referent).toBe(x);
    expect(model.validate({ op: 'deref', dst: reg(2), weakref: reg(1) })).toBeNull();
    model.apply({ op: 'finalizer', obj: reg(0), action: { kind: 'finalize', resurrect: 'f' } }, null, 2);
    model.apply({ op: 'finalizer', obj: reg(0), action: { kind: 'legacy' } }, null, 3);
    expect(model.finalizers.get(2)?.state).toBe('replaced');
    expect(x.finalizer?.id).toBe(3);
    expect(
      ReferenceModel.isFullCollection({ op: 'gc-call', gc: { call: 'collect', generation: null } }),
    ).toBe(true);
    expect(ReferenceModel.isFullCollection({ op: 'gc-call', gc: { call: 'collect', generation: 0 } })).toBe(
      false,
    );
  });
});

describe('correct collectors pass format-2 traces', () => {
  it.each([tinyMarkSweep, tinyRefcount, tinySemispace])(
    '$name passes every hand-written trace',
    (descriptor) => {
      for (const [name, trace] of Object.entries(HAPPY))
        expect(verifyTrace(descriptor, trace).violation?.message ?? null, name).toBeNull();
    },
  );
});

describe('the format-2 checks', () => {
  it('a finalizer of a reachable object fails finalizers', () => {
    const eager = variant('finalizes-everything', (heap) => heap.finalizers.addresses().filter(() => true));
    const v = verifyTrace(eager, ops('new r0 0', 'finalizer r0', 'gc')).violation;
    expect(v?.property).toBe('finalizers');
    expect(v?.reason).toMatch(/reachable from the roots before and after/);
  });

  it('a weak reference cleared while its referent is reachable fails weak-references at the deref', () => {
    const clearsAll = variant('clears-every-weak-reference', (heap) => {
      heap.weakRefs.clearUnreachable(() => false);
      return [];
    });
    const v = verifyTrace(clearsAll, ops('new r0 0', 'weakref r1 r0', 'gc', 'deref r2 r1')).violation;
    expect(v?.property).toBe('weak-references');
    expect(v?.opIndex).toBe(3);
    expect(v?.reason).toMatch(/returned null, but the referent is strongly reachable/);
  });

  it('a callback of a weak reference that died with its referent fails weak-references', () => {
    const callsGarbage = variant('calls-back-garbage', function (heap) {
      heap.weakRefs.clearUnreachable((addr) => heap.weakRefs.isWeakReference(addr));
      heap.weakRefs.retain(this.isMarked);
      return heap.finalizers.unreachable(this.isMarked);
    });
    const v = verifyTrace(
      callsGarbage,
      ops('new r0 0', 'weakref r1 r0 callback', 'del r0', 'del r1', 'gc'),
    ).violation;
    expect(v?.property).toBe('weak-references');
    expect(v?.reason).toMatch(/garbage does not call back/);
  });

  it('a finalizable object freed without its finalizer running fails finalizers', () => {
    const ignoresFinalizers = variant('ignores-finalizers', function (heap) {
      heap.weakRefs.clearUnreachable(this.isMarked);
      return [];
    });
    const v = verifyTrace(ignoresFinalizers, ops('new r0 0', 'finalizer r0', 'del r0', 'gc')).violation;
    expect(v?.property).toBe('finalizers');
    expect(v?.reason).toMatch(/without running its finalizer/);
  });

  it('determinism compares the output lines of the two runs', () => {
    let calls = 0;
    class CountsCalls extends TinyMarkSweep {
      gcModule(): string | null {
        return String(calls++); // process-wide state: the second run answers differently
      }
    }
    const counting: CollectorDescriptor = {
      ...tinyMarkSweep,
      name: 'process-wide-get-count',
      create: (heap: Heap) => new CountsCalls(heap),
    };
    const v = verifyTrace(counting, ops('new r0 0', 'gc.get_count')).violation;
    expect(v?.property).toBe('determinism');
    expect(v?.reason).toMatch(/output \["count/);
  });

  it('minimizes a weak-reference counterexample to a valid trace that keeps its weakref', () => {
    const trace = ops(
      ...['new r0 1', 'new r1 0', 'put r0 0 r1', 'weakref r2 r1 callback', 'new r3 2'],
      ...['del r1', 'put r0 0 null', 'gc', 'deref r4 r2', 'gc'],
    );
    const result = verifyTrace(weakReferencesNotCleared, trace, { minimize: true });
    expect(result.violation?.property).toBe('weak-references');
    const minimal = result.minimal!.ops;
    expect(minimal.length).toBeLessThanOrEqual(4);
    expect(minimal.some((op) => op.op === 'weakref')).toBe(true);
    expect(verifyTrace(weakReferencesNotCleared, minimal).violation?.property).toBe('weak-references');
  });
});

describe('format-2 programs', () => {
  it('are off or at FORMAT_2_SHARE by default; a share of 0 draws the programs drawn before format 2', () => {
    expect([0, FORMAT_2_SHARE]).toContain(DEFAULT_FORMAT_2_SHARE);
    const shape = { maxOps: 20, heapLimits: [65536, null], generations: [0], reach: 1 };
    const before = fc.sample(programArbitrary(shape), { seed, numRuns: 30 });
    const after = fc.sample(programArbitrary({ ...shape, format2: 0 }), { seed, numRuns: 30 });
    expect(after).toEqual(before);
    const v2 = fc.sample(programArbitrary({ ...shape, format2: 1 }), { seed, numRuns: 30 });
    const format2Steps = new Set([
      'finalizer',
      'weakref',
      'deref',
      'drop',
      'safepoint',
      'immortal',
      'gccall',
    ]);
    const isFormat2 = (s: (typeof v2)[number]['steps'][number]) =>
      format2Steps.has(s.k) || (s.k === 'new' && s.kind !== undefined);
    expect(v2.every((p) => p.steps.some(isFormat2))).toBe(true);
  });

  it('make objects immortal now and then (a small share of the steps)', () => {
    const shape = { maxOps: 40, heapLimits: [null], generations: [0], format2: 1 };
    const programs = fc.sample(programArbitrary(shape), { seed, numRuns: 200 });
    const steps = programs.flatMap((p) => p.steps);
    const immortal = steps.filter((s) => s.k === 'immortal').length;
    expect(immortal).toBeGreaterThanOrEqual(10);
    expect(immortal).toBeLessThan(steps.length / 20);
  });

  it.each([
    { descriptor: tinyMarkSweep, moves: false },
    { descriptor: tinyRefcount, moves: false },
    { descriptor: tinySemispace, moves: true },
  ])(
    '$descriptor.name passes a format-2 campaign and reaches the format-2 shapes',
    ({ descriptor, moves }) => {
      const result = verifyCollector(descriptor, { seed, runs: 200, stressRuns: 0, format2: FORMAT_2_SHARE });
      expect(result.failure?.trace ?? null).toBeNull();
      const c = result.coverage;
      for (const shape of [
        'finalizer-ran',
        'resurrection',
        'finalizable-cycle',
        'weakref-callback',
        'deref-null',
      ] as const)
        expect(c[shape], shape).toBeGreaterThanOrEqual(5);
      if (moves) expect(c['deref-moved']).toBeGreaterThanOrEqual(5);
      else expect(c['deref-moved']).toBe(0);
    },
  );
});
