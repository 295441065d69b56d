/**
 * The claims' chart module: bars are drawn from zero, one per row and panel, and parts of one whole
 * stack; two bars in one row without parts (which would stack and read as their sum) are refused.
 */
import { describe, expect, it } from 'vitest';
import { type BarChart, BarChartError, renderClaimChart } from '../../../src/debate/claims/chart.ts';
import { ChartRenderer } from '../../../src/report/charts.ts';
import { collectorPalette } from '../../../src/report/palette.ts';

const charts = new ChartRenderer(collectorPalette(['a', 'b']));

const chart = (over: Partial<BarChart>): BarChart => ({
  kind: 'bars',
  caption: 'test chart',
  axis: 'MiB →',
  rows: ['a', 'b'],
  bars: [
    { row: 'a', value: 1 },
    { row: 'b', value: 2 },
  ],
  layout: { rowHeight: 28, marginLeft: 90 },
  ...over,
});

const rects = (svg: string): number => svg.match(/<rect/g)?.length ?? 0;

describe('renderClaimChart', () => {
  it('draws one bar per row, and one per row and panel', () => {
    expect(rects(renderClaimChart(charts, chart({}))!)).toBe(2);
    const panelled = chart({
      panels: ['p', 'q'],
      bars: ['p', 'q'].flatMap((panel) => [
        { row: 'a', panel, value: 1 },
        { row: 'b', panel, value: 2 },
      ]),
    });
    expect(rects(renderClaimChart(charts, panelled)!)).toBeGreaterThanOrEqual(4);
  });

  it('stacks the parts of a row', () => {
    const stacked = chart({
      parts: ['x', 'y'],
      colours: ['#111111', '#222222'],
      bars: [
        { row: 'a', part: 'x', value: 1 },
        { row: 'a', part: 'y', value: 1 },
        { row: 'b', part: 'x', value: 2 },
      ],
    });
    const svg = renderClaimChart(charts, stacked)!;
    expect(svg).toContain('#222222');
  });

  it('refuses two bars in one row without parts: they would read as their sum', () => {
    const overlapping = chart({
      panels: ['p'],
      bars: [
        { row: 'a', panel: 'p', value: 1 },
        { row: 'a', panel: 'p', value: 2 },
      ],
    });
    expect(() => renderClaimChart(charts, overlapping)).toThrow(BarChartError);
    expect(() => renderClaimChart(charts, overlapping)).toThrow(/two bars in row 'a' of panel 'p'/);
  });
});
