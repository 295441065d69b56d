import { describe, expect, it } from 'vitest';
import {
  cellKey,
  formatCompactBytes,
  formatCount,
  formatMetric,
  formatMs,
  formatRatio,
  heapLabel,
  METRICS,
  metric,
  rcOperations,
} from '../../src/report/figures.ts';
import { loadResultsFixture } from './fixture.ts';

describe('figure formatting', () => {
  it('formats durations with three significant digits and a unit', () => {
    expect(formatMs(0)).toBe('0');
    expect(formatMs(0.0421)).toBe('42.1 µs');
    expect(formatMs(1.5)).toBe('1.5 ms');
    expect(formatMs(12.345)).toBe('12.3 ms');
    expect(formatMs(999.4)).toBe('999 ms');
    expect(formatMs(2500)).toBe('2.5 s');
  });

  it('formats bytes with binary units, counts with k/M, ratios as signed percentages', () => {
    expect(formatCompactBytes(512)).toBe('512 B');
    expect(formatCompactBytes(1024)).toBe('1 KiB');
    expect(formatCompactBytes(3 * 1024 * 1024 + 512 * 1024)).toBe('3.5 MiB');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(650_010)).toBe('650k');
    expect(formatCount(1_060_000)).toBe('1.06M');
    expect(formatRatio(0.25)).toBe('+25.0%');
    expect(formatRatio(-0.031)).toBe('-3.1%');
    expect(formatRatio(1.5)).toBe('+150%');
    expect(formatMetric(metric('mmu10ms'), 0.9712)).toBe('0.97');
    expect(formatMetric(metric('wallMs'), null)).toBe('—');
  });

  it('reads each metric from a real cell', () => {
    const results = loadResultsFixture();
    const r = results.cells.find((c) => c.cell.workload === 'rings' && c.cell.collector === 'refcount')!;
    expect(metric('wallMs').value(r)).toBe(r.summary!.wallMs.median);
    expect(metric('wallMs').spread!(r)).toEqual(r.summary!.wallMs);
    expect(metric('peakReservedBytes').value(r)).toBe(r.measurement!.memory.peakReservedBytes);
    expect(metric('leakedBytes').value(r)).toBeGreaterThan(0); // rings leaks its cycles under refcount
    expect(rcOperations(r)).toBe(r.measurement!.counters.rcIncrements + r.measurement!.counters.rcDecrements);
    expect(cellKey(r)).toBe('rings|small|42|refcount|2x');
    expect(heapLabel(r)).toBe('2x');
    expect(new Set(METRICS.map((m) => m.key)).size).toBe(METRICS.length);
    // Deterministic metrics name the paths of the deterministic record they come from.
    for (const m of METRICS.filter((x) => x.deterministic && x.paths !== undefined)) {
      for (const path of m.paths!) {
        const value = path
          .split('.')
          .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], r.deterministic);
        expect(typeof value, `${m.key}: ${path}`).toBe('number');
      }
    }
  });
});
