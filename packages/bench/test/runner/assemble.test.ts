import { describe, expect, it } from 'vitest';
import { addOverheads, timeSpaceSeries } from '../../src/runner/assemble.ts';
import type { HeapSpec } from '../../src/runner/cell.ts';
import type { CellResult } from '../../src/runner/run-cell.ts';

/** A cell with the fields the assembly reads: status, heap, limit and median wall time. */
function cell(
  collector: string,
  heap: HeapSpec,
  wallMs: number | null,
  limit: number | null = null,
): CellResult {
  const spread = (ms: number) => ({ n: 1, median: ms, min: ms, max: ms, q1: ms, q3: ms });
  return {
    cell: { workload: 'rings', size: 'small', seed: 42, collector, heap },
    status: wallMs === null ? 'oom' : 'ok',
    heapLimitBytes: limit,
    minHeapBytes: null,
    invocations: wallMs === null ? 0 : 1,
    wallMs: wallMs === null ? [] : [wallMs],
    summary: wallMs === null ? null : ({ wallMs: spread(wallMs), gcMs: spread(1) } as CellResult['summary']),
    deterministic: null,
    measurement: null,
  };
}

describe('addOverheads', () => {
  it("sets each cell's time over its program's unlimited baseline cell, null for a failed cell", () => {
    const cells = [
      cell('no-gc', { kind: 'unlimited' }, 100),
      cell('ms', { kind: 'unlimited' }, 150),
      cell('ms', { kind: 'multiple', multiple: 2 }, null, 2048),
    ];
    addOverheads(cells, 'no-gc');
    expect(cells.map((c) => c.overheadVsNoGc)).toEqual([0, 0.5, null]);
  });

  it('leaves the cells alone without a baseline', () => {
    const cells = [cell('ms', { kind: 'unlimited' }, 150)];
    addOverheads(cells, null);
    expect(cells[0]!.overheadVsNoGc).toBeUndefined();
  });
});

describe('timeSpaceSeries', () => {
  it('makes one series per collector with several heap sizes, points by heap limit', () => {
    const cells = [
      cell('no-gc', { kind: 'unlimited' }, 100),
      cell('ms', { kind: 'multiple', multiple: 4 }, 120, 4096),
      cell('ms', { kind: 'multiple', multiple: 2 }, null, 2048),
    ];
    const min = {
      workload: 'rings',
      size: 'small' as const,
      seed: 42,
      collector: 'ms',
      bytes: 1024,
      cached: false,
    };
    const [series, ...rest] = timeSpaceSeries(cells, [min]);
    expect(rest).toEqual([]);
    expect(series!.collector).toBe('ms');
    expect(series!.minHeapBytes).toBe(1024);
    expect(series!.points.map((p) => [p.heap, p.multiple, p.status, p.wallMs])).toEqual([
      ['2x', 2, 'oom', null],
      ['4x', 4, 'ok', 120],
    ]);
  });
});
