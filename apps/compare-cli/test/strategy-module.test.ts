import { Heap, parseTrace, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { StrategyModuleError } from '../src/errors.ts';
import { loadStrategyModule } from '../src/strategy-module.ts';
import { fixture, ROOT } from './run-cli.ts';

const path = (name: string): string => `${ROOT}${fixture(name)}`;

async function loadError(p: string): Promise<StrategyModuleError> {
  try {
    await loadStrategyModule(p);
  } catch (error) {
    expect(error).toBeInstanceOf(StrategyModuleError);
    return error as StrategyModuleError;
  }
  throw new Error(`${p} loaded`);
}

describe('loadStrategyModule', () => {
  it('loads a default export and a named export `descriptor`', async () => {
    const counting = await loadStrategyModule(path('counting-collector.ts'));
    expect(counting.name).toBe('test-counting');
    expect(counting.constraints.headerWords).toBe(1);
    const logging = await loadStrategyModule(path('logging-collector.ts'));
    expect(logging.name).toBe('test-logging');
    const heap = new Heap(counting);
    expect(replay(heap, parseTrace('gclab-trace 1\nnew g:a 0\nset r0 g:a\nrefcount g:a\n')).output).toEqual([
      2,
    ]);
  });

  it('rejects a missing file, a module without a descriptor and an invalid descriptor', async () => {
    expect((await loadError(path('no-such-module.ts'))).reason).toBe('no such file');
    expect((await loadError(path('throwing-module.ts'))).reason).toBe(
      'could not be loaded: fixture: this module fails to load',
    );
    expect((await loadError(`${ROOT}apps/compare-cli/test/run-cli.ts`)).reason).toBe(
      "exports no collector descriptor (expected a default export or an export named 'descriptor')",
    );
    const invalid = await loadError(path('not-a-descriptor.ts'));
    expect(invalid.reason).toMatch(
      /^the default export is not a collector descriptor: summary must be a string/,
    );
  });

  it('reports a create() that returns something other than a collector', async () => {
    const hookless = await loadStrategyModule(path('hookless-collector.ts'));
    expect(() => new Heap(hookless)).toThrow(StrategyModuleError);
    expect(() => new Heap(hookless)).toThrow(
      /create\(\) returned a collector without the hooks postAlloc, writeBarrierPre, /,
    );
  });
});
