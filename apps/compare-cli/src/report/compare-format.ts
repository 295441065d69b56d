/**
 * The text forms of a comparison (`gclab compare --format table|md|json`). Tables list the figures
 * that changed (all figures with `all`), grouped by program, then a one-line verdict. Measured
 * figures carry their spread (`12.3 ms ±1.1`) and a change within it is marked `~`
 * (`timed-figures.ts`), as in the run's tables.
 */
import type { Spread } from '@gclab/bench';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { CellComparison, Comparison, FigureChange, Verdict } from './compare.ts';
import { formatMetric, formatRatio, METRICS } from './figures.ts';
import { formatWithSpread } from './timed-figures.ts';

/** Options of the comparison formats. */
export interface CompareFormatOptions {
  /** Show every figure, unchanged and within-noise ones included (default false). */
  all?: boolean;
  /** Colours (default: picocolors' decision). */
  color?: boolean;
}

/** Whether a change is shown when not showing all. */
function shown(change: FigureChange, all: boolean): boolean {
  return all || (change.verdict !== 'same' && change.verdict !== 'within-noise');
}

/** `2 regressions, 1 improvement, 4 changed, 30 within noise, 100 unchanged; 1 cell only in NEW`. */
export function comparisonSummary(c: Comparison): string {
  const n = c.counts;
  const parts = [
    plural(n.regression, 'regression'),
    plural(n.improvement, 'improvement'),
    `${n.changed} changed`,
    `${n['within-noise']} within noise`,
    `${n.same} unchanged`,
  ];
  const extra: string[] = [];
  if (c.onlyInOld.length > 0) extra.push(`${plural(c.onlyInOld.length, 'cell')} only in ${c.old.file}`);
  if (c.onlyInNew.length > 0) extra.push(`${plural(c.onlyInNew.length, 'cell')} only in ${c.new.file}`);
  return `${parts.join(', ')}${extra.length > 0 ? `; ${extra.join(', ')}` : ''}`;
}

/** The table form of a comparison. */
export function formatComparisonTable(c: Comparison, options: CompareFormatOptions = {}): string {
  const col = pc.createColors(options.color ?? pc.isColorSupported);
  const all = options.all === true;
  const paint = (v: Verdict, text: string): string =>
    v === 'regression'
      ? col.red(text)
      : v === 'improvement'
        ? col.green(text)
        : v === 'changed'
          ? col.yellow(text)
          : col.dim(text);
  const out: string[] = [
    `${col.bold('old')} ${c.old.file} (${c.old.timestamp}${commit(c.old.gitCommit)})`,
    `${col.bold('new')} ${c.new.file} (${c.new.timestamp}${commit(c.new.gitCommit)})`,
    col.dim(
      `measured figures change only beyond both runs' spread and ${formatRatio(c.threshold).slice(1)} of the old value; deterministic figures compare exactly`,
    ),
  ];
  for (const w of c.warnings) out.push(col.yellow(`warning: ${w}`));
  for (const [title, cells] of byProgram(c.cells)) {
    const table = new Table({
      head: ['collector', 'heap', 'figure', 'old', 'new', 'change', 'verdict'].map((h) => col.bold(h)),
      style: { head: [], border: [], compact: true },
      colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'left'],
    });
    for (const cell of cells) {
      if (cell.statusVerdict !== 'same' || all) {
        table.push([
          col.cyan(cell.collector),
          cell.heap,
          'status',
          cell.oldStatus,
          cell.newStatus,
          '',
          paint(cell.statusVerdict, verdictText(cell.statusVerdict)),
        ]);
      }
      for (const ch of cell.changes) {
        if (!shown(ch, all)) continue;
        table.push([
          col.cyan(cell.collector),
          cell.heap,
          ch.label,
          figure(ch, ch.old, ch.oldSpread),
          figure(ch, ch.new, ch.newSpread),
          changeText(ch),
          paint(ch.verdict, verdictText(ch.verdict)),
        ]);
      }
    }
    if (table.length > 0) out.push('', col.bold(title), table.toString());
  }
  if (c.onlyInOld.length > 0) out.push('', `only in ${c.old.file}: ${c.onlyInOld.map(keyText).join(', ')}`);
  if (c.onlyInNew.length > 0) out.push('', `only in ${c.new.file}: ${c.onlyInNew.map(keyText).join(', ')}`);
  out.push('', col.bold(comparisonSummary(c)));
  return `${out.join('\n')}\n`;
}

/** The Markdown form of a comparison. */
export function formatComparisonMarkdown(c: Comparison, options: CompareFormatOptions = {}): string {
  const all = options.all === true;
  const out: string[] = [
    '# gclab compare',
    '',
    `- old: \`${c.old.file}\` (${c.old.timestamp}${commit(c.old.gitCommit)})`,
    `- new: \`${c.new.file}\` (${c.new.timestamp}${commit(c.new.gitCommit)})`,
    ...c.warnings.map((w) => `- warning: ${w}`),
    '',
    `**${comparisonSummary(c)}**`,
  ];
  for (const [title, cells] of byProgram(c.cells)) {
    const rows: string[] = [];
    for (const cell of cells) {
      if (cell.statusVerdict !== 'same' || all) {
        rows.push(
          mdRow([
            cell.collector,
            cell.heap,
            'status',
            cell.oldStatus,
            cell.newStatus,
            '',
            verdictText(cell.statusVerdict),
          ]),
        );
      }
      for (const ch of cell.changes) {
        if (!shown(ch, all)) continue;
        rows.push(
          mdRow([
            cell.collector,
            cell.heap,
            ch.label,
            figure(ch, ch.old, ch.oldSpread),
            figure(ch, ch.new, ch.newSpread),
            changeText(ch),
            ch.verdict === 'regression' ? '**regression**' : verdictText(ch.verdict),
          ]),
        );
      }
    }
    if (rows.length === 0) continue;
    out.push(
      '',
      `## ${title}`,
      '',
      mdRow(['collector', 'heap', 'figure', 'old', 'new', 'change', 'verdict']),
      mdRow([':--', ':--', ':--', '--:', '--:', '--:', ':--']),
      ...rows,
    );
  }
  return `${out.join('\n')}\n`;
}

function figure(ch: FigureChange, value: number | null, spread: Spread | null): string {
  const m = METRICS.find((x) => x.key === ch.metric);
  if (m !== undefined) return spread === null ? formatMetric(m, value) : formatWithSpread(m, spread);
  return value === null ? '—' : String(value);
}

/** `+20.0%`, or `~+4.0%` for a measured change within the spread (noise, not a result). */
function changeText(ch: FigureChange): string {
  if (ch.relative === null) return '';
  return `${ch.verdict === 'within-noise' ? '~' : ''}${formatRatio(ch.relative)}`;
}

/** `rings small 42 refcount 2x` from a cell key. */
function keyText(key: string): string {
  return key.replaceAll('|', ' ');
}

function verdictText(v: Verdict): string {
  return v === 'within-noise' ? 'within noise' : v;
}

function byProgram(cells: readonly CellComparison[]): Map<string, CellComparison[]> {
  const groups = new Map<string, CellComparison[]>();
  for (const c of cells) {
    const title = `${c.workload} (${c.size}, seed ${c.seed})`;
    const g = groups.get(title);
    if (g === undefined) groups.set(title, [c]);
    else g.push(c);
  }
  return groups;
}

function commit(sha: string | null): string {
  return sha === null ? '' : `, commit ${sha.slice(0, 10)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function mdRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}
