import { describe, expect, it } from 'vitest';
import {
  GC_BIT_0,
  GC_BITS_MASK,
  MAX_REFS,
  NREFS_MASK,
  ObjectModel,
  objectSize,
  payloadBytes,
  payloadWordBytes,
  refCount,
  WORD,
} from '../src/index.ts';

const BASE = 64; // a byte address inside the test array

describe('object sizes', () => {
  it('are 8 bytes per shape, header and field word plus the payload rounded up to words', () => {
    expect(WORD).toBe(8);
    expect(payloadWordBytes(0)).toBe(0);
    expect(payloadWordBytes(1)).toBe(8);
    expect(payloadWordBytes(8)).toBe(8);
    expect(payloadWordBytes(13)).toBe(16);
    expect(objectSize(0, 0, 0)).toBe(8);
    expect(objectSize(0, 2, 0)).toBe(24);
    expect(objectSize(1, 2, 5)).toBe(40);
    expect(objectSize(2, 3, 16)).toBe(64);
  });

  it('count the collector header words declared in the model', () => {
    const plain = new ObjectModel(0);
    const counted = new ObjectModel(2);
    expect(plain.fieldOffset).toBe(8);
    expect(counted.fieldOffset).toBe(24);
    expect(plain.sizeOf(3, 10)).toBe(objectSize(0, 3, 10));
    expect(counted.sizeOf(3, 10)).toBe(objectSize(2, 3, 10));
    expect(counted.sizeOf(3, 10) - plain.sizeOf(3, 10)).toBe(16);
  });

  it('reject a header word count outside 0..16', () => {
    for (const h of [-1, 17, 1.5, Number.NaN]) expect(() => new ObjectModel(h)).toThrow(RangeError);
    expect(new ObjectModel(16).headerWords).toBe(16);
  });
});

describe('ObjectModel', () => {
  it('formats the shape and zeroes header words and fields but not the payload', () => {
    const model = new ObjectModel(1);
    const words = new Int32Array(64).fill(-1);
    model.format(words, BASE, 2, 12);
    const i = BASE >> 2;
    expect(words[i]).toBe(2);
    expect(words[i + 1]).toBe(12);
    expect(Array.from(words.subarray(i + 2, i + 8))).toEqual([0, 0, 0, 0, 0, 0]); // 1 header + 2 fields
    expect(Array.from(words.subarray(i + 8, i + 12))).toEqual([-1, -1, -1, -1]); // payload untouched
    expect(words[i - 1]).toBe(-1);
    expect(model.size(words, BASE)).toBe(model.sizeOf(2, 12));
    expect(refCount(words, BASE)).toBe(2);
    expect(payloadBytes(words, BASE)).toBe(12);
  });

  it('formats objects with many fields (the fill path) exactly up to their end', () => {
    const model = new ObjectModel(0);
    const words = new Int32Array(2 * 200).fill(-1);
    model.format(words, BASE, 100, 0);
    const i = BASE >> 2;
    expect(words.subarray(i + 2, i + 2 + 200).every((w) => w === 0)).toBe(true);
    expect(words[i + 202]).toBe(-1);
  });

  it('reads and writes fields and header words in the low slot of their word', () => {
    const model = new ObjectModel(2);
    const words = new Int32Array(64);
    model.format(words, BASE, 3, 0);
    model.setField(words, BASE, 2, 0x1238);
    model.setHeader(words, BASE, 1, 77);
    expect(model.getField(words, BASE, 2)).toBe(0x1238);
    expect(model.fieldAddress(BASE, 2)).toBe(BASE + 24 + 16);
    expect(words[model.fieldAddress(BASE, 2) >> 2]).toBe(0x1238);
    expect(model.getHeader(words, BASE, 1)).toBe(77);
    expect(words[(BASE + 16) >> 2]).toBe(77);
    expect(model.getField(words, BASE, 0)).toBe(0);
    expect(model.getHeader(words, BASE, 0)).toBe(0);
  });

  it('pushes the non-null references of an object', () => {
    const model = new ObjectModel(1);
    const words = new Int32Array(64);
    model.format(words, BASE, 4, 8);
    model.setField(words, BASE, 0, 0x100);
    model.setField(words, BASE, 2, 0x200);
    model.setField(words, BASE, 3, 0x300);
    const stack = new Int32Array(8).fill(-9);
    const top = model.pushReferences(words, BASE, stack, 1);
    expect(top).toBe(4);
    expect(Array.from(stack.subarray(0, 5))).toEqual([-9, 0x100, 0x200, 0x300, -9]);
  });

  it('keeps GC bits out of the reference count, the size and the tracer', () => {
    const model = new ObjectModel(0);
    const words = new Int32Array(64);
    model.format(words, BASE, 2, 5);
    model.setField(words, BASE, 1, 0x400);
    const i = BASE >> 2;
    words[i] = words[i]! | GC_BITS_MASK; // every GC bit set, as a collector may do
    expect(GC_BIT_0).toBe(1 << 24);
    expect(GC_BITS_MASK & NREFS_MASK).toBe(0);
    expect(GC_BITS_MASK >>> 24).toBe(0x7f); // seven bits, the sign bit left alone
    expect(refCount(words, BASE)).toBe(2);
    expect(model.size(words, BASE)).toBe(8 * 3 + 8);
    const stack = new Int32Array(4);
    expect(model.pushReferences(words, BASE, stack, 0)).toBe(1);
    expect(stack[0]).toBe(0x400);
    words[i] = words[i]! & ~GC_BIT_0;
    expect(refCount(words, BASE)).toBe(2);
  });

  it('holds the largest reference count in the shape word', () => {
    const words = new Int32Array(8);
    words[2] = MAX_REFS | GC_BIT_0;
    expect(refCount(words, 8)).toBe(MAX_REFS);
  });
});
