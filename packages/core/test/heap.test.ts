import { describe, expect, it } from 'vitest';
import {
  ADDRESS_SPACE_BYTES,
  type CollectorDescriptor,
  FULL_COLLECTION,
  Heap,
  MAX_FRAMES,
  MAX_OUTER_REGISTERS,
  MAX_PAYLOAD,
  MAX_REFS,
  MAX_REGISTERS,
  MutatorError,
  NoGC,
  NULL_ROOT,
  noGc,
  OutOfMemoryError,
} from '../src/index.ts';

/** A no-gc collector that logs every hook call, with what memory and roots hold at that moment. */
class Recording extends NoGC {
  readonly log: string[] = [];

  override allocate(size: number, nrefs = -1, payload = -1): number {
    this.log.push(`allocate ${size} ${nrefs} ${payload}`);
    return super.allocate(size);
  }
  override postAlloc(addr: number): void {
    const words = this.heap.memory.words;
    this.log.push(`postAlloc ${addr} shape=${words[addr >> 2]}/${words[(addr >> 2) + 1]} r0=${this.r0()}`);
  }
  override writeBarrierPre(obj: number, slot: number, oldValue: number, newValue: number): void {
    this.log.push(
      `pre ${obj} ${slot - obj} ${oldValue} ${newValue} mem=${this.heap.memory.words[slot >> 2]}`,
    );
  }
  override writeBarrierPost(obj: number, slot: number, oldValue: number, newValue: number): void {
    this.log.push(
      `post ${obj} ${slot - obj} ${oldValue} ${newValue} mem=${this.heap.memory.words[slot >> 2]}`,
    );
  }
  override rootWritten(oldValue: number, newValue: number): void {
    this.log.push(`root ${oldValue} ${newValue}`);
  }
  override collect(generation: number): number {
    this.log.push(`collect ${generation}`);
    return 0;
  }
  override referenceCount(addr: number): number {
    this.log.push(`referenceCount ${addr}`);
    return 7;
  }
  private r0(): number {
    const roots = this.heap.roots;
    return roots.top > 0 ? roots.regs[0]! : 0;
  }
}

const recording: CollectorDescriptor = {
  ...noGc,
  create: (heap) => new Recording(heap),
};

function recordingHeap(): { heap: Heap; log: string[] } {
  const heap = new Heap(recording);
  return { heap, log: (heap.collector as Recording).log };
}

/** Asserts that `fn` throws a MutatorError with this op index, op text and reason. */
function expectMutatorError(
  fn: () => unknown,
  opIndex: number,
  opText: string,
  reason: string | RegExp,
): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MutatorError);
  const m = error as MutatorError;
  expect(m.opIndex).toBe(opIndex);
  expect(m.opText).toBe(opText);
  if (typeof reason === 'string') expect(m.reason).toBe(reason);
  else expect(m.reason).toMatch(reason);
  expect(m.message).toBe(`op ${opIndex} (${opText}): ${m.reason}`);
}

describe('new', () => {
  it('allocates a formatted object, assigns it and reports allocate -> postAlloc -> root write', () => {
    const { heap, log } = recordingHeap();
    const first = heap.new(0, 2, 5);
    const second = heap.new(0, 1);
    expect(second).toBe(first + 32); // no-gc bumps: 8 * (1 + 2) + 8 bytes
    expect(heap.peekRoot(0)).toBe(second);
    expect(heap.fieldCount(first)).toBe(2);
    expect(heap.peekField(first, 0)).toBe(0);
    expect(heap.peekField(first, 1)).toBe(0);
    expect(heap.model.size(heap.memory.words, first)).toBe(32);
    expect(log).toEqual([
      'allocate 32 2 5',
      `postAlloc ${first} shape=2/5 r0=0`,
      `root 0 ${first}`,
      'allocate 16 1 0',
      `postAlloc ${second} shape=1/0 r0=${first}`, // the root still holds the old value
      `root ${first} ${second}`,
    ]);
  });

  it('assigns to globals, defining them', () => {
    const heap = new Heap(noGc);
    const g = heap.global('answer');
    const addr = heap.new(g, 0, 42);
    expect(heap.peekRoot(g)).toBe(addr);
    expect(heap.roots.globalDefined[~g]).toBe(1);
  });

  it('rejects bad shapes before allocating', () => {
    const { heap, log } = recordingHeap();
    const bad = `reference field count must be an integer from 0 to ${MAX_REFS}`;
    expectMutatorError(() => heap.new(0, -1), 0, 'new r0 -1', `${bad}, got -1`);
    expectMutatorError(
      () => heap.new(0, MAX_REFS + 1),
      1,
      `new r0 ${MAX_REFS + 1}`,
      `${bad}, got ${MAX_REFS + 1}`,
    );
    expectMutatorError(() => heap.new(0, 1.5), 2, 'new r0 1.5', `${bad}, got 1.5`);
    const payload = `payload must be an integer from 0 to ${MAX_PAYLOAD} bytes`;
    expectMutatorError(() => heap.new(1, 0, -8), 3, 'new r1 0 -8', `${payload}, got -8`);
    expect(log).toEqual([]);
    expect(heap.counters.objectsAllocated).toBe(0);
  });
});

describe('set, del, get, put', () => {
  it('set copies a root or null and reports the root write', () => {
    const { heap, log } = recordingHeap();
    const a = heap.new(0, 0);
    log.length = 0;
    const g = heap.global('x');
    heap.set(g, 0);
    heap.set(3, g);
    heap.set(0, NULL_ROOT);
    expect([heap.peekRoot(g), heap.peekRoot(3), heap.peekRoot(0)]).toEqual([a, a, 0]);
    expect(log).toEqual([`root 0 ${a}`, `root 0 ${a}`, `root ${a} 0`]);
  });

  it('del nulls a register and removes a global binding', () => {
    const { heap, log } = recordingHeap();
    const g = heap.global('x');
    const a = heap.new(g, 0);
    heap.set(1, g);
    log.length = 0;
    heap.del(1);
    heap.del(g);
    expect(heap.peekRoot(1)).toBe(0);
    expect(heap.roots.globalDefined[~g]).toBe(0);
    expect(log).toEqual([`root ${a} 0`, `root ${a} 0`]);
    expect(() => heap.peekRoot(g)).toThrow(MutatorError);
    heap.set(g, NULL_ROOT); // assignment defines it again, as null
    expect(heap.peekRoot(g)).toBe(0);
  });

  it('put stores with the write barrier around the store (old and new values)', () => {
    const { heap, log } = recordingHeap();
    const a = heap.new(0, 2);
    const b = heap.new(1, 0);
    log.length = 0;
    heap.put(0, 1, 1);
    heap.put(0, 1, NULL_ROOT);
    expect(heap.peekField(a, 1)).toBe(0);
    heap.put(0, 0, 0);
    expect(heap.peekField(a, 0)).toBe(a);
    expect(log).toEqual([
      `pre ${a} 16 0 ${b} mem=0`,
      `post ${a} 16 0 ${b} mem=${b}`,
      `pre ${a} 16 ${b} 0 mem=${b}`,
      `post ${a} 16 ${b} 0 mem=0`,
      `pre ${a} 8 0 ${a} mem=0`,
      `post ${a} 8 0 ${a} mem=${a}`,
    ]);
  });

  it('get loads a field into a root and reports the root write', () => {
    const { heap, log } = recordingHeap();
    const a = heap.new(0, 1);
    const b = heap.new(1, 0);
    heap.put(0, 0, 1);
    log.length = 0;
    heap.get(2, 0, 0);
    heap.get(0, 0, 0); // a root may be overwritten by a load through itself
    expect(heap.peekRoot(2)).toBe(b);
    expect(heap.peekRoot(0)).toBe(b);
    expect(log).toEqual([`root 0 ${b}`, `root ${a} ${b}`]);
  });

  it('raise MutatorErrors naming the op index and text', () => {
    const heap = new Heap(noGc);
    heap.new(0, 2); // op 0
    heap.new(1, 0); // op 1
    const range = 'field index 2 out of range: the object has 2 reference fields';
    expectMutatorError(() => heap.put(0, 2, 1), 2, 'put r0 2 r1', range);
    expectMutatorError(() => heap.get(3, 0, 2), 3, 'get r3 r0 2', range);
    expectMutatorError(() => heap.put(0, 0.5, 1), 4, 'put r0 0.5 r1', /field index 0.5 out of range/);
    expectMutatorError(
      () => heap.put(1, 0, 0),
      5,
      'put r1 0 r0',
      /field index 0 out of range: the object has 0/,
    );
    expectMutatorError(() => heap.put(5, 0, 1), 6, 'put r5 0 r1', 'field store into null (r5 is null)');
    expectMutatorError(() => heap.get(0, 5, 0), 7, 'get r0 r5 0', 'field load through null (r5 is null)');
    const g = heap.global('nope');
    expectMutatorError(() => heap.set(0, g), 8, 'set r0 g:nope', "global 'g:nope' is not defined");
    expectMutatorError(() => heap.del(g), 9, 'del g:nope', "global 'g:nope' is not defined");
    expectMutatorError(() => heap.put(g, 0, 1), 10, 'put g:nope 0 r1', "global 'g:nope' is not defined");
    expectMutatorError(() => heap.put(0, 0, g), 11, 'put r0 0 g:nope', "global 'g:nope' is not defined");
    expectMutatorError(() => heap.refcount(g), 12, 'refcount g:nope', "global 'g:nope' is not defined");
    expectMutatorError(() => heap.set(NULL_ROOT, 0), 13, 'set null r0', 'cannot assign to null');
    expectMutatorError(() => heap.put(NULL_ROOT, 0, 0), 14, 'put null 0 r0', 'null is not a root here');
    expectMutatorError(() => heap.ret(), 15, 'ret', 'ret with no called frame to return from');
    expectMutatorError(() => heap.gc(-2), 16, 'gc -2', 'generation must be a non-negative integer, got -2');
    expectMutatorError(
      () => heap.new(MAX_OUTER_REGISTERS, 0),
      17,
      `new r${MAX_OUTER_REGISTERS} 0`,
      `unknown register r${MAX_OUTER_REGISTERS}: the outermost frame grows to at most ${MAX_OUTER_REGISTERS} registers`,
    );
    // Nothing changed: the object still has null fields and the heap goes on numbering ops.
    expect(heap.peekField(heap.peekRoot(0), 0)).toBe(0);
    heap.put(0, 1, 1);
    expect(heap.opIndex).toBe(18);
    expect(heap.counters.ops).toBe(19);
  });

  it('del of a global that was deleted is a MutatorError', () => {
    const heap = new Heap(noGc);
    const g = heap.global('x');
    heap.new(g, 0);
    heap.del(g);
    expectMutatorError(() => heap.del(g), 2, 'del g:x', "global 'g:x' is not defined");
  });
});

describe('call and ret', () => {
  it('copy the arguments into the new frame and release the registers at ret', () => {
    const { heap, log } = recordingHeap();
    const a = heap.new(0, 0);
    const g = heap.global('x');
    const b = heap.new(g, 0);
    log.length = 0;
    heap.call(4, [g, NULL_ROOT, 0]);
    expect(heap.roots.depth).toBe(1);
    expect(heap.roots.frameSize).toBe(4);
    expect([0, 1, 2, 3].map((r) => heap.peekRoot(r))).toEqual([b, 0, a, 0]);
    expect(log).toEqual([`root 0 ${b}`, `root 0 ${a}`]); // null arguments write nothing
    const c = heap.new(3, 0);
    log.length = 0;
    heap.ret();
    expect(log).toEqual([`root ${b} 0`, `root ${a} 0`, `root ${c} 0`]);
    expect(heap.roots.depth).toBe(0);
    expect(heap.peekRoot(0)).toBe(a); // the caller's registers are untouched
    expect(heap.peekRoot(g)).toBe(b);
  });

  it('reject more arguments than registers, and frames too large or too deep', () => {
    const heap = new Heap(noGc);
    heap.new(0, 0);
    const needs = (n: number, got: number) =>
      `a frame needs from ${n} (its arguments) to ${MAX_OUTER_REGISTERS} registers, got ${got}`;
    expectMutatorError(() => heap.call(1, [0, NULL_ROOT]), 1, 'call 1 r0 null', needs(2, 1));
    expectMutatorError(
      () => heap.call(MAX_OUTER_REGISTERS + 1),
      2,
      `call ${MAX_OUTER_REGISTERS + 1}`,
      needs(0, 65537),
    );
    expectMutatorError(() => heap.call(-1), 3, 'call -1', needs(0, -1));
    expect(heap.roots.depth).toBe(0);
    for (let i = 1; i < MAX_FRAMES; i++) heap.call(0);
    expect(heap.roots.depth).toBe(MAX_FRAMES - 1);
    expect(() => heap.call(0)).toThrow(`call stack deeper than ${MAX_FRAMES} frames`);
  });
});

describe('gc and refcount', () => {
  it('gc asks the collector for a full or a generational collection', () => {
    const { heap, log } = recordingHeap();
    expect(heap.gc()).toBe(0);
    expect(heap.gc(2)).toBe(0);
    expect(log).toEqual([`collect ${FULL_COLLECTION}`, 'collect 2']);
  });

  it('refcount reports the collector count, or null for null and for collectors that do not count', () => {
    const { heap, log } = recordingHeap();
    const a = heap.new(0, 0);
    log.length = 0;
    expect(heap.refcount(0)).toBe(7);
    expect(heap.refcount(1)).toBeNull();
    expect(log).toEqual([`referenceCount ${a}`]);
    const plain = new Heap(noGc);
    plain.new(0, 0);
    expect(plain.refcount(0)).toBeNull();
  });
});

describe('memory and limits under no-gc', () => {
  it('an object larger than the address space is OutOfMemoryError for every collector, and the heap goes on', () => {
    const heap = new Heap(noGc);
    let error: unknown = null;
    try {
      heap.new(0, 0, MAX_PAYLOAD);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as OutOfMemoryError).figures).toMatchObject({
      requestedBytes: 8 + MAX_PAYLOAD,
      collector: 'no-gc',
    });
    expect(8 + MAX_PAYLOAD).toBeGreaterThan(ADDRESS_SPACE_BYTES);
    expect([heap.os.lastRefusal, heap.os.refusedMaps, heap.os.reservedBytes]).toEqual([
      'address-space',
      1,
      0,
    ]);
    expect(heap.opText()).toBe(`new r0 0 ${MAX_PAYLOAD}`);
    heap.new(0, 1);
    expect(heap.counters.objectsAllocated).toBe(1);
  });

  it('frames holding more than MAX_REGISTERS registers in all are a stack overflow, not host memory exhausted', () => {
    const heap = new Heap(noGc);
    const frames = MAX_REGISTERS / MAX_OUTER_REGISTERS; // 256 full frames fit
    for (let i = 0; i < frames; i++) heap.call(MAX_OUTER_REGISTERS);
    expect(() => heap.call(MAX_OUTER_REGISTERS)).toThrow(
      `op ${frames} (call ${MAX_OUTER_REGISTERS}): call stack overflow: the frames would hold ${MAX_REGISTERS + MAX_OUTER_REGISTERS} registers, more than ${MAX_REGISTERS} in all`,
    );
    expect(heap.roots.depth).toBe(frames);
  });

  it('a host-memory budget refuses the map that would pass it: OutOfMemoryError, not a host crash', () => {
    const heap = new Heap(noGc, { hostMemoryLimit: 8 << 20 });
    expect(() => {
      for (let i = 0; i < 16; i++) heap.new(i, 0, 1 << 20);
    }).toThrow(OutOfMemoryError);
    expect(heap.os.lastRefusal).toBe('host-memory');
    expect(heap.memory.capacityBytes).toBeLessThanOrEqual(8 << 20);
  });

  it('keeps objects readable as the word array grows past its first megabyte', () => {
    const heap = new Heap(noGc);
    const initial = heap.memory.words;
    heap.new(0, 1);
    const first = heap.peekRoot(0);
    for (let i = 0; i < 60_000; i++) {
      heap.new(1, 1, 8); // 24 bytes each: about 1.4 MB in all
      heap.put(1, 0, 0);
      heap.set(0, 1);
    }
    expect(heap.memory.words).not.toBe(initial);
    expect(heap.memory).toBe(heap.os.memory);
    let n = 1;
    let p = heap.peekRoot(0);
    for (; heap.peekField(p, 0) !== 0; p = heap.peekField(p, 0)) n++;
    expect(n).toBe(60_001);
    expect(p).toBe(first);
    expect(heap.oracle.traverse().reachableObjects).toBe(60_001);
    expect(heap.os.reservedBytes).toBe(2 << 20);
  });

  it('raises OutOfMemoryError with the heap figures when the limit refuses a chunk', () => {
    const heap = new Heap(noGc, { heapLimit: 2 << 20 });
    let error: unknown;
    let allocated = 0;
    try {
      for (;;) {
        heap.new(0, 0, 1000); // 1008 bytes
        allocated++;
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    const figures = (error as OutOfMemoryError).figures;
    expect(figures).toEqual({
      requestedBytes: 1008,
      reservedBytes: 2 << 20,
      heapLimit: 2 << 20,
      allocatedBytes: allocated * 1008,
      collector: 'no-gc',
    });
    expect(allocated).toBe(2 * Math.floor((1 << 20) / 1008));
    expect(heap.os.refusedMaps).toBe(1);
  });

  it('gives an object larger than a chunk its own mapping and keeps bumping in the current chunk', () => {
    const heap = new Heap(noGc);
    const small = heap.new(0, 0);
    const big = heap.new(1, 0, 2 << 20);
    const next = heap.new(2, 0);
    expect(next).toBe(small + 8);
    expect(big % 4096).toBe(0);
    expect(heap.os.reservedBytes).toBe((1 << 20) + (2 << 20) + 4096);
    expect(heap.stats().collector).toEqual({ chunks: 2 });
  });
});

describe('stats', () => {
  it('summarises counters, unfreed figures, reserved bytes and the collector', () => {
    const heap = new Heap(noGc);
    heap.new(0, 1, 3);
    heap.new(1, 0);
    const s = heap.stats();
    expect(s.unfreedObjects).toBe(2);
    expect(s.unfreedBytes).toBe(24 + 8);
    expect(s.reservedBytes).toBe(1 << 20);
    expect(s.peakReservedBytes).toBe(1 << 20);
    expect(s.collectionsByKind).toEqual({});
    expect(s.pauses).toBe(0);
    expect(s.counters.objectsAllocated).toBe(2);
    s.counters.objectsAllocated = 99; // a copy, not the live counters
    expect(heap.counters.objectsAllocated).toBe(2);
  });

  it('names roots in trace syntax', () => {
    const heap = new Heap(noGc);
    expect(heap.rootName(3)).toBe('r3');
    expect(heap.rootName(heap.global('a.b'))).toBe('g:a.b');
    expect(heap.rootName(NULL_ROOT)).toBe('null');
  });
});
