/**
 * Claim 9: "Modern garbage collection can be more efficient without reference counting", judged on
 * time-space curves: CPython's collector against the tracing ones at multiples of each collector's
 * minimum heap.
 */
import type { TimeSpaceSeries } from '@gclab/bench';
import { formatMs } from '../../report/figures.ts';
import type { DebateData } from '../debate-data.ts';
import { clearlyFaster, formatNullableMs, list, mib, timeSpaceCell } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';

/** The figures of claim 9. */
export interface ModernGcFigures {
  workload: string;
  /** The series of the workload, and the tracing ones (all but CPython's). */
  series: TimeSpaceSeries[];
  modern: TimeSpaceSeries[];
  /** The heap multiples CPython ran at. */
  multiples: number[];
  /** Per point of every series: the longest pause (median), or null when the cell did not complete. */
  pauses: Array<Array<number | null>>;
  /** Comparisons of a tracing collector with CPython at one multiple, and those the tracing one won. */
  comparisons: number;
  wins: number;
  /** The wins, as `collector at Mx`. */
  beats: string[];
  /** The middle multiple, with CPython's and the incremental collector's longest pause there. */
  mid: { multiple: number; cpython: number | null; incremental: number | null } | undefined;
  /** Whether the incremental collector ran. */
  hasIncremental: boolean;
}

/** Claim 9: tracing collectors against CPython's on time-space curves. */
export const modernGc: Claim<ModernGcFigures> = {
  number: 9,
  claim: 'Modern garbage collection can be more efficient without reference counting.',

  measure(data: DebateData): ModernGcFigures {
    const workload = data.plan.timeSpaceWorkload;
    const series = data.timeSpace.timeSpace.filter((s) => s.workload === workload);
    const cp = series.find((s) => s.collector === 'cpython');
    const modern = series.filter((s) => s.collector !== 'cpython');
    const multiples =
      cp === undefined ? [] : cp.points.map((p) => p.multiple).filter((m): m is number => m !== null);
    const pauses = series.map((s) =>
      s.points.map((p) => {
        const cell = data.timeSpace.cells.find(
          (c) => c.cell.collector === s.collector && c.heapLimitBytes === p.heapLimitBytes,
        );
        return cell?.summary === null || cell === undefined ? null : cell.summary.pauseMaxMs.median;
      }),
    );
    // At each multiple, which modern collector beat cpython beyond the noise.
    const beats: string[] = [];
    let wins = 0;
    let comparisons = 0;
    for (const m of multiples) {
      const cpCell = timeSpaceCell(data.timeSpace, cp!, m);
      if (cpCell === undefined) continue;
      for (const s of modern) {
        const c = timeSpaceCell(data.timeSpace, s, m);
        if (c === undefined) continue;
        comparisons++;
        if (clearlyFaster(c, cpCell)) {
          wins++;
          beats.push(`${s.collector} at ${m}x`);
        }
      }
    }
    const pauseOf = (s: TimeSpaceSeries | undefined, m: number): number | null => {
      const c = s === undefined ? undefined : timeSpaceCell(data.timeSpace, s, m);
      return c === undefined ? null : c.summary!.pauseMaxMs.median;
    };
    const mid = multiples[Math.floor(multiples.length / 2)];
    const inc = series.find((s) => s.collector === 'incremental');
    return {
      workload,
      series,
      modern,
      multiples,
      pauses,
      comparisons,
      wins,
      beats,
      mid:
        mid === undefined
          ? undefined
          : { multiple: mid, cpython: pauseOf(cp, mid), incremental: pauseOf(inc, mid) },
      hasIncremental: inc !== undefined,
    };
  },

  decide(f: ModernGcFigures): ClaimVerdict {
    return f.comparisons === 0
      ? 'not measured'
      : f.wins > f.comparisons / 2
        ? 'supported'
        : f.wins > 0
          ? 'partly supported'
          : 'refuted';
  },

  write(f: ModernGcFigures, verdict: ClaimVerdict): ClaimWriting {
    const { workload, series, mid } = f;
    return {
      experiment:
        `The ${workload} workload under CPython's collector (reference counting plus the generational cycle ` +
        `collector) and the tracing collectors ${list(f.modern.map((s) => s.collector))}, at heap sizes of ` +
        `${list(f.multiples.map((m) => `${m}x`))} each collector's minimum heap (the DaCapo/running-ng methodology): wall ` +
        'time (median) and the longest pause at each size: time-space curves.',
      table: {
        head: ['collector', 'heap', 'limit', 'time', 'longest pause'],
        rows: series.flatMap((s, i) =>
          s.points.map((p, j) => [
            s.collector,
            p.multiple === null ? p.heap : `${p.multiple}x`,
            p.heapLimitBytes === null ? '—' : mib(p.heapLimitBytes),
            p.status === 'ok' && p.wallMs !== null ? formatMs(p.wallMs) : p.status,
            formatNullableMs(f.pauses[i]?.[j] ?? null),
          ]),
        ),
      },
      chart: {
        kind: 'time-space',
        caption: `Time-space curves on ${workload}: wall time against heap size (multiple of each collector's minimum heap).`,
        series,
      },
      paragraph:
        f.comparisons === 0
          ? 'The time-space runs did not complete; no verdict.'
          : `${opening(verdict, { refuted: 'Not here' })}. A tracing ` +
            `collector ran faster than CPython's beyond the noise in ${f.wins} of ${f.comparisons} comparisons` +
            `${f.beats.length > 0 ? ` (${list(f.beats)})` : ''}. Tracing collectors trade memory for time: the more headroom, ` +
            'the fewer collections, which is why they are compared at multiples of their own minimum heap. ' +
            `${mid === undefined ? '' : `Pauses at ${mid.multiple}x: CPython's longest was ${formatNullableMs(mid.cpython)}${f.hasIncremental ? `, the incremental collector's ${formatNullableMs(mid.incremental)}` : ''}. `}` +
            "These are gclab's simulated collectors over one simulated heap; the claim in the article is about production " +
            'runtimes (HotSpot, Go), whose collectors are far more refined than these.',
    };
  },
};
