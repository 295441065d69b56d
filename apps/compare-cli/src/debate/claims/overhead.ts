/**
 * Claim 7: "Reference counting has memory and performance overhead", judged on the object headers
 * each collector declares, the count operations per reference store, and the wall time over the
 * no-gc baseline.
 */
import type { Census } from '@gclab/experiments';
import { formatRatio } from '../../report/figures.ts';
import type { DebateData } from '../debate-data.ts';
import { cellOf, list, pct, workloadsOf } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';
import { MODERN_COUNTING, MODERN_TRACING } from './modern-sides.ts';
import { headerTable, heapName, realHeapWriting, rowOf } from './real-heaps.ts';

/** The costs of one collector over all the debate's workloads. */
export interface CollectorCost {
  name: string;
  /** Header words it declares, and the bytes per object with the shape word. */
  headerWords: number;
  header: number;
  /** Count operations per reference store (null unless it counts references). */
  rcPerStore: number | null;
  /** Geometric mean of the time over no-gc, minus 1 (null when no workload has it). */
  geo: number | null;
}

/** The figures of claim 7. */
export interface OverheadFigures {
  /** Every collector, in the order of the collectors. */
  costs: CollectorCost[];
  /** The tracing collectors with a time over no-gc, cheapest first. */
  tracingGeo: Array<{ name: string; geo: number }>;
  /** The heap census of real programs' snapshots. */
  realHeaps: Census[];
}

/** Claim 7: counting costs a header word and work on every store. */
export const overhead: Claim<OverheadFigures> = {
  number: 7,
  claim: 'Reference counting has memory and performance overhead.',

  measure(data: DebateData): OverheadFigures {
    const workloads = workloadsOf(data);
    const costs = data.collectors.map((d): CollectorCost => {
      let rcOps = 0;
      let stores = 0;
      let logSum = 0;
      let n = 0;
      for (const w of workloads) {
        const c = cellOf(data.main, w, d.name);
        if (c === undefined) continue;
        const k = c.measurement!.counters;
        rcOps += k.rcIncrements + k.rcDecrements;
        stores += k.pointerStores + k.rootWrites;
        if (c.overheadVsNoGc !== null && c.overheadVsNoGc !== undefined) {
          logSum += Math.log(1 + c.overheadVsNoGc);
          n++;
        }
      }
      return {
        name: d.name,
        headerWords: d.constraints.headerWords,
        header: 8 * (1 + d.constraints.headerWords),
        // Collectors that count, exactly or not (lxr's counts are deferred and 2-bit, so it does not
        // declare countsReferences, but it does count).
        rcPerStore: (d.constraints.countsReferences || rcOps > 0) && stores > 0 ? rcOps / stores : null,
        geo: n > 0 ? Math.exp(logSum / n) - 1 : null,
      };
    });
    const tracingGeo = data.collectors
      .filter((d) => d.family === 'tracing')
      .map((d) => ({ name: d.name, geo: costs.find((c) => c.name === d.name)?.geo ?? null }))
      .filter((x): x is { name: string; geo: number } => x.geo !== null)
      .sort((a, b) => a.geo - b.geo);
    return { costs, tracingGeo, realHeaps: data.realHeaps };
  },

  decide(): ClaimVerdict {
    return 'supported';
  },

  write(f: OverheadFigures, verdict: ClaimVerdict): ClaimWriting {
    const cost = (name: string): CollectorCost | undefined => f.costs.find((c) => c.name === name);
    const rc = cost('refcount');
    const cp = cost('cpython');
    const ms = cost('mark-sweep');
    const bars = f.costs
      .filter((c) => c.geo !== null && c.name !== 'no-gc')
      .map((c) => ({ row: c.name, value: c.geo! * 100 }));
    return {
      experiment:
        'Object headers as each collector declares them (the 8-byte shape word plus its header words, paid by every ' +
        "object), reference-count operations per reference store (to a field or a root) over all the debate's workloads, " +
        'and wall time over the no-gc baseline (geometric mean over the workloads).',
      table: {
        head: [
          'collector',
          'header words',
          'header bytes per object',
          'RC ops per reference store',
          'time vs no-gc (geo-mean)',
        ],
        rows: f.costs.map((c) => [
          c.name,
          String(c.headerWords),
          `${c.header} B`,
          c.rcPerStore === null ? '—' : c.rcPerStore.toFixed(2),
          c.geo === null ? '—' : formatRatio(c.geo),
        ]),
      },
      chart: {
        kind: 'bars',
        caption: 'Time over the no-gc baseline, geometric mean over the debate workloads.',
        axis: 'time over no-gc (%) →',
        rows: bars.map((b) => b.row),
        bars,
        layout: { rowHeight: 28, marginLeft: 130 },
      },
      paragraph:
        `${opening(verdict)}. Memory: refcount's count costs ${rc === undefined || ms === undefined ? 'a word' : `${rc.header - ms.header} bytes`} ` +
        `per object over mark-sweep's header${cp === undefined ? '' : `, and CPython's hybrid pays ${cp.header} bytes (the count plus two words of GC links for the cycle collector)`}` +
        ` — on small objects that is a large share of the heap. ${realHeapText(f.realHeaps)}Work: refcount did ${rc?.rcPerStore?.toFixed(2) ?? '—'} count ` +
        `operations per reference store (one decrement for the old value, one increment for the new, plus the cascades). ` +
        `Time: refcount ran at ${rc?.geo === null || rc?.geo === undefined ? '—' : formatRatio(rc.geo)} of no-gc's time` +
        `${f.tracingGeo.length > 0 ? `, against ${list(f.tracingGeo.map((t) => `${formatRatio(t.geo)} for ${t.name}`))}` : ''}. ` +
        modernText(f) +
        'These are the costs of the simulated collectors in gclab, measured the same way for every collector.',
      ...realHeapWriting(
        f.realHeaps,
        "Header bytes (the shape word and the collector's header words, on every object) as a share of the heap, laid out object by object on a real program's sizes.",
        headerTable,
      ),
    };
  },
};

/** What modern counting pays: lxr's count operations per store and time, against refcount and modern tracing. */
function modernText(f: OverheadFigures): string {
  const lxr = f.costs.find((c) => c.name === MODERN_COUNTING);
  const rc = f.costs.find((c) => c.name === 'refcount');
  if (lxr === undefined || lxr.geo === null) return '';
  const tracing = f.tracingGeo.filter((t) => MODERN_TRACING.includes(t.name));
  const best = tracing[0];
  const ops =
    lxr.rcPerStore === null || rc?.rcPerStore === null || rc === undefined
      ? ''
      : `${MODERN_COUNTING} did ${lxr.rcPerStore.toFixed(2)} count operations per reference store against refcount's ` +
        `${rc.rcPerStore!.toFixed(2)}: roots are not counted (deferral), a field's count changes once per epoch however ` +
        'often it is stored to (coalescing), and young objects that die before a pause are never counted. ';
  const header = `Its count lives in ${lxr.headerWords === 0 ? 'two bits of the header, no extra word' : `${lxr.headerWords} header word(s)`}. `;
  const time =
    best === undefined
      ? ''
      : `Time: ${MODERN_COUNTING} ran at ${formatRatio(lxr.geo)} of no-gc's time against ${formatRatio(best.geo)} for ` +
        `the cheapest modern tracing collector (${best.name}): ${lxr.geo < best.geo ? 'modern counting was cheaper overall' : 'modern tracing was cheaper overall'} (geometric means; per-workload spreads are in claims 2 and 9). `;
  return ops + header + time;
}

/** What the real heaps say: the header share under refcount and CPython's layout on real sizes. */
function realHeapText(heaps: readonly Census[]): string {
  const parts = heaps.flatMap((c) => {
    const rc = rowOf(c, 'refcount');
    const cp = rowOf(c, 'cpython');
    if (rc === undefined) return [];
    return [
      `${pct(rc.headerShare)} under refcount${cp === undefined ? '' : ` and ${pct(cp.headerShare)} under cpython`} on ${heapName(c)} (mean object ${c.sizes.mean.toFixed(0)} B)`,
    ];
  });
  return parts.length === 0 ? '' : `On real programs' sizes headers are ${list(parts)}. `;
}
