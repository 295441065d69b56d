/**
 * What a claim of the debate is: a module that measures its figures from `DebateData`, decides its
 * verdict from those figures alone, and writes its experiment, table, chart and paragraph from the
 * figures and the verdict. `evaluateClaims` (index.ts) runs the three steps for every claim.
 */
import type { DebateData } from '../debate-data.ts';
import type { ClaimChart } from './chart.ts';

/** How a claim fared. */
export type ClaimVerdict = 'supported' | 'refuted' | 'partly supported' | 'not measured';

/** A table of figures. */
export interface FigureTable {
  head: string[];
  rows: string[][];
}

/** A published source a claim quotes. */
export interface Source {
  /** What it says, quoted or closely paraphrased. */
  text: string;
  /** Where. */
  citation: string;
  /** Link. */
  url: string;
}

/** What a claim writes from its figures and verdict. */
export interface ClaimWriting {
  /** The experiment that tests it. */
  experiment: string;
  /** The measured figures. */
  table: FigureTable;
  /** A chart, as a spec the shared chart module renders, with its caption. */
  chart?: ClaimChart;
  /** One paragraph: what the figures say about the claim, opening with the verdict. */
  paragraph: string;
  /** Published figures quoted. */
  sources?: Source[];
  /** The same question asked of real programs' heaps (the heap census of snapshots), when measured. */
  realHeap?: { caption: string; table: FigureTable };
}

/** One claim, judged. */
export interface ClaimResult extends ClaimWriting {
  /** 1 to 11. */
  number: number;
  /** The article's claim. */
  claim: string;
  /** The verdict. */
  verdict: ClaimVerdict;
}

/**
 * A claim of the article, tested on the debate's measurements. `F` is the record of the figures
 * it measured: the verdict is decided from it, the prose written from it.
 */
export interface Claim<F> {
  /** 1 to 11. */
  readonly number: number;
  /** The article's claim. */
  readonly claim: string;
  /** The figures the claim is judged on, read from the measurements. */
  measure(data: DebateData): F;
  /** The verdict, from the figures alone. */
  decide(figures: F): ClaimVerdict;
  /** The experiment, table, chart and paragraph, from the figures and the verdict. */
  write(figures: F, verdict: ClaimVerdict): ClaimWriting;
}

/** Measures, decides and writes one claim. */
export function judge<F>(claim: Claim<F>, data: DebateData): ClaimResult {
  const figures = claim.measure(data);
  const verdict = claim.decide(figures);
  return { number: claim.number, claim: claim.claim, verdict, ...claim.write(figures, verdict) };
}

/** The usual first words of a paragraph for each verdict. */
const OPENINGS: Readonly<Record<ClaimVerdict, string>> = {
  supported: 'Supported',
  refuted: 'Refuted',
  'partly supported': 'Partly',
  'not measured': 'Not measured',
};

/**
 * The first words of a claim's paragraph, from its verdict: the usual ones, or the claim's own
 * wording for some verdicts (`{ 'partly supported': 'Only for some programs' }`). No punctuation.
 */
export function opening(verdict: ClaimVerdict, words: Partial<Record<ClaimVerdict, string>> = {}): string {
  return words[verdict] ?? OPENINGS[verdict];
}
