/**
 * The HTML report of `gclab census`: one self-contained page (the report's page and style), each
 * section's table and its chart drawn by the debate's bar-chart module.
 */
import type { Census } from '@gclab/experiments';
import { renderClaimChart } from '../debate/claims/chart.ts';
import { ChartRenderer } from '../report/charts.ts';
import { esc, page } from '../report/html-report.ts';
import { collectorPalette } from '../report/palette.ts';
import { CENSUS_NOTES, censusFailures, censusHeadline, censusSections } from './census-tables.ts';

/** Renders the census of one or more snapshots as one HTML page. */
export function renderCensusHtml(censuses: readonly Census[]): string {
  const names = censuses.flatMap((c) => c.collectors.map((k) => k.name));
  const charts = new ChartRenderer(collectorPalette(names));
  const body = censuses.map((c) => {
    const sections = censusSections(c).map((s) => {
      const svg = s.chart === undefined ? null : renderClaimChart(charts, s.chart);
      const head = `<tr>${s.table.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
      const rows = s.table.rows
        .map((r) => `<tr>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`)
        .join('\n');
      return `<section>\n<h3>${esc(s.title)}</h3>\n<table>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody>\n</table>\n${svg === null ? '' : `<figure>${svg}<figcaption>${esc(s.chart!.caption)}</figcaption></figure>`}\n</section>`;
    });
    const failures = censusFailures(c);
    const failed =
      failures.length === 0
        ? ''
        : `\n<h3>Did not run to the end</h3>\n<ul>${failures.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`;
    return `<h2>${esc(c.file)}</h2>\n<p>${esc(censusHeadline(c))}</p>\n${sections.join('\n')}${failed}`;
  });
  const notes = `<ul>${CENSUS_NOTES.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
  return page('gclab heap census', `<h1>Heap census</h1>\n${body.join('\n')}\n${notes}`);
}
