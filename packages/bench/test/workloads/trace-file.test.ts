import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Heap, noGc, TraceSyntaxError } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { checkWorkload, resolveWorkload, WorkloadSpecError } from '../../src/workloads/registry.ts';
import { TraceFileError } from '../../src/workloads/trace-file.ts';

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

  it('replays a TraceFileSim trace, told by its content, and checks it through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-bench-'));
    const file = join(dir, 'cycle.log'); // the name says nothing
    writeFileSync(
      file,
      'a T1 O1 S24 N1\n+ T1 O1\na T1 O2 S64 N1\n+ T1 O2\nw T1 P1 #0 O2\nw T1 P2 #0 O1\n- T1 O1\n- T1 O2\n',
    );
    const { workload, options } = checkWorkload(`trace:${file}`);
    const heap = new Heap(noGc);
    expect(workload.run(heap, { size: 'small', seed: 1, options })).toBe(6);
    expect(heap.counters.bytesAllocated).toBe(16 + 16 + 40);
    const bad = join(dir, 'bad.log');
    writeFileSync(bad, 'a T1 O1 S24 N1\n- T2 O1\n');
    expect(() => checkWorkload(`trace:${bad}`)).toThrow(
      new RegExp(`^${bad}:2:6: object O1 is not in the root set`),
    );
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

describe('checkWorkload', () => {
  it('reads a trace workload through: a missing file and a malformed one are errors, nothing runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-bench-'));
    const good = join(dir, 'good.trace');
    writeFileSync(good, 'gclab-trace 1\nnew g:a 1\ndel g:a\n');
    expect(checkWorkload(`trace:${good}`).options).toEqual({ file: good });
    const missing = join(dir, 'nope.trace');
    expect(() => checkWorkload(`trace:${missing}`)).toThrow(TraceFileError);
    expect(() => checkWorkload(`trace:${missing}`)).toThrow(
      `workload 'trace:${missing}': cannot read ${missing}: no such file`,
    );
    expect(() => checkWorkload(`trace:${dir}`)).toThrow(/is a directory/);
    const bad = join(dir, 'bad.trace');
    writeFileSync(bad, 'gclab-trace 1\nnew g:a 1\nnew r0 zz\n');
    expect(() => checkWorkload(`trace:${bad}`)).toThrow(TraceSyntaxError);
    expect(() => checkWorkload(`trace:${bad}`)).toThrow(new RegExp(`^${bad}:3:8: `));
    expect(checkWorkload('rings').workload.name).toBe('rings');
    expect(() => checkWorkload('nope')).toThrow(WorkloadSpecError);
  });
});
