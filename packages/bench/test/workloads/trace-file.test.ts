import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { resolveWorkload, WorkloadSpecError } from '../../src/workloads/registry.ts';

describe('trace:FILE and workload specs', () => {
  it('replays a trace file as a workload', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gclab-bench-')), 'cycle.trace');
    writeFileSync(
      file,
      'gclab-trace 1\nnew g:a 1\nnew g:b 1 24\nput g:a 0 g:b\nput g:b 0 g:a\ndel g:a\ndel g:b\ngc\n',
    );
    const { workload, options } = resolveWorkload(`trace:${file}`);
    const heap = new Heap(noGc);
    expect(workload.run(heap, { size: 'small', seed: 1, options })).toBe(7);
    expect(heap.counters.objectsAllocated).toBe(2);
    expect(heap.counters.bytesAllocated).toBe(16 + 40);
  });

  it('parses options and rejects unknown workloads', () => {
    expect(resolveWorkload('churn:survival=0.3,temps=2').options).toEqual({ survival: '0.3', temps: '2' });
    expect(resolveWorkload('gcbench').workload.name).toBe('gcbench');
    expect(() => resolveWorkload('nope')).toThrow(WorkloadSpecError);
    expect(() => resolveWorkload('nope')).toThrow(/known: gcbench, binary-trees/);
    expect(() => resolveWorkload('churn:survival')).toThrow(/key=value/);
    expect(() => resolveWorkload('trace:')).toThrow(WorkloadSpecError);
  });
});
