/**
 * Claim 6: "Most garbage collection happens when a function's block ends", judged under refcount
 * on every workload: the share of the bytes freed during each kind of operation.
 */
import type { Census } from '@gclab/experiments';
import type { DebateData } from '../debate-data.ts';
import { cellOf, freedAt, list, mib, pct, totalFreed, workloadsOf } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';
import { dropTable, heapName, ranOn, realHeapWriting } from './real-heaps.ts';

/** Where refcount freed the bytes of one workload. */
export interface FreedByOperation {
  workload: string;
  /** Bytes freed in all, and leaked. */
  freed: number;
  leaked: number;
  /** Bytes freed during each kind of operation (the `PARTS`, in order). */
  parts: number[];
}

/** The figures of claim 6. */
export interface FunctionEndFigures {
  /** Per workload where refcount completed, in run order. */
  workloads: FreedByOperation[];
  /** Bytes freed at return over all bytes freed, over all the workloads. */
  overall: number;
  /** Per workload, the share freed at return, largest first. */
  byReturnShare: Array<{ workload: string; ret: number }>;
  /** The workloads where more than half was freed at return. */
  mostlyRet: string[];
  /** The heap census of real programs' snapshots. */
  realHeaps: Census[];
}

/** The kinds of operation, as the chart names them, and the operations behind each (null: the rest). */
const PARTS: ReadonlyArray<readonly [label: string, ops: readonly string[] | null]> = [
  ['function return (ret)', ['ret']],
  ['del', ['del']],
  ['rebinding (set)', ['set']],
  ['field store (put)', ['put']],
  ['other', null],
];

const share = (part: number, total: number): number => (total > 0 ? part / total : 0);

/** Claim 6: frame ends free temporaries, not most garbage. */
export const functionEnd: Claim<FunctionEndFigures> = {
  number: 6,
  claim: "Most garbage collection happens when a function's block ends.",

  measure(data: DebateData): FunctionEndFigures {
    const workloads: FreedByOperation[] = [];
    for (const workload of workloadsOf(data)) {
      const rc = cellOf(data.main, workload, 'refcount');
      if (rc === undefined) continue;
      const freed = totalFreed(rc);
      const named = PARTS.flatMap(([, ops]) => ops ?? []);
      workloads.push({
        workload,
        freed,
        leaked: rc.measurement!.garbage.leakedBytes,
        parts: PARTS.map(([, ops]) => (ops === null ? freed - freedAt(rc, ...named) : freedAt(rc, ...ops))),
      });
    }
    const ret = (w: FreedByOperation): number => w.parts[0]!;
    const retTotal = workloads.reduce((s, w) => s + ret(w), 0);
    const freedTotal = workloads.reduce((s, w) => s + w.freed, 0);
    const byReturnShare = workloads
      .map((w) => ({ workload: w.workload, ret: share(ret(w), w.freed) }))
      .sort((a, b) => b.ret - a.ret);
    return {
      workloads,
      overall: share(retTotal, freedTotal),
      byReturnShare,
      mostlyRet: byReturnShare.filter((b) => b.ret > 0.5).map((b) => b.workload),
      realHeaps: data.realHeaps.filter((c) => ranOn(c, 'refcount') !== undefined),
    };
  },

  decide(f: FunctionEndFigures): ClaimVerdict {
    return f.overall > 0.5 ? 'supported' : f.mostlyRet.length > 0 ? 'partly supported' : 'refuted';
  },

  write(f: FunctionEndFigures, verdict: ClaimVerdict): ClaimWriting {
    const top = f.byReturnShare[0];
    return {
      experiment:
        'Every workload of the debate under refcount, which frees an object the moment its count reaches zero: the ' +
        'bytes freed during each kind of mutator operation (a frame released at return, `del`, rebinding a root, ' +
        'overwriting a field).',
      table: {
        head: [
          'workload',
          'freed',
          'at return',
          'at del',
          'at rebinding',
          'at field store',
          'other',
          'leaked',
        ],
        rows: f.workloads.map((w) => [
          w.workload,
          mib(w.freed),
          ...w.parts.map((b) => (w.freed > 0 ? pct(b / w.freed) : '—')),
          mib(w.leaked),
        ]),
      },
      chart: {
        kind: 'bars',
        caption:
          'Where refcount freed memory: share of the bytes freed during each kind of operation, per workload.',
        axis: 'share of bytes freed →',
        share: true,
        rows: f.byReturnShare.map((b) => b.workload),
        parts: PARTS.map(([label]) => label),
        colours: ['#2ca02c', '#d62728', '#ff7f0e', '#9467bd', '#9aa0a6'],
        bars: f.workloads.flatMap((w) =>
          PARTS.map(([label], i) => ({ row: w.workload, part: label, value: share(w.parts[i]!, w.freed) })),
        ),
        layout: { rowHeight: 30, marginLeft: 110 },
      },
      paragraph:
        `${opening(verdict, { 'partly supported': 'Only for some programs' })}. Over all the workloads ` +
        `${pct(f.overall)} of the bytes refcount freed were freed when a frame returned. It depends on the program: ` +
        `${top === undefined ? '' : `the most was ${pct(top.ret)} on ${top.workload}`}` +
        `${f.mostlyRet.length > 0 ? ` (more than half on ${list(f.mostlyRet)})` : ''}, while programs whose garbage is dropped by ` +
        '`del`, by rebinding a variable or by overwriting a field free it there instead, and cyclic garbage is not freed by ' +
        `counting at all. ${realHeapText(f.realHeaps)}Frame ends matter for temporaries held only by locals; "most" is not a law.`,
      ...realHeapWriting(
        f.realHeaps,
        "A real program's heap built under refcount, then every root dropped at once: the bytes counting freed in cascades at that moment, and those it never frees (cycles and what they reach), which only a cycle collector reclaims.",
        dropTable,
      ),
    };
  },
};

/** What the real heaps say: how much of each counting freed when its roots went, and how much it left. */
function realHeapText(heaps: readonly Census[]): string {
  if (heaps.length === 0) return '';
  const parts = heaps.map((c) => {
    const rc = ranOn(c, 'refcount')!;
    return `${pct(rc.dropFreedBytes / rc.heapBytes)} of ${heapName(c)} (leaving ${pct(rc.leakedBytes / rc.heapBytes)} to a cycle collector)`;
  });
  return `On real programs' heaps, dropping every root let counting free ${list(parts)}: garbage is freed where its last reference goes, whatever operation that is. `;
}
