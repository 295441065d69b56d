/**
 * End to end: the HTML report of a real run (the results fixture) opened in headless Chromium
 * (Debian's `chromium` package, driven by playwright-core). Asserts that every chart rendered
 * marks, that the page logged no error and fetched nothing, and saves a screenshot in out/ (git-ignored).
 * Without Chromium the test is skipped locally; on CI (CI=true) it fails, as .ci/setup-system
 * installs it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html-report.ts';
import { loadResultsFixture } from '../report/fixture.ts';
import { ROOT } from '../run-cli.ts';
import { CHROMIUM_AVAILABLE as available, CHROMIUM, CHROMIUM_ARGS, ON_CI as onCi } from './chromium.ts';

describe('the HTML report in Chromium', () => {
  it.skipIf(!available && !onCi)(
    'renders every chart, logs no error, fetches nothing, and is screenshotted',
    async () => {
      if (!available)
        expect.fail(`${CHROMIUM} is missing: install Debian's chromium package (.ci/setup-system does)`);
      const dir = mkdtempSync(join(tmpdir(), 'gclab-report-'));
      const file = join(dir, 'report.html');
      writeFileSync(file, renderHtmlReport(loadResultsFixture()));
      const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 900 },
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) requests.push(r.url());
        });
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

        // Every chart (a Plot SVG) has marks, and the marks drew shapes.
        // Plot's chart SVGs have a `plot-…` class; legend swatches have none.
        const charts = await page.$$eval('figure.chart svg[class^="plot-"]', (svgs) =>
          svgs.map((svg) => ({
            marks: svg.querySelectorAll('[aria-label]').length,
            shapes: svg.querySelectorAll('path, circle, line, rect').length,
            width: svg.getBoundingClientRect().width,
          })),
        );
        expect(charts.length).toBe(11); // the overview, and 5 per workload
        for (const c of charts) {
          expect(c.marks).toBeGreaterThan(0);
          expect(c.shapes).toBeGreaterThan(0);
          expect(c.width).toBeGreaterThan(300);
        }
        // Lines of the MMU, memory and garbage charts, and dots of the pause charts.
        expect(await page.locator('svg [aria-label="line"] path').count()).toBeGreaterThan(10);
        expect(
          await page.locator('svg [aria-label="dot"] path, svg [aria-label="dot"] circle').count(),
        ).toBeGreaterThan(20);
        // Tables are laid out with a row per cell.
        expect(await page.locator('section table:not(.kv) tbody tr').count()).toBe(22);
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);

        const out = join(ROOT, 'out');
        mkdirSync(out, { recursive: true });
        await page.screenshot({ path: join(out, 'report-screenshot.png'), fullPage: true });
        expect(existsSync(join(out, 'report-screenshot.png'))).toBe(true);
      } finally {
        await context.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
