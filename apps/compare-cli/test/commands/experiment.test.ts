import { availableParallelism } from 'node:os';
import {
  EXPERIMENTS,
  type GetrefcountResult,
  type MemoryReleaseResult,
  type ThreadsExperimentResult,
} from '@gclab/experiments';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.ts';

describe.concurrent('gclab experiment', () => {
  it('memory-release --json prints the three phases: pools kept after half, arenas released after all', async () => {
    const r = await runCli(['experiment', 'memory-release', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as MemoryReleaseResult;
    expect(result.phases.map((p) => p.name)).toEqual(['allocated', 'freed-half', 'freed-all']);
    const [allocated, half, all] = result.phases;
    expect(allocated).toMatchObject({ liveBlocks: 100_000, pools: 2565, arenas: 41 });
    expect(half).toMatchObject({ liveBlocks: 50_000, pools: 2565, arenas: 41 });
    expect(all).toMatchObject({ liveBlocks: 0, pools: 0, arenas: 1, reservedBytes: 1 << 20 });
    expect(result.explanation).toContain('bpo-37257');
  });

  it('memory-release prints a table and the explanation; --count and --size are honoured', async () => {
    const r = await runCli(['experiment', 'memory-release', '--count', '1000', '--size', '64']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('memory-release: 1,000 blocks of 64 bytes (size class 3');
    expect(r.stdout).toMatch(/freed-half\s+500\s+32,000/);
    expect(r.stdout).toContain("This is the article's claim");
  });

  it('rejects a bad --count or --size with a usage error', async () => {
    for (const args of [
      ['--count', '0'],
      ['--count', 'many'],
      ['--size', '-5'],
    ]) {
      const r = await runCli(['experiment', 'memory-release', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expected a (block count|size in bytes)/);
    }
  });

  it('differential-mix --version takes a CPython version (after the command, not the program version)', async () => {
    const bad = await runCli(['experiment', 'differential-mix', '--version', '3.9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected one of 3.11, 3.12, 3.13, 3.14, 3.15');
    const program = await runCli(['--version']);
    expect(program.code).toBe(0);
    expect(program.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('getrefcount prints 2, 3, 2, 2, 4, 2 and 2, 2, 2 under reference counting', async () => {
    const r = await runCli(['experiment', 'getrefcount', '--versions', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^refcount\s+2, 3, 2\s+2, 4, 2\s+2, 2, 2\s+1, 2$/m);
    expect(r.stdout).toMatch(/^mark-sweep\s+null, null, null/m);
  });

  it('getrefcount --json prints the runs under every registered collector', async () => {
    const r = await runCli(['experiment', 'getrefcount', '--json', '--versions', '3.11']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as GetrefcountResult;
    expect(result.experiment).toBe('getrefcount');
    expect(result.runs.find((run) => run.collector === 'cpython')?.cpython310).toEqual([2, 4, 2]);
    expect(result.runs.map((run) => run.collector)).toContain('gen-copy');
    expect(result.versions.map((v) => [v.version, v.collector, v.model])).toEqual([
      ['3.11', 'cpython', [2, 3, 2]],
    ]);
  });

  it('getrefcount --versions with a version gclab does not run is a usage error', async () => {
    const r = await runCli(['experiment', 'getrefcount', '--versions', '3.11,2.7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'2.7' is not a CPython version gclab runs");
  });

  it('list names every experiment of the registry', async () => {
    const r = await runCli(['experiment', 'list', '--json']);
    expect(r.code).toBe(0);
    const listed = (JSON.parse(r.stdout) as { experiments: Array<{ name: string; summary: string }> })
      .experiments;
    expect(listed).toEqual(EXPERIMENTS.map((e) => ({ name: e.name, summary: e.summary })));
    expect(listed.map((e) => e.name)).toEqual([
      'memory-release',
      'getrefcount',
      'finalization',
      'differential-mix',
      'perf',
      'pyperformance',
      'threads',
    ]);
    const text = await runCli(['experiment', 'list']);
    expect(text.stdout).toMatch(/^memory-release {4}Allocate N blocks/m);
    expect(text.stdout).toMatch(/^differential-mix {2}The differential mix/m);
  });

  it('threads takes --threads from 1 to the cores: more is a usage error naming the limit', async () => {
    const limit = Math.min(availableParallelism(), 63);
    const r = await runCli(['experiment', 'threads', '--threads', String(limit + 1)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`expected a thread count from 1 to ${limit} (the cores of this machine)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const size = await runCli(['experiment', 'threads', '--size', 'huge']);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain('expected one of small, medium, large.');
  });

  it('threads --threads 1 --json runs every variant on one worker thread and checks each final graph', async () => {
    const r = await runCli(['experiment', 'threads', '--threads', '1', '--invocations', '1', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ThreadsExperimentResult;
    expect(result).toMatchObject({ experiment: 'threads', threads: 1, invocations: 1, failures: [] });
    expect(result.variants).toHaveLength(6);
    // One thread: nothing to contend with, no demonstration.
    expect(result.contention).toEqual([]);
    expect(result.demonstration).toBeNull();
  });

  it('rejects bad options of the other experiments with a usage error too', async () => {
    for (const [name, ...args] of [
      ['differential-mix', '--seed', 'x'],
      ['perf', '--only', '10'],
      ['pyperformance', '--versions', '3.10'],
    ] as const) {
      const r = await runCli(['experiment', name, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is invalid\. expected /);
    }
  });
});
