import { describe, expect, it } from 'vitest';
import { descriptorProblems, isCollectorDescriptor, missingHooks, noGc } from '../src/index.ts';

describe('descriptorProblems', () => {
  it('accepts a real descriptor', () => {
    expect(descriptorProblems(noGc)).toEqual([]);
    expect(isCollectorDescriptor(noGc)).toBe(true);
  });

  it('names each wrong field', () => {
    expect(descriptorProblems(42)).toEqual(['expected an object, got number 42']);
    expect(descriptorProblems({ ...noGc, name: 'a b' })).toEqual([
      "name must be a non-empty string without spaces or commas, got 'a b'",
    ]);
    expect(descriptorProblems({ ...noGc, family: 'magic' })).toEqual([
      "family must be one of baseline, reference-counting, hybrid, tracing, got 'magic'",
    ]);
    expect(descriptorProblems({ ...noGc, create: undefined })).toEqual([
      'create must be a function, got nothing',
    ]);
    expect(descriptorProblems({ ...noGc, constraints: { ...noGc.constraints, incremental: 1 } })).toEqual([
      'constraints.incremental must be a boolean, got number 1',
    ]);
    expect(descriptorProblems({ ...noGc, constraints: { ...noGc.constraints, headerWords: 1.5 } })).toEqual([
      'constraints.headerWords must be an integer from 0 to 64, got number 1.5',
    ]);
    expect(isCollectorDescriptor({ ...noGc, summary: null })).toBe(false);
    expect(descriptorProblems({ ...noGc, verifyOptionSets: { budget: 1 } })).toEqual([
      'verifyOptionSets must be an array of option objects, got an object',
    ]);
    expect(descriptorProblems({ ...noGc, verifyOptionSets: [{ budget: 1 }, 3] })).toEqual([
      'verifyOptionSets[1] must be an object of collector options, got number 3',
    ]);
  });

  it('accepts option sets for the verifier', () => {
    expect(descriptorProblems({ ...noGc, verifyOptionSets: [] })).toEqual([]);
    expect(descriptorProblems({ ...noGc, verifyOptionSets: [{ budget: 1 }, {}] })).toEqual([]);
  });
});

describe('missingHooks', () => {
  it('lists the hooks an object lacks', () => {
    expect(missingHooks({ allocate() {}, collect() {} })).toEqual([
      'postAlloc',
      'writeBarrierPre',
      'writeBarrierPost',
      'rootWritten',
      'step',
      'referenceCount',
      'verify',
      'stats',
    ]);
    expect(missingHooks(null)).toHaveLength(10);
  });
});
