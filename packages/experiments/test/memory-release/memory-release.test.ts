import { OBMALLOC_ARENA_SIZE } from '@gclab/allocator';
import { describe, expect, it } from 'vitest';
import { ExperimentOptionError } from '../../src/experiment.ts';
import {
  formatMemoryRelease,
  memoryRelease,
  runMemoryRelease,
} from '../../src/memory-release/memory-release.ts';

describe('memory-release experiment', () => {
  it('shows pools and arenas kept after half the blocks die and released after all do', () => {
    const r = runMemoryRelease({ count: 100_000, size: 416 });
    expect(r.sizeClass).toBe(25);
    expect(r.blocksPerPool).toBe(39);
    const [a, h, z] = r.phases;
    expect(a).toMatchObject({ name: 'allocated', liveBlocks: 100_000, pools: 2565, arenas: 41 });
    expect(h).toMatchObject({
      name: 'freed-half',
      liveBlocks: 50_000,
      pools: 2565,
      arenas: 41,
      reservedBytes: a!.reservedBytes,
    });
    expect(z).toMatchObject({ name: 'freed-all', liveBlocks: 0, pools: 0, arenas: 1, arenasReclaimed: 40 });
    expect(z!.reservedBytes).toBe(OBMALLOC_ARENA_SIZE);
    expect(r.explanation).toContain('returned nothing');
    expect(r.explanation).toContain('bpo-37257');
    const text = formatMemoryRelease(r);
    expect(text).toMatch(/freed-half\s+50,000\s+20,800,000\s+2,565/);
  });

  it('explains large requests, which go back to the OS one by one', () => {
    const r = runMemoryRelease({ count: 10, size: 5000 });
    expect(r.sizeClass).toBe(-1);
    expect(r.phases.map((p) => p.reservedBytes)).toEqual([10 * 8192, 5 * 8192, 0]);
    expect(r.explanation).toContain('512-byte threshold');
  });

  it('rejects bad counts and sizes with typed errors', () => {
    expect(() => runMemoryRelease({ count: 0 })).toThrow(ExperimentOptionError);
    expect(() => runMemoryRelease({ size: -3 })).toThrow(ExperimentOptionError);
  });

  it('parses its options: in range, or an ExperimentOptionError saying what was expected', () => {
    const [count, size] = memoryRelease.options;
    expect(count!.parse(' 1000 ')).toBe(1000);
    expect(count!.defaultValue).toBe(100_000);
    expect(() => count!.parse('0')).toThrow('expected a block count from 1 to 10000000.');
    expect(() => size!.parse('1e3')).toThrow(ExperimentOptionError);
    expect(size!.parse('1048576')).toBe(1 << 20);
  });
});
