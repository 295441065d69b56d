import { Heap, noGc, type TraceOp } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import type { Step } from '../src/program.ts';
import { ProgramRun } from '../src/program-run.ts';
import { tinyRefcount } from './fixtures/tiny-refcount.ts';

const r = (n: number) => ({ r: n });
/** A two-object cycle dropped from r0 and r1, a chain r2 -> x kept, and a self-cycle dropped. */
const STEPS: Step[] = [
  { k: 'new', dst: r(0), refs: 1, bytes: 0 },
  { k: 'new', dst: r(1), refs: 1, bytes: { big: 2 } },
  { k: 'put', obj: r(0), index: 0, src: r(1), mode: 'given' },
  { k: 'put', obj: r(1), index: 0, src: r(0), mode: 'given' },
  { k: 'new', dst: r(2), refs: 2, bytes: 8 },
  { k: 'new', dst: r(3), refs: 0, bytes: 0 },
  { k: 'put', obj: r(2), index: 1, src: r(3), mode: 'given' },
  { k: 'refcount', src: r(3) },
  { k: 'set', dst: r(0), src: null },
  { k: 'del', dst: r(1) },
  { k: 'new', dst: r(4), refs: 1, bytes: 0 },
  { k: 'put', obj: r(4), index: 0, src: r(4), mode: 'given' },
  { k: 'del', dst: r(4) },
  { k: 'refcount', src: r(3) },
  { k: 'ret' }, // skipped: no called frame
];

describe('ProgramRun', () => {
  it('performs the resolved operations on the heap and the model, skipping steps with nothing to act on', () => {
    const heap = new Heap(noGc, { checked: true });
    const seen: TraceOp[] = [];
    const addresses: number[] = [];
    const afterOp = (op: TraceOp): void => {
      seen.push(op);
      if (op.op === 'new' && op.dst.kind === 'reg') addresses.push(heap.peekRoot(op.dst.index));
    };
    const run = new ProgramRun(heap, { afterOp }).run({ steps: STEPS, bigUnit: 16 });
    expect(run.ops).toHaveLength(STEPS.length - 1);
    expect(seen).toEqual(run.ops);
    expect(run.ops[1]).toEqual({ op: 'new', dst: { kind: 'reg', index: 1 }, refs: 1, bytes: 32 });
    expect(run.model.objects.map((o) => o.addr)).toEqual(addresses);
    expect(heap.counters.objectsAllocated).toBe(5);
    expect(run.refcounts).toEqual([]); // countFrom not set
    expect(run.trace()).toContain('put r4 0 r4');
    // The cycles (#1, #2 and #5) are what an ideal reference counter leaks.
    expect(run.expectedLeak()).toBe(3);
    expect(heap.oracle.traverse().garbageObjects).toBe(3);
  });

  it("records each refcount beside the model's count, from kept or from reachable objects", () => {
    const kept = new ProgramRun(new Heap(tinyRefcount), { countFrom: 'kept' }).run({
      steps: STEPS,
      bigUnit: 16,
    });
    expect(kept.refcounts).toEqual([
      { heap: 2, model: 2 }, // r3 and field 1 of r2's object
      { heap: 2, model: 2 },
    ]);
    const model = kept.model;
    const cycleMember = model.objects[0]!;
    expect(kept.expectedCount(cycleMember, 'kept')).toBe(1); // from the other cycle member
    expect(kept.expectedCount(cycleMember, 'reachable')).toBe(0);
  });

  it('runs a full gc before each refcount when asked', () => {
    const run = new ProgramRun(new Heap(noGc), { gcBeforeRefcount: true }).run({ steps: STEPS, bigUnit: 16 });
    const kinds = run.ops.map((op) => op.op);
    expect(kinds.filter((k) => k === 'gc')).toHaveLength(2);
    expect(kinds[kinds.indexOf('refcount') - 1]).toBe('gc');
  });
});
