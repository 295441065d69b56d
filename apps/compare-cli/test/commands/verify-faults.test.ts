/**
 * `gclab verify` against collectors that fail in ways of their own (a hook that throws, a hook that
 * never returns, with and without --trace) and against bad usage: split from verify.test.ts so that
 * the two files' CLI runs can go to both of vitest's workers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { fixture, runCli as spawnCli } from '../run-cli.ts';
import { runCli } from '../run-in-process.ts';

// One test after another, as in verify.test.ts: each runs a verify campaign. The two runs that stop a
// collector looping forever spawn the command, as a user runs it (its child watchdog); the others run
// in-process (run-in-process.ts).
describe('gclab verify: collector faults and usage', { timeout: 120_000 }, () => {
  it('contains a collector that throws: a crash failure naming the hook, exit 1, not an internal error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gclab-verify-'));
    const module = fixture('crashing-collector.ts');
    const r = await runCli(['verify', '--strategy-module', module, '--runs', '20', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stdout).toMatch(/FAIL test-crashing {2}crash at op \d+/);
    expect(r.stdout).toContain('the collector threw Error: fixture: collect crashed out of its collect hook');
    const ops = parseTrace(readFileSync(join(out, 'test-crashing-crash-seed42.trace'), 'utf8'));
    expect(ops).toEqual([{ op: 'gc', generation: null }]);
  });

  it('contains a collector that loops forever: stopped at --time-limit, a time-limit failure, exit 1', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gclab-verify-'));
    const module = fixture('looping-collector.ts');
    const r = await spawnCli([
      'verify',
      '--strategy-module',
      module,
      '--runs',
      '100',
      '--time-limit',
      '1000',
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL test-looping {2}time-limit at op \d+/);
    expect(r.stdout).toMatch(/ran past the time limit of 1000 ms in op \d+ of the program it was running/);
    // The counterexample is the program that was running: its last op is the one that never returned.
    const ops = parseTrace(readFileSync(join(out, 'test-looping-time-limit-seed42.trace'), 'utf8'));
    expect(ops.at(-1)?.op).toMatch(/^(gc|new)$/);
  });

  it('contains a collector that loops forever under --trace: a time-limit failure naming the hook, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-verify-'));
    const file = join(dir, 'self-loop.trace');
    writeFileSync(file, 'gclab-trace 1\nnew r0 1\nput r0 0 r0\ngc\n');
    const module = fixture('looping-collector.ts');
    const r = await spawnCli([
      'verify',
      '--strategy-module',
      module,
      '--trace',
      file,
      '--time-limit',
      '1000',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL test-looping on .*self-loop.trace: time-limit at op 2 \(gc\)/);
    expect(r.stdout).toMatch(/in op 2, inside its collect hook, and was stopped/);
  });

  it('checks one trace with --trace', async () => {
    const r = await runCli(['verify', '--strategy', 'no-gc', '--trace', 'examples/traces/cycle.trace']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pass no-gc on examples\/traces\/cycle.trace: every property held over \d+ ops/);
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await runCli(['verify'])).code).toBe(2);
    expect((await runCli(['verify', '--strategy', 'no-gc', '--runs', '0'])).code).toBe(2);
    const share = await runCli(['verify', '--strategy', 'no-gc', '--format2', '2']);
    expect(share.code).toBe(2);
    expect(share.stderr).toMatch(/--format2 must be a share from 0 to 1, got '2'/);
    expect((await runCli(['verify', '--strategy', 'nonesuch'])).stderr).toMatch(
      /unknown strategy 'nonesuch'/,
    );
    const all = await runCli(['verify', '--strategy', 'all', '--trace', 'examples/traces/cycle.trace']);
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(/--trace needs one collector/);
  });
});
