import { type Collector, type CollectorDescriptor, type Heap, NoGC, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/runner/cell.ts';
import { firstDifference, runCellInProcess, timedInvocationsDone } from '../../src/runner/run-cell.ts';
import { testSemispace, throwingCollector } from '../fixtures/test-collectors.ts';

const cell = (collector: string, workload = 'rings', heap: Cell['heap'] = { kind: 'unlimited' }): Cell => ({
  workload,
  size: 'small',
  seed: 42,
  collector,
  heap,
});

/** no-gc whose stats change from run to run: a nondeterministic collector. */
let calls = 0;
class Flaky extends NoGC {
  override stats(): Record<string, number> {
    return { calls: ++calls };
  }
}
const flaky: CollectorDescriptor = {
  ...noGc,
  name: 'flaky',
  create: (heap: Heap): Collector => new Flaky(heap),
};

describe('runCellInProcess', () => {
  it('runs warm-up and timed invocations and reports medians, spread and deterministic figures', () => {
    const r = runCellInProcess(testSemispace, cell('test-semispace'), { invocations: 3, warmup: 1 });
    expect(r.status).toBe('ok');
    expect(r.invocations).toBe(3);
    expect(r.wallMs).toHaveLength(3);
    const s = r.summary!;
    expect(s.wallMs.n).toBe(3);
    expect(s.wallMs.min).toBeLessThanOrEqual(s.wallMs.median);
    expect(s.wallMs.median).toBeLessThanOrEqual(s.wallMs.max);
    expect(s.wallMs.median).toBe([...r.wallMs].sort((a, b) => a - b)[1]);
    expect(r.measurement!.time.wallMs).toBe(s.wallMs.median);
    const d = r.deterministic as { counters: { objectsAllocated: number }; garbage: { leakedBytes: number } };
    expect(d.counters.objectsAllocated).toBe(105_005);
    expect(d.garbage.leakedBytes).toBe(0);
  });

  it('reports figures that differ between invocations as an error naming the figure', () => {
    const r = runCellInProcess(flaky, cell('flaky'), { invocations: 2, warmup: 0 });
    expect(r.status).toBe('error');
    expect(r.message).toMatch(
      /^nondeterministic: collector\.calls differs: \d+ vs \d+ \(first invocation vs invocation 2\)/,
    );
    expect(r.summary).not.toBeNull();
  });

  it('reports out of memory as a result', () => {
    const r = runCellInProcess(
      testSemispace,
      cell('test-semispace', 'rings', { kind: 'bytes', bytes: 100 * 1024 }),
    );
    expect(r.status).toBe('oom');
    expect(r.message).toMatch(/out of memory: test-semispace/);
    expect(r.heapLimitBytes).toBe(102_400);
    const noGcOom = runCellInProcess(noGc, cell('no-gc', 'gcbench', { kind: 'bytes', bytes: 1 << 19 }));
    expect(noGcOom.status).toBe('oom');
  });

  it('fails a cell that runs past the host-memory budget, naming the budget (not an oom result)', () => {
    const r = runCellInProcess(noGc, cell('no-gc', 'gcbench'), {
      invocations: 1,
      warmup: 0,
      hostMemoryLimit: 4 << 20,
    });
    expect(r.status).toBe('error');
    expect(r.message).toMatch(
      /^out of memory: no-gc could not allocate \d+ bytes .*: the host-memory budget of 4194304 bytes is reached/,
    );
    expect(r.message).not.toMatch(/\n/); // no stack
    // With room, the same cell is ok.
    const roomy = runCellInProcess(noGc, cell('no-gc', 'rings'), {
      invocations: 1,
      warmup: 0,
      hostMemoryLimit: 64 << 20,
    });
    expect(roomy.status).toBe('ok');
  });

  it('decides when the timed invocations are done: a minimum count, then a minimum time, up to a maximum', () => {
    const plan = { invocations: 3, minTimedMs: 200, maxInvocations: 30 };
    expect(timedInvocationsDone(2, 1000, plan)).toBe(false); // below the count, whatever the time
    expect(timedInvocationsDone(3, 150, plan)).toBe(false); // the count, not yet the time
    expect(timedInvocationsDone(3, 200, plan)).toBe(true);
    expect(timedInvocationsDone(29, 199, plan)).toBe(false);
    expect(timedInvocationsDone(30, 10, plan)).toBe(true); // the maximum
    // No minimum time: exactly the count.
    expect(timedInvocationsDone(2, 0, { ...plan, minTimedMs: 0 })).toBe(false);
    expect(timedInvocationsDone(3, 0, { ...plan, minTimedMs: 0 })).toBe(true);
    // A maximum below the count does not cut the count.
    expect(timedInvocationsDone(2, 0, { invocations: 5, minTimedMs: 1e9, maxInvocations: 2 })).toBe(false);
    expect(timedInvocationsDone(5, 0, { invocations: 5, minTimedMs: 1e9, maxInvocations: 2 })).toBe(true);
  });

  it('times until the minimum time, at most maxInvocations, and keeps every sample', () => {
    const r = runCellInProcess(noGc, cell('no-gc'), {
      invocations: 2,
      minTimedMs: 1e9,
      maxInvocations: 4,
      warmup: 0,
    });
    expect(r.status).toBe('ok');
    expect(r.invocations).toBe(4);
    const s = r.summary!;
    expect(s.wallMs.samples).toEqual(r.wallMs);
    expect(s.wallMs.n).toBe(4);
    expect(s.gcMs.samples).toHaveLength(4);
    // Four samples: the median's interval is their range, at 1 - 2/16.
    expect([s.wallMs.lo, s.wallMs.hi]).toEqual([s.wallMs.min, s.wallMs.max]);
    expect(s.wallMs.confidence).toBe(1 - 2 / 16);
    expect(runCellInProcess(noGc, cell('no-gc'), { invocations: 1, maxInvocations: 0 }).status).toBe('error');
  });

  it('reports a throwing collector and a bad workload as errors', () => {
    const r = runCellInProcess(throwingCollector, cell('throwing'));
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/^Error: allocate failed on purpose/);
    expect(runCellInProcess(noGc, cell('no-gc', 'nope')).message).toMatch(/unknown workload 'nope'/);
    expect(runCellInProcess(noGc, cell('no-gc'), { invocations: 0 }).status).toBe('error');
  });

  it('adds the timeline of one sampled invocation', () => {
    const r = runCellInProcess(noGc, cell('no-gc'), { invocations: 1, warmup: 0, sampleEvery: 'auto' });
    expect(r.status).toBe('ok');
    const t = r.measurement!.timeline!;
    expect(t.every).toBe(65_536); // 2.6 MB / 200 is below the 64 KiB floor
    expect(t.clock.length).toBeGreaterThan(30);
    expect(r.measurement!.garbage.peakOutstandingBytes).toBeGreaterThan(0);
  });

  it('finds the first difference between figures', () => {
    expect(firstDifference({ a: { b: 1, c: [1, 2] } }, { a: { b: 1, c: [1, 2] } }, '')).toBeNull();
    expect(firstDifference({ a: { b: 1, c: [1, 2] } }, { a: { b: 1, c: [1, 3] } }, '')).toBe(
      'a.c.1 differs: 2 vs 3',
    );
  });
});
