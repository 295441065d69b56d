/**
 * `gclab list [--json]`: the registered collectors with their family, summary and constraints,
 * then the workloads `gclab run` can run. The JSON form is an object with a `collectors` and a
 * `workloads` array.
 */
import { SNAPSHOT_PREFIX, TRACE_PREFIX, WORKLOADS, type Workload } from '@gclab/bench';
import type { CollectorDescriptor } from '@gclab/core';
import Table from 'cli-table3';
import type { Command } from 'commander';
import pc from 'picocolors';
import { collectors } from '../registry.ts';

/** Options of `gclab list`. */
interface ListOptions {
  json?: boolean;
}

/** Adds `list` to the program. */
export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('list the registered collectors (family, summary, constraints) and the workloads')
    .option('--json', 'print one JSON object instead of a table')
    .addHelpText('after', '\nExamples:\n  $ gclab list\n  $ gclab list --json')
    .action((options: ListOptions) => {
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(listJson(collectors, WORKLOADS), null, 2)}\n`
          : `${pc.bold('collectors')}\n${listTable(collectors)}\n${pc.bold('workloads')}\n${workloadTable(WORKLOADS)}`,
      );
    });
}

/** The JSON form of `gclab list`. */
export function listJson(
  entries: readonly CollectorDescriptor[],
  workloads: readonly Workload[] = [],
): { collectors: object[]; workloads: object[] } {
  return {
    collectors: entries.map((d) => ({
      name: d.name,
      family: d.family,
      summary: d.summary,
      constraints: { ...d.constraints },
    })),
    workloads: workloads.map((w) => ({ name: w.name, summary: w.summary, seeded: w.seeded })),
  };
}

/** The workloads as a table (name, seeded, summary), with the trace and snapshot workloads last. */
export function workloadTable(workloads: readonly Workload[]): string {
  const columns = process.stdout.columns ?? 120;
  const nameWidth = Math.max(12, ...workloads.map((w) => w.name.length + 2), SNAPSHOT_PREFIX.length + 6);
  const table = new Table({
    head: ['name', 'seeded', 'what it runs and stresses'].map((h) => pc.bold(h)),
    colWidths: [nameWidth, 8, Math.max(30, columns - nameWidth - 8 - 4)],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const w of workloads) table.push([pc.cyan(w.name), w.seeded ? 'yes' : 'no', w.summary]);
  table.push([
    pc.cyan(`${TRACE_PREFIX}FILE`),
    'no',
    'any trace file (docs/trace-format.md) replayed as a workload',
  ]);
  table.push([
    pc.cyan(`${SNAPSHOT_PREFIX}FILE`),
    'no',
    'a heap snapshot (V8 .heapsnapshot or CPython, docs/census.md) built, then its roots dropped in stages',
  ]);
  return `${table.toString()}\n`;
}

/** The table form of `gclab list`, sized to the terminal (120 columns when not a terminal). */
export function listTable(entries: readonly CollectorDescriptor[]): string {
  // Constraint headers on two lines keep the table within 120 columns for a dozen collectors.
  const head = [
    'name',
    'family',
    'moves',
    'cycles',
    'counts\nrefs',
    'gener-\national',
    'incre-\nmental',
    'header\nwords',
    'summary',
  ];
  const widths = [
    Math.max(6, ...entries.map((d) => d.name.length + 2)),
    Math.max(8, ...entries.map((d) => d.family.length + 2)),
    7,
    8,
    8,
    9,
    9,
    8,
  ];
  const columns = process.stdout.columns ?? 120;
  const used = widths.reduce((a, b) => a + b, 0) + widths.length + 1;
  const table = new Table({
    head: head.map((h) =>
      h
        .split('\n')
        .map((line) => pc.bold(line))
        .join('\n'),
    ),
    colWidths: [...widths, Math.max(30, columns - used)],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  const yesNo = (b: boolean): string => (b ? pc.green('yes') : pc.dim('no'));
  for (const d of entries) {
    const c = d.constraints;
    table.push([
      pc.cyan(d.name),
      d.family,
      yesNo(c.movesObjects),
      yesNo(c.reclaimsCycles),
      yesNo(c.countsReferences),
      yesNo(c.generational),
      yesNo(c.incremental),
      String(c.headerWords),
      d.summary,
    ]);
  }
  return `${table.toString()}\n`;
}
