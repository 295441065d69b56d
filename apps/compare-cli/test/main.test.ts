import { describe, expect, it } from 'vitest';
import { runCli } from './run-in-process.ts';

describe('gclab (commander usage)', () => {
  it('--help lists the commands and exits 0; so does replay --help', async () => {
    const [top, replay] = await Promise.all([runCli(['--help']), runCli(['replay', '--help'])]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^\s+list\b/m);
    expect(top.stdout).toMatch(/^\s+replay\b/m);
    expect(replay.code).toBe(0);
    for (const option of [
      '--strategy',
      '--strategy-module',
      '--checked',
      '--json',
      '--gc-log',
      '--heap-limit',
    ]) {
      expect(replay.stdout).toContain(option);
    }
  });

  it("commander's own usage errors exit 2 without a stack trace", async () => {
    const runs = await Promise.all([runCli([]), runCli(['no-such-command']), runCli(['list', '--bogus'])]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(runs[1]!.stderr).toContain("unknown command 'no-such-command'");
    expect(runs[2]!.stderr).toContain("unknown option '--bogus'");
    for (const r of runs) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
