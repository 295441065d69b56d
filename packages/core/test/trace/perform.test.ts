import { describe, expect, it, vi } from 'vitest';
import {
  glob,
  Heap,
  MutatorError,
  NULL_ROOT,
  noGc,
  reg,
  TracePerformer,
  type TraceSource,
} from '../../src/index.ts';

describe('TracePerformer', () => {
  it('returns the new object address, 0 for operations without a result, and the gc and refcount results', () => {
    const heap = new Heap(noGc, { checked: true });
    const performer = new TracePerformer(heap);
    const addr = performer.perform({ op: 'new', dst: reg(0), refs: 2, bytes: 8 });
    expect(addr).toBe(heap.peekRoot(0));
    expect(addr).not.toBe(0);
    expect(performer.perform({ op: 'set', dst: glob('g'), src: reg(0) })).toBe(0);
    expect(performer.perform({ op: 'put', obj: reg(0), index: 1, src: glob('g') })).toBe(0);
    expect(performer.perform({ op: 'get', dst: reg(1), obj: reg(0), index: 1 })).toBe(0);
    expect(heap.peekRoot(1)).toBe(addr);
    expect(performer.perform({ op: 'refcount', src: reg(0) })).toBeNull(); // no-gc does not count
    expect(performer.perform({ op: 'del', dst: reg(1) })).toBe(0);
    expect(heap.peekRoot(1)).toBe(0);
    expect(performer.perform({ op: 'del', dst: reg(0) })).toBe(0);
    expect(performer.perform({ op: 'del', dst: glob('g') })).toBe(0);
    expect(performer.perform({ op: 'gc', generation: null })).toBe(heap.collector.collect(-1));
    expect(heap.counters.objectsAllocated).toBe(1);
  });

  it('resolves each global to its root code once', () => {
    const heap = new Heap(noGc);
    const performer = new TracePerformer(heap);
    const global = vi.spyOn(heap, 'global');
    performer.perform({ op: 'new', dst: glob('x'), refs: 0, bytes: 0 });
    performer.perform({ op: 'set', dst: glob('y'), src: glob('x') });
    performer.perform({ op: 'set', dst: reg(0), src: glob('x') });
    expect(global.mock.calls.map((c) => c[0])).toEqual(['x', 'y']);
    expect(performer.code(glob('x'))).toBe(heap.global('x'));
    expect(performer.code(reg(3))).toBe(3);
    expect(performer.code(null)).toBe(NULL_ROOT);
  });

  it('passes call arguments in order, also more than its initial buffer holds', () => {
    const heap = new Heap(noGc, { checked: true });
    const performer = new TracePerformer(heap);
    const a = performer.perform({ op: 'new', dst: reg(0), refs: 0, bytes: 0 });
    const b = performer.perform({ op: 'new', dst: glob('g'), refs: 0, bytes: 0 });
    const pick = <T>(i: number, values: readonly [T, T, T]): T => values[i % 3]!;
    for (const n of [2, 40, 3]) {
      const args: TraceSource[] = [];
      for (let i = 0; i < n; i++) args.push(pick(i, [reg(0), glob('g'), null]));
      performer.perform({ op: 'call', nregs: n + 1, args });
      expect(heap.roots.frameSize).toBe(n + 1);
      for (let i = 0; i < n; i++) expect(heap.peekRoot(i)).toBe(pick(i, [a, b, 0]));
      expect(heap.peekRoot(n)).toBe(0);
      performer.perform({ op: 'ret' });
    }
  });

  it('lets mutator errors propagate', () => {
    const performer = new TracePerformer(new Heap(noGc));
    expect(() => performer.perform({ op: 'ret' })).toThrow(MutatorError);
  });
});
