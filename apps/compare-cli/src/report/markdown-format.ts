/**
 * The Markdown form of a results file (`--format md`): the provenance as a list, then a GitHub
 * table per program (workload, size, seed), for pasting into an issue or a pull request. Timed
 * figures carry their spread and marks as in the terminal table (`timed-figures.ts`).
 */
import type { MatrixResults } from '@gclab/bench';
import { heapLabel, METRICS } from './figures.ts';
import { hasSeveralHeaps, programGroups } from './groups.ts';
import { TABLE_METRIC_KEYS } from './table-format.ts';
import { figureText, invocationsText, SPREAD_LEGEND } from './timed-figures.ts';

/** The Markdown form of `results`. */
export function formatMarkdown(results: MatrixResults): string {
  const metrics = TABLE_METRIC_KEYS.map((k) => METRICS.find((m) => m.key === k)!);
  const o = results.options;
  const out: string[] = [
    '# gclab results',
    '',
    `- cells: ${results.cells.length}${results.interrupted ? ' (interrupted: only completed cells)' : ''}`,
    `- size ${o.sizes.join(', ')}; seed ${o.seeds.join(', ')}; heap ${o.heaps.join(', ')}`,
    `- ${invocationsText(results)}; baseline ${o.baseline ?? 'none'}`,
    `- ${SPREAD_LEGEND.join(' ')}`,
    `- ${results.machine.cpus} CPU ${results.machine.cpuModel}, ${results.machine.platform}-${results.machine.arch}, Node ${results.node}`,
    `- ${results.timestamp}${results.gitCommit === null ? '' : `, commit \`${results.gitCommit.slice(0, 12)}\``}`,
  ];
  for (const group of programGroups(results)) {
    const heaps = hasSeveralHeaps(group.cells);
    const head = ['collector', ...(heaps ? ['heap'] : []), ...metrics.map((m) => m.label)];
    const align = [':--', ...(heaps ? [':--'] : []), ...metrics.map(() => '--:')];
    out.push('', `## ${group.title}`, '', row(head), row(align));
    for (const r of group.cells) {
      const lead = [`\`${r.cell.collector}\``, ...(heaps ? [heapLabel(r)] : [])];
      if (r.status !== 'ok') {
        const what =
          r.status === 'oom' ? 'out of memory' : `error: ${escapeCell(firstLine(r.message ?? ''))}`;
        out.push(row([...lead, what, ...metrics.slice(1).map(() => '')]));
      } else {
        out.push(row([...lead, ...metrics.map((m) => figureText(m, r, results.cells, o.baseline).text)]));
      }
    }
  }
  return `${out.join('\n')}\n`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}
