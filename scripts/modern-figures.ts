/**
 * `npm run figures:modern`: the figures of issue 18 that speak to the debate, on every workload and
 * at 1.5x to 6x each collector's minimum heap, for the modern collectors on both sides (immix,
 * sticky-immix, gen-copy; lxr, refcount-trial-deletion) beside the classic ones (mark-sweep,
 * refcount, refcount-deferred) and CPython's: time over no-gc, the longest pause, MMU at 10 ms, peak
 * memory, the share of the reserved memory not live after the final full collection (every
 * collector: free-list holes, idle semispaces, free lines) and fragmentation proper (free bytes in
 * partly used blocks: Immix's free lines for immix, sticky-immix and lxr, the free-list holes of
 * mark-sweep's size-class chunks), and for the
 * counting collectors the share of objects whose count ever exceeded 1, 3 and 7, the count
 * operations saved by coalescing and by deferral, and the share of garbage reclaimed without a
 * backup trace (lxr) or a cycle collection (trial deletion).
 *
 * The matrix runs through @gclab/bench (`runMatrix`, one process per collector) with the collectors
 * of the CLI's registry, like `scripts/bench.ts`; the results JSON is kept (`--results FILE`) so the
 * figures can be read again with `gclab report` or `gclab compare`.
 *
 * Run: `npm run figures:modern -- [--size small] [--workloads a,b] [--heaps 1.5x,2x,3x,4x,6x]
 *   [--collectors a,b] [--invocations 3] [--out FILE.md] [--results FILE.json]`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CellResult, DEFAULT_WORKLOADS, runMatrix, type WorkloadSize } from '@gclab/bench';
import { collectorEntries } from '../apps/compare-cli/src/collector-refs.ts';
import { formatCompactBytes, formatMs, formatRatio } from '../apps/compare-cli/src/report/figures.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    workloads: { type: 'string', default: DEFAULT_WORKLOADS.join(',') },
    heaps: { type: 'string', default: '1.5x,2x,3x,4x,6x' },
    collectors: {
      type: 'string',
      default:
        'refcount,refcount-deferred,refcount-trial-deletion,lxr,cpython,mark-sweep,gen-copy,immix,sticky-immix',
    },
    invocations: { type: 'string', default: '3' },
    out: { type: 'string' },
    results: { type: 'string' },
  },
});

const size = values.size as WorkloadSize;
const workloads = values.workloads.split(',');
const heaps = values.heaps.split(',');
const names = values.collectors.split(',');

const started = Date.now();
const results = await runMatrix(
  {
    workloads,
    collectors: await collectorEntries(names),
    sizes: [size],
    heaps,
    invocations: Number(values.invocations),
    warmup: 1,
    isolation: 'collector',
  },
  (e) => {
    if (e.type === 'min-heap') process.stderr.write(`\r${e.done}/${e.total} minimum heaps`);
    if (e.type === 'cell') process.stderr.write(`\r${e.done}/${e.total} cells        `);
  },
);
process.stderr.write('\n');

/**
 * The count ceilings come from a second, untimed pass (unlimited heap, one invocation) with option
 * `countCeilings` on for the exact counting collectors, so the timed cells above run them as they
 * always run.
 */
const CEILING_COLLECTORS = ['refcount', 'refcount-trial-deletion'].filter((n) => names.includes(n));
const ceilings =
  CEILING_COLLECTORS.length === 0
    ? null
    : await runMatrix({
        workloads,
        collectors: await collectorEntries(CEILING_COLLECTORS),
        sizes: [size],
        invocations: 1,
        warmup: 0,
        isolation: 'collector',
        baseline: null,
        collectorOptions: Object.fromEntries(CEILING_COLLECTORS.map((n) => [n, { countCeilings: true }])),
      });
if (values.results !== undefined) writeFileSync(values.results, `${JSON.stringify(results)}\n`);

/** A collector statistic of a cell, or undefined. */
const stat = (c: CellResult, key: string): number | undefined => c.measurement?.collector[key];
const pct = (x: number | undefined): string => (x === undefined ? '' : `${(x * 100).toFixed(1)}%`);

/** The counting collectors' own figures: count ceilings, operations saved, what the backup left. */
function countingText(c: CellResult): string {
  const parts: string[] = [];
  const tallied = ceilings?.cells.find(
    (t) => t.cell.workload === c.cell.workload && t.cell.collector === c.cell.collector && t.status === 'ok',
  );
  const above1 = tallied === undefined ? undefined : stat(tallied, 'countAbove1Share');
  if (tallied !== undefined && above1 !== undefined)
    parts.push(
      `count >1/>3/>7: ${pct(above1)}/${pct(stat(tallied, 'countAbove3Share'))}/${pct(stat(tallied, 'countAbove7Share'))}`,
    );
  const coalesced = stat(c, 'storesCoalesced');
  const deferred = stat(c, 'rootOpsSaved') ?? stat(c, 'rcOpsSaved');
  if (coalesced !== undefined) parts.push(`coalesced ${coalesced}`);
  if (deferred !== undefined) parts.push(`deferral saved ${deferred}`);
  const young = stat(c, 'youngFreed');
  if (young !== undefined) parts.push(`young never counted ${young}`);
  const rcFreed = stat(c, 'rcFreed');
  const traceFreed = stat(c, 'traceFreed');
  if (rcFreed !== undefined && traceFreed !== undefined && rcFreed + traceFreed > 0)
    parts.push(`freed without backup trace ${pct(rcFreed / (rcFreed + traceFreed))}`);
  const white = stat(c, 'freedWhite');
  const freed = c.measurement?.counters.objectsFreed;
  if (white !== undefined && freed !== undefined && freed > 0)
    parts.push(`freed without cycle collection ${pct(1 - white / freed)}`);
  return parts.join('; ');
}

/**
 * Fragmentation: free bytes inside partly used blocks (Immix's free lines, usable by any object) or
 * chunks (mark-sweep's free-list holes, usable only by objects of the chunk's size class), as a share
 * of the space's reserved bytes.
 */
function freeLines(c: CellResult): string {
  const free = stat(c, 'fragmentedBytes');
  const reserved = stat(c, 'spaceReservedBytes');
  return free === undefined || reserved === undefined || reserved === 0
    ? ''
    : `${formatCompactBytes(free)} (${pct(free / reserved)})`;
}

const lines: string[] = [
  '# Modern collectors on every workload',
  '',
  `Size ${size}, heaps ${heaps.join(', ')} of each collector's minimum heap, ${values.invocations} timed ` +
    `invocations per cell (medians); ${results.machine.cpus} CPU ${results.machine.cpuModel}, Node ${process.version}. ${Math.round((Date.now() - started) / 1000)} s.`,
  '',
];
for (const workload of workloads) {
  lines.push(`## ${workload}`, '');
  lines.push(
    '| collector | heap | time | vs no-gc | longest pause | MMU 10 ms | peak reserved | not live after gc | free in partly used blocks | counting |',
    '| :-- | :-- | --: | --: | --: | --: | --: | --: | --: | :-- |',
  );
  for (const c of results.cells) {
    if (c.cell.workload.split(':')[0] !== workload || c.cell.collector === 'no-gc') continue;
    const heap = c.cell.heap.kind === 'multiple' ? `${c.cell.heap.multiple}x` : c.cell.heap.kind;
    if (c.status !== 'ok' || c.summary === null || c.measurement === null) {
      lines.push(`| ${c.cell.collector} | ${heap} | ${c.status} | | | | | | | |`);
      continue;
    }
    const m = c.measurement;
    lines.push(
      `| ${c.cell.collector} | ${heap} | ${formatMs(c.summary.wallMs.median)} | ` +
        `${c.overheadVsNoGc === null || c.overheadVsNoGc === undefined ? '—' : formatRatio(c.overheadVsNoGc)} | ` +
        `${formatMs(c.summary.pauseMaxMs.median)} | ${c.summary.mmu10ms === null ? '—' : c.summary.mmu10ms.median.toFixed(2)} | ` +
        `${formatCompactBytes(m.memory.peakReservedBytes)} | ${pct(m.memory.fragmentation)} | ${freeLines(c)} | ${countingText(c)} |`,
    );
  }
  lines.push('');
}
const text = `${lines.join('\n')}\n`;
if (values.out !== undefined) writeFileSync(values.out, text);
else process.stdout.write(text);
