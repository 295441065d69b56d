import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/commands/bench.ts';
import { benchTable } from '../../src/commands/bench.ts';
import type { MinHeapLine } from '../../src/commands/minheap.ts';
import { minHeapTable } from '../../src/commands/minheap.ts';
import { runCli } from '../run-in-process.ts';

describe('gclab minheap and gclab bench', () => {
  it('minheap finds a heap the workload completes in, smaller than or equal to its unlimited peak', async () => {
    const r = await runCli(['minheap', '--workloads', 'rings', '--strategies', 'mark-sweep', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [line] = (JSON.parse(r.stdout) as { minHeaps: MinHeapLine[] }).minHeaps;
    expect(line!.workload).toBe('rings');
    expect(line!.collector).toBe('mark-sweep');
    expect(line!.bytes! % 4096).toBe(0);
    expect(line!.bytes!).toBeGreaterThan(0);
    expect(line!.bytes!).toBeLessThanOrEqual(line!.unlimitedPeakBytes!);
    expect(line!.probes).toBeGreaterThan(1);
  });

  it('bench runs the tinybench suite of a collector in its own process', async () => {
    const r = await runCli(['bench', '--strategies', 'no-gc', '--time', '20', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { results } = JSON.parse(r.stdout) as { results: BenchResult[] };
    expect(results.map((x) => x.collector)).toEqual(['no-gc']);
    expect(results[0]!.rows.map((x) => x.task)).toContain('allocate');
    for (const row of results[0]!.rows) expect(row.nsPerOp).toBeGreaterThan(0);
  });

  it('tables: a row per workload and collector; a row per task and a column per collector', () => {
    const mh = minHeapTable([
      { workload: 'rings', collector: 'x', bytes: 8192, unlimitedPeakBytes: 12288, probes: 4, cached: false },
      {
        workload: 'rings',
        collector: 'y',
        bytes: null,
        unlimitedPeakBytes: null,
        probes: 0,
        cached: false,
        error: 'boom',
      },
    ]);
    expect(mh).toMatch(/│ rings\s+│ x\s+│\s+8 KiB │\s+8192 │\s+12 KiB │\s+4 │/);
    expect(mh).toMatch(/│ rings\s+│ y\s+│ failed: boom/);
    const b = benchTable([
      { collector: 'a', rows: [{ task: 'allocate', nsPerOp: 12.34, rmePercent: 1.5, samples: 9 }] },
      { collector: 'b', rows: [{ task: 'allocate', nsPerOp: 56.7, rmePercent: 2, samples: 9 }] },
    ]);
    expect(b).toMatch(/│ allocate\s+│ 12\.3 ±1\.5% │ 56\.7 ±2\.0% │/);
  });
});
