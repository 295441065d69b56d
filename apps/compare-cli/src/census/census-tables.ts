/**
 * The heap census as tables and bar charts (data only), shared by the text form of `gclab census`
 * and its HTML report: a summary, types, cycles, the size and fan-out distributions, and a row per
 * collector (header overhead on this heap's sizes, one full collection, dropping every root).
 */
import type { Census, Distribution } from '@gclab/experiments';
import type { BarChart } from '../debate/claims/chart.ts';
import type { FigureTable } from '../debate/claims/claim.ts';
import { formatCompactBytes, formatCount, formatMs, formatRatio } from '../report/figures.ts';

/** A titled table of the census. */
export interface CensusSection {
  title: string;
  table: FigureTable;
  /** A chart of the same figures, for the HTML report. */
  chart?: BarChart;
}

const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** One line naming the snapshot and its totals. */
export function censusHeadline(c: Census): string {
  return (
    `${c.file} (${c.format}${c.source === '' ? '' : `: ${c.source}`}): ${formatCount(c.objects)} objects, ` +
    `${formatCompactBytes(c.bytes)}, ${formatCount(c.edges)} references, ${formatCount(c.roots)} roots, ${c.typeCount} types`
  );
}

/** The sections of the census, in order. */
export function censusSections(c: Census): CensusSection[] {
  return [
    typesSection(c),
    cyclesSection(c),
    distributionSection('sizes', c.sizes, c),
    distributionSection('fan-out', c.fanOut, c),
    collectorsSection(c),
  ];
}

function typesSection(c: Census): CensusSection {
  return {
    title: `Types by bytes (${c.types.length} of ${c.typeCount})`,
    table: {
      head: ['type', 'objects', 'bytes', 'share of bytes'],
      rows: c.types.map((t) => [
        t.type,
        formatCount(t.objects),
        formatCompactBytes(t.bytes),
        pct(c.bytes > 0 ? t.bytes / c.bytes : 0),
      ]),
    },
    chart: {
      kind: 'bars',
      caption: 'Bytes by type (the largest types).',
      axis: 'MiB →',
      rows: c.types.map((t) => t.type),
      colours: c.types.map(() => '#4c78a8'),
      legend: false,
      bars: c.types.map((t) => ({ row: t.type, value: t.bytes / 2 ** 20 })),
      layout: { rowHeight: 22, marginLeft: 200 },
    },
  };
}

function cyclesSection(c: Census): CensusSection {
  const y = c.cycles;
  return {
    title: 'Cycles (strongly connected components of more than one object)',
    table: {
      head: [
        'objects in cycles',
        'share of objects',
        'bytes in cycles',
        'share of bytes',
        'components',
        'largest',
        'self-loops',
      ],
      rows: [
        [
          formatCount(y.objects),
          pct(y.objectShare),
          formatCompactBytes(y.bytes),
          pct(y.byteShare),
          formatCount(y.components),
          formatCount(y.largest),
          formatCount(y.selfLoops),
        ],
      ],
    },
  };
}

function distributionSection(what: 'sizes' | 'fan-out', d: Distribution, c: Census): CensusSection {
  const label = what === 'sizes' ? 'size' : 'pointer fields';
  return {
    title:
      what === 'sizes'
        ? `Sizes (mean ${d.mean.toFixed(1)} B, median ${d.median} B, largest ${formatCompactBytes(d.max)})`
        : `Fan-out (mean ${d.mean.toFixed(2)}, median ${d.median}, largest ${d.max})`,
    table: {
      head: [label, 'objects', 'share of objects', 'bytes'],
      rows: d.buckets.map((b) => [
        b.label,
        formatCount(b.objects),
        pct(c.objects > 0 ? b.objects / c.objects : 0),
        formatCompactBytes(b.bytes),
      ]),
    },
    chart: {
      kind: 'bars',
      caption:
        what === 'sizes' ? 'Share of objects by size.' : 'Share of objects by fan-out (pointer fields).',
      axis: 'share of objects →',
      share: true,
      rows: d.buckets.map((b) => b.label),
      colours: d.buckets.map(() => (what === 'sizes' ? '#72b7b2' : '#f58518')),
      legend: false,
      bars: d.buckets.map((b) => ({ row: b.label, value: c.objects > 0 ? b.objects / c.objects : 0 })),
      layout: { rowHeight: 22, marginLeft: 110 },
    },
  };
}

function collectorsSection(c: Census): CensusSection {
  return {
    title: 'Collectors on this heap',
    table: {
      head: [
        'collector',
        'header B/object',
        'header share',
        'heap vs no-gc',
        'full GC work',
        'full GC time',
        'freed at drop',
        'drop pause max',
        'freed by next GC',
        'leaked',
      ],
      rows: c.collectors.map((k) => [
        k.name,
        String(8 * (1 + k.headerWords)),
        pct(k.headerShare),
        formatRatio(k.overNoGc),
        ...(k.ran
          ? [
              formatCount(k.fullWork),
              formatMs(k.fullMs),
              formatCount(k.dropFreedObjects),
              formatMs(k.dropMaxPauseMs),
              formatCount(k.collectedObjects),
              `${formatCount(k.leakedObjects)} (${formatCompactBytes(k.leakedBytes)})`,
            ]
          : k.failure !== null
            ? ['out of memory', '—', '—', '—', '—', '—']
            : ['—', '—', '—', '—', '—', '—']),
      ]),
    },
    chart: {
      kind: 'bars',
      caption: "Object headers' share of the heap under each collector's layout, on this heap's sizes.",
      axis: 'header share of heap bytes →',
      share: true,
      rows: c.collectors.map((k) => k.name),
      bars: c.collectors.map((k) => ({ row: k.name, value: k.headerShare })),
      layout: { rowHeight: 22, marginLeft: 150 },
    },
  };
}

/** One line per collector that did not run to the end on this heap, saying why. */
export function censusFailures(c: Census): string[] {
  return c.collectors.filter((k) => k.failure !== null).map((k) => `${k.name}: ${k.failure}`);
}

/** Notes under the collectors' table. */
export const CENSUS_NOTES: readonly string[] = [
  'header: the 8-byte shape word plus the header words the collector declares, on every object; the heap is laid out as the snapshot workload builds it.',
  "full GC: one full collection with the whole snapshot live; work in the collector's own units (objects marked, bytes swept or copied), time measured once (not a benchmark).",
  "drop: every root let go at once; a counting collector frees what it can in cascades there, the next full collection frees the rest, leaked is what is never freed (no-gc frees nothing; counts include the build's few scaffolding objects).",
];
