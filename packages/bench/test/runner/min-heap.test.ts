import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CollectorDescriptor, noGc, OutOfMemoryError, PAGE_SIZE } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { HostMemoryExhaustedError } from '../../src/runner/host-memory-budget.ts';
import { completesWithin, findMinHeap, MinHeapCache } from '../../src/runner/min-heap.ts';
import { churn } from '../../src/workloads/churn.ts';
import { rings } from '../../src/workloads/rings.ts';
import { testSemispace } from '../fixtures/test-collectors.ts';

const params = { size: 'small', seed: 42 } as const;

describe('minimum heap', () => {
  it('is the unlimited peak under no-gc (it maps the same chunks whatever the limit)', () => {
    const peak = completesWithin(noGc, rings, params, null).peakReservedBytes;
    const r = findMinHeap(noGc, rings, params, { tolerance: 0 });
    expect(r.bytes).toBe(peak);
    expect(r.unlimitedPeakBytes).toBe(peak);
    expect(completesWithin(noGc, rings, params, r.bytes - PAGE_SIZE).ok).toBe(false);
  });

  it('is found by binary search under a collecting collector: that limit succeeds, a page less fails', () => {
    const r = findMinHeap(testSemispace, churn, params, { tolerance: 0 });
    expect(r.bytes % PAGE_SIZE).toBe(0);
    expect(r.bytes).toBeLessThanOrEqual(r.unlimitedPeakBytes);
    expect(completesWithin(testSemispace, churn, params, r.bytes).ok).toBe(true);
    expect(completesWithin(testSemispace, churn, params, r.bytes - PAGE_SIZE).ok).toBe(false);
    expect(r.failedBytes).toBe(r.bytes - PAGE_SIZE);
    expect(r.probes).toBeGreaterThan(3);
    // A coarser tolerance stops earlier, above the minimum.
    const coarse = findMinHeap(testSemispace, churn, params, { tolerance: 0.25 });
    expect(coarse.bytes).toBeGreaterThanOrEqual(r.bytes);
    expect(coarse.bytes - coarse.failedBytes).toBeLessThanOrEqual(Math.max(PAGE_SIZE, 0.25 * coarse.bytes));
  });

  it('takes a collector that finds the limit too small when it is created as a failed probe', () => {
    // Like gen-copy under a limit that leaves no page for its nursery.
    const needsAMegabyte: CollectorDescriptor = {
      ...testSemispace,
      name: 'needs-a-megabyte',
      create(heap, options) {
        if (heap.os.heapLimit < 1 << 20)
          throw new OutOfMemoryError({
            requestedBytes: 1 << 20,
            reservedBytes: 0,
            heapLimit: heap.os.heapLimit,
            allocatedBytes: 0,
            collector: 'needs-a-megabyte',
          });
        return testSemispace.create(heap, options);
      },
    };
    expect(completesWithin(needsAMegabyte, churn, params, 1 << 19)).toEqual({
      ok: false,
      peakReservedBytes: 0,
    });
    expect(findMinHeap(needsAMegabyte, churn, params).bytes).toBeGreaterThanOrEqual(1 << 20);
  });

  it('stops at the host-memory budget with a typed error, not a failed probe', () => {
    expect(() => completesWithin(noGc, rings, params, null, undefined, 1 << 20)).toThrow(
      HostMemoryExhaustedError,
    );
    expect(() => findMinHeap(noGc, rings, params, { hostMemoryLimit: 1 << 20 })).toThrow(
      /the host-memory budget of 1048576 bytes is reached/,
    );
    const peak = completesWithin(noGc, rings, params, null).peakReservedBytes;
    expect(findMinHeap(noGc, rings, params, { tolerance: 0, hostMemoryLimit: 64 << 20 }).bytes).toBe(peak);
  });

  it('is cached in a JSON file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gclab-minheap-')), 'cache.json');
    const cache = new MinHeapCache(file);
    const key = MinHeapCache.key('rings', 'small', 42, 'no-gc', 'abc');
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, 12_288);
    cache.save();
    expect(JSON.parse(readFileSync(file, 'utf8')).entries[key]).toBe(12_288);
    expect(new MinHeapCache(file).get(key)).toBe(12_288);
    expect(new MinHeapCache(join(tmpdir(), 'no-such-dir', 'x.json')).get(key)).toBeUndefined();
  });
});
