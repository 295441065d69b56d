/**
 * Fault injection: outputs that cannot be written. An unwritable `--out` or `--html` is a usage
 * error before any cell runs (never a lost run, never a spin); a full disk and a full standard
 * output are one line and exit 1; a closed pipe ends the command quietly.
 */
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../run-cli.ts';
import { runCli } from '../run-in-process.ts';
import { QUICK, SPAWN_TIMEOUT, startCli, tempDir } from './spawn-cli.ts';

const RUN = ['run', '--workloads', 'rings', '--strategies', 'no-gc', '--verbose', ...QUICK];
const STACK = /\n\s+at /;

describe.concurrent('outputs that cannot be written', { timeout: SPAWN_TIMEOUT }, () => {
  it('an unwritable --out or --html is exit 2 before any cell runs', async () => {
    const dir = tempDir();
    const plain = join(dir, 'plain');
    writeFileSync(plain, '');
    const runs = await Promise.all([
      runCli([...RUN, '--out', join(plain, 'r.json')]),
      runCli([...RUN, '--html', join(plain, 'sub', 'r.html')]),
      runCli([...RUN, '--out', dir]),
      // Node's recursive mkdir spins forever on /proc; this must end at once.
      runCli([...RUN, '--out', '/proc/gclab-nope/r.json']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(runs[0]!.stderr).toBe(
      `error: --out: cannot write ${plain}/r.json: a part of the path is not a directory (ENOTDIR)\n`,
    );
    expect(runs[1]!.stderr).toMatch(/^error: --html: cannot write .*plain\/sub\/r\.html: a part of the path/);
    expect(runs[2]!.stderr).toBe(`error: --out: cannot write ${dir}: is a directory\n`);
    expect(runs[3]!.stderr).toBe(
      'error: --out: cannot write /proc/gclab-nope/r.json: no such directory (ENOENT)\n',
    );
    for (const r of runs) {
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/^plan /m); // no cell was planned, let alone run
    }
  });

  it('merge, report and compare check --out and --html before reading', async () => {
    const plain = join(tempDir(), 'plain');
    writeFileSync(plain, '');
    const results = fixture('results-small.json');
    const runs = await Promise.all([
      runCli(['merge', results, '--out', join(plain, 'm.json')]),
      runCli(['report', results, '--html', join(plain, 'r.html')]),
      runCli(['compare', results, results, '--out', join(plain, 'c.md')]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
    for (const r of runs) expect(r.stderr).toMatch(/^error: --(out|html): cannot write .*ENOTDIR/);
  });

  it('a full disk at the end (--out /dev/full) is one line and exit 1, the device left alone', async () => {
    const r = await runCli([...RUN, '--out', '/dev/full']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write \/dev\/full: no space left on device \(ENOSPC\)$/m);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toMatch(/^rings \(small, seed 42\)$/m); // the results are still printed
    // Still the device, not a regular file renamed over it.
    const fd = openSync('/dev/full', 'r');
    closeSync(fd);
    expect(() => writeFileSync('/dev/full', 'x')).toThrow(/ENOSPC/);
  });

  it('a full standard output is one line on stderr and exit 1', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const run = startCli(['list'], { stdio: ['ignore', full, 'pipe'] });
      const exit = await run.exited;
      expect(exit.code).toBe(1);
      expect(run.stderr()).toBe('error: cannot write standard output: no space left on device (ENOSPC)\n');
    } finally {
      closeSync(full);
    }
  });

  it('a closed pipe on standard output (gclab ... | head) ends quietly with exit 0', async () => {
    const runs = [
      startCli(['replay', 'examples/traces/cycle.trace', '--strategy', 'cpython', '--gc-log']),
      startCli(['list']),
      startCli([...RUN, '--format', 'json']),
    ];
    // The reader goes away before the command writes anything, as `head` does after its lines.
    for (const run of runs) run.child.stdout!.destroy();
    const exits = await Promise.all(runs.map((r) => r.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
    for (const run of runs) expect(run.stderr()).not.toMatch(/Unhandled 'error' event|EPIPE/);
  });
});
