/**
 * End to end: a heap snapshot written by Chromium's DevTools protocol (`HeapProfiler.takeHeapSnapshot`,
 * what DevTools' Memory panel saves: its `node_fields` carry `detachedness`, its meta the trace and
 * location fields a Node snapshot leaves empty) read by `gclab census`. The page builds a binary
 * tree whose nodes point to their parents. Skipped locally without Chromium; on CI (CI=true) it
 * fails, as .ci/setup-system installs it.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Census } from '@gclab/experiments';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-in-process.ts';
import { CHROMIUM_AVAILABLE as available, CHROMIUM, CHROMIUM_ARGS, ON_CI as onCi } from './chromium.ts';

/** A page holding a binary tree of 2^11 - 1 nodes, each `{ parent, children }`. */
const PAGE = `<html><body><script>
window.tree = (function build(depth, parent) {
  const node = { parent, children: [] };
  if (depth > 0) node.children.push(build(depth - 1, node), build(depth - 1, node));
  return node;
})(10, null);
</script></body></html>`;

describe("Chromium's heap snapshot", () => {
  it.skipIf(!available && !onCi)(
    'gclab census reads it: the page tree in cycles, counting alone leaving it, tracing not',
    async () => {
      if (!available)
        expect.fail(`${CHROMIUM} is missing: install Debian's chromium package (.ci/setup-system does)`);
      const dir = mkdtempSync(join(tmpdir(), 'gclab-devtools-'));
      const file = join(dir, 'page.heapsnapshot');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage();
        await page.setContent(PAGE);
        const cdp = await page.context().newCDPSession(page);
        const out = createWriteStream(file);
        cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => out.write(e.chunk));
        await cdp.send('HeapProfiler.enable');
        await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
        await new Promise<void>((resolve) => out.end(resolve));
      } finally {
        await browser.close();
      }
      try {
        const r = await runCli(['census', file, '-s', 'refcount,mark-sweep', '--json']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const c = JSON.parse(r.stdout) as Census;
        expect(c.format).toBe('v8');
        // The tree's 2,047 nodes are plain Objects (and each has a children Array).
        expect(c.types.find((t) => t.type === 'Object')?.objects).toBeGreaterThanOrEqual(2047);
        expect(c.cycles.largest).toBeGreaterThanOrEqual(2047);
        const [rc, ms] = c.collectors;
        expect(rc!.leakedObjects).toBeGreaterThanOrEqual(c.cycles.objects);
        expect(ms!.leakedObjects).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
