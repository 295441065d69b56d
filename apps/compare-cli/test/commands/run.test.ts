import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResults } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { collectorEntries } from '../../src/collector-refs.ts';
import { collectorNames } from '../../src/registry.ts';
import { runCli } from '../run-cli.ts';

describe('collector references', () => {
  it('finds the package export of every registered collector', async () => {
    const entries = await collectorEntries(['all']);
    expect(entries.map((e) => e.name)).toEqual(collectorNames());
    expect(entries[0]).toEqual({ name: 'no-gc', ref: { module: '@gclab/core', exportName: 'noGc' } });
    for (const e of entries) {
      const exported = ((await import(e.ref.module)) as Record<string, { name?: string }>)[e.ref.exportName];
      expect(exported?.name).toBe(e.name);
    }
  });
});

describe.concurrent('gclab run', () => {
  it('runs the matrix in worker processes, prints a table per workload and writes the results JSON', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gclab-run-')), 'results.json');
    const strategies = collectorNames().slice(0, 2).join(',');
    const r = await runCli([
      'run',
      '--workloads',
      'rings',
      '--strategies',
      strategies,
      '--invocations',
      '1',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rings \(small, seed 42\)/);
    expect(r.stdout).toContain('no-gc');
    const results = readResults(out);
    expect(results.cells.map((c) => c.cell.collector)).toEqual(collectorNames().slice(0, 2));
    expect(results.cells.every((c) => c.status === 'ok')).toBe(true);
    expect(results.cells[0]!.overheadVsNoGc).toBe(0);
  });

  it('gives usage errors for unknown workloads, strategies and heap sizes', async () => {
    const workload = await runCli(['run', '--workloads', 'nope', '--strategies', 'no-gc']);
    expect(workload.code).toBe(2);
    expect(workload.stderr).toMatch(/unknown workload 'nope'/);
    const strategy = await runCli(['run', '--strategies', 'nope']);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toMatch(/unknown strategy 'nope'/);
    const heap = await runCli(['run', '--strategies', 'no-gc', '--heap', '3y']);
    expect(heap.code).toBe(2);
    expect(heap.stderr).toMatch(/heap size '3y'/);
  });
});
