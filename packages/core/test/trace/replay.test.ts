import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FULL_COLLECTION,
  Heap,
  MutatorError,
  NoGC,
  noGc,
  parseTrace,
  readTraceFile,
  replay,
  type TraceOp,
} from '../../src/index.ts';

const EXAMPLES = join(import.meta.dirname, '../../../../examples/traces');

describe('replay', () => {
  it('runs every example trace under checked no-gc, streamed from its file', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.trace'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const path = join(EXAMPLES, f);
      const ops = [...readTraceFile(path)];
      const heap = new Heap(noGc, { checked: true });
      const result = replay(heap, readTraceFile(path));
      expect(result.ops).toBe(ops.length);
      expect(result.output).toEqual(ops.filter((o) => o.op === 'refcount').map(() => null));
      expect(heap.counters.objectsAllocated).toBe(ops.filter((o) => o.op === 'new').length);
      expect(heap.roots.depth).toBe(0); // every example returns from its calls
    }
  });

  it('gives the getrefcount example the live and garbage figures the README shows', () => {
    const heap = new Heap(noGc, { checked: true });
    replay(heap, readTraceFile(join(EXAMPLES, 'getrefcount.trace')));
    expect(heap.oracle.traverse()).toEqual({
      reachableObjects: 1,
      reachableBytes: 8,
      garbageObjects: 0,
      garbageBytes: 0,
    });
    const cycle = new Heap(noGc, { checked: true });
    replay(cycle, readTraceFile(join(EXAMPLES, 'cycle.trace')));
    expect(cycle.oracle.traverse()).toEqual({
      reachableObjects: 0,
      reachableBytes: 0,
      garbageObjects: 2,
      garbageBytes: 32,
    });
  });

  it('maps each op to the heap method and reports ops and refcount values as they run', () => {
    class Counting extends NoGC {
      readonly collections: number[] = [];
      override referenceCount(addr: number): number {
        return addr === 0 ? -1 : 1;
      }
      override collect(generation: number): number {
        this.collections.push(generation);
        return 0;
      }
    }
    const heap = new Heap({ ...noGc, create: (h) => new Counting(h) });
    const events: string[] = [];
    const result = replay(
      heap,
      parseTrace(
        'gclab-trace 1\nnew g:a 1\ncall 2 g:a\nrefcount r0\nget r1 r0 0\nret\ngc\ngc 1\nrefcount g:a\n',
      ),
      {
        onOp: (i, op) => events.push(`${i}:${op.op}`),
        onRefcount: (value, i) => events.push(`refcount ${value} at ${i}`),
      },
    );
    expect(result).toEqual({ ops: 8, output: [1, 1], lines: ['1', '1'] });
    expect(events).toEqual([
      '0:new',
      '1:call',
      'refcount 1 at 2',
      '2:refcount',
      '3:get',
      '4:ret',
      '5:gc',
      '6:gc',
      'refcount 1 at 7',
      '7:refcount',
    ]);
    expect((heap.collector as Counting).collections).toEqual([FULL_COLLECTION, 1]);
  });

  it('numbers ops from 0, not counting the header, comments and blank lines, in MutatorErrors', () => {
    const text = `gclab-trace 1
# a comment

new r0 1     # op 0
   # another comment
new r1 0     # op 1

put r0 1 r1  # op 2: r0 has one field
`;
    const heap = new Heap(noGc);
    let error: unknown;
    try {
      replay(heap, parseTrace(text));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MutatorError);
    expect((error as Error).message).toBe(
      'op 2 (put r0 1 r1): field index 1 out of range: the object has 1 reference fields',
    );
  });

  it('names globals once and shares them across frames', () => {
    const ops: TraceOp[] = parseTrace('gclab-trace 1\nnew g:x 0\ncall 0\nset g:y g:x\nret\ndel g:x\n');
    const heap = new Heap(noGc, { checked: true });
    replay(heap, ops);
    expect(heap.roots.globalNames).toEqual(['x', 'y']);
    expect(heap.peekRoot(heap.global('y'))).not.toBe(0);
    expect(() => heap.peekRoot(heap.global('x'))).toThrow(MutatorError);
  });
});
