import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CollectorEntry } from '../../src/runner/cell.ts';
import { runMatrix } from '../../src/runner/matrix.ts';
import type { MatrixProgress } from '../../src/runner/matrix-options.ts';
import { planMatrix } from '../../src/runner/plan.ts';
import { ResultsFileError, readResults, writeResults } from '../../src/runner/results.ts';

const fixtures = fileURLToPath(new URL('../fixtures/test-collectors.ts', import.meta.url));
const entry = (name: string, exportName: string): CollectorEntry => ({
  name,
  ref: { module: fixtures, exportName },
});
const semispace = entry('test-semispace', 'testSemispace');
const throwing = entry('throwing', 'throwingCollector');
const crashing = entry('crashing', 'crashingCollector');

describe('planMatrix', () => {
  it('lists workload x size x seed x collector x heap, with a no-gc baseline per program', () => {
    const cells = planMatrix({
      workloads: ['rings', 'churn'],
      collectors: [semispace],
      heaps: ['2x', '3x'],
      seeds: [1, 2],
    });
    expect(cells).toHaveLength(2 * 2 * (1 + 2));
    expect(cells.filter((c) => c.baseline)).toHaveLength(4);
    expect(
      cells
        .filter((c) => c.baseline)
        .every((c) => c.cell.collector === 'no-gc' && c.cell.heap.kind === 'unlimited'),
    ).toBe(true);
    // A matrix that already runs no-gc unlimited needs no extra baseline.
    const noGcEntry = { name: 'no-gc', ref: { module: '@gclab/core', exportName: 'noGc' } };
    expect(
      planMatrix({ workloads: ['rings'], collectors: [noGcEntry] }).filter((c) => c.baseline),
    ).toHaveLength(0);
    expect(() => planMatrix({ workloads: ['nope'], collectors: [semispace] })).toThrow(/unknown workload/);
    expect(() => planMatrix({ workloads: ['rings'], collectors: [semispace], heaps: ['huge'] })).toThrow(
      /heap size/,
    );
  });
});

describe('runMatrix (worker processes)', () => {
  it('runs cells in workers: ok, oom and failing cells, min heaps, overheads, time-space, results file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-matrix-'));
    const events: MatrixProgress[] = [];
    const results = await runMatrix(
      {
        workloads: ['rings'],
        collectors: [semispace, throwing, crashing],
        heaps: ['2x', '100KB', 'unlimited'],
        invocations: 2,
        warmup: 1,
        // One process per collector: the crashing collector's cells each get a fresh process.
        isolation: 'collector',
        minHeapCacheFile: join(dir, 'min-heap.json'),
      },
      (e) => events.push(e),
    );
    expect(events[0]).toEqual({ type: 'plan', cells: 10, minHeapSearches: 3 });
    const cell = (collector: string, heap: string) =>
      results.cells.find(
        (c) =>
          c.cell.collector === collector &&
          (heap === 'unlimited'
            ? c.cell.heap.kind === 'unlimited'
            : JSON.stringify(c.cell.heap).includes(heap)),
      )!;
    // The baseline and the test collector ran; determinism held across invocations.
    const base = cell('no-gc', 'unlimited');
    expect(base.status).toBe('ok');
    expect(base.baseline).toBe(true);
    expect(base.overheadVsNoGc).toBe(0);
    const unlimited = cell('test-semispace', 'unlimited');
    expect(unlimited.status).toBe('ok');
    expect(unlimited.invocations).toBe(2);
    expect(unlimited.overheadVsNoGc).toBeCloseTo(
      unlimited.summary!.wallMs.median / base.summary!.wallMs.median - 1,
      9,
    );
    expect(
      (unlimited.deterministic as { counters: { objectsAllocated: number } }).counters.objectsAllocated,
    ).toBe(105_005);
    // The minimum heap was searched and the 2x cell ran at twice it (in pages).
    const min = results.minHeaps.find((m) => m.collector === 'test-semispace')!;
    expect(min.bytes).toBeGreaterThan(0);
    expect(min.cached).toBe(false);
    const twice = cell('test-semispace', '"multiple":2');
    expect(twice.status).toBe('ok');
    expect(twice.heapLimitBytes).toBe(2 * min.bytes!);
    expect(twice.measurement!.memory.peakReservedBytes).toBeLessThanOrEqual(2 * min.bytes!);
    // Too small a heap is an OOM result, not a crash.
    expect(cell('test-semispace', '102400').status).toBe('oom');
    // A collector that throws, or whose worker dies, is an error with its cell.
    expect(cell('throwing', 'unlimited').status).toBe('error');
    expect(cell('throwing', 'unlimited').message).toMatch(/allocate failed on purpose/);
    const crashed = cell('crashing', '102400');
    expect(crashed.status).toBe('error');
    expect(crashed.message).toMatch(/^rings\/small\/42 crashing @102400: worker process exited \(code 3\)/);
    expect(crashed.message).toMatch(/crashing on purpose/);
    expect(cell('crashing', '"multiple":2').message).toMatch(/minimum heap unknown: worker process exited/);
    // Time-space series of the test collector across its three heap sizes.
    const series = results.timeSpace.find((s) => s.collector === 'test-semispace')!;
    expect(series.points.map((p) => p.status)).toEqual(['oom', 'ok', 'ok']);
    expect(series.points[1]!.multiple).toBe(2);
    // Provenance.
    expect(results.schemaVersion).toBe(1);
    expect(results.packages['@gclab/core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.options.seeds).toEqual([42]);
    expect(results.interrupted).toBe(false);
    // Written atomically and read back; foreign files are refused.
    const file = join(dir, 'out', 'results.json');
    writeResults(file, results);
    expect(readdirSync(join(dir, 'out'))).toEqual(['results.json']);
    expect(readResults(file).cells).toHaveLength(10);
    writeFileSync(join(dir, 'foreign.json'), '{"hello": 1}');
    expect(() => readResults(join(dir, 'foreign.json'))).toThrow(ResultsFileError);
    // The minimum heap is cached for the next run (no search needed).
    const again = await runMatrix({
      workloads: ['rings'],
      collectors: [semispace],
      heaps: ['2x'],
      invocations: 1,
      warmup: 0,
      baseline: null,
      minHeapCacheFile: join(dir, 'min-heap.json'),
    });
    expect(again.minHeaps[0]).toMatchObject({ bytes: min.bytes, cached: true });
    expect(again.cells[0]!.status).toBe('ok');
    expect(again.cells[0]!.deterministic).toEqual(twice.deterministic);
  });

  it('keeps completed cells when interrupted (a process per cell)', async () => {
    const controller = new AbortController();
    const results = await runMatrix(
      {
        workloads: ['rings', 'churn', 'big-del'],
        collectors: [semispace],
        invocations: 1,
        warmup: 0,
        concurrency: 1,
        signal: controller.signal,
      },
      (e) => {
        if (e.type === 'cell') controller.abort();
      },
    );
    expect(results.interrupted).toBe(true);
    expect(results.cells.length).toBeGreaterThanOrEqual(1);
    expect(results.cells.length).toBeLessThan(6);
    expect(results.cells.every((c) => c.status === 'ok')).toBe(true);
  });
});
