/**
 * Claim 2: "Reference counting is incredibly efficient and straightforward", judged on the acyclic
 * workloads: promptness (garbage peak), peak memory and wall time of refcount against the tracing
 * collectors; beside them the two modern sides (`modern-sides.ts`): lxr against the fastest of
 * immix, sticky-immix and gen-copy.
 */
import type { CellResult } from '@gclab/bench';
import { formatMs, formatRatio } from '../../report/figures.ts';
import type { DebateData } from '../debate-data.ts';
import { cellOf, clearlyFaster, garbagePeak, list, mib, names, spreadText, wall } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';
import { MODERN_COUNTING, MODERN_TRACING, type SidesRow, sidesRow, sidesSentence } from './modern-sides.ts';

/** Refcount and the tracing collectors on one acyclic workload. */
export interface EfficientWorkload {
  workload: string;
  /** Refcount's cell. */
  rc: CellResult;
  /** The tracing collectors' cells, in the order of the collectors. */
  tracing: CellResult[];
  /** Refcount's garbage peak, and the smallest of the tracing collectors'. */
  rcGarbage: number;
  tracingMinGarbage: number;
  /** Refcount's peak reserved bytes, and the median of the tracing collectors'. */
  rcPeak: number;
  tracingMedianPeak: number;
  /** The fastest tracing collector's cell. */
  fastest: CellResult;
}

/** The figures of claim 2. */
export interface EfficientFigures {
  /** The acyclic workloads of the plan, and the tracing collectors. */
  acyclic: string[];
  tracing: string[];
  /** The workloads where refcount and at least one tracing collector completed. */
  workloads: EfficientWorkload[];
  /** Refcount's garbage peak was never above the smallest tracing one. */
  prompt: boolean;
  /** Workloads where refcount reserved less than the median tracing collector. */
  smaller: string[];
  /** Workloads where the fastest tracing collector beat refcount beyond the noise, and the reverse. */
  slower: string[];
  faster: string[];
  /** Per acyclic workload, lxr against the fastest modern tracing collector (when both ran). */
  modern: SidesRow[];
}

/** Claim 2: counting is prompt and small, not fast. */
export const efficient: Claim<EfficientFigures> = {
  number: 2,
  claim: 'Reference counting is incredibly efficient and straightforward.',

  measure(data: DebateData): EfficientFigures {
    const acyclic = data.plan.acyclic.filter((w) => data.plan.workloads.includes(w));
    const tracing = names(data, (c) => c.family === 'tracing');
    const workloads: EfficientWorkload[] = [];
    for (const workload of acyclic) {
      const rc = cellOf(data.main, workload, 'refcount');
      const others = tracing
        .map((t) => cellOf(data.main, workload, t))
        .filter((c): c is CellResult => c !== undefined);
      if (rc === undefined || others.length === 0) continue;
      const peaks = others.map((c) => c.measurement!.memory.peakReservedBytes).sort((x, y) => x - y);
      workloads.push({
        workload,
        rc,
        tracing: others,
        rcGarbage: garbagePeak(rc),
        tracingMinGarbage: Math.min(...others.map(garbagePeak)),
        rcPeak: rc.measurement!.memory.peakReservedBytes,
        tracingMedianPeak: peaks[peaks.length >> 1]!,
        fastest: others.reduce((b, c) => (wall(c) < wall(b) ? c : b)),
      });
    }
    return {
      acyclic,
      tracing,
      workloads,
      prompt: workloads.every((w) => w.rcGarbage <= w.tracingMinGarbage),
      smaller: workloads.filter((w) => w.rcPeak < w.tracingMedianPeak).map((w) => w.workload),
      slower: workloads.filter((w) => clearlyFaster(w.fastest, w.rc)).map((w) => w.workload),
      faster: workloads.filter((w) => clearlyFaster(w.rc, w.fastest)).map((w) => w.workload),
      modern: acyclic.flatMap((w) => {
        const row = sidesRow(
          w,
          cellOf(data.main, w, MODERN_COUNTING),
          MODERN_TRACING.map((t) => cellOf(data.main, w, t)),
        );
        return row === undefined ? [] : [row];
      }),
    };
  },

  decide(f: EfficientFigures): ClaimVerdict {
    return f.prompt ? 'partly supported' : 'refuted';
  },

  write(f: EfficientFigures, verdict: ClaimVerdict): ClaimWriting {
    const { acyclic, tracing, workloads, smaller, slower, faster } = f;
    const speedText = workloads
      .map(
        (w) =>
          `${w.workload}: refcount ${formatMs(wall(w.rc))}, fastest tracing (${w.fastest.cell.collector}) ${formatMs(wall(w.fastest))}`,
      )
      .join('; ');
    const cells = workloads.flatMap((w) => {
      const lxr = f.modern.find((m) => m.at === w.workload)?.counting;
      return lxr === undefined ? [w.rc, ...w.tracing] : [w.rc, lxr, ...w.tracing];
    });
    return {
      experiment:
        `The acyclic workloads (${list(acyclic)}) under refcount and the tracing collectors (${list(tracing)}): ` +
        'promptness (the most unreachable-but-unfreed bytes at any oracle sample), peak memory reserved from the OS, ' +
        "and wall time (median of the timed invocations, with the median's 95% interval: their range below 6 invocations).",
      table: {
        head: ['workload', 'collector', 'garbage peak', 'peak reserved', 'time (interval)', 'vs no-gc'],
        rows: cells.map((c) => [
          c.cell.workload,
          c.cell.collector,
          mib(garbagePeak(c)),
          mib(c.measurement!.memory.peakReservedBytes),
          spreadText(c),
          c.overheadVsNoGc === null || c.overheadVsNoGc === undefined ? '—' : formatRatio(c.overheadVsNoGc),
        ]),
      },
      chart: {
        kind: 'bars',
        caption: 'Peak outstanding garbage (unreachable, not yet freed) on the acyclic workloads.',
        axis: 'peak outstanding garbage (MiB) →',
        rows: f.modern.length > 0 ? ['refcount', MODERN_COUNTING, ...tracing] : ['refcount', ...tracing],
        panels: acyclic,
        bars: cells.map((c) => ({
          row: c.cell.collector,
          panel: c.cell.workload,
          value: garbagePeak(c) / 2 ** 20,
        })),
        layout: { rowHeight: 26, marginLeft: 110 },
      },
      paragraph:
        `${opening(verdict)}. Promptness: ${
          f.prompt
            ? `refcount never let garbage accumulate (its garbage peak was ${list(workloads.map((w) => `${mib(w.rcGarbage)} on ${w.workload}`))}, against at least ${list(workloads.map((w) => mib(w.tracingMinGarbage)))} for the tracing collectors)`
            : 'refcount did not always free garbage sooner than the tracing collectors'
        }. Peak memory: refcount reserved less than the median tracing collector on ${smaller.length} of ${workloads.length} workloads${smaller.length > 0 ? ` (${list(smaller)})` : ''}. ` +
        `Throughput is another matter: ${speedText}. ` +
        (slower.length > 0
          ? `The fastest tracing collector was faster beyond the noise on ${list(slower)}${faster.length > 0 ? `, refcount on ${list(faster)}` : ''}: `
          : faster.length > 0
            ? `refcount was faster beyond the noise on ${list(faster)}: `
            : 'the differences stay within the noise of the runs: ') +
        'counting buys promptness and small heaps, paid for with work on every reference store. ' +
        modernText(f.modern) +
        '"Straightforward" is not measured here.',
    };
  },
};

/** The modern sides on the acyclic workloads: time, and what deferral costs in promptness. */
function modernText(modern: readonly SidesRow[]): string {
  if (modern.length === 0) return '';
  const garbage = modern.map((m) => `${mib(garbagePeak(m.counting))} on ${m.at}`).join(', ');
  const peak = modern
    .map(
      (m) =>
        `${mib(m.counting.measurement!.memory.peakReservedBytes)} against ${mib(m.tracing.measurement!.memory.peakReservedBytes)} (${m.tracing.cell.collector})`,
    )
    .join(', ');
  return (
    sidesSentence(modern) +
    `Modern counting gives up some promptness for its speed: ${MODERN_COUNTING} frees garbage at its RC pauses, not at ` +
    `the store (garbage peak ${garbage}), and reserved ${peak} at its peak. `
  );
}
