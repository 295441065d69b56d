import { describe, expect, it } from 'vitest';
import { globalRoot, Heap, MAX_OUTER_REGISTERS, MutatorError, NULL_ROOT, noGc, Roots } from '../src/index.ts';

describe('Roots', () => {
  it('pushes and pops frames of registers in one array', () => {
    const roots = new Roots();
    roots.top = 3; // an outermost frame of three registers
    roots.regs.set([11, 12, 13]);
    const base = roots.pushFrame(300); // past the initial 256 slots
    expect(base).toBe(3);
    expect(roots.depth).toBe(1);
    expect(roots.frameSize).toBe(300);
    expect(roots.top).toBe(303);
    expect(roots.regs.subarray(3, 303).every((r) => r === 0)).toBe(true);
    expect(Array.from(roots.regs.subarray(0, 3))).toEqual([11, 12, 13]);
    roots.pushFrame(0);
    expect(roots.frameSize).toBe(0);
    roots.popFrame();
    roots.popFrame();
    expect([roots.depth, roots.top, roots.frameSize]).toEqual([0, 3, 3]);
  });

  it('gives each global name one slot, created undefined, and grows past 64 globals', () => {
    const roots = new Roots();
    const slots = Array.from({ length: 100 }, (_, i) => roots.globalSlot(`g${i}`));
    expect(slots).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(roots.globalSlot('g42')).toBe(42);
    expect(roots.globalCount).toBe(100);
    expect(roots.globalNames[99]).toBe('g99');
    expect(roots.globals.length).toBeGreaterThanOrEqual(100);
    expect(roots.globalDefined.length).toBe(roots.globals.length);
    expect(roots.globalDefined.subarray(0, 100).every((d) => d === 0)).toBe(true);
    expect(globalRoot(5)).toBe(~5);
    expect(globalRoot(0)).toBeLessThan(0);
    expect(NULL_ROOT).toBeGreaterThan(MAX_OUTER_REGISTERS);
  });
});

describe('frames of the heap', () => {
  it('grow the outermost frame as registers are written, up to MAX_OUTER_REGISTERS', () => {
    const heap = new Heap(noGc);
    expect(heap.roots.frameSize).toBe(0);
    expect(heap.peekRoot(MAX_OUTER_REGISTERS - 1)).toBe(0); // reading an unused register: null
    expect(heap.roots.frameSize).toBe(0); // reading does not grow the frame
    const a = heap.new(10, 0);
    expect(heap.roots.frameSize).toBe(11);
    expect(Array.from(heap.roots.regs.subarray(0, 10))).toEqual(new Array(10).fill(0));
    heap.set(MAX_OUTER_REGISTERS - 1, 10);
    expect(heap.roots.frameSize).toBe(MAX_OUTER_REGISTERS);
    expect(heap.peekRoot(MAX_OUTER_REGISTERS - 1)).toBe(a);
    expect(() => heap.set(MAX_OUTER_REGISTERS, 10)).toThrow(MutatorError);
    expect(() => heap.set(0, MAX_OUTER_REGISTERS)).toThrow(
      `unknown register r${MAX_OUTER_REGISTERS}: the outermost frame grows to at most ${MAX_OUTER_REGISTERS} registers`,
    );
    heap.del(20_000); // deleting a register also makes it part of the frame
    expect(heap.roots.frameSize).toBe(MAX_OUTER_REGISTERS);
  });

  it('give a called frame exactly NREGS registers, null but for the arguments', () => {
    const heap = new Heap(noGc);
    const a = heap.new(0, 0);
    heap.new(5, 0);
    heap.call(3, [0]);
    expect(heap.roots.frameSize).toBe(3);
    expect([heap.peekRoot(0), heap.peekRoot(1), heap.peekRoot(2)]).toEqual([a, 0, 0]);
    expect(() => heap.set(3, 0)).toThrow('unknown register r3: the frame has 3 registers');
    expect(() => heap.set(0, 5)).toThrow('unknown register r5: the frame has 3 registers');
    expect(() => heap.new(3, 0)).toThrow(MutatorError);
    heap.call(0);
    expect(() => heap.set(0, NULL_ROOT)).toThrow('unknown register r0: the frame has 0 registers');
    heap.ret();
    heap.ret();
    expect(heap.roots.frameSize).toBe(6);
    expect(heap.peekRoot(5)).not.toBe(0);
  });

  it('clear a returned frame so a later frame starts with null registers', () => {
    const heap = new Heap(noGc);
    heap.call(2);
    heap.new(0, 0);
    heap.new(1, 0);
    heap.ret();
    heap.call(2);
    expect([heap.peekRoot(0), heap.peekRoot(1)]).toEqual([0, 0]);
  });

  it('keep globals visible from every frame; defined only once assigned', () => {
    const heap = new Heap(noGc);
    const g = heap.global('shared');
    expect(heap.global('shared')).toBe(g);
    expect(() => heap.peekRoot(g)).toThrow(MutatorError);
    heap.call(1);
    const a = heap.new(g, 0);
    heap.ret();
    expect(heap.peekRoot(g)).toBe(a);
    heap.del(g);
    expect(() => heap.set(0, g)).toThrow("global 'g:shared' is not defined");
    expect(heap.roots.globalNames).toEqual(['shared']);
  });
});
