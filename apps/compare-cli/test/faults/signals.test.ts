/**
 * Fault injection: signals and kills to a running `gclab run`, as batch schedulers, terminals and
 * impatient users send them. Completed cells survive a SIGTERM or SIGHUP; the launcher exits with
 * the command's own code (128 + the signal that ended it); no process of the run outlives the one
 * that started it, and the results file is never half-written.
 */
import { existsSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import {
  cellsDone,
  childrenOf,
  isAlive,
  LONG_RUN,
  processTree,
  type Running,
  SPAWN_TIMEOUT,
  startCli,
  tempDir,
  waitFor,
} from './spawn-cli.ts';

/** Waits until `run` has completed `n` cells. */
function afterCells(run: Running, n: number): Promise<void> {
  return waitFor(() => cellsDone(run.stderr()) >= n, `${n} completed cells; stderr:\n${run.stderr()}`);
}

/** The command process under the launcher `run` (once it has started). */
async function commandOf(run: Running): Promise<number> {
  await waitFor(() => childrenOf(run.pid).length > 0, 'the command process');
  return childrenOf(run.pid)[0]!;
}

/** Checks a results file written after an interruption: only completed cells, all ok. */
function expectKept(file: string, atLeast: number): void {
  const results = readResults(file);
  expect(results.interrupted).toBe(true);
  expect(results.cells.length).toBeGreaterThanOrEqual(atLeast);
  expect(results.cells.length).toBeLessThan(12);
  expect(results.cells.filter((c) => c.status !== 'ok').map((c) => c.message)).toEqual([]);
}

describe.concurrent('signals to a running gclab run', { timeout: SPAWN_TIMEOUT }, () => {
  it('SIGTERM to the whole job (a scheduler at its time limit) keeps the completed cells, exit 143', async () => {
    const out = join(tempDir(), 'r.json');
    const run = startCli([...LONG_RUN, '--out', out], { detached: true });
    await afterCells(run, 1);
    // Slurm and Kubernetes signal every process: launcher, command and workers alike.
    process.kill(-run.pid, 'SIGTERM');
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(143);
    expect(run.stderr()).toMatch(/^interrupted by SIGTERM: stopping the workers; completed cells are kept$/m);
    expect(run.stderr()).toMatch(
      /^interrupted by SIGTERM: \d+ completed cells? kept, written to .*r\.json$/m,
    );
    expect(run.stderr()).not.toMatch(/\n\s+at /);
    expectKept(out, 1);
    expect(run.stdout()).toContain('interrupted: only the cells that completed are shown');
  });

  it('SIGHUP to the launcher alone (a closed terminal) is passed on: cells kept, exit 129', async () => {
    const out = join(tempDir(), 'r.json');
    const run = startCli([...LONG_RUN, '--out', out]);
    await afterCells(run, 1);
    process.kill(run.pid, 'SIGHUP');
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(129);
    expect(run.stderr()).toMatch(/^interrupted by SIGHUP: \d+ completed cells? kept, written to /m);
    expectKept(out, 1);
  });

  it('the launcher exits 137 when the command is killed with kill -9, 134 when it aborts', async () => {
    const runs = [startCli(LONG_RUN), startCli(LONG_RUN)];
    const signals = ['SIGKILL', 'SIGABRT'] as const;
    const codes = await Promise.all(
      runs.map(async (run, i) => {
        await afterCells(run, 1);
        const command = await commandOf(run);
        const workers = childrenOf(command);
        process.kill(command, signals[i]);
        const exit = await run.exited;
        // Orphaned workers notice their runner is gone and exit (after the task in hand).
        await waitFor(() => workers.every((pid) => !isAlive(pid)), 'the workers to exit');
        return exit.code;
      }),
    );
    expect(codes).toEqual([137, 134]);
  });

  it('kill -9 of the launcher: the command keeps the completed cells and ends, with its workers', async () => {
    const out = join(tempDir(), 'r.json');
    const run = startCli([...LONG_RUN, '--out', out]);
    await afterCells(run, 1);
    const tree = processTree(run.pid);
    process.kill(run.pid, 'SIGKILL');
    await run.exited;
    await waitFor(() => tree.every((pid) => !isAlive(pid)), 'every process of the run to exit');
    expectKept(out, 1);
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    '%s to npx: the gclab process and its workers end too, and write the completed cells',
    async (signal) => {
      const out = join(tempDir(), 'r.json');
      const run = startCli([...LONG_RUN, '--out', out], { npx: true });
      await afterCells(run, 1);
      const tree = processTree(run.pid);
      expect(tree.length).toBeGreaterThanOrEqual(3); // npx, (sh,) the launcher, the command, workers
      process.kill(run.pid, signal);
      await run.exited;
      await waitFor(() => tree.every((pid) => !isAlive(pid)), 'every process under npx to exit');
      expectKept(out, 1);
    },
  );
});

describe('kill -9 while the results file is written', { timeout: SPAWN_TIMEOUT }, () => {
  it('leaves the previous results file whole: the target is only ever replaced by a rename', async () => {
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const previous = `${JSON.stringify({ previous: true })}\n`;
    writeFileSync(out, previous);
    // Sampled timelines make the results file large, so writing it takes a moment.
    const writer = startCli(
      [
        'run',
        ...['--workloads', 'rings,jupyter-globals', '--strategies', 'no-gc,refcount', '--out', out],
        ...['--invocations', '1', '--min-time', '0'],
      ],
      {},
    );
    let killed = false;
    const watcher = watch(dir, (_, name) => {
      // The temporary file appeared: the write has begun. Kill the command mid-write.
      if (!killed && name !== null && name.endsWith('.tmp')) {
        killed = true;
        for (const pid of childrenOf(writer.pid)) process.kill(pid, 'SIGKILL');
      }
    });
    try {
      await writer.exited;
    } finally {
      watcher.close();
    }
    expect(killed).toBe(true);
    const text = readFileSync(out, 'utf8');
    // Either the old file, untouched, or the new one complete (when the rename beat the kill).
    if (text !== previous) expect(readResults(out).cells.length).toBe(4);
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(dir).filter((f) => f !== 'r.json' && !f.endsWith('.tmp'))).toEqual([]);
  });
});
