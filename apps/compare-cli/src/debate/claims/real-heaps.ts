/**
 * What claims 3, 6 and 7 read off the heap census of real programs' snapshots (`DebateData.realHeaps`:
 * the committed json.loads example and the captured ones): per heap, the share in cycles and what
 * counting alone leaves when the roots go (3), where the heap's garbage is freed when its roots are
 * dropped (6), and each collector's header overhead on the heap's real sizes (7).
 */
import type { Census, CollectorCensus } from '@gclab/experiments';
import { formatCount } from '../../report/figures.ts';
import { mib, pct } from './cells.ts';
import type { ClaimWriting, FigureTable } from './claim.ts';

/** A real heap's name in the tables: its file name. */
export function heapName(c: Census): string {
  return c.file.slice(c.file.lastIndexOf('/') + 1);
}

/** The census row of `name`, when it ran on the heap. */
export function ranOn(c: Census, name: string): CollectorCensus | undefined {
  return c.collectors.find((k) => k.name === name && k.ran);
}

/** The census row of `name` (header figures exist for every collector of the plan). */
export function rowOf(c: Census, name: string): CollectorCensus | undefined {
  return c.collectors.find((k) => k.name === name);
}

/** Claim 3's real-heap table: cycles, and what is left after every root is dropped. */
export function cyclesTable(heaps: readonly Census[]): FigureTable {
  const left = (c: Census, name: string): string => {
    const k = ranOn(c, name);
    return k === undefined ? '—' : `${formatCount(k.leakedObjects)} (${pct(k.leakedObjects / c.objects)})`;
  };
  return {
    head: [
      'heap',
      'objects',
      'in cycles',
      'bytes in cycles',
      'largest cycle',
      'left by refcount',
      'left by cpython',
    ],
    rows: heaps.map((c) => [
      heapName(c),
      formatCount(c.objects),
      pct(c.cycles.objectShare),
      pct(c.cycles.byteShare),
      formatCount(c.cycles.largest),
      left(c, 'refcount'),
      left(c, 'cpython'),
    ]),
  };
}

/** Whether every real heap agrees with claim 3: counting alone leaves objects where cycles exist, the cycle collector none. */
export function cyclesAgree(heaps: readonly Census[]): boolean {
  return heaps.every((c) => {
    const rc = ranOn(c, 'refcount');
    const cp = ranOn(c, 'cpython');
    return (
      (rc === undefined || rc.leakedObjects > 0 === c.cycles.objects > 0) &&
      (cp === undefined || cp.leakedObjects === 0)
    );
  });
}

/** Claim 6's real-heap table: under refcount, the share of the heap freed at the drop and left over. */
export function dropTable(heaps: readonly Census[]): FigureTable {
  return {
    head: [
      'heap',
      'bytes',
      'freed by counting when the roots go',
      'left for a cycle collector',
      'longest cascade',
    ],
    rows: heaps.flatMap((c) => {
      const rc = ranOn(c, 'refcount');
      if (rc === undefined) return [];
      return [
        [
          heapName(c),
          mib(rc.heapBytes),
          pct(rc.dropFreedBytes / rc.heapBytes),
          pct(rc.leakedBytes / rc.heapBytes),
          `${rc.dropMaxPauseMs.toFixed(1)} ms`,
        ],
      ];
    }),
  };
}

/** The header collectors claim 7 compares on real heaps, when in the plan. */
export const HEADER_COLLECTORS: readonly string[] = ['refcount', 'cpython', 'mark-sweep'];

/** Claim 7's real-heap table: header bytes as a share of the heap under each layout. */
export function headerTable(heaps: readonly Census[]): FigureTable {
  const shown = HEADER_COLLECTORS.filter((n) => heaps.some((c) => rowOf(c, n) !== undefined));
  return {
    head: ['heap', 'objects', 'mean size', ...shown.map((n) => `${n} headers`), 'refcount heap vs no-gc'],
    rows: heaps.map((c) => [
      heapName(c),
      formatCount(c.objects),
      `${c.sizes.mean.toFixed(0)} B`,
      ...shown.map((n) => {
        const k = rowOf(c, n);
        return k === undefined ? '—' : pct(k.headerShare);
      }),
      rowOf(c, 'refcount') === undefined ? '—' : `+${pct(rowOf(c, 'refcount')!.overNoGc)}`,
    ]),
  };
}

/** A claim's real-heap writing: `what` the table shows, then the heaps named; nothing without heaps. */
export function realHeapWriting(
  heaps: readonly Census[],
  what: string,
  table: (heaps: readonly Census[]) => FigureTable,
): Pick<ClaimWriting, 'realHeap'> {
  if (heaps.length === 0) return {};
  const named = heaps.map((c) => `${heapName(c)} (${c.source})`).join('; ');
  return { realHeap: { caption: `${what} Heaps: ${named}.`, table: table(heaps) } };
}
