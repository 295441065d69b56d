import { GC_BIT_0, Heap, noGc, SimulatedOS } from '@gclab/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocatorError, SEGREGATED_SIZE_CLASSES, SegregatedFreeListSpace } from '../src/index.ts';
import { checkLiveBlocks, type LiveBlock, writeTag } from './space-checks.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);

type Op = { alloc: number } | { free: number } | { burst: number; size: number };
const size = fc.oneof(fc.integer({ min: 1, max: 128 }), fc.integer({ min: 1, max: 9000 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ alloc: size }) },
  { weight: 4, arbitrary: fc.record({ free: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      burst: fc.integer({ min: 1, max: 3000 }),
      size: fc.integer({ min: 1, max: 600 }),
    }),
  },
);
const program = fc.array(op, { minLength: 1, maxLength: 200 });

function run(os: SimulatedOS, space: SegregatedFreeListSpace, ops: readonly Op[]): LiveBlock[] {
  const live: LiveBlock[] = [];
  let tag = 1;
  const alloc = (n: number): void => {
    const addr = space.allocate(n);
    if (addr === 0) return;
    expect(addr % 8).toBe(0);
    writeTag(os, addr, n, tag);
    live.push({ addr, size: n, tag: tag++ });
  };
  for (const o of ops) {
    if ('alloc' in o) alloc(o.alloc);
    else if ('burst' in o) for (let k = 0; k < o.burst; k++) alloc(o.size);
    else if (live.length > 0) {
      const i = o.free % live.length;
      space.free(live[i]!.addr);
      live[i] = live[live.length - 1]!;
      live.pop();
    }
  }
  return live;
}

describe('SegregatedFreeListSpace properties', () => {
  it('random allocate/free: no overlap, mapped, figures add up, empty chunks returned', () => {
    fc.assert(
      fc.property(program, fc.constantFrom(16384, 65536), (ops, chunkBytes) => {
        const os = new SimulatedOS();
        const space = new SegregatedFreeListSpace(os, { chunkBytes });
        const live = run(os, space, ops);
        checkLiveBlocks(os, live, (a) => space.blockSize(a));
        space.verify();
        expect(space.liveBytes).toBe(live.reduce((n, b) => n + space.blockSize(b.addr), 0));
        expect(space.reservedBytes).toBe(os.reservedBytes);
        const seen: number[] = [];
        space.forEachObject((a) => seen.push(a));
        expect(seen.sort()).toEqual(live.map((b) => b.addr).sort());
        for (const b of live) space.free(b.addr);
        space.verify();
        // Large objects are unmapped; at most one empty chunk per size class stays mapped (verify checks which).
        expect(space.liveBytes).toBe(0);
        expect(space.chunks).toBeLessThanOrEqual(SEGREGATED_SIZE_CLASSES.length);
        expect(os.reservedBytes).toBe(space.chunks * chunkBytes);
      }),
      { seed, numRuns: 40 },
    );
  });

  it('sweep frees exactly the unmarked objects; lazy sweep spares blocks allocated during it', () => {
    fc.assert(
      fc.property(
        program,
        fc.array(fc.boolean(), { minLength: 1 }),
        fc.integer({ min: 1, max: 100_000 }),
        (ops, marks, budget) => {
          const heap = new Heap(noGc);
          const space = new SegregatedFreeListSpace(heap.os, { chunkBytes: 16384 });
          const live = run(heap.os, space, ops);
          // Format every live block as an object of its size (no fields) and mark some.
          const words = heap.memory.words;
          const marked = new Set<number>();
          live.forEach((b, i) => {
            const objectSize = b.size & ~7;
            if (objectSize < 8) return;
            heap.model.format(words, b.addr, 0, objectSize - 8);
            if (marks[i % marks.length]) {
              words[b.addr >> 2]! |= GC_BIT_0;
              marked.add(b.addr);
            }
          });
          const formatted = live.filter((b) => (b.size & ~7) >= 8);
          for (const b of live) if ((b.size & ~7) < 8) space.free(b.addr);
          const before = heap.counters.objectsFreed;
          space.beginSweep();
          const fresh: number[] = [];
          while (space.sweepStep(heap, GC_BIT_0, budget)) {
            const a = space.allocate(24); // unmarked: must survive this sweep
            heap.model.format(heap.memory.words, a, 2, 0);
            fresh.push(a);
            space.verify();
          }
          expect(heap.counters.objectsFreed - before).toBe(formatted.length - marked.size);
          expect(space.lastSweep.objectsFreed).toBe(formatted.length - marked.size);
          const reused = new Set(fresh); // a freed address may be handed out again during the sweep
          for (const b of formatted) {
            expect(space.isAllocated(b.addr)).toBe(marked.has(b.addr) || reused.has(b.addr));
            if (marked.has(b.addr)) expect(heap.memory.words[b.addr >> 2]! & GC_BIT_0).toBe(0);
          }
          for (const a of fresh) expect(space.isAllocated(a)).toBe(true);
          space.verify();
        },
      ),
      { seed, numRuns: 40 },
    );
  });

  it('raises typed errors: double free, foreign addresses, sizes <= 0', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 100 }),
        fc.integer({ min: -1000, max: 0 }),
        fc.integer({ min: 1, max: 0x7fff_0000 }),
        (sizes, bad, probe) => {
          const space = new SegregatedFreeListSpace(new SimulatedOS());
          const addrs = sizes.map((s) => space.allocate(s));
          const victim = addrs.pop()!;
          space.free(victim);
          expect(() => space.free(victim)).toThrow(AllocatorError);
          expect(() => space.allocate(bad)).toThrow(expect.objectContaining({ kind: 'bad-size' }));
          if (!addrs.includes(probe)) {
            expect(space.isAllocated(probe)).toBe(false);
            expect(() => space.free(probe)).toThrow(AllocatorError);
          }
          const small = addrs.find((a) => space.blockSize(a) <= 8192 && space.blockSize(a) > 8);
          if (small !== undefined)
            expect(() => space.free(small + 8)).toThrow(expect.objectContaining({ kind: 'foreign-address' }));
          space.verify();
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
