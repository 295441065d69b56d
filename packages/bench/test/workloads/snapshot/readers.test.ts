import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readCpythonSnapshot } from '../../../src/workloads/snapshot/cpython-snapshot.ts';
import { type HeapGraph, rootCount } from '../../../src/workloads/snapshot/heap-graph.ts';
import { readSnapshot, snapshotFormat } from '../../../src/workloads/snapshot/read-snapshot.ts';
import { SnapshotFileError, SnapshotSyntaxError } from '../../../src/workloads/snapshot/snapshot-error.ts';
import { readV8Snapshot } from '../../../src/workloads/snapshot/v8-snapshot.ts';
import { CPYTHON_FIXTURE, v8Fixture, writeFixture } from './fixtures.ts';

/** Each object's pointer fields, as lists. */
function fields(g: HeapGraph): number[][] {
  return Array.from({ length: g.objects }, (_, i) =>
    Array.from(g.edges.subarray(g.edgeStart[i]!, g.edgeStart[i + 1]!)),
  );
}

describe('the V8 .heapsnapshot reader', () => {
  it('reads objects, sizes, types and fields; synthetic nodes become roots, weak edges are not fields', () => {
    const g = readV8Snapshot(writeFixture('small.heapsnapshot', v8Fixture()));
    expect(g.format).toBe('v8');
    expect(g.objects).toBe(4);
    expect(Array.from(g.sizes)).toEqual([32, 24, 24, 20]);
    expect(Array.from(g.types, (t) => g.typeNames[t])).toEqual(['Thing', 'Pair', 'Pair', '(string)']);
    expect(fields(g)).toEqual([[1, 2], [2], [1, 3], []]);
    expect(Array.from(g.roots)).toEqual([1, 0, 0, 0]);
    expect(g.edgeCount).toBe(5);
  });

  it('reads a real snapshot of a small node process (v8.writeHeapSnapshot)', () => {
    const file = writeFixture('child.heapsnapshot', '');
    execFileSync(process.execPath, ['-e', `require('v8').writeHeapSnapshot(${JSON.stringify(file)})`]);
    const g = readSnapshot(file);
    expect(g.format).toBe('v8');
    expect(g.objects).toBeGreaterThan(10_000);
    expect(rootCount(g)).toBeGreaterThan(0);
    expect(g.typeNames).toContain('Object');
    expect(Math.max(...g.edges.subarray(0, 10_000))).toBeLessThan(g.objects);
    expect(g.edgeStart[g.objects]).toBe(g.edgeCount);
  });

  it('names file:line:col for a malformed snapshot', () => {
    const text = v8Fixture().replace('\n,9,1,3,0,1,0,0', '\n,9,1,x,0,1,0,0');
    const file = writeFixture('bad.heapsnapshot', text);
    expect(() => readV8Snapshot(file)).toThrow(SnapshotSyntaxError);
    expect(() => readV8Snapshot(file)).toThrow(
      new RegExp(
        `^${file.replace(/[.]/g, '\\.')}:3:6: expected a non-negative integer in "nodes", found 'x'$`,
      ),
    );
    const truncated = writeFixture('cut.heapsnapshot', v8Fixture().slice(0, 400));
    expect(() => readV8Snapshot(truncated)).toThrow(/:1:\d+: the file ends inside a string|the file ends/);
    const badEdge = writeFixture(
      'edge.heapsnapshot',
      v8Fixture().replace('"edges":[4,1,7', '"edges":[4,1,8'),
    );
    expect(() => readV8Snapshot(badEdge)).toThrow(/edge to_node 8 is not the offset of a node/);
  });
});

describe('the CPython heap snapshot reader', () => {
  it('reads objects, sizes, types, fields and roots', () => {
    const g = readCpythonSnapshot(writeFixture('small.pyheap', CPYTHON_FIXTURE));
    expect(g.format).toBe('cpython');
    expect(g.source).toBe('program: fixture');
    expect(Array.from(g.sizes)).toEqual([56, 72, 72, 53]);
    expect(Array.from(g.types, (t) => g.typeNames[t])).toEqual(['Thing', 'list', 'list', 'str']);
    expect(fields(g)).toEqual([[1, 2], [2], [1, 3], []]);
    expect(Array.from(g.roots)).toEqual([1, 0, 0, 0]);
  });

  it('names file:line:col for a malformed snapshot', () => {
    const bad = writeFixture('bad.pyheap', CPYTHON_FIXTURE.replace('1 72 0 1 3', '1 72 0 1 9'));
    expect(() => readCpythonSnapshot(bad)).toThrow(`${bad}:9:10: object id 9 out of range (4 objects)`);
    const letters = writeFixture('letters.pyheap', CPYTHON_FIXTURE.replace('1 72 0 2', '1 7x 0 2'));
    expect(() => readCpythonSnapshot(letters)).toThrow(`${letters}:8:4: expected a space, found 'x'`);
    const header = writeFixture('header.pyheap', CPYTHON_FIXTURE.replace('objects 4', 'objects four'));
    expect(() => readCpythonSnapshot(header)).toThrow(`${header}:3:1: expected 'objects N edges M types T'`);
    const short = writeFixture('short.pyheap', CPYTHON_FIXTURE.replace('2 53 0\n', ''));
    expect(() => readCpythonSnapshot(short)).toThrow(SnapshotSyntaxError);
  });
});

describe('snapshot formats', () => {
  it('tells the formats apart and rejects other files with a typed error', () => {
    expect(snapshotFormat(writeFixture('a.heapsnapshot', v8Fixture()))).toBe('v8');
    expect(snapshotFormat(writeFixture('a.pyheap', CPYTHON_FIXTURE))).toBe('cpython');
    expect(() => snapshotFormat(writeFixture('a.txt', 'hello'))).toThrow(SnapshotFileError);
    expect(() => snapshotFormat('/nonexistent/x.heapsnapshot')).toThrow('cannot read it: no such file');
  });
});
