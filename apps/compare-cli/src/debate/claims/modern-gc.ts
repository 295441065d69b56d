/**
 * Claim 9: "Modern garbage collection can be more efficient without reference counting", judged on
 * time-space curves: CPython's collector (3.11's, `cpython`) against the tracing ones at multiples
 * of each collector's minimum heap, with CPython 3.13's generational and 3.14's incremental cycle
 * collectors side by side on the same curves, and the two modern sides (`modern-sides.ts`): lxr
 * against the fastest of immix, sticky-immix and gen-copy at each multiple. The claim is supported
 * only if tracing beats CPython's counting at most multiples AND modern tracing beats modern
 * counting at most multiples; beating CPython alone makes it partly supported.
 */
import type { TimeSpaceSeries } from '@gclab/bench';
import { formatMs } from '../../report/figures.ts';
import type { DebateData } from '../debate-data.ts';
import { clearlyFaster, formatNullableMs, list, mib, timeSpaceCell } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';
import {
  MODERN_COUNTING,
  MODERN_TRACING,
  type SidesRow,
  sidesRow,
  sidesSentence,
  tally,
} from './modern-sides.ts';

/** The figures of claim 9. */
export interface ModernGcFigures {
  workload: string;
  /** The series of the workload, and the tracing ones. */
  series: TimeSpaceSeries[];
  modern: TimeSpaceSeries[];
  /**
   * CPython 3.13 (generational) against 3.14 (incremental) at each multiple both ran: wall time and
   * longest pause (medians), null where a cell did not complete.
   */
  versions: Array<{
    multiple: number;
    time313: number | null;
    time314: number | null;
    pause313: number | null;
    pause314: number | null;
  }>;
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
  /** At each multiple both sides ran: lxr against the fastest modern tracing collector. */
  sides: SidesRow[];
}

/** Whether `name` is one of gclab's models of CPython (`cpython`, `cpython-3.12`, ...). */
export const isCPythonModel = (name: string): boolean => name === 'cpython' || name.startsWith('cpython-');

/** CPython 3.13's generational collector against 3.14's incremental one, at each multiple. */
function versionsSentence(versions: ModernGcFigures['versions']): string {
  if (versions.length === 0) return '';
  const at = versions
    .map(
      (v) =>
        `${v.multiple}x: time ${formatNullableMs(v.time313)} against ${formatNullableMs(v.time314)}, longest pause ` +
        `${formatNullableMs(v.pause313)} against ${formatNullableMs(v.pause314)}`,
    )
    .join('; ');
  return (
    "CPython's own collectors on the same curves, 3.13's generational (cpython-3.13) against 3.14's incremental " +
    `(cpython-3.14): ${at}. The incremental collector bounds the work of each automatic collection (young ` +
    'objects plus an increment of the old space) instead of collecting the whole old generation at once; it ' +
    'does not make reference counting cheaper, and was reverted in a 3.14 point release and in 3.15 after ' +
    'reports of higher memory use and slower gc.collect() (docs/cpython-versions.md). '
  );
}

/** Claim 9: tracing collectors against CPython's on time-space curves. */
export const modernGc: Claim<ModernGcFigures> = {
  number: 9,
  claim: 'Modern garbage collection can be more efficient without reference counting.',

  measure(data: DebateData): ModernGcFigures {
    const workload = data.plan.timeSpaceWorkload;
    const series = data.timeSpace.timeSpace.filter((s) => s.workload === workload);
    const cp = series.find((s) => s.collector === 'cpython');
    const family = (name: string) => data.collectors.find((c) => c.name === name)?.family;
    const modern = series.filter(
      (s) => !isCPythonModel(s.collector) && (family(s.collector) ?? 'tracing') === 'tracing',
    );
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
    const s313 = series.find((s) => s.collector === 'cpython-3.13');
    const s314 = series.find((s) => s.collector === 'cpython-3.14');
    const timeOf = (s: TimeSpaceSeries | undefined, m: number): number | null => {
      const c = s === undefined ? undefined : timeSpaceCell(data.timeSpace, s, m);
      return c === undefined ? null : c.summary!.wallMs.median;
    };
    const versions =
      s313 === undefined || s314 === undefined
        ? []
        : s313.points
            .map((p) => p.multiple)
            .filter((m): m is number => m !== null)
            .map((m) => ({
              multiple: m,
              time313: timeOf(s313, m),
              time314: timeOf(s314, m),
              pause313: pauseOf(s313, m),
              pause314: pauseOf(s314, m),
            }));
    const inc = series.find((s) => s.collector === 'incremental');
    const lxr = series.find((s) => s.collector === MODERN_COUNTING);
    const tracingSeries = series.filter((s) => MODERN_TRACING.includes(s.collector));
    const sides =
      lxr === undefined
        ? []
        : lxr.points
            .map((p) => p.multiple)
            .filter((m): m is number => m !== null)
            .flatMap((m) => {
              const row = sidesRow(
                `${m}x`,
                timeSpaceCell(data.timeSpace, lxr, m),
                tracingSeries.map((s) => timeSpaceCell(data.timeSpace, s, m)),
              );
              return row === undefined ? [] : [row];
            });
    return {
      workload,
      series,
      modern,
      versions,
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
      sides,
    };
  },

  decide(f: ModernGcFigures): ClaimVerdict {
    if (f.comparisons === 0) return 'not measured';
    const againstCPython: ClaimVerdict =
      f.wins > f.comparisons / 2 ? 'supported' : f.wins > 0 ? 'partly supported' : 'refuted';
    // Against modern counting too: tracing must also win most of the comparisons with lxr.
    if (
      againstCPython === 'supported' &&
      f.sides.length > 0 &&
      tally(f.sides).tracing.length <= f.sides.length / 2
    )
      return 'partly supported';
    return againstCPython;
  },

  write(f: ModernGcFigures, verdict: ClaimVerdict): ClaimWriting {
    const { workload, series, mid } = f;
    return {
      experiment:
        `The ${workload} workload under CPython's collector (reference counting plus the generational cycle ` +
        `collector) and the tracing collectors ${list(f.modern.map((s) => s.collector))}` +
        `${f.sides.length > 0 ? `, and modern reference counting (${MODERN_COUNTING})` : ''}, at heap sizes of ` +
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
            versionsSentence(f.versions) +
            sidesText(f.sides) +
            "These are gclab's simulated collectors over one simulated heap; the claim in the article is about production " +
            'runtimes (HotSpot, Go), whose collectors are far more refined than these.',
    };
  },
};

/** The two modern sides on the curves, and what they mean for the claim. */
function sidesText(sides: readonly SidesRow[]): string {
  if (sides.length === 0) return '';
  const t = tally(sides);
  const meaning =
    t.tracing.length > sides.length / 2
      ? 'Modern tracing beat modern counting at most heap sizes too: here the claim holds against counting at its best as well. '
      : t.counting.length > sides.length / 2
        ? 'Modern counting beat modern tracing at most heap sizes: what beats CPython is not the absence of counting but the ' +
          'techniques both modern sides share (deferral, coalescing, a tracing backup, a mark-region heap). '
        : 'Neither modern side won at most heap sizes: against counting at its best, the claim is not shown. ';
  return `${sidesSentence(sides)}${meaning}`;
}
