import { describe, expect, it } from 'vitest';
import { Worklist } from '../src/index.ts';

describe('Worklist', () => {
  it('is a LIFO stack that grows past its initial capacity', () => {
    const w = new Worklist(16);
    for (let i = 0; i < 1000; i++) w.push(i * 3);
    expect(w.length).toBe(1000);
    expect(w.items.length).toBeGreaterThanOrEqual(1000);
    for (let i = 999; i >= 0; i--) expect(w.pop()).toBe(i * 3);
    expect(w.length).toBe(0);
  });

  it('reserves room so that direct writes to items stay in bounds', () => {
    const w = new Worklist(16);
    w.push(1);
    w.reserve(100);
    expect(w.items.length).toBeGreaterThanOrEqual(101);
    expect(w.items[0]).toBe(1);
    for (let i = 0; i < 100; i++) w.items[w.length++] = i;
    expect(w.pop()).toBe(99);
    w.clear();
    expect(w.length).toBe(0);
  });
});
