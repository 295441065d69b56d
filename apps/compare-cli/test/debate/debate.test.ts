/**
 * The debate on a small real run (four workloads, five collectors, one invocation and no warm-up, two heap sizes
 * for the time-space curves, the threads experiment's small preset with one timed run each): every claim is judged from the measurements, the numbers in the
 * verdicts are the measured ones, and the Markdown and HTML reports are written with their charts.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIG_DEL_SHAPES } from '@gclab/bench';
import { THREAD_VARIANTS } from '@gclab/threads';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClaimResult } from '../../src/debate/claims/claim.ts';
import { GIL_SOURCES } from '../../src/debate/claims/gil.ts';
import { evaluateClaims } from '../../src/debate/claims/index.ts';
import { type DebateData, EXAMPLE_SNAPSHOT, runDebateExperiments } from '../../src/debate/debate-data.ts';
import { isFigure, prose, writeDebate } from '../../src/debate/debate-report.ts';
import { formatCompactBytes, formatCount } from '../../src/report/figures.ts';
import { ROOT } from '../run-cli.ts';

let data: DebateData;
let claims: ClaimResult[];
let dir: string;

beforeAll(async () => {
  data = await runDebateExperiments({
    size: 'small',
    timing: { invocations: 1, minTimedMs: 0, maxInvocations: 1 },
    warmup: 0,
    plan: {
      workloads: ['churn', 'rings', 'big-del', 'jupyter-globals'],
      collectors: ['no-gc', 'refcount', 'cpython', 'mark-sweep', 'incremental'],
      acyclic: ['churn'],
      timeSpaceWorkload: 'rings',
      timeSpaceCollectors: ['cpython', 'mark-sweep'],
      timeSpaceHeaps: ['2x', '4x'],
      pythonVersions: ['3.11', '3.14'],
      realHeapSnapshots: [join(ROOT, EXAMPLE_SNAPSHOT)],
    },
  });
  claims = evaluateClaims(data);
  dir = mkdtempSync(join(tmpdir(), 'gclab-debate-'));
  writeDebate(dir, data, claims);
}, 240_000); // the matrices, the threads experiment and the real-heap census, on a busy 2-core machine

const claim = (n: number): ClaimResult => claims.find((c) => c.number === n)!;
const cell = (workload: string, collector: string) =>
  data.main.cells.find((c) => c.cell.workload === workload && c.cell.collector === collector)!;

describe('gclab debate', () => {
  it('claims 3, 6 and 7 gain a real-heap table from the example snapshot (figures exact: the file is fixed)', () => {
    expect(data.realHeaps.map((c) => c.file)).toEqual([EXAMPLE_SNAPSHOT]);
    // 3: 20.5% of the objects in cycles, the largest 6308; refcount leaves 28571 objects, cpython none.
    expect(claim(3).realHeap!.table.rows).toEqual([
      ['json-loads.pyheap', '33.6k', '21%', '31%', '6.31k', '28.6k (85%)', '0 (0.0%)'],
    ]);
    expect(claim(3).paragraph).toContain("21% of json-loads.pyheap's objects are in cycles");
    // 6: counting frees the acyclic part at the drop, and leaves the rest.
    const row6 = claim(6).realHeap!.table.rows[0]!;
    expect(row6.slice(0, 2)).toEqual([
      'json-loads.pyheap',
      formatCompactBytes(data.realHeaps[0]!.collectors[1]!.heapBytes),
    ]);
    expect(claim(6).paragraph).toContain('of json-loads.pyheap (leaving');
    // 7: one word in 16 bytes a header under refcount, four in 32 under cpython, on this heap's sizes.
    expect(claim(7).realHeap!.table.head).toEqual([
      'heap',
      'objects',
      'mean size',
      'refcount headers',
      'cpython headers',
      'mark-sweep headers',
      'refcount heap vs no-gc',
    ]);
    expect(claim(7).realHeap!.table.rows).toEqual([
      ['json-loads.pyheap', '33.6k', '142 B', '11%', '19%', '5.6%', '+5.6%'],
    ]);
    expect(readFileSync(join(dir, 'debate.md'), 'utf8').split('*Real heaps.*').length).toBe(1 + 3);
    expect(readFileSync(join(dir, 'debate.html'), 'utf8').split('<strong>Real heaps.</strong>').length).toBe(
      1 + 3,
    );
  });

  it('judges the ten claims, each with an experiment, a table of figures and a verdict paragraph', () => {
    expect(claims.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const c of claims) {
      expect(c.experiment.length, `claim ${c.number}`).toBeGreaterThan(80);
      expect(c.paragraph.length, `claim ${c.number}`).toBeGreaterThan(150);
      expect(c.table.rows.length, `claim ${c.number}`).toBeGreaterThan(0);
      for (const row of c.table.rows) expect(row.length).toBe(c.table.head.length);
    }
    expect(data.main.cells.every((c) => c.status === 'ok')).toBe(true);
  });

  it('the deterministic claims get their verdicts, with the measured figures in the text', () => {
    // 1: obmalloc keeps every arena after half the blocks are freed.
    const release = data.memoryRelease.phases;
    expect(claim(1).verdict).toBe('supported');
    expect(release[1]!.reservedBytes).toBe(release[0]!.reservedBytes);
    // 3: refcount leaks the rings, the cycle collector and tracing do not.
    const leaked = cell('rings', 'refcount').measurement!.garbage.leakedBytes;
    expect(leaked).toBeGreaterThan(0);
    expect(cell('rings', 'cpython').measurement!.garbage.leakedBytes).toBe(0);
    expect(cell('rings', 'mark-sweep').measurement!.garbage.leakedBytes).toBe(0);
    expect(claim(3).verdict).toBe('supported');
    expect(claim(3).paragraph).toContain(`refcount ${formatCompactBytes(leaked)}`);
    // 4: 2, 4, 2 / 2, 3, 2 / 2, 2, 2 in the three conventions; the real 3.14 passes a borrowed local.
    expect(claim(4).verdict).toBe('partly supported');
    expect(claim(4).table.rows.find((r) => r[0] === 'refcount')).toEqual([
      'refcount',
      '2, 4, 2',
      '2, 3, 2',
      '2, 2, 2',
      '1, 2',
    ]);
    expect(data.getrefcountVersions.map((v) => [v.version, v.real])).toEqual([
      ['3.11', [2, 3, 2]],
      ['3.14', [2, 2, 2]],
    ]);
    expect(claim(4).paragraph).toContain('The real interpreters print: 3.11 2, 3, 2; 3.14 2, 2, 2.');
    expect(claim(4).paragraph).toContain('for argument passing only up to 3.13');
    // 5: what refcount freed at del is quoted.
    const del = cell('jupyter-globals', 'refcount').measurement!.frees.bytesByOp.del!;
    expect(claim(5).paragraph).toContain(`\`del\` freed ${formatCompactBytes(del)} at once`);
    // 8: the whole structure freed in one cascade.
    const workMax = cell('big-del', 'refcount').measurement!.pauses.workMax;
    expect(workMax).toBeGreaterThanOrEqual(BIG_DEL_SHAPES.small.elements);
    expect(claim(8).verdict).toBe('refuted');
    expect(claim(8).paragraph).toContain(
      `freed ${formatCount(workMax)} objects, the whole structure, in one cascade`,
    );
  });

  it('claim 9 compares on time-space curves; claim 10 is judged on threaded runs, its published figures beside them', () => {
    expect(claim(9).table.rows.length).toBe(4); // two collectors x two heap sizes
    expect(['supported', 'partly supported', 'refuted']).toContain(claim(9).verdict);
    expect(claim(10).sources).toEqual(GIL_SOURCES);
    expect(claim(10).sources!.map((s) => s.url)).toContain('https://peps.python.org/pep-0703/#performance');
    expect(claim(10).table.rows.map((r) => r[0])).toEqual(THREAD_VARIANTS.map((v) => v.name));
    // The small preset at the machine's cores; the one-thread count updates are the experiment's.
    expect(data.threads.size).toBe('small');
    expect(data.threads.failures).toEqual([]);
    const atomic = data.threads.variants.find((v) => v.variant === 'atomic')!;
    expect(claim(10).table.rows[1]![5]).toBe(atomic.perOp!.updates.toFixed(3));
    expect(claim(10).chart?.kind).toBe('bars');
  });

  it('writes Markdown with a chart file per chart, HTML with inline charts, and the results files', () => {
    const md = readFileSync(join(dir, 'debate.md'), 'utf8');
    for (let n = 1; n <= 11; n++) expect(md).toMatch(new RegExp(`^## ${n}\\. `, 'm'));
    const charts = [...md.matchAll(/!\[[^\]]*\]\((claim-\d+\.svg)\)/g)].map((m) => m[1]!);
    expect(charts.length).toBeGreaterThanOrEqual(7);
    for (const f of charts) {
      const svg = readFileSync(join(dir, f), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), f).toBe(true);
    }
    const html = readFileSync(join(dir, 'debate.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html.match(/<svg[^>]*class="plot-/g)?.length).toBe(charts.length);
    expect(html).toContain('<span class="verdict refuted">refuted</span>');
    expect(existsSync(join(dir, 'main.json'))).toBe(true);
    expect(existsSync(join(dir, 'time-space.json'))).toBe(true);
    const threads = JSON.parse(readFileSync(join(dir, 'threads.json'), 'utf8')) as DebateData['threads'];
    expect(threads.experiment).toBe('threads');
    expect(threads.variants.map((v) => v.perOp?.updates ?? null)).toEqual(
      data.threads.variants.map((v) => v.perOp?.updates ?? null),
    );
  });

  it('formats code spans and recognises figures for alignment', () => {
    expect(prose('`del` <x>')).toBe('<code>del</code> &#60;x&#62;');
    expect(['12 ms', '+5.0%', '1.2M', '0 B', '—', '424 ms (380 ms–725 ms)', '3'].every(isFigure)).toBe(true);
    expect(['refcount', 'binary-trees', '2, 3, 2'].some(isFigure)).toBe(false);
  });
});
