import { spread } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { decadeLabel, onePerCollector } from '../../src/report/charts.ts';
import { esc, renderHtmlReport } from '../../src/report/html-report.ts';
import { COLLECTOR_COLORS, collectorPalette } from '../../src/report/palette.ts';
import { loadResultsFixture } from './fixture.ts';

describe('renderHtmlReport', () => {
  const results = loadResultsFixture();
  const html = renderHtmlReport(results);

  it('is one self-contained page: no script, no external resource', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(/i);
  });

  it('shows times with their spread and dims an overhead within it, with the legend under each table', () => {
    const copy = loadResultsFixture();
    const cells = copy.cells.filter((c) => c.cell.workload === 'rings');
    cells.find((c) => c.cell.collector === 'no-gc')!.summary!.wallMs = spread([10, 9.5, 11, 10.2, 9.8]);
    const [a, b] = cells.filter((c) => c.cell.collector !== 'no-gc');
    a!.summary!.wallMs = spread([12, 10.8, 15, 11.5, 12.5]);
    a!.overheadVsNoGc = 0.2;
    b!.summary!.wallMs = spread([12, 11.2, 13.1, 12.4, 11.9]);
    b!.overheadVsNoGc = 0.2;
    const page = renderHtmlReport(copy);
    expect(page).toContain(
      '<td class="num">12 ms ±3</td><td class="num noise" title="within the spread of the invocations">~+20.0%</td>',
    );
    expect(page).toContain('<td class="num">12 ms ±1.1</td><td class="num">+20.0%</td>');
    expect(page.match(/<p class="legend">/g)?.length).toBe(2); // one under each workload's table
  });

  it('has a section per workload with its table and charts, and the run metadata', () => {
    for (const w of ['rings', 'big-del']) {
      const start = html.indexOf(`<h2>${w} (small, seed 42)</h2>`);
      expect(start, w).toBeGreaterThan(0);
      const section = html.slice(start, html.indexOf('</section>', start));
      // pauses, MMU, memory, garbage and time-space charts
      expect(section.match(/<svg[^>]*class="plot/g)?.length, w).toBeGreaterThanOrEqual(5);
      expect(section.match(/<tbody>(.*?)<\/tbody>/)![1]!.match(/<tr/g)!.length).toBe(
        results.cells.filter((c) => c.cell.workload === w).length,
      );
      expect(section).toContain('Time-space trade-off');
    }
    expect(html).toContain(results.gitCommit!.slice(0, 12));
    expect(html).toContain(results.machine.cpuModel);
    expect(html).toContain('<h2>Overview</h2>');
  });

  it('gives each collector its own colour, the same in the key, the tables and the charts', () => {
    for (const name of ['refcount', 'cpython', 'mark-sweep', 'gen-copy']) {
      const color = COLLECTOR_COLORS[name]!;
      expect(html).toContain(`<i style="background:${color}"></i>${name}</span>`);
      expect(html).toContain(`<i class="dot" style="background:${color}"></i>${name}`);
      expect(html).toContain(`fill="${color}"`);
      expect(html).toContain(`stroke="${color}"`);
    }
    const { domain, range } = collectorPalette(['no-gc', 'mine', 'refcount', 'theirs', 'mine']);
    expect(domain).toEqual(['no-gc', 'mine', 'refcount', 'theirs']);
    expect(new Set(range).size).toBe(4);
    expect(range[2]).toBe(COLLECTOR_COLORS.refcount);
  });

  it('says when timelines are missing, and when the run was interrupted', () => {
    const unsampled = loadResultsFixture();
    unsampled.interrupted = true;
    for (const c of unsampled.cells) c.measurement!.timeline = null;
    const page = renderHtmlReport(unsampled);
    expect(page).toContain('No timeline: this run was not sampled');
    expect(page).toContain('This run was interrupted');
  });
});

describe('chart helpers', () => {
  it('labels log axes at powers of ten only', () => {
    expect([0.01, 0.02, 0.1, 1, 5, 10, 100].map(decadeLabel)).toEqual([
      '0.01',
      '',
      '0.1',
      '1',
      '',
      '10',
      '100',
    ]);
  });

  it('takes one cell per collector for timelines: the largest heap', () => {
    const results = loadResultsFixture();
    const rings = results.cells.filter((c) => c.cell.workload === 'rings');
    const chosen = onePerCollector(rings);
    expect(chosen.map((c) => c.cell.collector)).toEqual([
      'no-gc',
      'refcount',
      'cpython',
      'mark-sweep',
      'gen-copy',
    ]);
    expect(chosen[0]!.heapLimitBytes).toBeNull(); // the unlimited baseline
    expect(chosen[1]!.cell.heap).toEqual({ kind: 'multiple', multiple: 4 });
  });

  it('escapes text', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
