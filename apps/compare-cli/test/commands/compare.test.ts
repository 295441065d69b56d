import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spread } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { loadResultsFixture, RESULTS_FIXTURE } from '../report/fixture.ts';
import { runCli } from '../run-cli.ts';

const FIXTURE = RESULTS_FIXTURE.pathname;

/** Writes files into a fresh temporary directory and returns their paths. */
function files(contents: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gclab-compare-'));
  return Object.fromEntries(
    Object.entries(contents).map(([name, text]) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return [name, path];
    }),
  );
}

describe.concurrent('gclab compare', () => {
  it('reports no change between a file and itself, and a regression when a cell got slower', async () => {
    const slower = loadResultsFixture();
    const cell = slower.cells.find((c) => c.cell.collector === 'mark-sweep')!;
    const s = cell.summary!.wallMs;
    // Three invocations, each slower than the slowest of the fixture's: beyond the spread.
    cell.summary!.wallMs = spread([s.max * 3, s.max * 4, s.max * 5]);
    const f = files({ 'slower.json': JSON.stringify(slower) });
    const [same, worse, gate] = await Promise.all([
      runCli(['compare', FIXTURE, FIXTURE, '--format', 'json', '--fail-on-regression']),
      runCli(['compare', FIXTURE, f['slower.json']!]),
      runCli(['compare', FIXTURE, f['slower.json']!, '--fail-on-regression', '--format', 'md']),
    ]);
    expect(same.code).toBe(0);
    const c = JSON.parse(same.stdout) as {
      cells: unknown[];
      counts: { regression: number; improvement: number; changed: number };
    };
    expect(c.cells.length).toBe(loadResultsFixture().cells.length);
    expect(c.counts.regression + c.counts.improvement + c.counts.changed).toBe(0);
    expect(worse.code).toBe(0);
    expect(worse.stdout).toMatch(/mark-sweep\s+│ 2x\s+│ time .* regression/);
    expect(worse.stdout.trimEnd().split('\n').at(-1)).toMatch(/^1 regression, 0 improvements/);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('| mark-sweep | 2x | time |');
  });

  it('unreadable or foreign JSON is a usage error naming the file (exit 2, no stack trace)', async () => {
    const f = files({
      'broken.json': '{"schema": "gclab-results", ',
      'foreign.json': JSON.stringify({ name: 'some-package', version: '1.0.0' }),
    });
    const runs = await Promise.all([
      runCli(['compare', f['broken.json']!, FIXTURE]),
      runCli(['merge', FIXTURE, f['foreign.json']!]),
      runCli(['compare', FIXTURE, '/no/such/results.json']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(runs[0]!.stderr).toMatch(/^error: .*broken\.json: not JSON \(/);
    expect(runs[1]!.stderr).toMatch(/^error: .*foreign\.json: not a gclab results file/);
    expect(runs[2]!.stderr).toBe('error: /no/such/results.json: no such file\n');
    for (const r of runs) {
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('bad options print usage and exit 2', async () => {
    const runs = await Promise.all([
      runCli(['compare', FIXTURE]),
      runCli(['compare', FIXTURE, FIXTURE, '--threshold', 'lots']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2]);
    expect(runs[0]!.stderr).toContain("missing required argument 'new'");
    expect(runs[1]!.stderr).toMatch(/option '--threshold <fraction>' argument 'lots' is invalid/);
    for (const r of runs) expect(r.stderr).toContain('(add --help for usage)');
  });
});

describe.concurrent('gclab merge and report', () => {
  it('merge writes the merged results and the HTML report; report re-renders a file', async () => {
    const whole = loadResultsFixture();
    const shard = (index: number) => {
      const copy = structuredClone(whole);
      copy.cells = copy.cells.filter((_, k) => k % 2 === index - 1);
      copy.options.shard = { index, count: 2 };
      return JSON.stringify(copy);
    };
    const f = files({ 's1.json': shard(1), 's2.json': shard(2) });
    const dir = join(f['s1.json']!, '..');
    const merged = await runCli([
      'merge',
      f['s2.json']!,
      f['s1.json']!,
      '--out',
      join(dir, 'all.json'),
      '--html',
      join(dir, 'all.html'),
    ]);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe('');
    const all = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as typeof whole;
    expect(all.cells.map((c) => c.deterministic)).toEqual(whole.cells.map((c) => c.deterministic));
    expect(readFileSync(join(dir, 'all.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const [csv, missing] = await Promise.all([
      runCli(['report', join(dir, 'all.json'), '--format', 'csv']),
      runCli(['merge', f['s1.json']!]),
    ]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toMatch(/^workload,size,seed,collector,heap,/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: missing shard 2/2\n');
  });
});
