import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { fixture, runCli as spawnCli } from '../run-cli.ts';
import { runCli } from '../run-in-process.ts';

// One test after another: each runs a verify campaign (in-process, run-in-process.ts), which keeps a
// core busy; run at once on a 2-core machine beside the other test files, they only made each other
// time out.
describe('gclab verify', { timeout: 120_000 }, () => {
  it('passes a registered collector, with one result line', async () => {
    const r = await runCli(['verify', '--strategy', 'no-gc', '--runs', '30', '--seed', '7']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/30 programs per collector, up to 40 ops each, seed 7/);
    expect(r.stdout).toMatch(/^ {2}pass no-gc {2}\d+ corpus traces, 30 programs, \d+ ops, \d+ full gcs/m);
  });

  // Nine campaigns (the regression corpus and 10 programs each), one after another: more than a
  // minute on a loaded 2-core machine.
  it('verifies every registered collector with --strategy all', { timeout: 180_000 }, async () => {
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
    expect(r.stdout).toMatch(/^ {2}pass mark-sweep {2}\d+ corpus traces, 31 programs/m);
    expect(r.stdout).toMatch(/^coverage \(programs that reached each shape\)$/m);
    expect(r.stdout).toMatch(/^ {2}shape +mark-sweep$/m);
    expect(r.stdout).toMatch(/^ {2}10000\+ operations +1$/m);
    expect(r.stdout).toMatch(/^ {2}collections forced \(stress\) +1$/m);
  });

  it('passes the example third-party collector from --strategy-module, format-2 programs too', async () => {
    const r = await runCli([
      'verify',
      '--strategy-module',
      'examples/collectors/tiny-mark-sweep.ts',
      '--runs',
      '60',
      '--format2',
      '0.5',
      '--coverage',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The regression corpus, 60 random programs, then 2 long programs in stress mode.
    expect(r.stdout).toMatch(/pass tiny-mark-sweep {2}\d+ corpus traces, 62 programs/);
    // Its finalizers ran and its weak references were cleared in the format-2 programs.
    expect(r.stdout).toMatch(/^ {2}finalizer ran +[1-9]\d*$/m);
    expect(r.stdout).toMatch(/^ {2}deref of a cleared weakref +[1-9]\d*$/m);
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
    // The printed replay command reproduces the failure: checked mode stops the replay, exit 1. Its
    // --strategy-module replays in a child of the command itself: a process of its own.
    const replay = await spawnCli(replayCommand.split(' ').slice(1));
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/heap integrity violated/);
    // And verify --trace re-checks the file with the same verdict.
    const again = await runCli(['verify', '--strategy-module', module, '--trace', file]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/FAIL test-freeing-reachable on .*: safety at op \d+/);
  });
});
