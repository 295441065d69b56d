import { descriptorProblems, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { UnknownCollectorError } from '../src/errors.ts';
import { collectorNames, collectors, findCollector } from '../src/registry.ts';

describe('registry', () => {
  it('starts with the no-gc baseline', () => {
    expect(collectors[0]).toBe(noGc);
  });

  it('holds valid descriptors with unique names', () => {
    for (const d of collectors) expect(descriptorProblems(d), d.name).toEqual([]);
    expect(new Set(collectorNames()).size).toBe(collectors.length);
  });

  it('finds a collector by name', () => {
    expect(findCollector('no-gc')).toBe(noGc);
  });

  it('throws UnknownCollectorError listing every valid name', () => {
    let error: unknown;
    try {
      findCollector('nope');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownCollectorError);
    const e = error as UnknownCollectorError;
    expect(e.requested).toBe('nope');
    expect(e.validNames).toEqual(collectorNames());
    expect(e.message).toBe(`unknown strategy 'nope'; valid names: ${collectorNames().join(', ')}`);
  });
});
