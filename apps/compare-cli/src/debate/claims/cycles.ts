/**
 * Claim 3: "Reference counting cannot detect reference cycles", judged on the rings workload: the
 * bytes each collector leaked.
 */
import type { CellResult } from '@gclab/bench';
import type { Census } from '@gclab/experiments';
import { formatCount } from '../../report/figures.ts';
import type { DebateData } from '../debate-data.ts';
import { cellOf, cellsOf, list, mib, names, pct, totalFreed } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';
import { cyclesAgree, cyclesTable, heapName, ranOn, realHeapWriting } from './real-heaps.ts';

/** The figures of claim 3. */
export interface CyclesFigures {
  /** The rings cells of every collector but no-gc. */
  cells: CellResult[];
  /** Collectors that count references, and those that only count (no cycle collector). */
  counting: Set<string>;
  rcOnly: Set<string>;
  /** The counting-only cells that leaked, and the other cells that leaked nothing. */
  leakingRc: CellResult[];
  cleanOthers: CellResult[];
  /** Refcount's cell. */
  rc: CellResult | undefined;
  /** The heap census of real programs' snapshots. */
  realHeaps: Census[];
}

/** Claim 3: counting alone leaks cycles. */
export const cycles: Claim<CyclesFigures> = {
  number: 3,
  claim: 'Reference counting cannot detect reference cycles.',

  measure(data: DebateData): CyclesFigures {
    const cells = cellsOf(data.main, 'rings').filter((c) => c.cell.collector !== 'no-gc');
    const rcOnly = new Set(
      names(data, (c) => c.constraints.countsReferences && !c.constraints.reclaimsCycles),
    );
    return {
      cells,
      counting: new Set(names(data, (c) => c.constraints.countsReferences)),
      rcOnly,
      leakingRc: cells.filter((c) => c.measurement!.garbage.leakedBytes > 0 && rcOnly.has(c.cell.collector)),
      cleanOthers: cells.filter(
        (c) => !rcOnly.has(c.cell.collector) && c.measurement!.garbage.leakedBytes === 0,
      ),
      rc: cellOf(data.main, 'rings', 'refcount'),
      realHeaps: data.realHeaps,
    };
  },

  decide(f: CyclesFigures): ClaimVerdict {
    return f.leakingRc.length === f.rcOnly.size &&
      f.cleanOthers.length === f.cells.length - f.rcOnly.size &&
      cyclesAgree(f.realHeaps)
      ? 'supported'
      : 'partly supported';
  },

  write(f: CyclesFigures, verdict: ClaimVerdict): ClaimWriting {
    const { cells, rc } = f;
    return {
      experiment:
        'The rings workload (pyperformance gc_collect: rings of doubly linked nodes dropped as cyclic garbage) under every ' +
        'collector; leaked = unreachable bytes still unfreed after a final full collection.',
      table: {
        head: ['collector', 'counts refs', 'reclaims cycles', 'leaked', 'leaked objects', 'freed'],
        rows: cells.map((c) => [
          c.cell.collector,
          f.counting.has(c.cell.collector) ? 'yes' : 'no',
          f.rcOnly.has(c.cell.collector) ? 'no' : 'yes',
          mib(c.measurement!.garbage.leakedBytes),
          formatCount(c.measurement!.garbage.leakedObjects),
          mib(totalFreed(c)),
        ]),
      },
      chart: {
        kind: 'bars',
        caption: 'Bytes leaked by the rings workload (cyclic garbage never freed).',
        axis: 'leaked (MiB) →',
        rows: cells.map((c) => c.cell.collector),
        bars: cells.map((c) => ({
          row: c.cell.collector,
          value: c.measurement!.garbage.leakedBytes / 2 ** 20,
        })),
        layout: { rowHeight: 28, marginLeft: 120 },
      },
      paragraph:
        `${opening(verdict)}. Counting alone leaked every ring: ${list(f.leakingRc.map((c) => `${c.cell.collector} ${mib(c.measurement!.garbage.leakedBytes)} (${formatCount(c.measurement!.garbage.leakedObjects)} objects)`))}` +
        `${rc === undefined ? '' : `, freeing only ${mib(totalFreed(rc))}: the objects that were not part of a cycle`}. ` +
        `Each node of a ring keeps its neighbours' counts above zero, so no count ever drops to zero. CPython adds a cycle ` +
        `collector for exactly this reason, and it, like the tracing collectors, leaked nothing ` +
        `(${list(f.cleanOthers.map((c) => c.cell.collector))}: 0 bytes). ${realHeapText(f.realHeaps)}The claim is about reference counting, not about Python.`,
      ...realHeapWriting(
        f.realHeaps,
        'The heap census of real programs: objects and bytes in strongly connected components of more than one object, and the objects never freed after every root is dropped (the cycles and all they reach).',
        cyclesTable,
      ),
    };
  },
};

/** What the real heaps say: their share in cycles and what counting alone left of them. */
function realHeapText(heaps: readonly Census[]): string {
  if (heaps.length === 0) return '';
  const parts = heaps.map((c) => {
    const rc = ranOn(c, 'refcount');
    return (
      `${pct(c.cycles.objectShare)} of ${heapName(c)}'s objects are in cycles (the largest ${formatCount(c.cycles.largest)} objects)` +
      (rc === undefined
        ? ''
        : `, and refcount never freed ${pct(rc.leakedObjects / c.objects)} of its objects`)
    );
  });
  return `Real programs' heaps have cycles too: ${parts.join('; ')} once every root was dropped (the cycles and everything only they reach). `;
}
