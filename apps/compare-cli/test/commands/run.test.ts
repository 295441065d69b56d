import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYPERFORMANCE_WORKLOADS, readResults } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { collectorEntries } from '../../src/collector-refs.ts';
import { chooseWorkloads, DEFAULT_RUN_WORKLOADS } from '../../src/commands/run.ts';
import { collectorNames } from '../../src/registry.ts';
import { cellKey } from '../../src/report/figures.ts';
import { LONG_RUN, QUICK } from '../faults/spawn-cli.ts';
import { ROOT, runCli } from '../run-cli.ts';

/** A fresh temporary directory. */
function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gclab-run-'));
}

/** Flags of a quick matrix: one invocation, no warm-up, no sampling. */

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

  it('--workloads default, all, or a list', () => {
    expect(chooseWorkloads('default')).toEqual([...DEFAULT_RUN_WORKLOADS]);
    expect(chooseWorkloads('rings, big-del')).toEqual(['rings', 'big-del']);
    expect(chooseWorkloads('all')).toEqual([
      ...DEFAULT_RUN_WORKLOADS.slice(0, 1),
      'binary-trees',
      ...DEFAULT_RUN_WORKLOADS.slice(1),
      ...PYPERFORMANCE_WORKLOADS.map((w) => w.name),
    ]);
    expect(DEFAULT_RUN_WORKLOADS.some((w) => w.startsWith('pyperf-'))).toBe(false);
    expect(() => chooseWorkloads(',')).toThrow(/name at least one workload/);
  });
});

// Generous: these spawn the command, several at once, on what may be a busy 2-core machine.
describe.concurrent('gclab run', { timeout: 180_000 }, () => {
  it('runs the matrix, prints a table per workload, writes the results JSON and the HTML report', async () => {
    const dir = tempDir();
    const strategies = collectorNames().slice(0, 2).join(',');
    const r = await runCli([
      'run',
      '--workloads',
      'rings',
      '--strategies',
      strategies,
      '--invocations',
      '2',
      '--min-time',
      '0',
      '--warmup',
      '0',
      '--out',
      join(dir, 'results.json'),
      '--html',
      join(dir, 'report.html'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rings \(small, seed 42\)$/m);
    expect(r.stdout).toMatch(/^│ refcount\s+│/m);
    expect(r.stdout).not.toContain('\u001b['); // NO_COLOR
    const results = readResults(join(dir, 'results.json'));
    expect(results.cells.map((c) => c.cell.collector)).toEqual(collectorNames().slice(0, 2));
    expect(results.cells.every((c) => c.status === 'ok' && c.invocations === 2)).toBe(true);
    expect(results.cells[0]!.overheadVsNoGc).toBe(0);
    // Sampled by default: timelines and the garbage peak.
    expect(results.cells[1]!.measurement!.timeline!.clock.length).toBeGreaterThan(10);
    expect(results.cells[1]!.measurement!.garbage.peakOutstandingBytes).toBeGreaterThan(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<h2>rings (small, seed 42)</h2>');
  });

  it('prints Markdown with --format md (CSV and JSON: test/report/formats.test.ts and the shard test)', async () => {
    const md = await runCli([
      'run',
      '--workloads',
      'jupyter-globals',
      '--strategies',
      'no-gc',
      ...QUICK,
      '--format',
      'md',
    ]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('## jupyter-globals (small, seed 42)');
    expect(md.stdout).toMatch(/^\| `no-gc` \|/m);
  });

  it('two shards merged have the deterministic figures of the unsharded run', async () => {
    const dir = tempDir();
    const args = [
      'run',
      '--workloads',
      'rings,jupyter-globals',
      '--strategies',
      'no-gc,refcount,mark-sweep',
      ...QUICK,
    ];
    const runs = await Promise.all([
      runCli([...args, '--out', join(dir, 'all.json'), '--format', 'csv']),
      runCli([...args, '--shard', '1/2', '--out', join(dir, 's1.json'), '--format', 'csv']),
      runCli([...args, '--shard', '2/2', '--out', join(dir, 's2.json'), '--format', 'csv']),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const csv = runs[0]!.stdout.trimEnd().split('\n');
    expect(csv[0]).toMatch(/^workload,size,seed,collector,heap,heapLimitBytes,status,invocations,wallMs,/);
    expect(csv[1]).toMatch(/^rings,small,42,no-gc,unlimited,,ok,1,/);
    const merged = await runCli([
      'merge',
      join(dir, 's2.json'),
      join(dir, 's1.json'),
      '--out',
      join(dir, 'm.json'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    const whole = readResults(join(dir, 'all.json'));
    const shards = [readResults(join(dir, 's1.json')), readResults(join(dir, 's2.json'))];
    expect(shards.map((s) => s.options.shard)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    expect(shards[0]!.cells.length + shards[1]!.cells.length).toBe(whole.cells.length);
    expect(shards[0]!.cells.length).toBeGreaterThan(0);
    const m = readResults(join(dir, 'm.json'));
    expect(m.cells.map(cellKey)).toEqual(whole.cells.map(cellKey));
    expect(m.cells.map((c) => c.deterministic)).toEqual(whole.cells.map((c) => c.deterministic));
    expect(m.cells.every((c) => c.overheadVsNoGc !== null && c.overheadVsNoGc !== undefined)).toBe(true);
  });

  it('gives usage errors for unknown workloads, strategies, heap sizes and bad options (exit 2)', async () => {
    const runs = await Promise.all([
      runCli(['run', '--workloads', 'nope', '--strategies', 'no-gc']),
      runCli(['run', '--strategies', 'nope']),
      runCli(['run', '--strategies', 'no-gc', '--heap', '3y']),
      runCli(['run', '--size', 'huge']),
      runCli(['run', '--shard', '3/2']),
      runCli(['run', '--invocations', '0']),
      runCli(['run', '--format', 'xml']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(runs[0]!.stderr).toMatch(/unknown workload 'nope'/);
    expect(runs[1]!.stderr).toMatch(/unknown strategy 'nope'/);
    expect(runs[2]!.stderr).toMatch(/--heap: heap size '3y'/);
    expect(runs[3]!.stderr).toMatch(/argument 'huge' is invalid. Allowed choices are small, medium, large/);
    expect(runs[4]!.stderr).toMatch(
      /option '--shard <i\/n\|auto>' argument '3\/2' is invalid. shard I must be from 1 to 2/,
    );
    expect(runs[5]!.stderr).toMatch(/option '--invocations <n>' argument '0' is invalid/);
    expect(runs[6]!.stderr).toMatch(/Allowed choices are table, json, csv, md/);
    for (const r of runs.slice(3)) expect(r.stderr).toContain('(add --help for usage)');
    for (const r of runs) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('Ctrl-C keeps the completed cells, writes a partial report and exits 130', async () => {
    const dir = tempDir();
    const out = join(dir, 'partial.json');
    const html = join(dir, 'partial.html');
    // As a terminal does, the signal goes to the whole process group: launcher, command and workers.
    const child = spawn(
      process.execPath,
      ['apps/compare-cli/bin/gclab.js', ...LONG_RUN, '--out', out, '--html', html],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const interrupted = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // Interrupt once two cells have completed.
        if ((stderr.match(/^cell \d+\/\d+ ok /gm) ?? []).length >= 2) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await interrupted;
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: stopping the workers; completed cells are kept/);
    expect(stderr).toMatch(
      /interrupted: \d+ completed cells? kept, written to .*partial\.json and .*partial\.html/,
    );
    const results = readResults(out);
    expect(results.interrupted).toBe(true);
    const total = Number(/^plan (\d+) cells/m.exec(stderr)![1]);
    expect(results.cells.length).toBeGreaterThanOrEqual(2);
    expect(results.cells.length).toBeLessThan(total);
    // Only completed cells: none failed because of the interruption.
    expect(results.cells.filter((c) => c.status !== 'ok').map((c) => c.message)).toEqual([]);
    expect(stdout).toContain('interrupted: only the cells that completed are shown');
    expect(stdout).toMatch(/^jupyter-globals \(small, seed 42\)$/m);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('This run was interrupted');
  });
});
