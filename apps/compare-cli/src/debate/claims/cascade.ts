/**
 * Claim 8: "Cascading deallocation is free of pauses", judged on the big-del workload: the pauses
 * of each collector, and the objects refcount freed in its longest one. Beside it, the pauses of
 * CPython's own cycle collectors on every workload of the debate: 3.13's generational one against
 * 3.14's incremental one.
 */
import { BIG_DEL_SHAPES, type CellResult } from '@gclab/bench';
import { formatCount, formatMs } from '../../report/figures.ts';
import type { DebateData } from '../debate-data.ts';
import { cellOf, cellsOf } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';
import { MODERN_COUNTING, MODERN_TRACING } from './modern-sides.ts';

/** The figures of claim 8. */
export interface CascadeFigures {
  /** Elements of the dropped list. */
  elements: number;
  /** The big-del cells of every collector but no-gc. */
  cells: CellResult[];
  /** Refcount's, the incremental collector's and refcount-deferred's cells. */
  rc: CellResult | undefined;
  inc: CellResult | undefined;
  deferred: CellResult | undefined;
  /** One pause of refcount freed the whole structure (the list and its elements). */
  wholeInOnePause: boolean;
  /** cpython-3.13's and cpython-3.14's cells on each workload both completed, in matrix order. */
  versions: Array<{ workload: string; v313: CellResult; v314: CellResult }>;
  /** The modern sides' big-del cells that completed: lxr, then immix, sticky-immix and gen-copy. */
  modern: CellResult[];
}

/** Median over the invocations of a cell's longest pause. */
const maxPause = (c: CellResult): number => c.summary!.pauseMaxMs.median;

/** A table row of `c`'s pauses, named `name`. */
const pauseRow = (name: string, c: CellResult): string[] => [
  name,
  String(c.measurement!.pauses.count),
  formatMs(maxPause(c)),
  formatCount(c.measurement!.pauses.workMax),
  formatMs(c.summary!.pauseP50Ms.median),
  formatMs(c.summary!.pauseP99Ms.median),
  c.summary!.mmu10ms === null ? '—' : c.summary!.mmu10ms.median.toFixed(2),
];

/** The cycle collector's pauses of a cell (kinds gen0, gen1, gen2): count, work (objects examined), ms. */
export function cycleCollections(c: CellResult): { count: number; work: number; ms: number } {
  const byKind =
    (c.measurement!.pauses as { byKind?: Record<string, { count: number; totalMs: number; work: number }> })
      .byKind ?? {};
  let count = 0;
  let work = 0;
  let ms = 0;
  for (const kind of ['gen0', 'gen1', 'gen2']) {
    const k = byKind[kind];
    if (k === undefined) continue;
    count += k.count;
    work += k.work;
    ms += k.totalMs;
  }
  return { count, work, ms };
}

/**
 * 3.13's generational cycle collector against 3.14's incremental one, workload by workload: their
 * cycle collections alone (reference counting's frees are the same in both), how many, the objects
 * they examined (deterministic) and the time they took.
 */
function versionsSentence(versions: CascadeFigures['versions']): string {
  if (versions.length === 0) return '';
  const one = (c: CellResult): string => {
    const g = cycleCollections(c);
    return (
      `${formatCount(g.count)} collections examining ${formatCount(g.work)} objects ` +
      `(${formatCount(g.count === 0 ? 0 : Math.round(g.work / g.count))} each on average, ${formatMs(g.ms)} in all)`
    );
  };
  const at = versions
    .map(({ workload, v313, v314 }) => `${workload}: ${one(v313)} against ${one(v314)}`)
    .join('; ');
  return (
    "CPython's cycle collectors side by side, 3.13's generational (cpython-3.13) against 3.14's incremental " +
    `(cpython-3.14), their cycle collections alone: ${at}. Reference counting's frees are the same under both, ` +
    'so the longest pauses of the table are the same cascades; the incremental collector bounds what each ' +
    'automatic collection examines, not what reference counting frees. '
  );
}

/** Claim 8: dropping a big structure frees it all in one pause. */
export const cascade: Claim<CascadeFigures> = {
  number: 8,
  claim: '"Cascading deallocation is free of pauses" (reference counting has no pauses).',

  measure(data: DebateData): CascadeFigures {
    const elements = BIG_DEL_SHAPES[data.size].elements;
    const rc = cellOf(data.main, 'big-del', 'refcount');
    return {
      elements,
      cells: cellsOf(data.main, 'big-del').filter((c) => c.cell.collector !== 'no-gc'),
      rc,
      inc: cellOf(data.main, 'big-del', 'incremental'),
      deferred: cellOf(data.main, 'big-del', 'refcount-deferred'),
      wholeInOnePause: rc !== undefined && rc.measurement!.pauses.workMax >= elements,
      versions: data.plan.workloads.flatMap((workload) => {
        const v313 = cellOf(data.main, workload, 'cpython-3.13');
        const v314 = cellOf(data.main, workload, 'cpython-3.14');
        return v313 === undefined || v314 === undefined ? [] : [{ workload, v313, v314 }];
      }),
      modern: [MODERN_COUNTING, ...MODERN_TRACING]
        .map((name) => cellOf(data.main, 'big-del', name))
        .filter((c): c is CellResult => c !== undefined),
    };
  },

  decide(f: CascadeFigures): ClaimVerdict {
    return f.rc === undefined ? 'not measured' : f.wholeInOnePause ? 'refuted' : 'partly supported';
  },

  write(f: CascadeFigures, verdict: ClaimVerdict): ClaimWriting {
    const { cells, rc, inc, deferred } = f;
    return {
      experiment:
        `The big-del workload: build a list of ${f.elements.toLocaleString('en-US')} small tuples (each holding a string) ` +
        'and drop its last reference with one `del`, then call gc(), twice. Under reference counting the `del` frees ' +
        'every element before the next operation. Per collector: the number of pauses, the longest (median over the ' +
        'invocations), the work done in the longest pause (objects freed for counting collectors; objects or bytes ' +
        'traced, swept or copied for the others, so work compares only within a collector), p50 and p99, and the ' +
        'minimum mutator utilization at 10 ms.',
      table: {
        head: ['collector', 'pauses', 'longest pause', 'work in it', 'p50 pause', 'p99 pause', 'MMU 10 ms'],
        rows: [
          ...cells.map((c) => pauseRow(c.cell.collector, c)),
          ...f.versions
            .filter((v) => v.workload !== 'big-del')
            .flatMap((v) => [
              pauseRow(`cpython-3.13 on ${v.workload}`, v.v313),
              pauseRow(`cpython-3.14 on ${v.workload}`, v.v314),
            ]),
        ],
      },
      chart: {
        kind: 'pauses',
        caption: 'Pause durations on big-del: p50, p90, p99 and the longest pause per collector (log scale).',
        cells,
      },
      paragraph:
        rc === undefined
          ? 'refcount did not complete; no verdict.'
          : `${opening(verdict, { 'partly supported': 'Not refuted here' })}. Dropping the list freed ` +
            `${formatCount(rc.measurement!.pauses.workMax)} objects, the whole structure, in one cascade: a single pause ` +
            `of ${formatMs(maxPause(rc))}, which grows with the structure (a larger size frees proportionally more in the ` +
            `same pause). Refcount's minimum mutator utilization at 10 ms was ${rc.summary!.mmu10ms?.median.toFixed(2) ?? '—'}.` +
            `${
              inc === undefined
                ? ''
                : ` The incremental collector did its work in ${inc.measurement!.pauses.count} pauses with a median of ` +
                  `${formatMs(inc.summary!.pauseP50Ms.median)} (p99 ${formatMs(inc.summary!.pauseP99Ms.median)}, longest ` +
                  `${formatMs(maxPause(inc))}, which includes the full collections the workload asks for with gc()).`
            } ` +
            'Reference counting spreads the work of freeing over the program, except when the last reference to a large ' +
            'structure goes: then all of it is freed at once. Deferring the counting of roots does not change that' +
            `${deferred === undefined ? '' : ` (refcount-deferred freed ${formatCount(deferred.measurement!.pauses.workMax)} objects in its longest pause)`}; ` +
            'only freeing lazily, a bounded number of objects per step, would bound the pause. ' +
            modernSentence(f.modern, f.elements) +
            versionsSentence(f.versions) +
            'Pause times are wall-clock and noisy on a busy machine; the objects freed in the pause are exact.',
    };
  },
};

/** The modern sides' pauses on big-del: whether lxr's RC pauses bound the cascade, against the tracing ones. */
function modernSentence(modern: readonly CellResult[], elements: number): string {
  if (modern.length === 0 || modern[0]!.cell.collector !== MODERN_COUNTING) return '';
  const lxr = modern[0]!;
  const whole = lxr.measurement!.pauses.workMax >= elements;
  const one = (c: CellResult): string =>
    `${c.cell.collector} ${c.measurement!.pauses.count} pauses, longest ${formatMs(maxPause(c))} ` +
    `(work ${formatCount(c.measurement!.pauses.workMax)})`;
  return (
    `The modern sides on big-del: ${modern.map(one).join('; ')}. ${MODERN_COUNTING} does its counting in pauses ` +
    '(RC epochs), so the dropped list is freed at a pause rather than at the `del`' +
    (whole
      ? ', and all of it in that one pause: LXR bounds such a pause by handing decrements to concurrent threads, which this stop-the-world model does not have. '
      : `, and no pause did work on as many objects as the list holds (${formatCount(elements)}): its work was spread over several pauses. `)
  );
}
