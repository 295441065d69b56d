/**
 * The text form of the `threads` experiment: the variants' throughput at 1 and N threads with the
 * ratios that matter (one-thread time over gil, scaling), the count updates per operation, the
 * contention runs, tracing's collections and the non-atomic demonstration's lost updates. Medians
 * with [min - max] of the repeated runs; a ratio marked `*` is a counted difference.
 */
import { formatNumber, type RunSummary } from '../perf/perf-figure.ts';
import { wrap } from '../wrap.ts';
import {
  COUNTED_DIFFERENCE,
  countedRatio,
  type DemonstrationRun,
  type ThreadsExperimentResult,
  type VariantFigures,
} from './threads-experiment.ts';

/** `median [min - max]`. */
export function formatSpread(s: RunSummary, digits = 2): string {
  return `${s.median.toFixed(digits)} [${s.min.toFixed(digits)} - ${s.max.toFixed(digits)}]`;
}

/** A ratio with its spread, `*` when it is a counted difference from 1. */
export function formatRatioSpread(s: RunSummary): string {
  return `${formatSpread(s)}x${countedRatio(s) ? ' *' : ''}`;
}

/**
 * A variant's row: name, throughput at 1 and N threads, one-thread time over gil, scaling, then count
 * updates, atomic updates and immortal skips per operation (`none` for tracing, which counts nothing).
 */
export function variantCells(v: VariantFigures, none: string): string[] {
  const perOp = (x: number | undefined): string => (x === undefined ? none : x.toFixed(3));
  return [
    v.variant,
    formatSpread(v.one),
    formatSpread(v.many),
    formatRatioSpread(v.timeOverGil),
    formatRatioSpread(v.scaling),
    perOp(v.perOp?.updates),
    perOp(v.perOp?.atomic),
    perOp(v.perOp?.immortalSkips),
  ];
}

/** `n noun what`, singular or plural; empty when n is 0. */
function counted(n: number, one: string, many: string, what: string): string {
  return n === 0 ? '' : `${n} ${n === 1 ? one : many} ${what}`;
}

/** What one demonstration run's check found, in words. */
export function describeLoss(r: DemonstrationRun): string {
  if (r.error !== null) return `the run ended in an error: ${r.error}`;
  if (!r.lost) return 'no update lost (the final check passed)';
  const parts = [
    counted(r.countsTooLow, 'count', 'counts', 'too low (lost increments)'),
    counted(r.countsTooHigh, 'count', 'counts', 'too high (lost decrements)'),
    counted(r.freedWhileReachable, 'object', 'objects', 'freed while reachable'),
    counted(r.danglingReferences, 'reference', 'references', 'to freed cells'),
    counted(r.unreachable, 'unreachable object', 'unreachable objects', 'leaked'),
  ].filter((p) => p !== '');
  return parts.join(', ');
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const count = (n: number): string => n.toLocaleString('en-US');

/** The text form. */
export function formatThreadsExperiment(r: ThreadsExperimentResult): string {
  const n = r.threads;
  const m = r.machine;
  const lines: string[] = [
    `threads: reference counting without a GIL on real threads (size ${r.size}: ${count(r.opsPerThread)} operations ` +
      `per thread, ${r.invocations} timed runs after ${r.warmup} warm-up, seed ${r.seed})`,
    `machine: ${m.cores} cores (${m.cpuModel}), Node ${m.node}, load average ${m.loadBefore.toFixed(2)} before, ` +
      `${m.loadAfter.toFixed(2)} after`,
    '',
    `Throughput in millions of operations a second, median [min - max]; nothing shared, ${pct(r.singletons)} of copies a singleton:`,
  ];
  const head = [
    'variant',
    '1 thread',
    `${n} threads`,
    '1-thread time / gil',
    `scaling ${n}/1`,
    'updates/op',
    'atomic/op',
    'immortal/op',
  ];
  lines.push(
    ...table(
      head,
      r.variants.map((v) => variantCells(v, '-')),
    ),
  );
  lines.push(
    `* a counted difference: at least ${pct(COUNTED_DIFFERENCE)} from 1 at the median, every run on the same side.`,
  );
  const tracing = r.variants.find((v) => v.variant === 'tracing');
  if (tracing !== undefined) {
    lines.push(
      '',
      wrap(
        `Tracing, for the same work: ${tracing.collections} stop-the-world collections in a one-thread run ` +
          `(heap ${r.heapPerThreadBytes / 1024} KiB per thread), longest stop at ${n} threads ` +
          `${formatNumber(tracing.pauseMaxMs)} ms.`,
        100,
      ),
    );
  }
  if (r.contention.length > 0) {
    lines.push(
      '',
      `Contention at ${n} threads, throughput relative to the same variant with nothing shared and no singleton:`,
    );
    lines.push(
      ...table(
        ['variant', 'shared', 'singletons', 'Mops/s', 'relative', 'atomic/op'],
        r.contention.map((c) => [
          c.variant,
          pct(c.shared),
          pct(c.singletons),
          formatSpread(c.throughput),
          formatRatioSpread(c.relative),
          c.atomicPerOp.toFixed(3),
        ]),
      ),
    );
  }
  const d = r.demonstration;
  if (d === null) {
    lines.push('', 'The non-atomic demonstration needs 2 threads or more: not run.');
  } else {
    const lost = d.runs.filter((x) => x.lost).length;
    lines.push(
      '',
      `The non-atomic demonstration (${d.threads} threads, ${count(d.opsPerThread)} operations each, every source ` +
        'shared, every copy a singleton):',
      ...d.runs.map((x, i) => wrap(`run ${i + 1}: ${describeLoss(x)}`, 100)),
      `updates lost in ${lost} of ${d.runs.length} runs.`,
    );
  }
  if (r.retried.length > 0)
    lines.push(
      '',
      'Non-atomic runs ended by their lost updates and run again:',
      ...r.retried.map((x) => `  ${x}`),
    );
  lines.push(
    '',
    r.failures.length === 0
      ? 'Every run of a correct variant passed the final graph check.'
      : `FAILED final checks:\n${r.failures.map((f) => `  ${f}`).join('\n')}`,
  );
  return `${lines.join('\n')}\n`;
}

function table(head: readonly string[], rows: readonly string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}
