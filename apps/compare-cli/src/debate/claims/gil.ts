/**
 * Claim 10: "Reference counting is one reason Python can't get rid of the GIL", judged on the
 * `threads` experiment of @gclab/experiments (the debate runs its small preset): the counting schemes
 * a GIL-free interpreter can use, run on real threads over a shared heap, beside counting under a GIL
 * and tracing. The published figures (PEP 703, Choi et al.) stand beside the measurements as context;
 * no verdict or number is computed from them.
 *
 * The verdict, with a difference counted only when it is at least 10% and beyond the spread of the
 * repeated runs (`countedRatio`, `countedFaster`):
 * - supported: the design CPython adopted (biased counting with immortal singletons) costs a counted
 *   difference over the GIL on one thread, or does not beat the GIL's throughput at N threads;
 * - partly supported: it does not, but plain atomic counting costs a counted difference on one thread,
 *   or sharing objects between threads costs counting a counted difference (what made the design
 *   necessary);
 * - refuted: counting without a GIL costs no counted difference at all;
 * - not measured: one thread only (nothing to scale), or a correct variant failed its final check.
 */
import {
  type ContentionFigures,
  countedFaster,
  countedRatio,
  type DemonstrationFigures,
  describeLoss,
  formatSpread,
  type VariantFigures,
  variantCells,
} from '@gclab/experiments';
import type { DebateData } from '../debate-data.ts';
import { list, pct } from './cells.ts';
import type { Claim, ClaimVerdict, ClaimWriting, Source } from './claim.ts';
import { opening } from './claim.ts';

/** The published figures quoted beside claim 10's measurements (context, not inputs). */
export const GIL_SOURCES: readonly Source[] = [
  {
    text:
      'Execution overhead of the free-threaded (--disable-gil) build on pyperformance 1.0.6: one thread 6% (Intel ' +
      'Skylake) and 5% (AMD Zen 3); multiple threads 8% and 7%. "The largest contribution to execution overhead is ' +
      'biased reference counting followed by per-object locking."',
    citation:
      'PEP 703 – Making the Global Interpreter Lock Optional in CPython (S. Gross), section Performance',
    url: 'https://peps.python.org/pep-0703/#performance',
  },
  {
    text:
      'Implemented in the Swift runtime, "BRC makes each RC operation more than twice faster in the common case. As a ' +
      'result, BRC reduces the average execution time of client programs by 22.5%, and boosts the average throughput ' +
      'of server programs by 7.3%." (abstract)',
    citation:
      'J. Choi, T. Shull, J. Torrellas: Biased Reference Counting: Minimizing Atomic Operations in Garbage Collection, PACT 2018',
    url: 'https://doi.org/10.1145/3243176.3243195',
  },
  {
    text:
      'CPython 3.13 "has experimental support for running in a free-threaded mode, with the global interpreter lock ' +
      '(GIL) disabled"; the steering council accepted PEP 703.',
    citation: "What's New In Python 3.13; python/cpython issue #108219",
    url: 'https://docs.python.org/3/whatsnew/3.13.html#free-threaded-cpython',
  },
];

/** The design free-threaded CPython adopted: biased counting (PEP 703) with immortal objects (PEP 683). */
export const ADOPTED_DESIGN = 'biased-immortal';

/** The figures of claim 10: the threads experiment's. */
export interface GilFigures {
  /** Threads of the multi-threaded runs, operations per thread, timed runs per configuration. */
  threads: number;
  opsPerThread: number;
  invocations: number;
  /** Share of copies that take a singleton in the variant runs. */
  singletons: number;
  /** Cores, and the load average while the runs were made. */
  cores: number;
  load: number;
  variants: VariantFigures[];
  contention: ContentionFigures[];
  demonstration: DemonstrationFigures | null;
  /** Runs of correct variants that failed their final check. */
  failures: string[];
}

const variantOf = (f: GilFigures, name: string): VariantFigures | undefined =>
  f.variants.find((v) => v.variant === name);

/** Whether one-thread time over gil is a counted cost (≥10% slower, every run slower). */
const costs = (v: VariantFigures | undefined): boolean =>
  v !== undefined && v.timeOverGil.median > 1 && countedRatio(v.timeOverGil);

/** Contention runs of counting that lost a counted share of their unshared throughput. */
function contended(f: GilFigures): ContentionFigures[] {
  return f.contention.filter(
    (c) => (c.shared > 0 || c.singletons > 0) && c.relative.median < 1 && countedRatio(c.relative),
  );
}

/** Claim 10: judged on the threaded runs. */
export const gil: Claim<GilFigures> = {
  number: 10,
  claim: "Reference counting is one reason Python can't get rid of the GIL.",

  measure(data: DebateData): GilFigures {
    const t = data.threads;
    return {
      threads: t.threads,
      opsPerThread: t.opsPerThread,
      invocations: t.invocations,
      singletons: t.singletons,
      cores: t.machine.cores,
      load: Math.max(t.machine.loadBefore, t.machine.loadAfter),
      variants: t.variants,
      contention: t.contention,
      demonstration: t.demonstration,
      failures: t.failures,
    };
  },

  decide(f: GilFigures): ClaimVerdict {
    const gilRuns = variantOf(f, 'gil');
    const design = variantOf(f, ADOPTED_DESIGN);
    if (f.threads < 2 || f.failures.length > 0 || gilRuns === undefined || design === undefined)
      return 'not measured';
    if (costs(design) || !countedFaster(design.many, gilRuns.many)) return 'supported';
    if (costs(variantOf(f, 'atomic')) || contended(f).length > 0) return 'partly supported';
    return 'refuted';
  },

  write(f: GilFigures, verdict: ClaimVerdict): ClaimWriting {
    const n = f.threads;
    const table = {
      head: [
        'variant',
        '1 thread (M ops/s)',
        `${n} threads (M ops/s)`,
        '1-thread time / gil',
        `scaling ${n}/1`,
        'count updates / op',
        'atomic / op',
        'immortal skips / op',
      ],
      rows: f.variants.map((v) => variantCells(v, '—')),
    };
    const chart =
      f.variants.length === 0
        ? undefined
        : {
            kind: 'bars' as const,
            caption:
              `Throughput of each variant at 1 and ${n} threads (median of ${f.invocations} runs, millions of ` +
              'operations a second, all threads together); nothing shared between the threads.',
            axis: 'million operations a second →',
            rows: f.variants.map((v) => v.variant),
            panels: ['1 thread', `${n} threads`],
            colours: VARIANT_COLOURS.slice(0, f.variants.length),
            bars: f.variants.flatMap((v) => [
              { row: v.variant, panel: '1 thread', value: v.one.median },
              { row: v.variant, panel: `${n} threads`, value: v.many.median },
            ]),
            layout: { rowHeight: 22, marginLeft: 110 },
          };
    return {
      experiment:
        `gclab experiment threads (small preset): each mutator thread is a real worker thread over one shared heap ` +
        `(a SharedArrayBuffer in gclab's object layout) running ${f.opsPerThread.toLocaleString('en-US')} operations of a ` +
        `seeded mix (allocate, copy, store, load, delete, call, return, send), ${pct(f.singletons)} of copies taking a ` +
        'singleton (None, True, small ints). The variants: counts under a GIL switched every 5 ms (gil), every update ' +
        'an atomic add (atomic), biased counting as PEP 703 adopted it (biased), the same with immortal singletons ' +
        '(PEP 683, biased-immortal), plain counts with no lock (non-atomic, the demonstration) and stop-the-world ' +
        `tracing with thread-local allocation buffers. Each configuration ran ${f.invocations} times after a warm-up, ` +
        `on ${f.cores} cores (load average up to ${f.load.toFixed(1)}); figures are shown as median [min - max], ` +
        'ratios paired run by run. A difference counts only if it is at least 10% and every run lies on its side (*). ' +
        'Every run of a correct variant ends with a check of the final graph (each count equal to its references, ' +
        'nothing reachable freed, nothing unreachable left). A count update here is a larger share of an operation ' +
        "than of a CPython bytecode, so the ratios are costs per reference operation, an upper bound of an interpreter's.",
      table,
      ...(chart === undefined ? {} : { chart }),
      paragraph: paragraph(f, verdict),
      sources: [...GIL_SOURCES],
    };
  },
};

/** Colours of the variants' bars, in `THREAD_VARIANTS` order. */
const VARIANT_COLOURS: readonly string[] = ['#7f7f7f', '#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd'];

function paragraph(f: GilFigures, verdict: ClaimVerdict): string {
  const n = f.threads;
  const v = (name: string): VariantFigures | undefined => variantOf(f, name);
  const gilRuns = v('gil');
  const design = v(ADOPTED_DESIGN);
  if (f.failures.length > 0) {
    return (
      `${opening(verdict)}: ${f.failures.length} run${f.failures.length === 1 ? '' : 's'} of a correct variant failed ` +
      `the final graph check (${f.failures[0]}), so no figure of these runs is trusted.`
    );
  }
  if (gilRuns === undefined || design === undefined || f.threads < 2) {
    return (
      `${opening(verdict)}: the threaded runs had ${n} thread${n === 1 ? '' : 's'}, so nothing could run in parallel ` +
      'and the claim, about what threads gain without a GIL, could not be tested. The published figures below ' +
      'are quoted as context only.'
    );
  }
  const over = (x: VariantFigures | undefined): string =>
    x === undefined ? '—' : `${x.variant} ${formatSpread(x.timeOverGil)}x`;
  const oneThread = ['atomic', 'biased', ADOPTED_DESIGN, 'tracing']
    .map((name) => over(v(name)))
    .filter((t) => t !== '—');
  const scale = (x: VariantFigures | undefined): string =>
    x === undefined ? '' : `${x.variant} ${formatSpread(x.scaling)}x`;
  const scaling = ['gil', 'atomic', 'biased', ADOPTED_DESIGN, 'tracing'].map((name) => scale(v(name)));
  const lost = contended(f);
  const contentionText =
    f.contention.length === 0
      ? ''
      : `Sharing costs: ${list(
          f.contention
            .filter((c) => c.shared === 1 || c.singletons === 1)
            .map(
              (c) =>
                `${c.variant} with ${c.shared === 1 ? 'every source another thread’s object' : 'every copy a singleton'} ran at ` +
                `${formatSpread(c.relative)}x its throughput with nothing shared`,
            ),
        )}${lost.length === 0 ? ' (none a counted difference)' : ''}; immortal singletons need no count update at all ` +
        `(${design.perOp === null ? '—' : design.perOp.immortalSkips.toFixed(3)} skipped per operation). `;
  const d = f.demonstration;
  const demo =
    d === null
      ? ''
      : (() => {
          const lostRuns = d.runs.filter((r) => r.lost);
          return (
            `Without atomics or a lock (non-atomic, ${d.threads} threads, every source shared) updates were lost in ` +
            `${lostRuns.length} of ${d.runs.length} runs` +
            (lostRuns.length === 0 ? '' : `, the first with ${describeLoss(lostRuns[0]!)}`) +
            '; that is why counting needs one of the schemes above once the GIL is gone. '
          );
        })();
  const designScales = countedFaster(design.many, gilRuns.many);
  const atomic = v('atomic');
  const sharing = (c: ContentionFigures): string =>
    c.shared > 0 ? `${pct(c.shared)} of sources shared` : `${pct(c.singletons)} of copies a singleton`;
  const reasons = [
    costs(atomic) && atomic !== undefined
      ? `plain atomic counting took ${formatSpread(atomic.timeOverGil)}x the GIL's time on one thread`
      : '',
    lost.length > 0
      ? `sharing objects cost ${list(lost.map((c) => `${c.variant} ${pct(1 - c.relative.median)} of its throughput (${sharing(c)})`))}`
      : '',
  ].filter((r) => r !== '');
  const head =
    verdict === 'supported'
      ? costs(design)
        ? `biased counting with immortal singletons, the design CPython adopted, cost a counted difference over the GIL on one thread`
        : `biased counting with immortal singletons did not beat the GIL's throughput at ${n} threads by a counted difference`
      : verdict === 'partly supported'
        ? 'reference counting made removing the GIL costly, not impossible: biased counting with immortal singletons, ' +
          `the design CPython adopted, stayed within the threshold of the GIL's time on one thread and beat the GIL at ${n} ` +
          `threads, but it exists because the plain ways cost: ${list(reasons)}`
        : 'counting without a GIL cost no counted difference in these runs: neither atomic nor biased counting on one ' +
          `thread, nor sharing objects at ${n} threads`;
  return (
    `${opening(verdict)}: ${head}. One thread, time over gil: ${list(oneThread)}. ` +
    `Throughput at ${n} threads over 1 thread: ${list(scaling.filter((s) => s !== ''))}; at ${n} threads biased ` +
    `counting with immortal singletons ran ${formatSpread(design.many, 1)} M ops/s against the GIL's ${formatSpread(gilRuns.many, 1)}` +
    `${designScales ? ', a counted difference' : ', not a counted difference'}. ` +
    contentionText +
    demo +
    'The published figures agree in direction and are quoted as context, not used above: PEP 703 measured 5–6% ' +
    'for the whole free-threaded interpreter on one thread, biased reference counting its largest part, and Choi et ' +
    'al. made RC operations more than twice as fast by biasing. PEP 703 was accepted and CPython 3.13 ships a ' +
    'free-threaded build: reference counting stayed, the GIL became optional.'
  );
}
