import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { CHURN_PAYLOADS, churn } from '../../src/workloads/churn.ts';

/** Bytes of `steps` steps of `temps` temporaries (one reference each) plus a pool of `pool` references. */
function churnBytes(steps: number, temps: number, pool: number): number {
  let bytes = 8 + 8 * pool;
  for (let step = 0; step < steps; step++) {
    for (let j = 0; j < temps; j++) bytes += 16 + CHURN_PAYLOADS[(step + j) % 5]!;
  }
  return bytes;
}

describe('churn', () => {
  it('allocates the pool and 4 temporaries per step whatever the survival rate', () => {
    for (const survival of ['0', '0.05', '1']) {
      const heap = new Heap(noGc);
      churn.run(heap, { size: 'small', seed: 42, options: { survival } });
      expect(heap.counters.objectsAllocated).toBe(1 + 4 * 100_000);
      expect(heap.counters.bytesAllocated).toBe(churnBytes(100_000, 4, 1000));
    }
  });

  it('keeps survivors in the pool at the rate asked for', () => {
    const none = new Heap(noGc);
    expect(churn.run(none, { size: 'small', seed: 42, options: { survival: '0' } })).toBe(0);
    expect(none.oracle.traverse().reachableObjects).toBe(1);
    const all = new Heap(noGc);
    expect(churn.run(all, { size: 'small', seed: 42, options: { survival: '1' } })).toBe(100_000);
    // 100,000 stores into 1,000 random slots fill every slot; survivors are leaves.
    expect(all.oracle.traverse().reachableObjects).toBe(1001);
    const some = churn.run(new Heap(noGc), { size: 'small', seed: 42 });
    expect(Math.abs(some - 5000)).toBeLessThan(5 * Math.sqrt(100_000 * 0.05 * 0.95));
  });

  it('depends on the seed only through the survivors', () => {
    const a = churn.run(new Heap(noGc), { size: 'small', seed: 1 });
    const b = churn.run(new Heap(noGc), { size: 'small', seed: 2 });
    expect(a).not.toBe(b);
    expect(churn.run(new Heap(noGc), { size: 'small', seed: 1 })).toBe(a);
  });

  it('rejects a survival rate outside [0, 1]', () => {
    expect(() => churn.run(new Heap(noGc), { size: 'small', seed: 1, options: { survival: '2' } })).toThrow(
      RangeError,
    );
  });
});
