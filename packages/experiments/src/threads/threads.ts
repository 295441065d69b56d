/**
 * `gclab experiment threads [--size S] [--threads N] [--invocations K] [--seed S]`: the `threads`
 * experiment (threads-experiment.ts) as the command runs it. `--threads` goes from 1 to this
 * machine's cores; a correct variant whose final graph check fails makes the run fail (exit 1).
 */
import {
  type Experiment,
  type ExperimentOption,
  ExperimentOptionError,
  integerFlag,
  numberValue,
} from '../experiment.ts';
import {
  runThreadsExperiment,
  THREADS_PRESETS,
  THREADS_SIZES,
  type ThreadsExperimentResult,
  type ThreadsSize,
  threadLimit,
} from './threads-experiment.ts';
import { formatThreadsExperiment } from './threads-format.ts';

const sizeFlag: ExperimentOption = {
  key: 'size',
  value: 'size',
  description: `preset: ${THREADS_SIZES.map((s) => `${s} (${THREADS_PRESETS[s].opsPerThread.toLocaleString('en-US')} operations per thread)`).join(', ')}`,
  defaultValue: 'small',
  parse: (text: string): ThreadsSize => {
    const s = text.trim();
    if (!(THREADS_SIZES as readonly string[]).includes(s))
      throw new ExperimentOptionError(`expected one of ${THREADS_SIZES.join(', ')}.`);
    return s as ThreadsSize;
  },
};

/** `--threads N`: from 1 to the machine's cores (read when the command is built). */
function threadsFlag(): ExperimentOption {
  const limit = threadLimit();
  return integerFlag({
    key: 'threads',
    short: 't',
    value: 'n',
    description: `threads of the multi-threaded runs (1 to ${limit}, this machine's cores)`,
    defaultValue: limit,
    min: 1,
    max: limit,
    expected: `a thread count from 1 to ${limit} (the cores of this machine)`,
  });
}

/** The `threads` experiment. */
export const threads: Experiment<ThreadsExperimentResult> = {
  name: 'threads',
  summary:
    'Reference counting without a GIL on real threads: gil, atomic, biased, immortal, non-atomic and tracing at 1 and N threads',
  options: [
    sizeFlag,
    threadsFlag(),
    {
      ...integerFlag({
        key: 'invocations',
        value: 'k',
        description: `timed runs per configuration (default: ${THREADS_SIZES.map((s) => `${THREADS_PRESETS[s].invocations} ${s}`).join(', ')})`,
        defaultValue: 0,
        min: 1,
        max: 100,
        expected: 'a run count from 1 to 100',
      }),
      defaultValue: undefined,
    },
    integerFlag({
      key: 'seed',
      value: 's',
      description: 'seed of the mutator programs',
      defaultValue: 42,
      min: 0,
      max: 2 ** 31 - 1,
      expected: 'a seed from 0 to 2147483647',
    }),
  ],
  examples: [
    'experiment threads',
    'experiment threads --size medium --threads 2',
    'experiment threads --invocations 5 --json',
  ],
  run: (options) => {
    const invocations = options['invocations'];
    return runThreadsExperiment({
      size: options['size'] as ThreadsSize,
      threads: numberValue(options, 'threads'),
      seed: numberValue(options, 'seed'),
      ...(typeof invocations === 'number' ? { invocations } : {}),
      log: (message) => process.stderr.write(`threads: ${message}\n`),
    });
  },
  format: formatThreadsExperiment,
  failure: (r) =>
    r.failures.length === 0
      ? null
      : `${r.failures.length} run${r.failures.length === 1 ? '' : 's'} of a correct variant failed the final graph check`,
};
