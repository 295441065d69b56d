/**
 * `gclab list [--json]`: the registered collectors with their family, summary and constraints.
 * The JSON form is an object with a `collectors` array, so that other kinds of entries (workloads)
 * can join it without breaking readers.
 */
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
    .description('list the registered collectors: name, family, summary and constraints')
    .option('--json', 'print one JSON object instead of a table')
    .addHelpText('after', '\nExamples:\n  $ gclab list\n  $ gclab list --json')
    .action((options: ListOptions) => {
      process.stdout.write(
        options.json === true ? `${JSON.stringify(listJson(collectors), null, 2)}\n` : listTable(collectors),
      );
    });
}

/** The JSON form of `gclab list`. */
export function listJson(entries: readonly CollectorDescriptor[]): { collectors: object[] } {
  return {
    collectors: entries.map((d) => ({
      name: d.name,
      family: d.family,
      summary: d.summary,
      constraints: { ...d.constraints },
    })),
  };
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
