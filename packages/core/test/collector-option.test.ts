import { describe, expect, it } from 'vitest';
import { CollectorOptionError, GclabError, integerOption, numberOption } from '../src/index.ts';

describe('integerOption', () => {
  it('returns the fallback when the option is absent, and the value when it is an integer of at least min', () => {
    expect(integerOption({}, 'c', 'n', 7, 1)).toBe(7);
    expect(integerOption({ n: 1 }, 'c', 'n', 7, 1)).toBe(1);
    expect(integerOption({ n: 300 }, 'c', 'n', 7, 0)).toBe(300);
  });

  it('rejects non-integers, values below min and non-numbers with a CollectorOptionError naming both', () => {
    expect(() => integerOption({ n: 0 }, 'refcount-deferred', 'n', 7, 1)).toThrow(
      'refcount-deferred: option n must be an integer of at least 1, got 0',
    );
    expect(() => integerOption({ n: 1.5 }, 'c', 'n', 7, 1)).toThrow(
      'c: option n must be an integer of at least 1, got 1.5',
    );
    expect(() => integerOption({ n: '3' }, 'c', 'n', 7, 1)).toThrow(
      'c: option n must be an integer of at least 1, got 3',
    );
    expect(() => integerOption({ n: Number.POSITIVE_INFINITY }, 'c', 'n', 7, 1)).toThrow(
      CollectorOptionError,
    );
    expect(() => integerOption({ n: Number.NaN }, 'c', 'n', 7, 1)).toThrow(CollectorOptionError);
  });
});

describe('numberOption', () => {
  it('returns the fallback when absent, and any number of at least min, fractions and Infinity included', () => {
    expect(numberOption({}, 'c', 'x', 2, 1)).toBe(2);
    expect(numberOption({ x: 1.5 }, 'c', 'x', 2, 1)).toBe(1.5);
    expect(numberOption({ x: Number.POSITIVE_INFINITY }, 'c', 'x', 2, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects NaN, values below min and non-numbers with a CollectorOptionError naming both', () => {
    expect(() => numberOption({ growthFactor: 0.5 }, 'mark-sweep', 'growthFactor', 2, 1)).toThrow(
      'mark-sweep: option growthFactor must be a number of at least 1, got 0.5',
    );
    expect(() => numberOption({ x: Number.NaN }, 'c', 'x', 2, 1)).toThrow(
      'c: option x must be a number of at least 1, got NaN',
    );
    expect(() => numberOption({ x: null }, 'c', 'x', 2, 1)).toThrow(
      'c: option x must be a number of at least 1, got null',
    );
  });
});

describe('CollectorOptionError', () => {
  it('is a GclabError with its own name', () => {
    let caught: unknown;
    try {
      numberOption({ x: -1 }, 'c', 'x', 2, 0);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CollectorOptionError);
    expect(caught).toBeInstanceOf(GclabError);
    expect((caught as Error).name).toBe('CollectorOptionError');
  });
});
