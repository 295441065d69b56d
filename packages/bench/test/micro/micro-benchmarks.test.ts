import { noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { microBenchmarks } from '../../src/micro/micro-benchmarks.ts';
import { testSemispace } from '../fixtures/test-collectors.ts';

describe('microBenchmarks', () => {
  it('gives allocate, field store, root store and full collection bodies that run under any collector', () => {
    for (const descriptor of [noGc, testSemispace]) {
      const benchmarks = microBenchmarks(descriptor, { batch: 64, treeDepth: 6 });
      expect(benchmarks.map((b) => b.name)).toEqual([
        'allocate',
        'field store',
        'root store',
        'full collection (127 live objects)',
      ]);
      for (const b of benchmarks) {
        b.setup();
        for (let i = 0; i < 3; i++) {
          b.prepare();
          b.run();
        }
      }
      expect(benchmarks.map((b) => b.opsPerIteration)).toEqual([64, 64, 64, 1]);
    }
  });

  it('does the operations it claims per call', () => {
    // Each body's heap is private; count through a collector that records its hooks.
    let allocations = 0;
    let stores = 0;
    let rootWrites = 0;
    const counting = {
      ...noGc,
      create(heap: Parameters<typeof noGc.create>[0]) {
        const c = noGc.create(heap);
        const allocateHook = c.allocate.bind(c);
        c.allocate = (size, nrefs, payload) => {
          allocations++;
          return allocateHook(size, nrefs, payload);
        };
        c.writeBarrierPost = () => {
          stores++;
        };
        c.rootWritten = () => {
          rootWrites++;
        };
        return c;
      },
    };
    const [a, f, r] = microBenchmarks(counting, { batch: 100 });
    a!.setup();
    allocations = 0;
    a!.run();
    expect(allocations).toBe(100);
    f!.setup();
    stores = 0;
    f!.run();
    expect(stores).toBe(100);
    r!.setup();
    rootWrites = 0;
    r!.run();
    expect(rootWrites).toBe(100);
  });
});
