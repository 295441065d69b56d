/**
 * Claim 5: "Globals live until the end of the process; `del` removes a reference", judged on the
 * jupyter-globals workload: the bytes freed during each kind of operation.
 */
import type { CellResult } from '@gclab/bench';
import type { DebateData } from '../debate-data.ts';
import { cellOf, cellsOf, freedAt, garbagePeak, list, mib } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';

/** The figures of claim 5. */
export interface GlobalsFigures {
  /** The jupyter-globals cells of every collector but no-gc. */
  cells: CellResult[];
  /** Refcount's cell. */
  rc: CellResult | undefined;
  /** The tracing collectors' cells. */
  tracing: CellResult[];
  /** Bytes the tracing collectors freed at `del`, together. */
  tracingDel: number;
}

/** The kinds of operation the chart splits the freed bytes by, and the operations behind each. */
const FREED_DURING: ReadonlyArray<readonly [label: string, ops: readonly string[]]> = [
  ['del', ['del']],
  ['set', ['set']],
  ['ret', ['ret']],
  ['put', ['put']],
  ['gc / allocation', ['gc', 'new']],
];

/** Claim 5: under counting `del` frees; under tracing it only drops a reference. */
export const globals: Claim<GlobalsFigures> = {
  number: 5,
  claim: 'Globals live until the end of the process; `del` removes a reference.',

  measure(data: DebateData): GlobalsFigures {
    const cells = cellsOf(data.main, 'jupyter-globals').filter((c) => c.cell.collector !== 'no-gc');
    const tracing = cells.filter(
      (c) => data.collectors.find((d) => d.name === c.cell.collector)?.family === 'tracing',
    );
    return {
      cells,
      rc: cellOf(data.main, 'jupyter-globals', 'refcount'),
      tracing,
      tracingDel: tracing.reduce((s, c) => s + freedAt(c, 'del'), 0),
    };
  },

  decide(f: GlobalsFigures): ClaimVerdict {
    return f.rc === undefined ? 'not measured' : 'supported';
  },

  write(f: GlobalsFigures, verdict: ClaimVerdict): ClaimWriting {
    const { cells, rc } = f;
    return {
      experiment:
        'The jupyter-globals workload (notebook cells whose results stay bound to globals until rebound or deleted, ' +
        'with temporaries freed at return): bytes freed during each kind of operation, live bytes at the end (still ' +
        'bound to globals) and the garbage peak.',
      table: {
        head: [
          'collector',
          'freed at del',
          'at rebinding (set)',
          'at return',
          'at collections',
          'live at end',
          'garbage peak',
        ],
        rows: cells.map((c) => [
          c.cell.collector,
          mib(freedAt(c, 'del')),
          mib(freedAt(c, 'set')),
          mib(freedAt(c, 'ret')),
          mib(freedAt(c, 'gc', 'new')),
          mib(c.measurement!.memory.finalLiveBytes),
          mib(garbagePeak(c)),
        ]),
      },
      chart: {
        kind: 'bars',
        caption: 'Bytes freed during each kind of operation on the jupyter-globals workload.',
        axis: 'freed (MiB) →',
        rows: cells.map((c) => c.cell.collector),
        parts: FREED_DURING.map(([label]) => label),
        colours: ['#d62728', '#ff7f0e', '#2ca02c', '#9467bd', '#1f77b4'],
        bars: cells.flatMap((c) =>
          FREED_DURING.map(([label, ops]) => ({
            row: c.cell.collector,
            part: label,
            value: freedAt(c, ...ops) / 2 ** 20,
          })),
        ),
        layout: { rowHeight: 28, marginLeft: 120 },
      },
      paragraph:
        rc === undefined
          ? 'refcount did not complete; no verdict.'
          : `${opening(verdict, { supported: 'Supported, and the collector decides what `del` does' })}. ` +
            `Under refcount \`del\` freed ${mib(freedAt(rc, 'del'))} at ` +
            `once and rebinding a global freed ${mib(freedAt(rc, 'set'))}; temporaries went at function return ` +
            `(${mib(freedAt(rc, 'ret'))}); ${mib(rc.measurement!.memory.finalLiveBytes)} were still bound to globals when the ` +
            `program ended: a global lives as long as its name, until the process exits. Under the tracing collectors \`del\` ` +
            `freed ${mib(f.tracingDel)}: it only removes the reference; the object becomes garbage and waits for the next ` +
            `collection (garbage peaks of ${list(f.tracing.map((c) => `${mib(garbagePeak(c))} under ${c.cell.collector}`))}).`,
    };
  },
};
