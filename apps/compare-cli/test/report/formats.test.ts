import { stripVTControlCharacters } from 'node:util';
import { compareSpreads, spread } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { csvField, csvHeader, formatCsv } from '../../src/report/csv-format.ts';
import { formatMs, formatRatio, METRICS, metric } from '../../src/report/figures.ts';
import { formatResults, isOutputFormat } from '../../src/report/format.ts';
import { formatMarkdown } from '../../src/report/markdown-format.ts';
import { bestValues, formatTable, TABLE_METRIC_KEYS } from '../../src/report/table-format.ts';
import { formatWithSpread } from '../../src/report/timed-figures.ts';
import { loadResultsFixture } from './fixture.ts';

/** The cells of a table row (between │), trimmed. */
function rowCells(text: string, first: string, heap: string): string[] {
  const line = text.split('\n').find((l) => {
    const cells = l.split('│').map((c) => c.trim());
    return cells[1] === first && cells[2] === heap;
  });
  expect(line, `row ${first} ${heap}`).toBeDefined();
  return line!.split('│').map((c) => c.trim());
}

describe('table format', () => {
  it('prints one table per workload with a row per collector and heap, and the figures of each cell', () => {
    const results = loadResultsFixture();
    const text = formatTable(results, { color: false });
    expect(text).not.toContain('\u001b[');
    expect(text).toMatch(/^rings \(small, seed 42\)$/m);
    expect(text).toMatch(/^big-del \(small, seed 42\)$/m);
    const r = results.cells.find(
      (c) =>
        c.cell.workload === 'rings' &&
        c.cell.collector === 'cpython' &&
        c.cell.heap.kind === 'multiple' &&
        c.cell.heap.multiple === 4,
    )!;
    const cells = rowCells(text.slice(0, text.indexOf('big-del (small')), 'cpython', '4x');
    // The fixture is an older file: three invocations, each interval their range.
    const wall = r.summary!.wallMs;
    const half = Math.max(wall.median - wall.min, wall.max - wall.median);
    expect(cells[3]).toBe(formatWithSpread(metric('wallMs'), wall));
    expect(cells[3]).toMatch(new RegExp(`^${formatMs(wall.median)} ±`));
    expect(half).toBeGreaterThan(0);
    const base = results.cells.find((c) => c.cell.workload === 'rings' && c.cell.collector === 'no-gc')!;
    const order = compareSpreads(wall, base.summary!.wallMs);
    expect(cells[4]).toBe(`${order === 'within-spread' ? '~' : ''}${formatRatio(r.overheadVsNoGc!)}`);
    // One data row per cell of the workload.
    const rings = text.slice(text.indexOf('rings (small'), text.indexOf('big-del (small'));
    const rows = rings.split('\n').filter((l) => /^│ \S/.test(l) && !l.includes('collector'));
    expect(rows.length).toBe(results.cells.filter((c) => c.cell.workload === 'rings').length);
    expect(text).toContain('no-gc (baseline)');
  });

  it('says out of memory or error across the row of a failed cell, and prints the error', () => {
    const results = loadResultsFixture();
    const oom = results.cells[3]!;
    oom.status = 'oom';
    oom.summary = null;
    oom.measurement = null;
    const failed = results.cells[4]!;
    failed.status = 'error';
    failed.message = 'HeapIntegrityError: object 12 freed while reachable\n    at x';
    failed.summary = null;
    failed.measurement = null;
    const text = formatTable(results, { color: false });
    expect(rowCells(text, oom.cell.collector, '2x')[3]).toMatch(/^out of memory \(heap limit .+\)$/);
    expect(rowCells(text, failed.cell.collector, '4x')[3]).toBe('error');
    expect(text).toContain(`${failed.cell.collector}: HeapIntegrityError: object 12 freed while reachable\n`);
  });

  it('marks the best value of a column among collectors other than the baseline', () => {
    const results = loadResultsFixture();
    const cells = results.cells.filter((c) => c.cell.workload === 'rings');
    const metrics = TABLE_METRIC_KEYS.map((k) => METRICS.find((m) => m.key === k)!);
    const leaked = metrics.findIndex((m) => m.key === 'leakedBytes');
    const time = metrics.findIndex((m) => m.key === 'wallMs');
    // The fixture's times overlap (three noisy invocations each): no time is best.
    expect(bestValues(cells, metrics, 'no-gc')[time]).toBeNull();
    // One collector faster than every other beyond the spread: its time is best.
    const others = cells.filter((c) => c.cell.collector !== 'no-gc');
    others.forEach((c, i) => {
      c.summary!.wallMs = spread([100 + i, 101 + i, 102 + i, 103 + i, 104 + i]);
    });
    others[2]!.summary!.wallMs = spread([50, 51, 52, 51, 50]);
    const best = bestValues(cells, metrics, 'no-gc');
    expect(best[leaked]).toBe(0); // the collectors that reclaim cycles leak nothing
    expect(best[time]).toBe(51);
    const colored = formatTable(results, { color: true });
    expect(colored).toContain('\u001b[32m'); // green marks the best values
    // Never on the baseline's rows, though no-gc has no pauses and traces nothing.
    for (const line of colored.split('\n').filter((l) => l.includes('no-gc'))) {
      expect(line).not.toContain('\u001b[32m');
    }
    expect(stripVTControlCharacters(colored)).toBe(formatTable(results, { color: false }));
  });

  it('shows each time with its spread and marks an overhead within it, with the legend', () => {
    const results = loadResultsFixture();
    const cells = results.cells.filter((c) => c.cell.workload === 'rings');
    const noGc = cells.find((c) => c.cell.collector === 'no-gc')!;
    noGc.summary!.wallMs = spread([10, 9.5, 11, 10.2, 9.8]);
    const [a, b] = cells.filter((c) => c.cell.collector !== 'no-gc');
    a!.summary!.wallMs = spread([12, 10.8, 15, 11.5, 12.5]); // overlaps no-gc's [9.5, 11]
    a!.overheadVsNoGc = 0.2;
    b!.summary!.wallMs = spread([12, 11.2, 13.1, 12.4, 11.9]); // beyond it
    b!.overheadVsNoGc = 0.2;
    const text = formatTable(results, { color: false });
    const heapOf = (c: typeof a) =>
      c!.cell.heap.kind === 'multiple' ? `${c!.cell.heap.multiple}x` : 'unlimited';
    const rowA = rowCells(text, a!.cell.collector, heapOf(a));
    const rowB = rowCells(text, b!.cell.collector, heapOf(b));
    expect(rowA[3]).toBe('12 ms ±3');
    expect(rowA[4]).toBe('~+20.0%');
    expect(rowB[3]).toBe('12 ms ±1.1');
    expect(rowB[4]).toBe('+20.0%');
    expect(text).toContain('~ a difference within that spread');
    const md = formatMarkdown(results);
    expect(md).toContain('| 12 ms ±3 | ~+20.0% |');
    expect(md).toContain('| 12 ms ±1.1 | +20.0% |');
    // One invocation: no spread shown, and the overhead marked as not judged.
    a!.summary!.wallMs = spread([12]);
    expect(
      rowCells(formatTable(results, { color: false }), a!.cell.collector, heapOf(a)).slice(3, 5),
    ).toEqual(['12 ms', '?+20.0%']);
  });
});

describe('csv format', () => {
  it('has a header and one row per cell with raw numbers, as many fields as the header', () => {
    const results = loadResultsFixture();
    const lines = formatCsv(results).trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header).toEqual(csvHeader());
    expect(header.slice(0, 7)).toEqual([
      'workload',
      'size',
      'seed',
      'collector',
      'heap',
      'heapLimitBytes',
      'status',
    ]);
    expect(lines.length).toBe(results.cells.length + 1);
    const r = results.cells[5]!;
    const fields = lines[6]!.split(',');
    expect(fields.length).toBe(header.length);
    expect(fields[3]).toBe(r.cell.collector);
    expect(Number(fields[header.indexOf('wallMs')])).toBe(r.summary!.wallMs.median);
    expect(Number(fields[header.indexOf('wallMsMin')])).toBe(r.summary!.wallMs.min);
    // An older file: the interval is the range.
    expect(Number(fields[header.indexOf('wallMsLo')])).toBe(r.summary!.wallMs.min);
    expect(Number(fields[header.indexOf('wallMsHi')])).toBe(r.summary!.wallMs.max);
    const base = results.cells.find(
      (c) => c.cell.workload === r.cell.workload && c.cell.collector === 'no-gc',
    )!;
    expect(fields[header.indexOf('overheadVsNoGcJudgement')]).toBe(
      compareSpreads(r.summary!.wallMs, base.summary!.wallMs),
    );
    expect(Number(fields[header.indexOf('peakReservedBytes')])).toBe(r.measurement!.memory.peakReservedBytes);
  });

  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});

describe('markdown format', () => {
  it('writes a GitHub table per workload, one row per cell', () => {
    const results = loadResultsFixture();
    const md = formatMarkdown(results);
    expect(md).toMatch(/^# gclab results$/m);
    const section = md.slice(md.indexOf('## rings'), md.indexOf('## big-del'));
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.length).toBe(results.cells.filter((c) => c.cell.workload === 'rings').length);
    expect(section).toContain('| collector | heap | time |');
    expect(section).toMatch(/^\| :-- \| :-- \| --: \|/m);
    // Every row has as many cells as the header.
    const width = section
      .split('\n')
      .find((l) => l.startsWith('| collector'))!
      .split('|').length;
    for (const row of rows) expect(row.split('|').length).toBe(width);
  });
});

describe('formatResults', () => {
  it('dispatches on the format name; json round-trips', () => {
    const results = loadResultsFixture();
    expect(isOutputFormat('md')).toBe(true);
    expect(isOutputFormat('xml')).toBe(false);
    expect(JSON.parse(formatResults(results, 'json'))).toEqual(results);
    expect(formatResults(results, 'csv')).toBe(formatCsv(results));
    expect(formatResults(results, 'md')).toBe(formatMarkdown(results));
    expect(formatResults(results, 'table', false)).toBe(formatTable(results, { color: false }));
  });
});
