/**
 * Fault injection: inputs that are missing, malformed, duplicated or corrupted. Trace workloads are
 * checked before any cell runs (exit 2, `file:line:col` for a malformed one); duplicates are folded,
 * so whatever `gclab run` writes, `merge`, `report` and `compare` read; a results file with a
 * corrupted field is exit 2 naming the file and the field, for every command that reads one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { fixture } from '../run-cli.ts';
import { runCli } from '../run-in-process.ts';
import { QUICK, SPAWN_TIMEOUT, tempDir } from './spawn-cli.ts';

const STACK = /\n\s+at /;

describe('inputs checked up front', { timeout: SPAWN_TIMEOUT }, () => {
  it('a missing or malformed trace workload is exit 2 before any cell runs', async () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.trace');
    const runs = await Promise.all([
      runCli([
        'run',
        '--workloads',
        `rings,trace:${missing}`,
        '--strategies',
        'no-gc',
        '--verbose',
        ...QUICK,
      ]),
      runCli([
        'run',
        '--workloads',
        `trace:${fixture('malformed.trace')}`,
        '--strategies',
        'no-gc',
        '--verbose',
        ...QUICK,
      ]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2]);
    expect(runs[0]!.stderr).toBe(
      `error: workload 'trace:${missing}': cannot read ${missing}: no such file\n`,
    );
    expect(runs[1]!.stderr).toMatch(
      /^apps\/compare-cli\/test\/fixtures\/malformed\.trace:4:9: expected a field index/,
    );
    for (const r of runs) {
      expect(r.stderr).not.toMatch(/^plan /m);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stdout).toBe('');
    }
  });

  it('duplicate workloads, strategies, heap sizes and seeds are folded; merge, report and compare read the file', async () => {
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const run = await runCli([
      'run',
      '--workloads',
      'rings,rings',
      '--strategies',
      'no-gc,refcount,no-gc',
      '--heap',
      'unlimited,unlimited',
      '--seed',
      '7,7',
      '--out',
      out,
      '--format',
      'csv',
      ...QUICK,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const results = readResults(out);
    expect(results.cells.map((c) => `${c.cell.workload} ${c.cell.seed} ${c.cell.collector}`)).toEqual([
      'rings 7 no-gc',
      'rings 7 refcount',
    ]);
    expect(results.options.workloads).toEqual(['rings']);
    expect(results.options.seeds).toEqual([7]);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(3); // the header and two cells
    const readers = await Promise.all([
      runCli(['merge', out, '--format', 'csv']),
      runCli(['report', out, '--format', 'csv']),
      runCli(['compare', out, out, '--fail-on-regression']),
    ]);
    expect(readers.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(readers[0]!.stdout).toBe(readers[1]!.stdout);
  });

  it('a corrupted cell ("wallMs":"fast") is exit 2 naming the file and the field; compare never passes it', async () => {
    const dir = tempDir();
    const good = fixture('results-small.json');
    const bad = join(dir, 'corrupt.json');
    const text = readFileSync(good, 'utf8');
    const corrupted = text.replace(/"wallMs": \[[^\]]*\]/, '"wallMs":"fast"');
    expect(corrupted).not.toBe(text);
    writeFileSync(bad, corrupted);
    const runs = await Promise.all([
      runCli(['compare', good, bad, '--fail-on-regression']),
      runCli(['compare', bad, good]),
      runCli(['merge', bad]),
      runCli(['report', bad]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    for (const r of runs) {
      expect(r.stderr).toMatch(
        /^error: .*corrupt\.json: malformed results: cells\[\d+\]\.wallMs: Invalid input: expected array, received string\n$/,
      );
      expect(r.stdout).toBe('');
    }
  });
});
