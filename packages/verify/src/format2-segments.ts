/**
 * Format-2 steps and segments: what the generator adds to a program that uses trace format 2
 * (`ProgramShape.format2`). Single steps with random operands (a `new` of a kind, a finalizer of
 * each sort, a weak reference with or without a callback, a `deref`, dropping a resurrected object,
 * `safepoint`, `immortal`, `gc.*` calls), and two segments, each in a frame of its own (a `call` with six
 * registers, then a `ret`):
 * - finalizable objects: one to four objects, alone, on a chain or on a cycle (a self-loop for one),
 *   maybe holding a child, each with a finalizer (plain, resurrecting or legacy), maybe a weak
 *   reference to the first; dropped and collected (by `gc`, `gc.collect`, `gc 0` or a `safepoint`),
 *   the weak reference read, collected again, and maybe the resurrected objects dropped and
 *   collected once more (a finalizer must not run twice);
 * - weak references: an object with one or two weak references to it (with and without callback)
 *   and maybe a weak reference to a weak reference, read across collections (a moving collector
 *   moves the referent between the reads), then the referent dropped (maybe with a weak reference,
 *   whose callback must then not run) and collected, and the weak reference read again.
 */

import type { ObjectKindName } from '@gclab/core';
import fc from 'fast-check';
import type { RootSpec, Step } from './program.ts';
import { fullGc, neu, put, r, set } from './step-builders.ts';

/** Registers of the frame a segment runs in. */
const FRAME_REGISTERS = 6;

const regSel = fc.nat({ max: 7 });
const rootSpec: fc.Arbitrary<RootSpec> = fc.oneof(
  { weight: 4, arbitrary: regSel.map((n) => ({ r: n })) },
  { weight: 1, arbitrary: fc.nat({ max: 2 }).map((n) => ({ g: n })) },
);
const kindArb: fc.Arbitrary<ObjectKindName> = fc.constantFrom('object', 'list', 'dict', 'tuple', 'atomic');
/** The kinds of objects with reference fields (an atomic object has none). */
const containerKindArb: fc.Arbitrary<ObjectKindName> = fc.constantFrom('object', 'list', 'dict', 'tuple');
const finalizerMode = fc.constantFrom('plain', 'plain', 'resurrect', 'resurrect', 'legacy') as fc.Arbitrary<
  'plain' | 'resurrect' | 'legacy'
>;

/** A collection, or what may start one: `gc`, `gc.collect`, `gc 0`, a `safepoint`. */
function collection(generations: readonly number[]): fc.Arbitrary<Step> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(fullGc) },
    {
      weight: 2,
      arbitrary: fc.constant<Step>({ k: 'gccall', call: 'collect', generation: null, src: r(0) }),
    },
    {
      weight: generations.length > 0 ? 1 : 0,
      arbitrary: fc
        .constantFrom(...(generations.length > 0 ? generations : [0]))
        .map((generation): Step => ({ k: 'gc', generation })),
    },
    { weight: 1, arbitrary: fc.constant<Step>({ k: 'safepoint' }) },
  );
}

/** A single format-2 step with random operands. */
function format2Single(generations: readonly number[]): fc.Arbitrary<Step> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({
          k: fc.constant('new' as const),
          dst: rootSpec,
          refs: fc.integer({ min: 0, max: 3 }),
          bytes: fc.constantFrom(0, 8, 40),
          kind: kindArb,
        })
        // An atomic object (an int or str) has no reference fields.
        .map((step) => (step.kind === 'atomic' ? { ...step, refs: 0 } : step)),
    },
    {
      weight: 3,
      arbitrary: fc.record({ k: fc.constant('finalizer' as const), obj: rootSpec, mode: finalizerMode }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('weakref' as const),
        dst: rootSpec,
        referent: rootSpec,
        callback: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({ k: fc.constant('deref' as const), dst: rootSpec, weakref: rootSpec }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const), index: fc.nat({ max: 3 }) }) },
    { weight: 1, arbitrary: fc.constant<Step>({ k: 'safepoint' }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('immortal' as const), obj: rootSpec }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('gccall' as const),
        call: fc.constantFrom(
          'collect',
          'collect',
          'get_count',
          'garbage',
          'is_tracked',
          'is_finalized',
        ) as fc.Arbitrary<'collect' | 'get_count' | 'garbage' | 'is_tracked' | 'is_finalized'>,
        generation: generations.length === 0 ? fc.constant(null) : fc.option(fc.constantFrom(...generations)),
        src: rootSpec,
      }),
    },
  );
}

/** Steps in a fresh frame. */
function framed(steps: readonly Step[]): Step[] {
  return [{ k: 'call', extra: FRAME_REGISTERS, args: [] }, ...steps, { k: 'ret' }];
}

/** Finalizable objects alone, on a chain or on a cycle, dropped and collected (see the header). */
function finalizableSegment(generations: readonly number[]): fc.Arbitrary<Step[]> {
  return fc
    .record({
      modes: fc.array(finalizerMode, { minLength: 1, maxLength: 4 }),
      shape: fc.constantFrom('alone', 'chain', 'cycle', 'cycle'),
      child: fc.boolean(),
      weak: fc.constantFrom('none', 'plain', 'callback'),
      first: collection(generations),
      kind: fc.option(containerKindArb, { freq: 3 }),
      dropLater: fc.boolean(),
    })
    .map(({ modes, shape, child, weak, first, kind, dropLater }) => {
      const n = modes.length;
      const steps: Step[] = [];
      for (let i = 0; i < n; i++) {
        steps.push(kind === null ? neu(i, 2) : { k: 'new', dst: r(i), refs: 2, bytes: 0, kind });
        if (i > 0 && shape !== 'alone') steps.push(put(i, 0, i - 1));
      }
      if (shape === 'cycle') steps.push(put(0, 0, n - 1));
      if (child) steps.push(neu(5, 0), put(0, 1, 5), set(5, null));
      for (const [i, mode] of modes.entries()) steps.push({ k: 'finalizer', obj: r(i), mode });
      if (weak !== 'none')
        steps.push({ k: 'weakref', dst: r(4), referent: r(0), callback: weak === 'callback' });
      for (let i = 0; i < n; i++) steps.push(set(i, null));
      steps.push(first);
      if (weak !== 'none') steps.push({ k: 'deref', dst: r(5), weakref: r(4) }, set(5, null));
      steps.push(fullGc);
      if (dropLater) {
        for (let i = 0; i < n; i++) steps.push({ k: 'drop', index: 0 });
        steps.push(fullGc);
      }
      return framed(steps);
    });
}

/** Weak references read across collections, then their referent dropped (see the header). */
function weakSegment(generations: readonly number[]): fc.Arbitrary<Step[]> {
  return fc
    .record({
      refs: fc.integer({ min: 0, max: 2 }),
      callback: fc.boolean(),
      second: fc.boolean(),
      weakOfWeak: fc.boolean(),
      moves: fc.integer({ min: 0, max: 2 }),
      between: collection(generations),
      dropWeak: fc.boolean(),
    })
    .map(({ refs, callback, second, weakOfWeak, moves, between, dropWeak }) => {
      const steps: Step[] = [neu(0, refs), { k: 'weakref', dst: r(1), referent: r(0), callback }];
      if (second) steps.push({ k: 'weakref', dst: r(2), referent: r(0), callback: !callback });
      if (weakOfWeak) steps.push({ k: 'weakref', dst: r(3), referent: r(1), callback: true });
      for (let i = 0; i < moves; i++)
        steps.push(neu(5, 1, 40), between, { k: 'deref', dst: r(4), weakref: r(1) });
      steps.push(set(4, null), set(5, null), set(0, null));
      if (dropWeak) steps.push(set(1, null));
      steps.push(between, { k: 'deref', dst: r(4), weakref: r(second ? 2 : 1) }, fullGc);
      steps.push({ k: 'deref', dst: r(5), weakref: r(weakOfWeak ? 3 : 1) });
      return framed(steps);
    });
}

/**
 * One piece of a format-2 program: a single format-2 step (most often) or one of the two segments.
 * `generations`: the generations `gc N` may name.
 */
export function format2Piece(generations: readonly number[]): fc.Arbitrary<Step[]> {
  return fc.oneof(
    { weight: 6, arbitrary: format2Single(generations).map((s) => [s]) },
    { weight: 2, arbitrary: finalizableSegment(generations) },
    { weight: 2, arbitrary: weakSegment(generations) },
  );
}
