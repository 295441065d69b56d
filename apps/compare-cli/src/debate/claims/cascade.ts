/**
 * Claim 8: "Cascading deallocation is free of pauses", judged on the big-del workload: the pauses
 * of each collector, and the objects refcount freed in its longest one.
 */
import { BIG_DEL_SHAPES, type CellResult } from '@gclab/bench';
import { formatCount, formatMs } from '../../report/figures.ts';
import type { DebateData } from '../debate-data.ts';
import { cellOf, cellsOf } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';

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
}

/** Median over the invocations of a cell's longest pause. */
const maxPause = (c: CellResult): number => c.summary!.pauseMaxMs.median;

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
        rows: cells.map((c) => [
          c.cell.collector,
          String(c.measurement!.pauses.count),
          formatMs(maxPause(c)),
          formatCount(c.measurement!.pauses.workMax),
          formatMs(c.summary!.pauseP50Ms.median),
          formatMs(c.summary!.pauseP99Ms.median),
          c.summary!.mmu10ms === null ? '—' : c.summary!.mmu10ms.median.toFixed(2),
        ]),
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
            'only freeing lazily, a bounded number of objects per step, would bound the pause. Pause times are ' +
            'wall-clock and noisy on a busy machine; the objects freed in the pause are exact.',
    };
  },
};
