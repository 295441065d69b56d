import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../run-cli.ts';

describe.concurrent('gclab verify', () => {
  it('passes a registered collector, with one result line', async () => {
    const r = await runCli(['verify', '--strategy', 'no-gc', '--runs', '30', '--seed', '7']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/30 programs per collector, up to 40 ops each, seed 7/);
    expect(r.stdout).toMatch(/^ {2}pass no-gc {2}30 programs, \d+ ops, \d+ full gcs/m);
  });

  it('verifies every registered collector with --strategy all', async () => {
    const r = await runCli(['verify', '--strategy', 'all', '--runs', '10', '--stress-runs', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pass no-gc/);
    expect(r.stdout).not.toMatch(/coverage/);
  });

  it('prints the shapes each campaign reached with --coverage', async () => {
    const r = await runCli([
      'verify',
      '--strategy',
      'mark-sweep',
      '--runs',
      '30',
      '--stress-runs',
      '1',
      '--coverage',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}pass mark-sweep {2}31 programs/m);
    expect(r.stdout).toMatch(/^coverage \(programs that reached each shape\)$/m);
    expect(r.stdout).toMatch(/^ {2}shape +mark-sweep$/m);
    expect(r.stdout).toMatch(/^ {2}10000\+ operations +1$/m);
    expect(r.stdout).toMatch(/^ {2}collections forced \(stress\) +1$/m);
  });

  it('passes the example third-party collector from --strategy-module', async () => {
    const r = await runCli([
      'verify',
      '--strategy-module',
      'examples/collectors/tiny-mark-sweep.ts',
      '--runs',
      '60',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // 60 random programs, then 2 long programs in stress mode.
    expect(r.stdout).toMatch(/pass tiny-mark-sweep {2}62 programs/);
  });

  it('writes a counterexample that replays, prints the property and the commands, and exits 1', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gclab-verify-'));
    const module = fixture('freeing-reachable-collector.ts');
    const r = await runCli(['verify', '--strategy-module', module, '--runs', '100', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL test-freeing-reachable {2}safety at op \d+/);
    const file = join(out, 'test-freeing-reachable-safety-seed42.trace');
    const ops = parseTrace(readFileSync(file, 'utf8'));
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.length).toBeLessThanOrEqual(12);
    const replayCommand = `gclab replay ${file} --strategy-module ${module} --checked`;
    expect(r.stdout).toContain(replayCommand);
    // The printed replay command reproduces the failure: checked mode stops the replay, exit 1.
    const replay = await runCli(replayCommand.split(' ').slice(1));
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/heap integrity violated/);
    // And verify --trace re-checks the file with the same verdict.
    const again = await runCli(['verify', '--strategy-module', module, '--trace', file]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/FAIL test-freeing-reachable on .*: safety at op \d+/);
  });

  it('checks one trace with --trace', async () => {
    const r = await runCli(['verify', '--strategy', 'no-gc', '--trace', 'examples/traces/cycle.trace']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pass no-gc on examples\/traces\/cycle.trace: every property held over \d+ ops/);
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await runCli(['verify'])).code).toBe(2);
    expect((await runCli(['verify', '--strategy', 'no-gc', '--runs', '0'])).code).toBe(2);
    expect((await runCli(['verify', '--strategy', 'nonesuch'])).stderr).toMatch(
      /unknown strategy 'nonesuch'/,
    );
    const all = await runCli(['verify', '--strategy', 'all', '--trace', 'examples/traces/cycle.trace']);
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(/--trace needs one collector/);
  });
});
