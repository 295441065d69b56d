import { readdirSync } from 'node:fs';
import { type CollectionRecord, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { generationCounts, runReplay } from '../src/replay-run.ts';
import { loadStrategyModule } from '../src/strategy-module.ts';
import { fixture, ROOT } from './run-cli.ts';

const example = (name: string): string => `${ROOT}examples/traces/${name}`;

describe('runReplay', () => {
  it('replays every example under no-gc in checked mode, with nothing freed', () => {
    for (const name of readdirSync(`${ROOT}examples/traces`).filter((f) => f.endsWith('.trace'))) {
      const r = runReplay({ file: example(name), descriptor: noGc, checked: true });
      expect(r.checked).toBe(true);
      expect(r.frees).toEqual({ objects: 0, bytes: 0 });
      // Under no-gc every allocated object is either live or garbage outstanding at the end.
      expect(r.live.objects + r.leaked.objects, name).toBe(r.allocations.objects);
      expect(r.live.bytes + r.leaked.bytes, name).toBe(r.allocations.bytes);
      expect(r.output.every((v) => v === null)).toBe(true);
    }
  });

  it('reports what the oracle finds live and leaked at the end', () => {
    const cycle = runReplay({ file: example('cycle.trace'), descriptor: noGc });
    expect(cycle.ops).toBe(8);
    expect(cycle.live).toEqual({ objects: 0, bytes: 0 });
    expect(cycle.leaked).toEqual({ objects: 2, bytes: 32 });
    const globals = runReplay({ file: example('jupyter-globals.trace'), descriptor: noGc });
    expect(globals.live).toEqual({ objects: 1, bytes: 8 + 256 });
    expect(globals.leaked).toEqual({ objects: 2, bytes: 8 + 8 + 4096 + 8 + 1024 });
  });

  it('streams refcount values and collections to the callbacks as they happen', async () => {
    const descriptor = await loadStrategyModule(`${ROOT}${fixture('logging-collector.ts')}`);
    const events: string[] = [];
    const r = runReplay({
      file: example('frames.trace'),
      descriptor,
      onRefcount: (value, opIndex) => events.push(`refcount ${opIndex} ${value}`),
      onCollection: (c: CollectionRecord) => events.push(`gc ${c.opIndex} ${c.generation} ${c.collected}`),
    });
    expect(events).toEqual(['refcount 8 null', 'refcount 10 null', 'gc 13 full 4']);
    expect(r.gcLog).toEqual([{ opIndex: 13, generation: 'full', collected: 4, uncollectable: 0 }]);
    expect(r.collections).toEqual({ total: 1, byKind: { full: 1 } });
    expect(r.generationCounts).toEqual([0, 1, 0]);
  });

  it('applies the heap limit', () => {
    expect(() => runReplay({ file: example('cycle.trace'), descriptor: noGc, heapLimit: 4096 })).toThrow(
      /out of memory/,
    );
    expect(runReplay({ file: example('cycle.trace'), descriptor: noGc, heapLimit: 1 << 20 }).heapLimit).toBe(
      1 << 20,
    );
  });

  it('refuses a missing file or a directory before running', () => {
    expect(() => runReplay({ file: `${ROOT}no-such.trace`, descriptor: noGc })).toThrow(UsageError);
    expect(() => runReplay({ file: `${ROOT}examples/traces`, descriptor: noGc })).toThrow(/not a file/);
  });
});

describe('generationCounts', () => {
  it('reads count0, count1, ... while they are present', () => {
    expect(generationCounts({ chunks: 1 })).toBeNull();
    expect(generationCounts({ count0: 5, count1: 2, count2: 1, chunks: 1 })).toEqual([5, 2, 1]);
    expect(generationCounts({ count0: 5, count2: 1 })).toEqual([5]);
  });
});
