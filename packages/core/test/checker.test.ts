import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Collector,
  type CollectorDescriptor,
  Heap,
  HeapIntegrityError,
  NoGC,
  NULL_ROOT,
  noGc,
  parseTrace,
  replay,
} from '../src/index.ts';
import { programArb, seed } from './support/programs.ts';

/** A no-gc variant built by `make`, as a descriptor. */
function variant(make: (heap: Heap) => Collector): CollectorDescriptor {
  return { ...noGc, create: make };
}

/** Asserts that `fn` raises a HeapIntegrityError naming `opIndex` whose reason matches `reason`. */
function expectIntegrityError(fn: () => unknown, opIndex: number, reason: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(HeapIntegrityError);
  expect((error as HeapIntegrityError).opIndex).toBe(opIndex);
  expect((error as HeapIntegrityError).reason).toMatch(reason);
  expect((error as Error).message).toContain(`after op ${opIndex}:`);
}

/** A checked heap holding a -> b in r0 and r1 (ops 0 to 2). */
function smallGraph(descriptor: CollectorDescriptor = noGc): { heap: Heap; a: number; b: number } {
  const heap = new Heap(descriptor, { checked: true });
  const a = heap.new(0, 2);
  const b = heap.new(1, 1, 16);
  heap.put(0, 0, 1);
  return { heap, a, b };
}

describe('checked mode catches corruption', () => {
  it('by a postAlloc hook that overwrites a field of an older object', () => {
    class Scribbler extends NoGC {
      victim = 0;
      override postAlloc(addr: number): void {
        if (this.victim === 0) this.victim = addr;
        else this.heap.model.setField(this.heap.memory.words, this.victim, 0, addr); // a stray store
      }
    }
    const heap = new Heap(
      variant((h) => new Scribbler(h)),
      { checked: true },
    );
    heap.new(0, 1);
    expectIntegrityError(() => heap.new(1, 0), 1, /field 0 of object #1 should be null but refers to/);
  });

  it('by a postAlloc hook that changes the shape of the new object', () => {
    class Reshaper extends NoGC {
      override postAlloc(addr: number): void {
        this.heap.memory.words[addr >> 2] = 3; // three fields instead of one
      }
    }
    const heap = new Heap(
      variant((h) => new Reshaper(h)),
      { checked: true },
    );
    expectIntegrityError(
      () => heap.new(0, 1, 4),
      0,
      /has shape \(3 refs, 4 bytes\), allocated as \(1 refs, 4 bytes\)/,
    );
  });

  it('by a write barrier that undoes the store', () => {
    class Undo extends NoGC {
      override writeBarrierPost(_obj: number, slot: number, oldValue: number): void {
        this.heap.memory.words[slot >> 2] = oldValue;
      }
    }
    const heap = new Heap(
      variant((h) => new Undo(h)),
      { checked: true },
    );
    heap.new(0, 1);
    heap.new(1, 0);
    expectIntegrityError(
      () => heap.put(0, 0, 1),
      2,
      /field 0 of object #1 should refer to object #2 but is null/,
    );
  });

  it('by a write barrier that stores into the wrong slot', () => {
    class Misdirect extends NoGC {
      override writeBarrierPre(_obj: number, slot: number, _old: number, newValue: number): void {
        this.heap.memory.words[(slot >> 2) + 2] = newValue; // the next field
      }
    }
    const { heap } = (() => {
      const h = new Heap(
        variant((x) => new Misdirect(x)),
        { checked: true },
      );
      h.new(0, 2);
      h.new(1, 0);
      return { heap: h };
    })();
    expectIntegrityError(() => heap.put(0, 0, 1), 2, /field 1 of object #1 should be null/);
  });

  it('when a field is overwritten in memory between operations (named at the next op)', () => {
    const { heap, a } = smallGraph();
    heap.model.setField(heap.memory.words, a, 1, a); // behind the heap's back, after op 2
    expectIntegrityError(
      () => heap.set(2, NULL_ROOT),
      3,
      /field 1 of object #1 should be null but refers to 0x/,
    );
  });

  it('when a field is redirected to another live object', () => {
    const { heap, a } = smallGraph();
    heap.model.setField(heap.memory.words, a, 0, a);
    expectIntegrityError(
      () => heap.gc(),
      3,
      /field 0 of object #1 should refer to object #2 .* but refers to object #1/,
    );
  });

  it('when a reference points outside mapped memory or off word alignment', () => {
    const { heap, a } = smallGraph();
    heap.model.setField(heap.memory.words, a, 0, a + 4);
    expectIntegrityError(() => heap.gc(), 3, /not a mapped, aligned address/);
    const second = smallGraph();
    second.heap.roots.regs[1] = 0x7000_0000;
    expectIntegrityError(
      () => second.heap.gc(),
      3,
      /register slot 1 .*not a mapped, aligned address \(object #2\)/,
    );
  });

  it('when a register or a global is overwritten between operations', () => {
    const { heap, a, b } = smallGraph();
    heap.roots.regs[1] = a;
    expectIntegrityError(
      () => heap.refcount(0),
      3,
      /register slot 1 should refer to object #2 .* but refers to object #1/,
    );
    const second = smallGraph();
    const g = second.heap.global('x');
    second.heap.set(g, 0); // op 3
    second.heap.roots.globals[~g] = b;
    expectIntegrityError(() => second.heap.set(3, NULL_ROOT), 4, /global 'x' should refer to object #1/);
    const third = smallGraph();
    third.heap.roots.regs[0] = 0;
    expectIntegrityError(() => third.heap.gc(), 3, /register slot 0 should refer to object #1 but is null/);
  });

  it('when a collector frees a reachable object', () => {
    class FreesTooMuch extends NoGC {
      override collect(): number {
        const heap = this.heap;
        const victim = heap.model.getField(heap.memory.words, heap.roots.regs[0]!, 0); // b, reachable
        heap.recordFree(victim, heap.model.size(heap.memory.words, victim));
        return 1;
      }
    }
    const { heap } = smallGraph(variant((h) => new FreesTooMuch(h)));
    heap.del(1); // b is now reachable only through a's field
    expectIntegrityError(
      () => heap.gc(),
      4,
      /field 0 of object #1 should refer to object #2 \(it was freed\) but refers to a freed/,
    );
  });

  it('when a collector frees a reachable region or moves an object without updating its referrers', () => {
    class FreesRegion extends NoGC {
      override collect(): number {
        const a = this.heap.roots.regs[0]!;
        this.heap.recordFreeRange(a, a + 8);
        return 0;
      }
    }
    const { heap } = smallGraph(variant((h) => new FreesRegion(h)));
    expectIntegrityError(() => heap.gc(), 3, /register slot 0 should refer to object #1 \(it was freed\)/);

    class LazyMover extends NoGC {
      override collect(): number {
        const heap = this.heap;
        const from = heap.roots.regs[1]!;
        const size = heap.model.size(heap.memory.words, from);
        const to = this.allocate(size);
        const words = heap.memory.words;
        words.copyWithin(to >> 2, from >> 2, (from + size) >> 2);
        heap.recordMove(from, to);
        heap.roots.regs[1] = to; // the register is updated, a's field is not
        return 0;
      }
    }
    const moved = smallGraph(variant((h) => new LazyMover(h)));
    expectIntegrityError(
      () => moved.heap.gc(),
      3,
      /field 0 of object #1 should refer to object #2 \(it lives at 0x[0-9a-f]+\) but refers to a freed or never-allocated block/,
    );
  });

  it('when the collector verify hook reports its own invariant broken', () => {
    class Unhappy extends NoGC {
      override verify(): void {
        if (this.heap.counters.ops > 2)
          throw new HeapIntegrityError(this.heap.opIndex, 'free list is cyclic');
      }
    }
    const heap = new Heap(
      variant((h) => new Unhappy(h)),
      { checked: true },
    );
    heap.new(0, 0);
    heap.new(1, 0);
    expectIntegrityError(() => heap.new(2, 0), 2, /free list is cyclic/);
  });

  it('when replaying a trace: the error names the op index of the trace', () => {
    class FreesOnGc extends NoGC {
      override collect(): number {
        const a = this.heap.roots.regs[0]!;
        this.heap.recordFree(a, 8);
        return 1;
      }
    }
    const heap = new Heap(
      variant((h) => new FreesOnGc(h)),
      { checked: true },
    );
    const ops = parseTrace('gclab-trace 1\n# a comment\n\nnew r0 0\nset r1 r0\n\ngc   # op 2\nret\n');
    expectIntegrityError(
      () => replay(heap, ops),
      2,
      /register slot 0 should refer to object #1 \(it was freed\)/,
    );
  });
});

describe('checked mode accepts correct heaps', () => {
  it('a collector that moves an object and updates every reference', () => {
    class Mover extends NoGC {
      override collect(): number {
        const heap = this.heap;
        const from = heap.roots.regs[1]!;
        const size = heap.model.size(heap.memory.words, from);
        const to = this.allocate(size);
        const words = heap.memory.words;
        words.copyWithin(to >> 2, from >> 2, (from + size) >> 2);
        heap.recordMove(from, to);
        heap.roots.regs[1] = to;
        heap.model.setField(words, heap.roots.regs[0]!, 0, to);
        return 0;
      }
    }
    const { heap, b } = smallGraph(variant((h) => new Mover(h)));
    heap.gc();
    expect(heap.peekRoot(1)).not.toBe(b);
    heap.get(2, 0, 0);
    expect(heap.peekRoot(2)).toBe(heap.peekRoot(1));
    expect(heap.counters.objectsMoved).toBe(1);
  });

  it('random valid programs under no-gc, with the same counters as an unchecked run', () => {
    fc.assert(
      fc.property(programArb(120), ({ ops }) => {
        const checked = new Heap(noGc, { checked: true });
        const plain = new Heap(noGc);
        const a = replay(checked, ops);
        const b = replay(plain, ops);
        expect(a).toEqual(b);
        expect({ ...checked.counters }).toEqual({ ...plain.counters });
        expect(checked.checker?.serials).toBe(plain.counters.objectsAllocated);
      }),
      { seed, numRuns: 150 },
    );
  });

  it('is off unless asked for', () => {
    const heap = new Heap(noGc);
    expect(heap.checked).toBe(false);
    expect(heap.checker).toBeNull();
    heap.new(0, 0);
    heap.roots.regs[0] = 12345; // nobody looks
    heap.new(1, 0);
  });
});
