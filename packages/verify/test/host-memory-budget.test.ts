import { noGc, type TraceOp } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { HostMemoryBudgetError, HostMemoryExhaustedError } from '../src/host-memory-budget.ts';
import { probeHeapLimits, verifyCollector, verifyTrace } from '../src/verify-collector.ts';

/** `count` objects of a 256 KiB payload, each held by a global: 2 MiB and more, never garbage. */
function leak(count: number): TraceOp[] {
  return Array.from({ length: count }, (_, i) => ({
    op: 'new' as const,
    dst: { kind: 'global' as const, name: `x${i}` },
    refs: 0,
    bytes: 256 << 10,
  }));
}

describe('the host-memory budget of a campaign', () => {
  it('below what the heap-limit probe or the largest heap limit needs is HostMemoryBudgetError, before any program', () => {
    const [probe, largest] = probeHeapLimits(noGc) as [number, number];
    expect(largest).toBe(4 * probe);
    // The probe's heap itself is refused.
    expect(() => verifyCollector(noGc, { runs: 1, hostMemoryLimit: probe / 2 })).toThrow(
      HostMemoryBudgetError,
    );
    expect(() => verifyCollector(noGc, { runs: 1, hostMemoryLimit: probe / 2 })).toThrow(
      new RegExp(`^the host-memory budget of ${probe / 2} bytes is below what the heap-limit probe`),
    );
    // The probe fits, the campaign's largest heap limit does not.
    expect(() => verifyCollector(noGc, { runs: 1, hostMemoryLimit: 2 * probe })).toThrow(
      `the host-memory budget of ${2 * probe} bytes is below what the largest heap limit, ${largest} bytes, needs (at least ${largest} bytes): raise it`,
    );
  });

  it('a campaign within the budget runs as without one', () => {
    const within = verifyCollector(noGc, { runs: 20, hostMemoryLimit: 64 << 20 });
    const without = verifyCollector(noGc, { runs: 20 });
    expect(within.passed).toBe(true);
    expect(within.figures.operations).toBe(without.figures.operations);
    expect(within.heapLimits).toEqual(without.heapLimits);
  });

  it('a program past the budget stops the campaign with HostMemoryExhaustedError, not a counterexample', () => {
    const corpus = [{ name: 'leak', ops: leak(12), heapLimit: null }];
    const run = () =>
      verifyCollector(noGc, { runs: 1, heapLimits: [null], corpus, hostMemoryLimit: 2 << 20 });
    expect(run).toThrow(HostMemoryExhaustedError);
    expect(run).toThrow(
      /^out of memory: no-gc could not allocate \d+ bytes .*: the host-memory budget of 2097152 bytes is reached/,
    );
    // A random program past it: fast-check does not shrink it, the campaign stops with the error.
    expect(() =>
      verifyCollector(noGc, { runs: 50, heapLimits: [null], corpus: [], hostMemoryLimit: 64 << 10 }),
    ).toThrow(/the host-memory budget of 65536 bytes is reached/);
    // verifyTrace too; with room the same trace passes.
    expect(() => verifyTrace(noGc, leak(12), { hostMemoryLimit: 2 << 20 })).toThrow(HostMemoryExhaustedError);
    expect(verifyTrace(noGc, leak(12), { hostMemoryLimit: 16 << 20 }).violation).toBeNull();
  });
});
