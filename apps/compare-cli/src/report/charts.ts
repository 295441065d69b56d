/**
 * The charts of the HTML report, drawn with Observable Plot at build time: Plot renders into a
 * jsdom document and each chart is kept as its SVG text, so the report needs no script and no
 * network to be read. Every chart takes the same collector palette, so a collector has one colour
 * throughout. Each function returns null when the results hold nothing to draw.
 */
import type { CellResult, TimeSpaceSeries } from '@gclab/bench';
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { heapLabel } from './figures.ts';

/** Colour scale shared by the charts of one report. */
export interface Palette {
  readonly domain: readonly string[];
  readonly range: readonly string[];
}

/** Renders Plot charts to SVG text with one jsdom document. */
export class ChartRenderer {
  private readonly document = new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;

  constructor(readonly palette: Palette) {}

  /** Renders a Plot chart (options without `document`) to SVG or figure HTML. */
  render(options: Plot.PlotOptions): string {
    const chart = Plot.plot({
      width: 560,
      height: 300,
      marginLeft: 60,
      marginBottom: 40,
      style: {
        fontSize: '12px',
        fontFamily: 'system-ui, sans-serif',
        background: 'white',
        overflow: 'visible',
      },
      ...options,
      color: { domain: [...this.palette.domain], range: [...this.palette.range], ...(options.color ?? {}) },
      document: this.document as unknown as Plot.PlotOptions['document'],
    }) as unknown as { outerHTML: string };
    return chart.outerHTML;
  }

  /** Pause durations per collector: p50, p90, p99 and max on a log axis, joined by a rule. */
  pauses(cells: readonly CellResult[]): string | null {
    const rows: Array<{ label: string; collector: string; percentile: string; ms: number }> = [];
    const spans: Array<{ label: string; collector: string; from: number; to: number }> = [];
    for (const r of ok(cells)) {
      const p = r.measurement!.pauses;
      if (p.count === 0 || !(p.maxMs > 0)) continue;
      const label = rowLabel(r, cells);
      const values: Array<[string, number]> = [
        ['p50', p.p50Ms],
        ['p90', p.p90Ms],
        ['p99', p.p99Ms],
        ['max', p.maxMs],
      ];
      for (const [percentile, ms] of values) {
        if (ms > 0) rows.push({ label, collector: r.cell.collector, percentile, ms });
      }
      spans.push({ label, collector: r.cell.collector, from: Math.max(p.p50Ms, 1e-4), to: p.maxMs });
    }
    if (rows.length === 0) return null;
    const labels = [...new Set(rows.map((r) => r.label))];
    return this.render({
      height: Math.max(140, 34 * labels.length + 70),
      marginLeft: leftMargin(labels),
      x: { type: 'log', label: 'pause duration (ms, log scale) →', grid: true, tickFormat: decadeLabel },
      y: { domain: labels, label: null },
      symbol: {
        domain: ['p50', 'p90', 'p99', 'max'],
        range: ['circle', 'diamond', 'triangle', 'square'],
        legend: true,
      },
      marks: [
        Plot.ruleY(spans, {
          y: 'label',
          x1: 'from',
          x2: 'to',
          stroke: 'collector',
          strokeWidth: 2,
          strokeOpacity: 0.6,
        }),
        Plot.dot(rows, {
          x: 'ms',
          y: 'label',
          fill: 'collector',
          symbol: 'percentile',
          r: 5,
          stroke: 'white',
        }),
      ],
    });
  }

  /** Minimum mutator utilization against window size, one line per collector. */
  mmu(cells: readonly CellResult[]): string | null {
    const rows: Array<{ label: string; collector: string; windowMs: number; mmu: number }> = [];
    for (const r of onePerCollector(cells)) {
      const label = rowLabel(r, cells);
      for (const p of r.measurement!.mmu.curve) {
        if (p.windowMs > 0)
          rows.push({ label, collector: r.cell.collector, windowMs: p.windowMs, mmu: p.mmu });
      }
    }
    if (rows.length === 0) return null;
    return this.render({
      x: { type: 'log', label: 'window (ms, log scale) →', grid: true, tickFormat: decadeLabel },
      y: { domain: [0, 1], label: '↑ minimum mutator utilization', grid: true },
      marks: [
        Plot.ruleY([0]),
        Plot.line(rows, { x: 'windowMs', y: 'mmu', z: 'label', stroke: 'collector', strokeWidth: 2 }),
        Plot.dot(rows, { x: 'windowMs', y: 'mmu', fill: 'collector', r: 2.5 }),
      ],
    });
  }

  /** Reserved (solid) and live (dashed) bytes over the allocation clock. */
  memory(cells: readonly CellResult[]): string | null {
    const reserved: TimelineRow[] = [];
    const live: TimelineRow[] = [];
    for (const r of onePerCollector(cells)) {
      const t = r.measurement!.timeline;
      if (t === null) continue;
      const label = rowLabel(r, cells);
      t.clock.forEach((clock, i) => {
        const x = clock / MIB;
        reserved.push({ label, collector: r.cell.collector, x, y: t.reservedBytes[i]! / MIB });
        live.push({ label, collector: r.cell.collector, x, y: t.liveBytes[i]! / MIB });
      });
    }
    if (reserved.length === 0) return null;
    return this.render({
      x: { label: 'allocated so far (MiB) →', grid: true },
      y: { label: '↑ MiB (solid: reserved from the OS, dashed: live)', grid: true },
      marks: [
        Plot.ruleY([0]),
        Plot.line(reserved, { x: 'x', y: 'y', z: 'label', stroke: 'collector', strokeWidth: 2 }),
        Plot.line(live, {
          x: 'x',
          y: 'y',
          z: 'label',
          stroke: 'collector',
          strokeWidth: 1.5,
          strokeDasharray: '5,4',
        }),
      ],
    });
  }

  /** Outstanding garbage (unreachable, not yet freed) over the allocation clock. */
  garbage(cells: readonly CellResult[]): string | null {
    const rows: TimelineRow[] = [];
    for (const r of onePerCollector(cells)) {
      const t = r.measurement!.timeline;
      if (t === null) continue;
      const label = rowLabel(r, cells);
      t.clock.forEach((clock, i) => {
        rows.push({ label, collector: r.cell.collector, x: clock / MIB, y: t.garbageBytes[i]! / MIB });
      });
    }
    if (rows.length === 0) return null;
    return this.render({
      x: { label: 'allocated so far (MiB) →', grid: true },
      y: { label: '↑ outstanding garbage (MiB)', grid: true },
      marks: [
        Plot.ruleY([0]),
        Plot.line(rows, { x: 'x', y: 'y', z: 'label', stroke: 'collector', strokeWidth: 2 }),
      ],
    });
  }

  /** Wall time against heap size (as a multiple of the minimum heap), one line per collector. */
  timeSpace(series: readonly TimeSpaceSeries[]): string | null {
    const rows: Array<{ collector: string; multiple: number; ms: number }> = [];
    for (const s of series) {
      for (const p of s.points) {
        if (p.status === 'ok' && p.multiple !== null && p.wallMs !== null) {
          rows.push({ collector: s.collector, multiple: p.multiple, ms: p.wallMs });
        }
      }
    }
    if (rows.length === 0) return null;
    return this.render({
      x: { label: 'heap size (multiple of the minimum heap) →', grid: true },
      y: { label: '↑ wall time (ms)', grid: true, zero: true },
      marks: [
        Plot.line(rows, { x: 'multiple', y: 'ms', stroke: 'collector', strokeWidth: 2, sort: 'multiple' }),
        Plot.dot(rows, { x: 'multiple', y: 'ms', fill: 'collector', r: 3.5 }),
      ],
    });
  }

  /**
   * Overhead against no-gc for every workload and collector (the report's overview), at each
   * collector's largest heap size (unlimited when it ran so).
   */
  overview(cells: readonly CellResult[], workloads: readonly string[]): string | null {
    const rows: Array<{ workload: string; collector: string; overhead: number }> = [];
    const programs = new Map<string, CellResult[]>();
    for (const r of cells) {
      if (r.baseline === true) continue;
      const key = `${r.cell.workload}|${r.cell.size}|${r.cell.seed}`;
      programs.set(key, [...(programs.get(key) ?? []), r]);
    }
    for (const r of [...programs.values()].flatMap(onePerCollector)) {
      const o = r.overheadVsNoGc;
      if (o === null || o === undefined) continue;
      rows.push({ workload: r.cell.workload, collector: r.cell.collector, overhead: o * 100 });
    }
    if (rows.length === 0) return null;
    return this.render({
      width: 1100,
      height: Math.max(160, 30 * workloads.length + 60),
      marginLeft: leftMargin(workloads),
      x: { label: 'time over the no-gc baseline (%) →', grid: true },
      y: { domain: [...workloads], label: null },
      marks: [
        Plot.ruleX([0], { stroke: '#444' }),
        Plot.dot(rows, {
          x: 'overhead',
          y: 'workload',
          fill: 'collector',
          r: 6,
          stroke: 'white',
          strokeWidth: 1,
        }),
      ],
    });
  }
}

interface TimelineRow {
  label: string;
  collector: string;
  x: number;
  y: number;
}

const MIB = 1024 * 1024;

/** Log-axis tick labels at powers of ten only (`0.01`, `0.1`, `1`, `10`), others unlabelled. */
export function decadeLabel(d: number): string {
  const e = Math.log10(d);
  if (Math.abs(e - Math.round(e)) > 1e-9) return '';
  return e < 0 ? d.toFixed(-Math.round(e)) : String(Math.round(d));
}

function ok(cells: readonly CellResult[]): CellResult[] {
  return cells.filter((r) => r.status === 'ok' && r.measurement !== null);
}

/**
 * One completed cell per collector, for the charts that would be unreadable with a line per heap
 * size (same colour): the unlimited heap when there is one, else the largest heap.
 */
export function onePerCollector(cells: readonly CellResult[]): CellResult[] {
  const chosen = new Map<string, CellResult>();
  for (const r of ok(cells)) {
    const known = chosen.get(r.cell.collector);
    if (known === undefined || heapRank(r) > heapRank(known)) chosen.set(r.cell.collector, r);
  }
  return [...chosen.values()];
}

function heapRank(r: CellResult): number {
  return r.heapLimitBytes === null ? Number.POSITIVE_INFINITY : r.heapLimitBytes;
}

/** The collector, with the heap when the cells use several heap sizes. */
function rowLabel(r: CellResult, cells: readonly CellResult[]): string {
  const heaps = new Set(cells.map((c) => JSON.stringify(c.cell.heap)));
  return heaps.size > 1 ? `${r.cell.collector} @${heapLabel(r)}` : r.cell.collector;
}

/** A margin wide enough for the longest label at 12px (left of the y axis, or right of the panel labels). */
export function leftMargin(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  return Math.max(60, Math.ceil(longest * 7) + 12);
}
