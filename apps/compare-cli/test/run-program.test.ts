import { mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../src/run-program.ts';
import { fixture, ROOT, runCli as spawnCli } from './run-cli.ts';

const ENV = { ...process.env, NO_COLOR: '1' };

describe('runProgram (the command in-process)', () => {
  it('gives what the spawned command gives: code, stdout, stderr', async () => {
    for (const args of [['list'], ['replay', 'examples/traces/cycle.trace'], ['--version']]) {
      const [spawned, inProcess] = await Promise.all([
        spawnCli(args),
        runProgram(args, { cwd: ROOT, env: ENV }),
      ]);
      expect(inProcess, args.join(' ')).toEqual(spawned);
    }
  });

  it('puts the process back as it was: streams, exit code, working directory, environment', async () => {
    const stdout = process.stdout;
    const stderr = process.stderr;
    const cwd = process.cwd();
    const env = { ...process.env };
    process.exitCode = undefined;
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'gclab-run-program-')));
    // A failing campaign sets process.exitCode; its relative --out is in the run's working directory.
    const module = join(ROOT, fixture('freeing-reachable-collector.ts'));
    const r = await runProgram(['verify', '--strategy-module', module, '--runs', '100', '--out', 'found'], {
      cwd: dir,
      env: { ...ENV, GCLAB_RUN_PROGRAM_TEST: 'set' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL test-freeing-reachable {2}safety at op \d+/);
    expect(readdirSync(join(dir, 'found'))).toEqual(['test-freeing-reachable-safety-seed42.trace']);
    expect(process.stdout).toBe(stdout);
    expect(process.stderr).toBe(stderr);
    expect(process.exitCode).toBeUndefined();
    expect(process.cwd()).toBe(cwd);
    expect(process.env).toEqual(env);
  });

  it('runs take turns: two runs started at once give what each gives alone', async () => {
    const a = ['list', '--json'];
    const b = ['experiment', 'list', '--json'];
    const alone = [
      await runProgram(a, { cwd: ROOT, env: ENV }),
      await runProgram(b, { cwd: ROOT, env: ENV }),
    ];
    const together = await Promise.all([
      runProgram(a, { cwd: ROOT, env: ENV }),
      runProgram(b, { cwd: ROOT, env: ENV }),
    ]);
    expect(together).toEqual(alone);
    expect(alone[0]!.stdout).not.toBe(alone[1]!.stdout);
  });

  it('the environment reaches the command: GCLAB_SEED is verify’s default seed', async () => {
    const run = (seed: string) =>
      runProgram(['verify', '--strategy', 'no-gc', '--runs', '3'], {
        cwd: ROOT,
        env: { ...ENV, GCLAB_SEED: seed },
      });
    const [seven, eight] = [await run('7'), await run('8')];
    expect(seven.stdout).toContain('seed 7');
    expect(eight.stdout).toContain('seed 8');
  });

  it('refuses what needs a process of its own: variables read at load, a replay in a child', async () => {
    await expect(
      runProgram(['list'], { cwd: ROOT, env: { ...ENV, GCLAB_PYTHON: '/no/python' } }),
    ).rejects.toThrow(/GCLAB_PYTHON is read when modules load/);
    const r = await runProgram(
      ['replay', 'examples/traces/cycle.trace', '--strategy-module', fixture('logging-collector.ts')],
      { cwd: ROOT, env: ENV },
    );
    expect(r.code).toBe(70);
    expect(r.stderr).toContain('replay --strategy-module starts the command again in a child');
  });
});
