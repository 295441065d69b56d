import { describe, expect, it } from 'vitest';
import type { CollectorEntry } from '../../src/runner/cell.ts';
import { matrixSettings, NO_GC_BASELINE, taskOptionsOf } from '../../src/runner/matrix-options.ts';

const a: CollectorEntry = { name: 'a', ref: { module: '@gclab/core', exportName: 'noGc' } };

describe('matrixSettings', () => {
  it('applies the defaults and loads the no-gc baseline after the matrix collectors', () => {
    const s = matrixSettings({ workloads: ['rings'], collectors: [a] });
    expect(s).toMatchObject({ invocations: 3, warmup: 1, sampleEvery: 0, isolation: 'cell' });
    expect(s.baseline).toBe(NO_GC_BASELINE);
    expect([...s.entries.keys()]).toEqual(['a', 'no-gc']);
    expect(s.pool).toEqual({ concurrency: s.concurrency });
  });

  it('keeps the options given: no baseline, a timeout and a signal for the pool', () => {
    const signal = new AbortController().signal;
    const s = matrixSettings({
      workloads: ['rings'],
      collectors: [a],
      baseline: null,
      concurrency: 3,
      timeoutMs: 500,
      signal,
      sampleEvery: 'auto',
    });
    expect(s.baseline).toBeNull();
    expect([...s.entries.keys()]).toEqual(['a']);
    expect(s.pool).toEqual({ concurrency: 3, timeoutMs: 500, signal });
    expect(s.sampleEvery).toBe('auto');
  });
});

describe('taskOptionsOf', () => {
  it('gives a collector its options, and nothing to one without', () => {
    const options = { workloads: ['rings'], collectors: [a], collectorOptions: { a: { threshold: 7 } } };
    expect(taskOptionsOf(options, 'a')).toEqual({ collectorOptions: { threshold: 7 } });
    expect(taskOptionsOf(options, 'b')).toEqual({});
  });

  it('gives every task the host-memory budget, when one is set', () => {
    const options = { workloads: ['rings'], collectors: [a], hostMemoryLimit: 8 << 20 };
    expect(taskOptionsOf(options, 'a')).toEqual({ hostMemoryLimit: 8 << 20 });
  });
});
