import { CollectorOptionError } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GROWTH_FACTOR,
  DEFAULT_MIN_HEAP_BYTES,
  growthBudget,
  readGrowthTriggerOptions,
} from '../../src/trace/growth-trigger.ts';

describe('growthBudget', () => {
  it('is max(minHeapBytes, live * growthFactor) - live', () => {
    expect(growthBudget(0, 1 << 20, 2)).toBe(1 << 20);
    expect(growthBudget(100_000, 1 << 20, 2)).toBe((1 << 20) - 100_000);
    expect(growthBudget(4 << 20, 1 << 20, 2)).toBe(4 << 20);
    expect(growthBudget(4 << 20, 1 << 20, 1.5)).toBe(2 << 20);
  });

  it('never fires with growthFactor Infinity', () => {
    expect(growthBudget(0, 0, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(growthBudget(8 << 20, 0, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('readGrowthTriggerOptions', () => {
  it('gives the defaults (1 MiB, 2, 64 KiB chunks) when no option is set', () => {
    expect(readGrowthTriggerOptions({}, 'mark-sweep')).toEqual({
      minHeapBytes: DEFAULT_MIN_HEAP_BYTES,
      growthFactor: DEFAULT_GROWTH_FACTOR,
      chunkBytes: 64 * 1024,
    });
    expect(DEFAULT_MIN_HEAP_BYTES).toBe(1 << 20);
    expect(DEFAULT_GROWTH_FACTOR).toBe(2);
  });

  it('reads the options given and names the collector in its errors', () => {
    expect(readGrowthTriggerOptions({ minHeapBytes: 0, growthFactor: 1.5, chunkBytes: 16384 }, 'x')).toEqual({
      minHeapBytes: 0,
      growthFactor: 1.5,
      chunkBytes: 16384,
    });
    expect(() => readGrowthTriggerOptions({ growthFactor: 0.5 }, 'incremental')).toThrow(
      new CollectorOptionError('incremental: option growthFactor must be a number of at least 1, got 0.5'),
    );
    expect(() => readGrowthTriggerOptions({ chunkBytes: 8192 }, 'mark-sweep')).toThrow(CollectorOptionError);
  });
});
