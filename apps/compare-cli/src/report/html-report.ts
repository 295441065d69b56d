/**
 * `--html FILE`: the results as one self-contained HTML page (inline CSS and inline SVG charts, no
 * script, nothing fetched), readable offline and attachable to an issue or a CI run.
 *
 * The page: a header with the run's provenance and a colour key of the collectors (sticky, so it
 * stays in view), an overview chart of the overhead against no-gc across workloads, then a section
 * per program (workload, size, seed) with its table and charts: pause distributions, MMU curves,
 * memory (reserved and live) and outstanding garbage over the allocation clock, and the time-space
 * curve when the run used several heap sizes. Timelines need a sampled invocation (`gclab run
 * --html` samples; a run with `--format json` alone does not), so those charts are left out, with
 * a note, when the results have none. Tables show each timed figure with its spread and dim an
 * overhead that lies within it (`timed-figures.ts`), with the legend under the table.
 */
import { type CellResult, findWorkload, type MatrixResults, WORKLOADS } from '@gclab/bench';
import { ChartRenderer } from './charts.ts';
import { formatCompactBytes, heapLabel, METRICS } from './figures.ts';
import { collectorOrder, hasSeveralHeaps, programGroups } from './groups.ts';
import { collectorPalette } from './palette.ts';
import { bestValues, isBaselineCell } from './table-format.ts';
import { figureText, invocationsText, isNoise, SPREAD_LEGEND } from './timed-figures.ts';

/** Options of the HTML report. */
export interface HtmlReportOptions {
  /** Page title (default `gclab report`). */
  title?: string;
  /** A paragraph under the title (plain text). */
  lede?: string;
}

/** Metrics of the report's tables, in order. */
const HTML_METRIC_KEYS = [
  'wallMs',
  'overheadVsNoGc',
  'gcMs',
  'pauses',
  'pauseP50Ms',
  'pauseP99Ms',
  'pauseMaxMs',
  'mmu10ms',
  'peakReservedBytes',
  'leakedBytes',
  'peakGarbageBytes',
  'rcOps',
  'objectsTraced',
];

/** Renders the report page for `results`. */
export function renderHtmlReport(results: MatrixResults, options: HtmlReportOptions = {}): string {
  const names = collectorOrder(results);
  const palette = collectorPalette(names);
  const charts = new ChartRenderer(palette);
  const colorOf = (name: string): string => palette.range[palette.domain.indexOf(name)] ?? '#888';
  const groups = programGroups(results);
  const title = options.title ?? 'gclab report';
  const lede =
    options.lede ??
    'The same mutator programs run under each collector over one simulated heap. Deterministic figures ' +
      '(bytes, counts) reproduce exactly; times are wall-clock medians over the timed invocations, ± the ' +
      'half-width of their 95% interval; differences within that spread are dimmed and marked ~.';

  const body: string[] = [];
  body.push(
    `<header><h1>${esc(title)}</h1><p class="lede">${esc(lede)}</p>${metadataList(results)}</header>`,
    `<nav class="key" aria-label="collector colours">${names
      .map((n) => `<span class="swatch"><i style="background:${colorOf(n)}"></i>${esc(n)}</span>`)
      .join('')}</nav>`,
  );
  if (results.interrupted) {
    body.push('<p class="warning">This run was interrupted: only the cells that completed are shown.</p>');
  }
  const overview = charts.overview(
    results.cells,
    groups.map((g) => g.workload),
  );
  if (overview !== null) {
    body.push(
      section('overview', 'Overview', [
        figure(
          overview,
          'Time over the no-gc baseline for each workload and collector, at its largest heap size. Left of the ' +
            'line is faster than never collecting (a collector that frees memory reuses warm memory).',
          'wide',
        ),
      ]),
    );
  }
  for (const g of groups) {
    const summary = findWorkload(g.workload.split(':')[0] ?? '')?.summary;
    const parts: string[] = [];
    if (summary !== undefined) parts.push(`<p class="summary">${esc(summary)}</p>`);
    parts.push(resultsTable(g.cells, results.cells, results.options.baseline, colorOf));
    const figures: string[] = [];
    const atHeap = hasSeveralHeaps(g.cells) ? ' One line per collector, at its largest heap size.' : '';
    const pauses = charts.pauses(g.cells);
    figures.push(
      pauses === null
        ? note('No collector paused on this workload.')
        : figure(pauses, 'Pause durations: p50, p90, p99 and the longest pause per collector (log scale).'),
    );
    const mmu = charts.mmu(g.cells);
    if (mmu !== null) {
      figures.push(
        figure(
          mmu,
          'Minimum mutator utilization: the smallest share of any window of that length left to the program. ' +
            `Higher and further left is better.${atHeap}`,
        ),
      );
    }
    const memory = charts.memory(g.cells);
    const garbage = charts.garbage(g.cells);
    if (memory !== null) {
      figures.push(
        figure(
          memory,
          `Memory over the allocation clock: reserved from the simulated OS (solid) and live (dashed).${atHeap}`,
        ),
      );
    }
    if (garbage !== null) {
      figures.push(
        figure(
          garbage,
          'Outstanding garbage: bytes already unreachable but not yet freed (promptness). Reference counting ' +
            `frees at once, except cycles; tracing collectors free at their next collection.${atHeap}`,
        ),
      );
    }
    if (memory === null && garbage === null) {
      figures.push(note('No timeline: this run was not sampled (gclab run --html samples the oracle).'));
    }
    const series = results.timeSpace.filter((s) => `${s.workload}|${s.size}|${s.seed}` === g.key);
    const timeSpace = charts.timeSpace(series);
    if (timeSpace !== null) {
      figures.push(
        figure(
          timeSpace,
          'Time-space trade-off: wall time against heap size, as a multiple of each collector’s minimum heap. ' +
            'Tracing collectors slow down as headroom shrinks.',
        ),
      );
    }
    parts.push(`<div class="charts">${figures.join('')}</div>`);
    const id = `w-${g.key.replace(/[^a-z0-9]+/gi, '-')}`;
    body.push(section(id, g.title, parts));
  }
  body.push(section('provenance', 'How this was run', [provenanceDetails(results)]));
  return page(title, body.join('\n'));
}

function resultsTable(
  cells: readonly CellResult[],
  all: readonly CellResult[],
  baseline: string | null,
  colorOf: (name: string) => string,
): string {
  const metrics = HTML_METRIC_KEYS.map((k) => METRICS.find((m) => m.key === k)!);
  const heaps = hasSeveralHeaps(cells);
  const best = bestValues(cells, metrics, baseline);
  const head = `<tr><th>collector</th>${heaps ? '<th>heap</th>' : ''}${metrics
    .map((m) => `<th class="num">${esc(m.label).replaceAll('-', '\u2011')}</th>`)
    .join('')}</tr>`;
  const rows = cells.map((r) => {
    const name = `<td class="name"><i class="dot" style="background:${colorOf(r.cell.collector)}"></i>${esc(
      r.cell.collector,
    )}${r.baseline === true ? ' <small>(baseline)</small>' : ''}</td>${heaps ? `<td>${esc(heapLabel(r))}</td>` : ''}`;
    if (r.status !== 'ok') {
      const what =
        r.status === 'oom'
          ? `out of memory${r.heapLimitBytes === null ? '' : ` at a ${formatCompactBytes(r.heapLimitBytes)} heap`}`
          : `error: ${(r.message ?? '').split('\n')[0]}`;
      return `<tr class="failed">${name}<td colspan="${metrics.length}">${esc(what)}</td></tr>`;
    }
    return `<tr>${name}${metrics
      .map((m, i) => {
        const v = m.value(r);
        const isBest = v !== null && v === best[i] && !isBaselineCell(r, baseline);
        const { text, order } = figureText(m, r, all, baseline);
        const noise = isNoise(order);
        const cls = `num${isBest ? ' best' : ''}${noise ? ' noise' : ''}`;
        const title = noise
          ? ` title="${order === 'no-spread' ? 'one invocation: no spread' : 'within the spread of the invocations'}"`
          : '';
        return `<td class="${cls}"${title}>${esc(text)}</td>`;
      })
      .join('')}</tr>`;
  });
  return (
    `<div class="table-wrap"><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>` +
    `<p class="legend">${esc(SPREAD_LEGEND.join(' '))}</p>`
  );
}

function metadataList(r: MatrixResults): string {
  const o = r.options;
  const items: Array<[string, string]> = [
    ['run', `${r.timestamp}, ${(r.durationMs / 1000).toFixed(1)} s`],
    ['machine', `${r.machine.cpus} CPU ${r.machine.cpuModel}, ${r.machine.platform}-${r.machine.arch}`],
    ['Node', r.node],
    ['commit', r.gitCommit === null ? 'none' : r.gitCommit.slice(0, 12)],
    ['size, seed', `${o.sizes.join(', ')}; ${o.seeds.join(', ')}`],
    ['heap', o.heaps.join(', ')],
    ['invocations', `${invocationsText(r)}, one process per ${o.isolation}`],
  ];
  return `<dl class="meta">${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
}

function provenanceDetails(r: MatrixResults): string {
  const o = r.options;
  const rows: Array<[string, string]> = [
    ['timestamp', r.timestamp],
    ['duration', `${(r.durationMs / 1000).toFixed(1)} s`],
    [
      'machine',
      `${r.machine.cpus} × ${r.machine.cpuModel}; ${formatCompactBytes(r.machine.memoryBytes)} memory`,
    ],
    ['operating system', `${r.machine.platform} ${r.machine.osRelease} (${r.machine.arch})`],
    ['Node', r.node],
    ['git commit', r.gitCommit ?? 'none'],
    [
      'packages',
      Object.entries(r.packages)
        .map(([k, v]) => `${k}@${v}`)
        .join(', '),
    ],
    ['workloads', o.workloads.join(', ')],
    ['collectors', o.collectors.map((c) => c.name).join(', ')],
    ['baseline', o.baseline ?? 'none'],
    ['sizes', o.sizes.join(', ')],
    ['seeds', o.seeds.join(', ')],
    ['heap sizes', o.heaps.join(', ')],
    ['invocations', invocationsText(r)],
    ['oracle sampling', o.sampleEvery === 0 ? 'off' : String(o.sampleEvery)],
    ['isolation, concurrency', `one process per ${o.isolation}; ${o.concurrency} at once`],
    ['minimum heaps', r.minHeaps.length === 0 ? 'none measured' : r.minHeaps.map(minHeapText).join('; ')],
  ];
  const workloadRows = WORKLOADS.filter((w) => o.workloads.some((s) => s.split(':')[0] === w.name)).map(
    (w) => `<tr><th>${esc(w.name)}</th><td>${esc(w.summary)}</td></tr>`,
  );
  return (
    `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>` +
    (workloadRows.length === 0
      ? ''
      : `<h3>Workloads</h3><table class="kv"><tbody>${workloadRows.join('')}</tbody></table>`)
  );
}

function minHeapText(m: MatrixResults['minHeaps'][number]): string {
  return `${m.workload} ${m.collector}: ${m.bytes === null ? 'unknown' : formatCompactBytes(m.bytes)}`;
}

function section(id: string, title: string, parts: readonly string[]): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>${parts.join('')}</section>`;
}

function figure(svg: string, caption: string, cls = ''): string {
  return `<figure class="chart ${cls}">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function note(text: string): string {
  return `<p class="note">${esc(text)}</p>`;
}

/** Escapes text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The page around `body`: inline CSS, no scripts, no external resources. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The report's style sheet. */
export const CSS = `
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #dadce0; --paper: #ffffff; --tint: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--tint); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1220px; margin: 0 auto; padding: 24px 20px 48px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
.lede { margin: 0 0 12px; color: var(--muted); max-width: 80ch; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 0; font-size: 13px; }
.meta div { display: flex; gap: 6px; } .meta dt { color: var(--muted); } .meta dd { margin: 0; }
.key { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 16px 0;
  padding: 8px 12px; background: rgba(255,255,255,.95); border: 1px solid var(--rule); border-radius: 6px; font-size: 13px; }
.swatch { display: inline-flex; align-items: center; gap: 6px; }
.swatch i, .dot { display: inline-block; width: 12px; height: 12px; border-radius: 3px; }
.dot { margin-right: 6px; vertical-align: -1px; }
section { background: var(--paper); border: 1px solid var(--rule); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
section h2 { margin: 0 0 6px; font-size: 20px; }
section h3 { font-size: 16px; margin: 16px 0 6px; }
.summary { margin: 0 0 12px; color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 7px; border-bottom: 1px solid var(--rule); text-align: left; white-space: nowrap; }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; white-space: normal; vertical-align: bottom; }
.num { text-align: right; } td.best { font-weight: 700; color: #137333; }
td.noise { color: var(--muted); } .legend { font-size: 12px; color: var(--muted); margin: 4px 0 0; max-width: 100ch; }
tr.failed td { color: #b3261e; }
table.kv th { color: var(--muted); font-weight: 500; vertical-align: top; }
table.kv td { white-space: normal; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; margin-top: 16px; }
figure.chart { margin: 0; } figure.chart.wide { grid-column: 1 / -1; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; max-width: 70ch; }
.note { color: var(--muted); font-style: italic; }
.warning { background: #fef7e0; border: 1px solid #f9ab00; padding: 8px 12px; border-radius: 6px; }
`;
