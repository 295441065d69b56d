/**
 * `--host-memory` of `gclab run` and `gclab verify` (issue 15): a default budget (settable) turns
 * runaway growth into a typed out-of-memory error naming the budget, not a V8 crash. Memory-light:
 * budgets of a few MiB and a small trace, generated in a temporary directory, that leaks past them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { readResults } from '@gclab/bench';
import { ADDRESS_SPACE_BYTES } from '@gclab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultHostMemory } from '../../src/option-parsers.ts';
import { QUICK } from '../faults/spawn-cli.ts';
import { runCli } from '../run-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'gclab-host-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 24 objects of 1 MiB each held by globals: 24 MiB that never become garbage. */
const leak = join(dir, 'leak.trace');
writeFileSync(
  leak,
  `gclab-trace 1\n${Array.from({ length: 24 }, (_, i) => `new g:x${i} 0 1048576`).join('\n')}\n`,
);

describe('gclab run --host-memory', () => {
  it('fails the cell that runs past the budget, naming it, keeps the others, and exits 1', async () => {
    const out = join(dir, 'results.json');
    const workloads = `trace:${leak},trace:examples/traces/cycle.trace`;
    for (const isolation of ['cell', 'collector']) {
      const r = await runCli([
        'run',
        ...['--workloads', workloads, '--strategies', 'no-gc', '--host-memory', '8MB'],
        ...['--isolation', isolation, '--out', out, '--no-progress', ...QUICK],
      ]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(
        /no-gc: out of memory: no-gc could not allocate \d+ bytes .*: the host-memory budget of 8388608 bytes is reached .*raise it with --host-memory/,
      );
      const cells = readResults(out).cells;
      expect(cells.map((c) => [c.cell.workload, c.status])).toEqual([
        [`trace:${leak}`, 'error'],
        ['trace:examples/traces/cycle.trace', 'ok'],
      ]);
    }
  });

  it('rejects a budget that is not a positive byte size (exit 2), and says it is per cell', async () => {
    for (const bad of ['0', 'lots']) {
      const r = await runCli(['run', '--host-memory', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(
        /--host-memory <bytes>' argument .* is invalid\. expected a positive byte size/,
      );
    }
    const help = await runCli(['run', '--help']);
    expect(help.stdout).toMatch(/--host-memory <bytes>/);
    expect(help.stdout).toMatch(/--host-memory is a budget per cell \(per worker process\)/);
  });

  it('defaults to a quarter of RAM shared by the heaps alive at once, at most the address space', () => {
    const quarter = Math.floor(totalmem() / 4);
    expect(defaultHostMemory()).toBe(Math.min(ADDRESS_SPACE_BYTES, quarter));
    expect(defaultHostMemory(2)).toBe(Math.min(ADDRESS_SPACE_BYTES, Math.floor(totalmem() / 8)));
    expect(defaultHostMemory(1000)).toBeLessThanOrEqual(Math.ceil(quarter / 1000));
  });
});

describe('gclab verify --host-memory', () => {
  it('a budget below what the heap-limit probe needs is a usage error, before any program', async () => {
    const r = await runCli(['verify', '--strategy', 'no-gc', '--runs', '5', '--host-memory', '64KB']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --host-memory: the host-memory budget of 65536 bytes is below what the heap-limit probe at \d+ bytes needs/m,
    );
    expect((await runCli(['verify', '--strategy', 'no-gc', '--host-memory', 'x'])).code).toBe(2);
  });

  it('a program past the budget ends the run out of memory naming it (exit 1, no counterexample)', async () => {
    const small = join(dir, 'small-leak.trace');
    writeFileSync(
      small,
      `gclab-trace 1\n${Array.from({ length: 12 }, (_, i) => `new g:x${i} 0 262144`).join('\n')}\n`,
    );
    const r = await runCli(['verify', '--strategy', 'no-gc', '--trace', small, '--host-memory', '2MB']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^out of memory: no-gc could not allocate \d+ bytes .*: the host-memory budget of 2097152 bytes is reached .*: raise it with --host-memory$/m,
    );
    expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
    const roomy = await runCli(['verify', '--strategy', 'no-gc', '--trace', small, '--host-memory', '16MB']);
    expect(roomy.code).toBe(0);
  });
});
