/**
 * Claim 11: "Reference counting finalizes promptly" (Python closes a file the moment its last
 * reference dies; a tracing collector closes it at some later collection, or never), judged on the
 * `finalization` experiment of @gclab/experiments: files dropped acyclic, in a cycle, and
 * resurrecting themselves, under every collector of the debate.
 */
import { formatCount } from '../../report/figures.ts';
import type { DebateData } from '../debate-data.ts';
import { list, pct } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';

type Run = DebateData['finalization']['runs'][number];

/** The figures of claim 11. */
export interface FinalizationFigures {
  /** Files per shape. */
  files: number;
  /** Temporaries between open and drop. */
  work: number;
  /** Every run, acyclic, cyclic and resurrecting. */
  runs: Run[];
  /** The collectors that count references, and the others (no-gc left out). */
  counting: string[];
  tracing: string[];
}

/** Share of the files a run finalized during the operation that dropped them. */
function promptShare(r: Run): number {
  return r.prompt / r.files;
}

function runOf(f: FinalizationFigures, collector: string, shape: Run['shape']): Run | undefined {
  return f.runs.find((r) => r.collector === collector && r.shape === shape);
}

/** The counting collectors that finalized every acyclic file at its drop (immediate counting). */
function promptCounting(f: FinalizationFigures): string[] {
  return f.counting.filter((c) => {
    const r = runOf(f, c, 'acyclic');
    return r !== undefined && promptShare(r) === 1;
  });
}

/** Claim 11: counting finalizes acyclic garbage at once, tracing at its next collection. */
export const finalization: Claim<FinalizationFigures> = {
  number: 11,
  claim: 'Reference counting finalizes promptly.',

  measure(data: DebateData): FinalizationFigures {
    const r = data.finalization;
    const collectors = data.collectors.filter((c) => c.family !== 'baseline');
    return {
      files: r.options.files,
      work: r.options.work,
      runs: r.runs,
      counting: collectors.filter((c) => c.constraints.countsReferences).map((c) => c.name),
      tracing: collectors.filter((c) => !c.constraints.countsReferences).map((c) => c.name),
    };
  },

  decide(f: FinalizationFigures): ClaimVerdict {
    if (f.counting.length === 0 || f.tracing.length === 0 || f.runs.length === 0) return 'not measured';
    const prompt = promptCounting(f);
    const tracingLate = f.tracing.every((c) => {
      const r = runOf(f, c, 'acyclic');
      return r !== undefined && promptShare(r) < 0.5;
    });
    if (prompt.length === 0 || !tracingLate) return 'refuted';
    const cyclicPrompt = prompt.every((c) => {
      const r = runOf(f, c, 'cyclic');
      return r !== undefined && promptShare(r) === 1;
    });
    return cyclicPrompt && prompt.length === f.counting.length ? 'supported' : 'partly supported';
  },

  write(f: FinalizationFigures, verdict: ClaimVerdict): ClaimWriting {
    const row = (r: Run): string[] => [
      r.shape,
      r.collector,
      pct(promptShare(r)),
      `${formatCount(r.opsMedian)} / ${formatCount(r.opsMax)}`,
      `${formatCount(r.bytesMedian)} / ${formatCount(r.bytesMax)}`,
      formatCount(r.finalizedAtEnd + r.never),
      formatCount(r.objectsTraced - r.objectsTracedWithout),
    ];
    const shown = [...f.counting, ...f.tracing];
    const rows = f.runs.filter((r) => shown.includes(r.collector)).map(row);
    const prompt = promptCounting(f);
    const deferred = f.counting
      .filter((c) => !prompt.includes(c))
      .map((c) => runOf(f, c, 'acyclic'))
      .filter((r): r is Run => r !== undefined);
    const cyclicCounting = f.counting
      .map((c) => runOf(f, c, 'cyclic'))
      .filter((r): r is Run => r !== undefined);
    const tracingAcyclic = f.tracing
      .map((c) => runOf(f, c, 'acyclic'))
      .filter((r): r is Run => r !== undefined);
    const medians = tracingAcyclic.map((r) => r.opsMedian).sort((a, b) => a - b);
    const cyclicText = cyclicCounting
      .map((r) =>
        r.finalizedDuringRun === 0
          ? `${r.collector} finalized none of them while the program ran`
          : `${r.collector} finalized ${pct(r.finalizedDuringRun / r.files)} during the run, a median ${formatCount(r.opsMedian)} operations after the drop (at its cycle collections)`,
      )
      .join('; ');
    return {
      experiment:
        `A program opens ${formatCount(f.files)} files one after another: each is an object with 4 KiB of buffer and a ` +
        `finalizer (trace format 2), ${f.work} temporaries are allocated while it is open, then its last reference is ` +
        `dropped. The latency from that drop to the finalizer is measured in operations and bytes allocated, with the ` +
        `file acyclic, in a reference cycle with a helper object, or resurrecting itself into a global from its ` +
        `finalizer (gclab experiment finalization). The last column is the tracing work finalization adds: objects ` +
        `traced beyond the same program without finalizers.`,
      table: {
        head: [
          'shape',
          'collector',
          'finalized at the drop',
          'ops to finalizer (median / max)',
          'bytes to finalizer (median / max)',
          'left for the final gc',
          'extra objects traced',
        ],
        rows,
      },
      paragraph:
        `${opening(verdict, { 'partly supported': 'Supported for immediate counting and acyclic objects only' })}. ` +
        (prompt.length === 0
          ? `No counting collector finalized every acyclic file at its drop. `
          : `Under ${list(prompt)} every acyclic file was finalized during the very operation that dropped its last reference. `) +
        deferred
          .map(
            (r) =>
              `${r.collector} defers that work and gave the promptness up: a median ${formatCount(r.opsMedian)} operations later. `,
          )
          .join('') +
        `Under the tracing ` +
        `collectors (${list(f.tracing)}) a finalizer ran only after the collection that found the file unreachable, ` +
        `a median of ${formatCount(medians[0] ?? 0)} to ${formatCount(medians.at(-1) ?? 0)} operations later, and the ` +
        `file, with everything it reached, survived that collection to be freed by a later one. In a cycle the ` +
        `promptness is gone: ${cyclicText}. Resurrection costs a counting collector one aborted free; a tracing ` +
        `collector traces the resurrected object's graph again at every collection it survives.`,
    };
  },
};
