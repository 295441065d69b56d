/**
 * The two modern sides of the debate (issue 18): the best counting collector, `lxr` (deferred,
 * coalesced, limited-bit counting on Immix's heap with a backup trace), against the best tracing
 * ones, `immix`, `sticky-immix` and `gen-copy`. Claims 2, 7, 8 and 9 set them side by side, cell by
 * cell, and say which side won where: beyond the noise (the medians' intervals over the invocations
 * do not overlap, `clearlyFaster`) or within it.
 */
import type { CellResult } from '@gclab/bench';
import { formatMs } from '../../report/figures.ts';
import { clearlyFaster, list, wall } from './cells.ts';

/** The modern counting collector. */
export const MODERN_COUNTING = 'lxr';

/** The modern tracing collectors. */
export const MODERN_TRACING: readonly string[] = ['immix', 'sticky-immix', 'gen-copy'];

/** Which side won one comparison. */
export type Side = 'counting' | 'tracing' | 'tie';

/** One comparison: the counting collector's cell against the fastest modern tracing one's. */
export interface SidesRow {
  /** Where: a workload, or a workload at a heap multiple. */
  at: string;
  counting: CellResult;
  tracing: CellResult;
  winner: Side;
}

/**
 * Sets `counting` against the fastest of `tracing` (the completed ones), or undefined when either
 * side has no completed cell.
 */
export function sidesRow(
  at: string,
  counting: CellResult | undefined,
  tracing: ReadonlyArray<CellResult | undefined>,
): SidesRow | undefined {
  const done = tracing.filter((c): c is CellResult => c !== undefined);
  if (counting === undefined || done.length === 0) return undefined;
  const fastest = done.reduce((b, c) => (wall(c) < wall(b) ? c : b));
  const winner: Side = clearlyFaster(counting, fastest)
    ? 'counting'
    : clearlyFaster(fastest, counting)
      ? 'tracing'
      : 'tie';
  return { at, counting, tracing: fastest, winner };
}

/** The places each side won, and the ties. */
export function tally(rows: readonly SidesRow[]): Record<Side, string[]> {
  const out: Record<Side, string[]> = { counting: [], tracing: [], tie: [] };
  for (const r of rows) out[r.winner].push(r.at);
  return out;
}

/**
 * A sentence on the two modern sides' wall times: each comparison's figures, then where each side
 * won beyond the noise and where they tied. Empty when there is no comparison.
 */
export function sidesSentence(rows: readonly SidesRow[]): string {
  if (rows.length === 0) return '';
  const t = tally(rows);
  const each = rows
    .map(
      (r) =>
        `${r.at}: ${MODERN_COUNTING} ${formatMs(wall(r.counting))}, ${r.tracing.cell.collector} ${formatMs(wall(r.tracing))}`,
    )
    .join('; ');
  const won = [
    t.tracing.length > 0 ? `modern tracing was faster on ${list(t.tracing)}` : '',
    t.counting.length > 0 ? `${MODERN_COUNTING} was faster on ${list(t.counting)}` : '',
  ].filter((x) => x !== '');
  const noise =
    won.length === 0
      ? 'No difference was beyond the noise. '
      : `Beyond the noise, ${won.join('; ')}.${t.tie.length > 0 ? ` Within the noise: ${list(t.tie)}.` : ''} `;
  return (
    `The modern sides, ${MODERN_COUNTING} (deferred, coalesced counting on Immix's heap with a backup trace) against the ` +
    `fastest of ${list([...MODERN_TRACING])}: ${each}. ${noise}`
  );
}
