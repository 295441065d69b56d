import { describe, expect, it } from 'vitest';
import {
  cellLabel,
  formatHeapSpec,
  HeapSpecError,
  heapLimitBytes,
  parseHeapSpec,
} from '../../src/runner/cell.ts';

describe('heap specs', () => {
  it('parses multiples, bytes with binary units and unlimited', () => {
    expect(parseHeapSpec('2x')).toEqual({ kind: 'multiple', multiple: 2 });
    expect(parseHeapSpec('1.5x')).toEqual({ kind: 'multiple', multiple: 1.5 });
    expect(parseHeapSpec('64MB')).toEqual({ kind: 'bytes', bytes: 64 * 1024 * 1024 });
    expect(parseHeapSpec('64mib')).toEqual({ kind: 'bytes', bytes: 64 * 1024 * 1024 });
    expect(parseHeapSpec('100KB')).toEqual({ kind: 'bytes', bytes: 102_400 });
    expect(parseHeapSpec('65536')).toEqual({ kind: 'bytes', bytes: 65_536 });
    expect(parseHeapSpec('unlimited')).toEqual({ kind: 'unlimited' });
    for (const text of ['2x', '67108864', 'unlimited'])
      expect(formatHeapSpec(parseHeapSpec(text))).toBe(text);
  });

  it('rejects what is not a heap size', () => {
    for (const bad of ['0.5x', 'big', '12 parsecs', '100', '-5MB'])
      expect(() => parseHeapSpec(bad)).toThrow(HeapSpecError);
  });

  it('turns a multiple into whole pages of the minimum heap', () => {
    expect(heapLimitBytes({ kind: 'multiple', multiple: 2 }, 10_000)).toBe(20_480);
    expect(heapLimitBytes({ kind: 'multiple', multiple: 1.5 }, 4096)).toBe(8192);
    expect(heapLimitBytes({ kind: 'bytes', bytes: 5000 }, null)).toBe(5000);
    expect(heapLimitBytes({ kind: 'unlimited' }, null)).toBeNull();
    expect(() => heapLimitBytes({ kind: 'multiple', multiple: 2 }, null)).toThrow(HeapSpecError);
  });

  it('labels cells', () => {
    expect(
      cellLabel({
        workload: 'rings',
        size: 'small',
        seed: 3,
        collector: 'x',
        heap: { kind: 'multiple', multiple: 2 },
      }),
    ).toBe('rings/small/3 x @2x');
  });
});
