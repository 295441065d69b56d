import { type CollectorDescriptor, parseTrace, writeTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { shrinkTrace, traceMeasure } from '../src/shrink.ts';
import { verifyTrace } from '../src/verify-collector.ts';
import { descriptor as globalsNotForwarded } from './fixtures/broken/globals-not-forwarded.ts';
import { descriptor as refcountDecrementBeforeIncrement } from './fixtures/broken/refcount-decrement-before-increment.ts';
import { descriptor as refcountRetSkipsDecrement } from './fixtures/broken/refcount-ret-skips-decrement.ts';
import { descriptor as sizeClassLookupRoundsDown } from './fixtures/broken/size-class-lookup-rounds-down.ts';
import { brokenCollectors } from './fixtures/broken-collectors.ts';

/** Trace operations from lines. */
function ops(...lines: string[]) {
  return parseTrace(`gclab-trace 1\n${lines.join('\n')}\n`);
}

/** The operation lines of a trace. */
function lines(trace: ReturnType<typeof ops>): string[] {
  return writeTrace(trace).trimEnd().split('\n').slice(1);
}

function broken(name: string): CollectorDescriptor {
  return brokenCollectors.find((c) => c.descriptor.name === name)!.descriptor;
}

describe('shrinkTrace through verifyTrace: a failing trace shrinks to its minimum, same property', () => {
  it.each([
    {
      why: 'a call frame inlined, its register merged into the global it was stored to, fields dropped',
      descriptor: globalsNotForwarded,
      trace: ops('call 1 r0', 'new r0 1', 'set g:a r0', 'ret', 'gc'),
      property: 'safety',
      minimal: ['new g:a 0', 'gc'],
    },
    {
      why: 'the frame kept (its ret is the bug), its extra argument and registers dropped',
      descriptor: refcountRetSkipsDecrement,
      trace: ops('new g:x 0', 'new r3 1 16', 'call 3 r3 g:x', 'new r2 0', 'ret', 'gc 1'),
      property: 'count-accuracy',
      minimal: ['new r0 0', 'call 1 r0', 'ret'],
    },
    {
      why: 'a global replaced by a register, the payload cut to the smallest that still fails',
      descriptor: sizeClassLookupRoundsDown,
      trace: ops('new r2 0 16', 'new g:b 0', 'gc'),
      property: 'allocator-integrity',
      minimal: ['new r0 0 9', 'new r0 0'],
    },
    {
      why: 'unrelated work removed, the register renamed to r0',
      descriptor: refcountDecrementBeforeIncrement,
      trace: ops('new g:k 1', 'new r5 2 40', 'put g:k 0 null', 'set r5 r5'),
      property: 'safety',
      minimal: ['new r0 0', 'set r0 r0'],
    },
    {
      why: 'two objects become one referring to itself',
      descriptor: broken('corrupts-field'),
      trace: ops('new r0 1', 'new r1 1', 'put r0 0 r1', 'gc'),
      property: 'safety',
      minimal: ['new r0 1', 'put r0 0 r0', 'gc'],
    },
    {
      why: 'a field count lowered with the index that named the last field',
      descriptor: broken('skips-last-field'),
      trace: ops('new r0 3 8', 'new r1 0', 'put r0 2 r1', 'del r1', 'gc'),
      property: 'safety',
      minimal: ['new r0 1', 'new r1 0', 'put r0 0 r1', 'del r1', 'gc'],
    },
  ])('$descriptor.name: $why', ({ descriptor, trace, property, minimal }) => {
    const result = verifyTrace(descriptor, trace, { minimize: true });
    expect(result.violation?.property).toBe(property);
    expect(lines(result.minimal!.ops)).toEqual(minimal);
    expect(result.minimal!.heapLimit).toBeNull();
    expect(verifyTrace(descriptor, result.minimal!.ops).violation?.property).toBe(property);
  });

  it('leaves a passing trace alone', () => {
    const result = verifyTrace(globalsNotForwarded, ops('new r0 0', 'gc'), { minimize: true });
    expect(result.violation).toBeNull();
    expect(result.minimal).toBeNull();
  });
});

describe('shrinkTrace', () => {
  // A predicate of the shape the verifier passes: it fails when some `new` into a global is
  // followed by a `gc`, and the operations that ran are those through that `gc`.
  const failsOnGlobalThenGc = (candidate: readonly ReturnType<typeof ops>[number][]) => {
    let global = false;
    for (let i = 0; i < candidate.length; i++) {
      const op = candidate[i]!;
      if (op.op === 'new' && op.dst.kind === 'global') global = true;
      if (op.op === 'gc' && global) return candidate.slice(0, i + 1);
    }
    return null;
  };

  it('reaches the minimum and counts the candidates it ran', () => {
    const start = ops('new r0 2', 'new g:zz 3 16', 'del r0', 'gc 2', 'new r1 0', 'gc');
    const result = shrinkTrace(start, failsOnGlobalThenGc);
    expect(lines(result.ops)).toEqual(['new g:a 0', 'gc']);
    expect(result.exhausted).toBe(false);
    expect(result.runs).toBeGreaterThan(0);
  });

  it('stops when its budget of candidate runs is spent', () => {
    const start = ops('new r0 2', 'new g:zz 3 16', 'del r0', 'gc 2', 'new r1 0', 'gc');
    const result = shrinkTrace(start, failsOnGlobalThenGc, { budget: 3 });
    expect(result.runs).toBe(3);
    expect(result.exhausted).toBe(true);
    expect(failsOnGlobalThenGc(result.ops)).not.toBeNull();
  });

  it('measures fewer operations first, then payload, fields, registers before globals, then text', () => {
    const smaller = (a: string[], b: string[]) => {
      const x = traceMeasure(ops(...a));
      const y = traceMeasure(ops(...b));
      const first = x.findIndex((v, i) => v !== y[i]);
      return first >= 0 && x[first]! < y[first]!;
    };
    expect(smaller(['gc'], ['new r0 0', 'gc'])).toBe(true);
    expect(smaller(['new r0 0 8'], ['new r0 0 16'])).toBe(true);
    expect(smaller(['new r0 0'], ['new g:a 0'])).toBe(true);
    expect(smaller(['gc'], ['gc 0'])).toBe(true);
    expect(smaller(['new r0 0'], ['new r1 0'])).toBe(true);
  });
});
