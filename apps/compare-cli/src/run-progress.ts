/**
 * The progress of `gclab run` on standard error: a bar (cli-progress) shown only when standard
 * error is a terminal, so redirected output stays clean, its colours following picocolors (off with
 * NO_COLOR); one bar counts minimum-heap searches and cells together. `--verbose` logs a line per
 * finished search and cell instead, for CI logs and scripts.
 */
import type { MatrixProgress } from '@gclab/bench';
import cliProgress from 'cli-progress';
import pc from 'picocolors';

/** Receives the matrix's progress events. */
export interface RunProgress {
  /** Handles one event. */
  update(event: MatrixProgress): void;
  /** Removes the bar (before the results are printed). */
  stop(): void;
}

/** How progress is shown. */
export type ProgressMode = 'bar' | 'log' | 'none';

/** A progress bar, a log line per event, or nothing. */
export function runProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): RunProgress {
  if (mode === 'none') return { update: () => {}, stop: () => {} };
  if (mode === 'log') return { update: (event) => stream.write(progressLine(event)), stop: () => {} };
  const c = pc.createColors(pc.isColorSupported);
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${c.cyan('{bar}')} {value}/{total} {phase} ${c.dim('| {eta_formatted} left | {label}')}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 12,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(event) {
      if (event.type === 'plan') {
        bar.start(event.cells + event.minHeapSearches, 0, {
          phase: event.minHeapSearches > 0 ? 'minimum heaps' : 'cells',
          label: `${event.cells} cells`,
        });
        started = true;
        return;
      }
      if (!started) return;
      if (event.type === 'min-heap') {
        const r = event.record;
        bar.increment(1, { phase: 'minimum heaps', label: `${r.workload} ${r.collector}` });
      } else {
        const { cell, status } = event.result;
        const mark = status === 'ok' ? '' : ` ${status === 'oom' ? c.yellow('OOM') : c.red('error')}`;
        bar.increment(1, { phase: 'cells', label: `${cell.workload} ${cell.collector}${mark}` });
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** The `--verbose` line of an event: `cell 3/63 ok rings refcount unlimited 52.1 ms`. */
export function progressLine(event: MatrixProgress): string {
  switch (event.type) {
    case 'plan':
      return `plan ${event.cells} cells, ${event.minHeapSearches} minimum-heap searches\n`;
    case 'min-heap': {
      const r = event.record;
      const found =
        r.bytes === null
          ? `failed: ${r.error ?? 'unknown'}`
          : `${r.bytes} bytes${r.cached ? ' (cached)' : ''}`;
      return `min-heap ${event.done}/${event.total} ${r.workload} ${r.collector} ${found}\n`;
    }
    case 'cell': {
      const r = event.result;
      const heap = r.heapLimitBytes === null ? 'unlimited' : `${r.heapLimitBytes}`;
      const time = r.summary === null ? '' : ` ${r.summary.wallMs.median.toFixed(1)} ms`;
      return `cell ${event.done}/${event.total} ${r.status} ${r.cell.workload} ${r.cell.collector} ${heap}${time}\n`;
    }
  }
}
