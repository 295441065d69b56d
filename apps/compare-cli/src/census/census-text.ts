/** The text form of `gclab census`: the headline, then each section as a table, then the notes. */
import type { Census } from '@gclab/experiments';
import Table from 'cli-table3';
import pc from 'picocolors';
import { CENSUS_NOTES, censusFailures, censusHeadline, censusSections } from './census-tables.ts';

/** The census as text tables. */
export function formatCensus(c: Census): string {
  const parts = [`${pc.bold('Heap census')}: ${censusHeadline(c)}\n`];
  for (const s of censusSections(c)) {
    const table = new Table({
      head: s.table.head.map((h) => pc.bold(h)),
      colAligns: s.table.head.map((_, i) => (i === 0 ? 'left' : 'right')),
      style: { head: [], border: [], compact: true },
    });
    for (const row of s.table.rows) table.push(row);
    parts.push(`\n${pc.bold(s.title)}\n${table.toString()}\n`);
  }
  const failures = censusFailures(c);
  if (failures.length > 0) parts.push(`\n${pc.bold('Did not run to the end')}\n${failures.join('\n')}\n`);
  parts.push(`\n${CENSUS_NOTES.map((n) => `- ${n}`).join('\n')}\n`);
  return parts.join('');
}
