/**
 * The registry of named experiments: what `gclab experiment list` shows and `gclab experiment NAME`
 * runs, in that order. To add an experiment, write it as an `Experiment` in its own folder and append
 * it here.
 */
import { differentialMix } from './differential-mix/against-cpython.ts';
import type { Experiment } from './experiment.ts';
import { finalization } from './finalization/finalization-latency.ts';
import { getrefcount } from './getrefcount/getrefcount.ts';
import { memoryRelease } from './memory-release/memory-release.ts';
import { perf } from './perf/perf-run.ts';
import { pyperformance } from './pyperformance/pyperformance-figures.ts';
import { threads } from './threads/threads.ts';

/** Every experiment, in the order `gclab experiment list` prints them. Names are unique. */
export const EXPERIMENTS: readonly Experiment[] = [
  memoryRelease,
  getrefcount,
  finalization,
  differentialMix,
  perf,
  pyperformance,
  threads,
];

/** The experiment named `name`, or undefined. */
export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
