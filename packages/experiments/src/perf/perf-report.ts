/**
 * The report of `npm run perf`: the machine and its load, then every figure with its anchor, the
 * judged quantity (median [min - max] of the runs), the target and a pass/fail mark; written as
 * perf.json and as a Markdown table (perf.md).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@gclab/bench';
import { formatMeasured, formatNumber, type PerfFigure, passMark } from './perf-figure.ts';

/** Where and when the figures were measured. */
export interface PerfMachine {
  /** Logical CPUs (`nproc`). */
  cpus: number;
  /** CPU model (/proc/cpuinfo's `model name`). */
  cpuModel: string;
  /** `process.version`. */
  node: string;
  /** `python3 --version`, or null when there is none. */
  python: string | null;
  /** The 1-minute load average when the run started and when it ended. */
  loadStart: number;
  /** See `loadStart`. */
  loadEnd: number;
}

/** The whole report. */
export interface PerfReport {
  /** Format version of perf.json. */
  schema: 'gclab-perf/1';
  /** ISO time the run started. */
  started: string;
  /** Seconds the run took. */
  seconds: number;
  /** The git commit measured, or null. */
  commit: string | null;
  /** The machine. */
  machine: PerfMachine;
  /** Runs per figure (medians are of this many runs). */
  runs: number;
  /** The figures, by id. */
  figures: PerfFigure[];
}

/** The report as a Markdown document: a machine line, then the table of figures. */
export function formatPerfMarkdown(report: PerfReport): string {
  const m = report.machine;
  const lines = [
    `# gclab perf (${report.started})`,
    '',
    `Machine: ${m.cpus} CPUs, ${m.cpuModel}; Node ${m.node}; ${m.python ?? 'no python3'}; ` +
      `load average ${formatNumber(m.loadStart)} at the start, ${formatNumber(m.loadEnd)} at the end. ` +
      `Commit ${report.commit ?? 'unknown'}. Medians of ${report.runs} runs [min - max]; ratios pair ` +
      `runs made alternately. ${report.seconds.toFixed(0)} s in all.`,
    '',
    '| # | figure | gclab | anchor | judged | target | result |',
    '|---|--------|-------|--------|--------|--------|--------|',
  ];
  for (const f of report.figures) {
    const gclab = f.gclab === null ? '-' : `${f.gclab.name}: ${formatMeasured(f.gclab)}`;
    const anchor = f.anchor === null ? '-' : `${f.anchor.name}: ${formatMeasured(f.anchor)}`;
    const judged = f.judged === null ? '-' : `${f.judged.name}: ${formatMeasured(f.judged)}`;
    const result = f.note === undefined ? passMark(f) : `${passMark(f)} (${f.note})`;
    lines.push(
      `| ${f.id} | ${cell(f.title)} | ${cell(gclab)} | ${cell(anchor)} | ${cell(judged)} | ` +
        `${cell(f.targetText)} | ${cell(result)} |`,
    );
  }
  const passed = report.figures.filter((f) => f.pass === true).length;
  const failed = report.figures.filter((f) => f.pass === false).length;
  const missing = report.figures.length - passed - failed;
  lines.push('', `${passed} passed, ${failed} failed, ${missing} not measured.`, '');
  return lines.join('\n');
}

/** Writes perf.json and perf.md into `dir` (created if needed); returns their paths. */
export function writePerfReport(dir: string, report: PerfReport): { json: string; markdown: string } {
  const json = join(dir, 'perf.json');
  const markdown = join(dir, 'perf.md');
  writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(markdown, formatPerfMarkdown(report));
  return { json, markdown };
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
