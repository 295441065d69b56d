import { describe, expect, it } from 'vitest';
import { WeakReferenceTable } from '../src/weak-reference-table.ts';

describe('WeakReferenceTable: the operations CPython handle_weakrefs uses', () => {
  it('clearReferent clears and returns the weak references to an object, oldest first', () => {
    const lines: string[] = [];
    const table = new WeakReferenceTable((line) => lines.push(line));
    table.create(100, 10, 1, true);
    table.create(200, 10, 2, false);
    table.create(300, 20, 3, true);
    expect(table.clearReferent(10)).toEqual([100, 200]);
    expect(table.referentOf(100)).toBe(0);
    expect(table.referentOf(200)).toBe(0);
    expect(table.isReferent(10)).toBe(false);
    expect(table.clearReferent(10)).toBeUndefined();
    expect(table.callbackLine(100)).toBe('callback 1');
    expect(table.callbackLine(200)).toBeNull();
    expect(lines).toEqual([]); // the caller runs the callbacks it decides on
  });

  it('clearWeakReference clears one weak reference without its callback', () => {
    const lines: string[] = [];
    const table = new WeakReferenceTable((line) => lines.push(line));
    table.create(100, 10, 1, true);
    table.create(200, 10, 2, true);
    table.clearWeakReference(100);
    expect(table.referentOf(100)).toBe(0);
    expect(table.referentOf(200)).toBe(10);
    table.objectFreed(10);
    expect(lines).toEqual(['callback 2']);
    table.clearWeakReference(200);
    expect(table.isReferent(10)).toBe(false);
  });
});
