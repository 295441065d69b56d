import { stripVTControlCharacters } from 'node:util';
import { WORKLOADS } from '@gclab/bench';
import { noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { listJson, listTable } from '../../src/commands/list.ts';
import { collectors } from '../../src/registry.ts';
import { runCli } from '../run-in-process.ts';

describe('gclab list', () => {
  it('prints a table with no-gc, its family and its constraints', async () => {
    const r = await runCli(['list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const row = r.stdout.split('\n').find((line) => line.includes('no-gc'));
    expect(row).toBeDefined();
    const cells = row!.split('│').map((cell) => cell.trim());
    expect(cells.slice(1, 9)).toEqual(['no-gc', 'baseline', 'no', 'no', 'no', 'no', 'no', '0']);
    expect(cells[9]).toMatch(/^Allocation only, never/);
    // No colour codes when NO_COLOR is set.
    expect(r.stdout).not.toContain('\u001b[');
    // The workloads follow the collectors.
    const workloads = r.stdout.slice(r.stdout.indexOf('\nworkloads\n'));
    expect(workloads).toMatch(/│ rings\s+│ no\s+│ pyperformance gc_collect/);
    expect(workloads).toMatch(/│ trace:FILE\s+│/);
  });

  it('--json prints every registered collector with its constraints', async () => {
    const r = await runCli(['list', '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as ReturnType<typeof listJson>;
    expect(parsed).toEqual(listJson(collectors, WORKLOADS));
    expect(parsed.workloads.map((w) => (w as { name: string }).name)).toEqual(WORKLOADS.map((w) => w.name));
    expect(parsed.collectors[0]).toEqual({
      name: 'no-gc',
      family: 'baseline',
      summary: noGc.summary,
      constraints: { ...noGc.constraints },
    });
  });
});

describe('listTable', () => {
  it('shows a yes for each true constraint and the header words', () => {
    const table = listTable([
      {
        ...noGc,
        name: 'demo-rc',
        family: 'reference-counting',
        constraints: { ...noGc.constraints, countsReferences: true, headerWords: 3 },
      },
    ]);
    const row = stripVTControlCharacters(table)
      .split('\n')
      .find((line) => line.includes('demo-rc'))!;
    const cells = row.split('│').map((cell) => cell.trim());
    // ['', name, family, moves, cycles, counts refs, generational, incremental, header words, summary, '']
    expect(cells.slice(1, 9)).toEqual(['demo-rc', 'reference-counting', 'no', 'no', 'yes', 'no', 'no', '3']);
  });
});
