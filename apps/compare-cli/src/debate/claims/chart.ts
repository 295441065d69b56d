/**
 * The claims' charts: a claim describes its chart as data (a `ClaimChart`), and this module draws
 * every one of them with the report's `ChartRenderer`, so all the debate's charts share one way of
 * drawing bars.
 *
 * Bars: each row of the chart is one bar, drawn from zero. Two kinds of bars that measure the same
 * thing at the same moment (bytes reserved and bytes live after a phase) are rows of their own in a
 * panel per moment, side by side, never stacked: stacked, the live bar would start where the
 * reserved one ends and the pair would read as their sum. Only parts of one whole (the bytes freed
 * during each kind of operation) stack, as the `parts` of a row.
 */
import type { CellResult, TimeSpaceSeries } from '@gclab/bench';
import * as Plot from '@observablehq/plot';
import { type ChartRenderer, leftMargin } from '../../report/charts.ts';

/** One bar, or one part of a stacked bar. */
export interface Bar {
  /** The row it belongs to. */
  row: string;
  /** The panel, when the chart has panels. */
  panel?: string;
  /** The part of the row's whole, when the chart stacks parts. */
  part?: string;
  /** Its length, in the unit of the value axis. */
  value: number;
}

/** A bar chart: horizontal bars from zero, one per row (and panel), or stacks of parts. */
export interface BarChart {
  kind: 'bars';
  /** The caption under the chart. */
  caption: string;
  /** Label of the value axis. */
  axis: string;
  /** The rows, top to bottom (in each panel). */
  rows: readonly string[];
  /** Panels, top to bottom, each repeating the rows and labelled on the right: measures of one moment side by side. */
  panels?: readonly string[];
  /** Parts stacked in each row, in order; without parts a row holds one bar per panel. */
  parts?: readonly string[];
  /**
   * Colours of the rows (or of the parts when there are parts), in order, shown in a legend.
   * Without, the rows are collectors and take the report's collector palette.
   */
  colours?: readonly string[];
  /** Values are shares from 0 to 1, drawn as percentages of a full axis. */
  share?: boolean;
  /** Whether `colours` get a legend (default true; false when the rows already name them). */
  legend?: boolean;
  /** The bars. */
  bars: readonly Bar[];
  /** Pixels per row of bars, and the left margin for the row labels. */
  layout: { rowHeight: number; marginLeft: number };
}

/** The pause durations of some cells (the report's pause chart). */
export interface PauseChart {
  kind: 'pauses';
  caption: string;
  cells: readonly CellResult[];
}

/** Time-space curves (the report's time-space chart). */
export interface TimeSpaceChart {
  kind: 'time-space';
  caption: string;
  series: readonly TimeSpaceSeries[];
}

/** A claim's chart. */
export type ClaimChart = BarChart | PauseChart | TimeSpaceChart;

/** Thrown for a bar chart whose bars would be drawn on top of one another. */
export class BarChartError extends Error {
  override name = 'BarChartError';
}

/** Draws a claim's chart: SVG (or figure HTML with a legend), null when there is nothing to draw. */
export function renderClaimChart(charts: ChartRenderer, chart: ClaimChart): string | null {
  switch (chart.kind) {
    case 'pauses':
      return charts.pauses(chart.cells);
    case 'time-space':
      return charts.timeSpace(chart.series);
    case 'bars':
      return renderBars(charts, chart);
  }
}

function renderBars(charts: ChartRenderer, chart: BarChart): string {
  checkOneBarPerRow(chart);
  const { panels, parts, colours, share } = chart;
  const fill = parts === undefined ? 'row' : 'part';
  return charts.render({
    height: 60 + chart.layout.rowHeight * chart.rows.length * (panels?.length ?? 1),
    marginLeft: chart.layout.marginLeft,
    // The panel labels stand right of the bars.
    ...(panels === undefined ? {} : { marginRight: leftMargin(panels) }),
    x: share ? { label: chart.axis, percent: true, domain: [0, 100] } : { label: chart.axis, grid: true },
    y: { label: null, domain: [...chart.rows] },
    ...(panels === undefined ? {} : { fy: { label: null, domain: [...panels] } }),
    ...(colours === undefined
      ? {}
      : { color: { domain: [...(parts ?? chart.rows)], range: [...colours], legend: chart.legend ?? true } }),
    marks: [
      Plot.barX(chart.bars, { x: 'value', y: 'row', ...(panels === undefined ? {} : { fy: 'panel' }), fill }),
      ...(share ? [] : [Plot.ruleX([0])]),
    ],
  });
}

/** Without parts, a row of a panel holds one bar: two would stack and read as their sum. */
function checkOneBarPerRow(chart: BarChart): void {
  if (chart.parts !== undefined) return;
  const seen = new Set<string>();
  for (const b of chart.bars) {
    const key = `${b.panel ?? ''}\u0000${b.row}`;
    if (seen.has(key)) {
      throw new BarChartError(
        `bar chart '${chart.caption}': two bars in row '${b.row}'${b.panel === undefined ? '' : ` of panel '${b.panel}'`}; ` +
          'give each measure its own row, or declare them as parts of one whole',
      );
    }
    seen.add(key);
  }
}
