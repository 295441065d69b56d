/**
 * The debate written out: `debate.md` (GitHub Markdown, charts as SVG files beside it) and
 * `debate.html` (one self-contained page, charts inline), plus the results files of the two
 * matrices, so every figure can be traced back (`gclab report DIR/main.json --html ...`), and the
 * threads experiment's figures (`threads.json`, what `gclab experiment threads --json` prints).
 */

import { join } from 'node:path';
import { writeFileAtomic, writeResults } from '@gclab/bench';
import { ChartRenderer } from '../report/charts.ts';
import { esc, page } from '../report/html-report.ts';
import { collectorPalette } from '../report/palette.ts';
import { invocationsText } from '../report/timed-figures.ts';
import { renderClaimChart } from './claims/chart.ts';
import type { ClaimResult, ClaimVerdict } from './claims/claim.ts';
import type { DebateData } from './debate-data.ts';

/** A claim with its chart rendered. */
interface RenderedClaim {
  claim: ClaimResult;
  /** The chart's SVG (null when the claim has none or nothing to draw). */
  svg: string | null;
}

/** The files written, relative to the output directory. */
export const DEBATE_FILES = {
  markdown: 'debate.md',
  html: 'debate.html',
  main: 'main.json',
  timeSpace: 'time-space.json',
  threads: 'threads.json',
} as const;

/** Renders each claim's chart once. */
function renderCharts(data: DebateData, claims: readonly ClaimResult[]): RenderedClaim[] {
  const charts = new ChartRenderer(collectorPalette(data.collectors.map((c) => c.name)));
  return claims.map((claim) => ({
    claim,
    svg: claim.chart === undefined ? null : renderClaimChart(charts, claim.chart),
  }));
}

/** Writes the debate into `dir`: Markdown with SVG charts, HTML, the two results files and threads.json. Returns the paths. */
export function writeDebate(dir: string, data: DebateData, claims: readonly ClaimResult[]): string[] {
  const rendered = renderCharts(data, claims);
  const written: string[] = [];
  const write = (name: string, text: string): void => {
    writeFileAtomic(join(dir, name), text);
    written.push(join(dir, name));
  };
  for (const r of rendered) if (r.svg !== null) write(chartFile(r.claim), standaloneSvg(r.svg));
  write(DEBATE_FILES.markdown, debateMarkdown(data, rendered));
  write(DEBATE_FILES.html, debateHtml(data, rendered));
  writeResults(join(dir, DEBATE_FILES.main), data.main);
  written.push(join(dir, DEBATE_FILES.main));
  writeResults(join(dir, DEBATE_FILES.timeSpace), data.timeSpace);
  written.push(join(dir, DEBATE_FILES.timeSpace));
  write(DEBATE_FILES.threads, `${JSON.stringify(data.threads, null, 2)}\n`);
  return written;
}

function chartFile(c: ClaimResult): string {
  return `claim-${c.number}.svg`;
}

/**
 * An SVG file from Plot's output. A chart with a legend is a `<figure>` (legend swatches and the
 * plot); the file keeps the plot's SVG only, with its namespace, so it opens on its own.
 */
function standaloneSvg(markup: string): string {
  const start = markup.lastIndexOf('<svg class="plot');
  const svg = start >= 0 ? markup.slice(start, markup.indexOf('</svg>', start) + 6) : markup;
  return svg.includes('xmlns=') ? svg : svg.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"');
}

/** How the runs were made, one line. */
function provenance(data: DebateData): string {
  const r = data.main;
  return (
    `size ${data.size}, seed ${data.seed}, ${invocationsText(r)}, ${r.machine.cpus} CPU ${r.machine.cpuModel}, Node ${r.node}, ${r.timestamp}` +
    `${r.gitCommit === null ? '' : `, commit ${r.gitCommit.slice(0, 12)}`}; all runs took ${(data.durationMs / 1000).toFixed(0)} s`
  );
}

const VERDICT_TEXT: Record<ClaimVerdict, string> = {
  supported: 'supported',
  refuted: 'refuted',
  'partly supported': 'partly supported',
  'not measured': 'not measured',
};

/** The Markdown report. */
export function debateMarkdown(data: DebateData, rendered: readonly RenderedClaim[]): string {
  const cell = (t: string): string => t.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const out: string[] = [
    '# Reference counting versus tracing: the debate, measured',
    '',
    "Each claim of the article is tested by an experiment that `gclab debate` ran; every figure below comes from those runs (the results files `main.json` and `time-space.json` and the threaded runs' `threads.json` beside this report hold them all). The collectors are gclab's, over one simulated heap (claim 10: a shared one, on real threads): they show the mechanisms, not the speed of CPython or of a production JVM.",
    '',
    `Runs: ${provenance(data)}.`,
    '',
    '| # | claim | verdict |',
    '| --: | :-- | :-- |',
    ...rendered.map(({ claim }) =>
      row([String(claim.number), claim.claim, `**${VERDICT_TEXT[claim.verdict]}**`]),
    ),
  ];
  for (const { claim, svg } of rendered) {
    out.push(
      '',
      `## ${claim.number}. ${claim.claim}`,
      '',
      `**Verdict: ${VERDICT_TEXT[claim.verdict]}.** ${claim.paragraph}`,
      '',
      `*Experiment.* ${claim.experiment}`,
      '',
      row(claim.table.head),
      row(claim.table.head.map((_, i) => (i === 0 ? ':--' : '--:'))),
      ...claim.table.rows.map(row),
    );
    if (claim.realHeap !== undefined) {
      const { caption, table } = claim.realHeap;
      out.push(
        '',
        `*Real heaps.* ${caption}`,
        '',
        row(table.head),
        row(table.head.map((_, i) => (i === 0 ? ':--' : '--:'))),
        ...table.rows.map(row),
      );
    }
    if (svg !== null && claim.chart !== undefined) {
      out.push('', `![${claim.chart.caption}](${chartFile(claim)})`, '', `*${claim.chart.caption}*`);
    }
    if (claim.sources !== undefined) {
      out.push('', 'Sources:', '');
      for (const s of claim.sources) out.push(`- ${s.citation} (<${s.url}>): ${s.text}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** The HTML report. */
export function debateHtml(data: DebateData, rendered: readonly RenderedClaim[]): string {
  // A column is numeric (right-aligned) when every cell of it reads as a figure.
  const table = (head: readonly string[], rows: readonly string[][]): string => {
    const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => isFigure(r[i] ?? '')));
    return `<div class="table-wrap"><table><thead><tr>${head
      .map((h, i) => `<th class="${numeric[i] ? 'num' : ''}">${esc(h)}</th>`)
      .join('')}</tr></thead><tbody>${rows
      .map(
        (r) =>
          `<tr>${r.map((c, i) => `<td class="${numeric[i] ? 'num' : ''}">${esc(c)}</td>`).join('')}</tr>`,
      )
      .join('')}</tbody></table></div>`;
  };
  const badge = (v: ClaimVerdict): string =>
    `<span class="verdict ${v.replace(' ', '-')}">${esc(VERDICT_TEXT[v])}</span>`;
  const body: string[] = [
    '<header><h1>Reference counting versus tracing: the debate, measured</h1>',
    `<p class="lede">Each claim of the article is tested by an experiment that <code>gclab debate</code> ran; every figure comes from those runs (<code>main.json</code>, <code>time-space.json</code> and <code>threads.json</code> beside this page). The collectors are gclab's, over one simulated heap (claim 10: a shared one, on real threads): they show the mechanisms, not the speed of CPython or of a production JVM.</p>`,
    `<p class="meta">${esc(provenance(data))}</p></header>`,
    `<section id="summary"><h2>Verdicts</h2><ol class="claims">${rendered
      .map(
        ({ claim }) =>
          `<li><a href="#claim-${claim.number}">${prose(claim.claim)}</a> ${badge(claim.verdict)}</li>`,
      )
      .join('')}</ol></section>`,
  ];
  for (const { claim, svg } of rendered) {
    const parts = [
      `<p class="verdict-line">${badge(claim.verdict)} ${prose(claim.paragraph)}</p>`,
      `<p class="experiment"><strong>Experiment.</strong> ${prose(claim.experiment)}</p>`,
      table(claim.table.head, claim.table.rows),
    ];
    if (claim.realHeap !== undefined) {
      parts.push(
        `<p class="experiment"><strong>Real heaps.</strong> ${prose(claim.realHeap.caption)}</p>`,
        table(claim.realHeap.table.head, claim.realHeap.table.rows),
      );
    }
    if (svg !== null && claim.chart !== undefined) {
      parts.push(`<figure class="chart">${svg}<figcaption>${esc(claim.chart.caption)}</figcaption></figure>`);
    }
    if (claim.sources !== undefined) {
      parts.push(
        `<h3>Sources</h3><ul class="sources">${claim.sources
          .map((s) => `<li><a href="${esc(s.url)}">${esc(s.citation)}</a>: ${esc(s.text)}</li>`)
          .join('')}</ul>`,
      );
    }
    body.push(
      `<section id="claim-${claim.number}"><h2>${claim.number}. ${prose(claim.claim)}</h2>${parts.join('')}</section>`,
    );
  }
  return page('gclab debate', body.join('\n')).replace('</style>', `${DEBATE_CSS}</style>`);
}

/** Escaped text with Markdown code spans (`del`) as <code>. */
export function prose(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** Whether a table cell reads as a figure: a number with an optional sign, unit or percent, or a dash. */
export function isFigure(text: string): boolean {
  return /^(—|[-+]?[\d.,]+\s*(%|[a-zA-Zµ]{1,3})?( \(.*\))?)$/.test(text.trim());
}

/** Style for the debate page, on top of the report's. */
const DEBATE_CSS = `
.meta { color: var(--muted); font-size: 13px; display: block; }
.claims li { margin: 4px 0; }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  color: white; background: #5f6368; vertical-align: 1px; }
.verdict.supported { background: #137333; } .verdict.refuted { background: #b3261e; }
.verdict.partly-supported { background: #b06000; }
.verdict-line { font-size: 15px; max-width: 90ch; }
.experiment { color: var(--muted); max-width: 90ch; }
figure.chart { margin: 16px 0 0; max-width: 760px; }
.sources { font-size: 13px; max-width: 90ch; }
code { background: var(--tint); padding: 0 3px; border-radius: 3px; }
`;
