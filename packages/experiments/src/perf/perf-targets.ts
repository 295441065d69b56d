/**
 * The nine figures of `npm run perf` (issue 9, "Performance"; figure 8 from issue 18, figure 9 from issue 20) and their targets, built from the
 * measurements of this directory. Every ratio pairs runs made alternately: its median is the median
 * of the run-by-run ratios, not the ratio of the medians.
 */
import type { CascadeResult } from './cascade.ts';
import type { FullCollectionResult } from './full-collection.ts';
import type { HostMemoryResult } from './host-memory.ts';
import type { OperationMixResult } from './operation-mix.ts';
import {
  figure,
  formatNumber,
  type Measured,
  type PerfFigure,
  pairedRatios,
  summarize,
  unmeasured,
} from './perf-figure.ts';
import type { TraceReplayResult } from './trace-replay.ts';

/** The targets: every judged median must be at most its target. */
export const PERF_TARGETS = {
  /** 1: full collection, gclab / V8, at every size. */
  fullCollectionRatio: 0.35,
  /** 2: the cpython differential mix, gclab / CPython 3.11. */
  mixRatio: 0.25,
  /** 3: refcount cascade freeing the tree, gclab / CPython deleting it. */
  cascadeRatio: 0.35,
  /** 4: mark phase / bare typed-array mark loop. */
  markOverBare: 2,
  /** 5: host bytes per simulated two-field object. */
  bytesPerObject: 32,
  /** 6: mark time per object at the largest size / at the smallest. */
  scaling: 1.25,
  /** 7: wall seconds of the default `npx gclab run`. */
  gclabRunSeconds: 60,
  /** 8: immix's mark phase / the bare typed-array mark loop. */
  immixMarkOverBare: 1.5,
  /** 9: replaying a trace file / driving the heap API directly with the same operations, under no-gc. */
  traceReplayRatio: 2,
} as const;

/** `1M`, `2.5M`, `500k`: a size in objects. */
export function sizeLabel(n: number): string {
  if (n >= 1e6) return `${n / 1e6}M`;
  if (n >= 1e3) return `${n / 1e3}k`;
  return String(n);
}

const measured = (name: string, unit: string, runs: number[]): Measured => ({
  name,
  unit,
  summary: summarize(runs),
});

/** Figures 1 (gclab / V8 per size), 4 (mark / bare loop per size) and 6 (scaling). */
export function fullCollectionFigures(collector: string, result: FullCollectionResult): PerfFigure[] {
  const out: PerfFigure[] = [];
  for (const s of result.sizes) {
    out.push(
      figure({
        id: 1,
        key: `full-collection-${sizeLabel(s.nodes)}`,
        title: `${collector} full collection of a live ${sizeLabel(s.nodes)}-object binary tree`,
        gclab: measured(`${collector} gc`, 'ms', s.gclabMs),
        anchor: measured('V8 gc()', 'ms', s.v8Ms),
        judged: measured('gclab / V8', '', pairedRatios(s.gclabMs, s.v8Ms)),
        target: PERF_TARGETS.fullCollectionRatio,
        targetText: `ratio <= ${PERF_TARGETS.fullCollectionRatio}`,
      }),
    );
  }
  for (const s of result.sizes) {
    out.push(
      figure({
        id: 4,
        key: `mark-vs-bare-${sizeLabel(s.nodes)}`,
        title: `${collector} mark phase beside a bare typed-array mark loop, ${sizeLabel(s.nodes)} objects`,
        gclab: measured(`${collector} mark`, 'ms', s.markMs),
        anchor: measured('bare loop', 'ms', s.bareMs),
        judged: measured('mark / bare', '', pairedRatios(s.markMs, s.bareMs)),
        target: PERF_TARGETS.markOverBare,
        targetText: `ratio <= ${PERF_TARGETS.markOverBare}`,
      }),
    );
  }
  const base = result.scalingBase;
  const largest = result.sizes[result.sizes.length - 1];
  const scalingFields = {
    id: 6,
    key: 'mark-scaling',
    title: `${collector} mark time per object at the largest tree beside the smallest`,
    target: PERF_TARGETS.scaling,
    targetText: `ratio <= ${PERF_TARGETS.scaling}`,
  };
  if (base === null || largest === undefined || base.markMs.length === 0) {
    out.push(unmeasured(scalingFields, 'needs at least two tree sizes'));
  } else {
    const perLarge = largest.markMs.map((ms) => (ms * 1e6) / largest.nodes);
    const perBase = base.markMs.map((ms) => (ms * 1e6) / base.nodes);
    // The machine's own scaling, for comparison: the bare loop's time per object, largest / smallest.
    const smallest = result.sizes[0]!;
    const bareLarge = summarize(largest.bareMs).median / largest.nodes;
    const bareSmall = summarize(smallest.bareMs).median / smallest.nodes;
    out.push(
      figure({
        ...scalingFields,
        note: `the bare loop's own ${sizeLabel(largest.nodes)} / ${sizeLabel(smallest.nodes)}: ${formatNumber(bareLarge / bareSmall)}`,
        title: `${collector} mark time per object, ${sizeLabel(largest.nodes)} beside ${sizeLabel(base.nodes)}`,
        gclab: measured(`mark at ${sizeLabel(largest.nodes)}`, 'ns/object', perLarge),
        anchor: measured(`mark at ${sizeLabel(base.nodes)}`, 'ns/object', perBase),
        judged: measured(
          `${sizeLabel(largest.nodes)} / ${sizeLabel(base.nodes)}`,
          '',
          pairedRatios(perLarge, perBase),
        ),
      }),
    );
  }
  return out;
}

/** Figure 8 (per size): immix's full-heap trace (mark pause) beside the bare mark loop over the same tree. */
export function immixMarkFigures(collector: string, result: FullCollectionResult): PerfFigure[] {
  return result.sizes.map((s) =>
    figure({
      id: 8,
      key: `immix-mark-vs-bare-${sizeLabel(s.nodes)}`,
      title: `${collector} full-heap trace beside a bare typed-array mark loop, ${sizeLabel(s.nodes)} objects`,
      gclab: measured(`${collector} mark`, 'ms', s.markMs),
      anchor: measured('bare loop', 'ms', s.bareMs),
      judged: measured('mark / bare', '', pairedRatios(s.markMs, s.bareMs)),
      target: PERF_TARGETS.immixMarkOverBare,
      targetText: `ratio <= ${PERF_TARGETS.immixMarkOverBare}`,
    }),
  );
}

/** Figure 2: the operation mix beside the anchor. */
export function operationMixFigure(
  collector: string,
  anchorName: string,
  result: OperationMixResult,
): PerfFigure {
  return figure({
    id: 2,
    key: 'operation-mix',
    title: `${collector} running the differential operation mix (${result.ops} heap operations)`,
    gclab: measured(collector, 'ms', result.gclabMs),
    anchor: measured(anchorName, 'ms', result.anchorMs),
    judged: measured(`gclab / ${anchorName}`, '', pairedRatios(result.gclabMs, result.anchorMs)),
    target: PERF_TARGETS.mixRatio,
    targetText: `ratio <= ${PERF_TARGETS.mixRatio}`,
  });
}

/** Figure 3: the cascade beside the anchor. */
export function cascadeFigure(collector: string, anchorName: string, result: CascadeResult): PerfFigure {
  return figure({
    id: 3,
    key: 'cascade',
    title: `${collector} cascade freeing a ${sizeLabel(result.nodes)}-node binary tree`,
    gclab: measured(`${collector} del`, 'ms', result.gclabMs),
    anchor: measured(anchorName, 'ms', result.anchorMs),
    judged: measured(`gclab / ${anchorName}`, '', pairedRatios(result.gclabMs, result.anchorMs)),
    target: PERF_TARGETS.cascadeRatio,
    targetText: `ratio <= ${PERF_TARGETS.cascadeRatio}`,
  });
}

/** Figure 5: host bytes per object, one fresh process per run. */
export function hostMemoryFigure(collector: string, runs: readonly HostMemoryResult[]): PerfFigure {
  const first = runs[0];
  const fields = {
    id: 5,
    key: 'host-memory',
    title: `host memory per two-field object under ${collector}`,
    target: PERF_TARGETS.bytesPerObject,
    targetText: `<= ${PERF_TARGETS.bytesPerObject} B/object`,
  };
  if (first === undefined) return unmeasured(fields, 'no run');
  const simulated = first.simulatedBytes / first.nodes;
  return figure({
    ...fields,
    title: `${fields.title} (${sizeLabel(first.nodes)} objects of ${simulated} simulated bytes)`,
    gclab: measured(
      'process total',
      'B/object',
      runs.map((r) => r.perObject),
    ),
    anchor: measured(
      'growth over the empty process',
      'B/object',
      runs.map((r) => r.perObjectGrowth),
    ),
    judged: measured(
      'process total',
      'B/object',
      runs.map((r) => r.perObject),
    ),
  });
}

/** Figure 7: wall seconds of the default `npx gclab run`, or why it could not be measured. */
export function gclabRunFigure(seconds: readonly number[] | string): PerfFigure {
  const fields = {
    id: 7,
    key: 'gclab-run',
    title: 'the default `npx gclab run`, wall time',
    target: PERF_TARGETS.gclabRunSeconds,
    targetText: `<= ${PERF_TARGETS.gclabRunSeconds} s`,
  };
  if (typeof seconds === 'string') return unmeasured(fields, seconds);
  return figure({
    ...fields,
    gclab: measured('npx gclab run', 's', [...seconds]),
    judged: measured('wall', 's', [...seconds]),
  });
}

/** Figure 9: `replayTraceFile` beside the heap API driven directly with the same operations. */
export function traceReplayFigure(collector: string, result: TraceReplayResult): PerfFigure {
  const replay = summarize(result.replayMs).median;
  const opsPerSecond = result.ops / replay / 1000;
  const bytesPerSecond = result.bytes / replay / 1000;
  // CPU time leaves out the waits for a core that inflate wall time on a loaded machine.
  const replayCpu = summarize(result.replayCpuMs).median;
  const directCpu = summarize(result.directCpuMs).median;
  const cpuRatio = summarize(pairedRatios(result.replayCpuMs, result.directCpuMs)).median;
  return figure({
    id: 9,
    key: 'trace-replay',
    title: `${collector} replaying a trace file of ${result.ops} operations (${formatNumber(result.bytes / 1e6)} MB) beside the heap API`,
    gclab: measured('replayTraceFile', 'ms', result.replayMs),
    anchor: measured('heap API', 'ms', result.directMs),
    judged: measured('replay / heap API', '', pairedRatios(result.replayMs, result.directMs)),
    target: PERF_TARGETS.traceReplayRatio,
    targetText: `ratio <= ${PERF_TARGETS.traceReplayRatio}`,
    note:
      `replay at ${formatNumber(opsPerSecond)} M operations/s, ${formatNumber(bytesPerSecond)} MB/s of trace text (median run); ` +
      `CPU time (median): replay ${formatNumber(replayCpu)} ms, heap API ${formatNumber(directCpu)} ms, ratio ${formatNumber(cpuRatio)}`,
  });
}
