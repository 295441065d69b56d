/**
 * Parsers of option values that several commands share, for commander: each returns the value or
 * throws commander's `InvalidArgumentError` (a usage error, exit 2) saying what was expected. Also
 * the options several commands define alike: `--host-memory` and its default, and the timing of
 * cells (`--invocations`, `--min-time`, `--max-invocations`).
 */
import { totalmem } from 'node:os';
import { DEFAULT_MAX_INVOCATIONS } from '@gclab/bench';
import { ADDRESS_SPACE_BYTES, type CollectorOptions } from '@gclab/core';
import { InvalidArgumentError, Option } from 'commander';
import { parseByteSize } from './byte-size.ts';

/** A parser of a positive integer for `flag` (a count, or milliseconds). */
export function parseCount(flag: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!(Number.isSafeInteger(n) && n >= 1))
      throw new InvalidArgumentError(`${flag} must be a positive integer.`);
    return n;
  };
}

/** A positive byte size, plain or with a binary unit (`1048576`, `512KB`, `64MB`). */
export function parseByteSizeOption(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === null)
    throw new InvalidArgumentError('expected a positive byte size such as 1048576, 512KB or 64MB.');
  return bytes;
}

/**
 * The default host-memory budget of one heap: a quarter of the machine's memory shared by `heaps`
 * heaps that may be alive at once (the concurrency of `gclab run`), at most the simulated address
 * space (2 GiB). Growing the simulated memory copies it, so the host briefly holds up to about twice
 * the budget.
 */
export function defaultHostMemory(heaps = 1): number {
  return Math.min(ADDRESS_SPACE_BYTES, Math.floor(totalmem() / 4 / heaps));
}

/**
 * The `--host-memory <bytes>` option: the host-memory budget of the simulated heap (past it, out of
 * memory). `scope` ends its help (which heaps it applies to, and its default); `fallback` is the
 * default value, or undefined when the command computes it from other options.
 */
export function hostMemoryOption(scope: string, fallback?: number): Option {
  const option = new Option(
    '--host-memory <bytes>',
    `host memory the simulated heap may use; past it, out of memory (${scope})`,
  ).argParser(parseByteSizeOption);
  return fallback === undefined ? option : option.default(fallback);
}

/** How a command times each cell: at least `invocations`, on until `minTimedMs`, at most `maxInvocations`. */
export interface TimingOptions {
  invocations: number;
  minTime: number;
  maxInvocations: number;
}

/**
 * The default timing of `gclab run` and `gclab debate`: at least 3 timed invocations a cell, more
 * until they took 200 ms in all, at most 30. A workload of 10 ms gets 20 samples (a 95% interval of
 * the median, `Spread`), one of 300 ms gets 3 (their range); docs/methodology.md says why.
 */
export const DEFAULT_TIMING: Readonly<TimingOptions> = {
  invocations: 3,
  minTime: 200,
  maxInvocations: DEFAULT_MAX_INVOCATIONS,
};

/** A collector's options: a JSON object (`{"threshold0": 100}`); each collector checks its own. */
export function parseCollectorOptions(text: string): CollectorOptions {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`expected a JSON object: ${(error as Error).message}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidArgumentError('expected a JSON object such as {"threshold0": 100}.');
  return value as CollectorOptions;
}

/** Milliseconds, 0 or more. */
export function parseMilliseconds(text: string): number {
  const n = Number(text);
  if (!(text.trim() !== '' && Number.isFinite(n) && n >= 0))
    throw new InvalidArgumentError('expected milliseconds, 0 or more.');
  return n;
}

/** The timing options `--invocations`, `--min-time` and `--max-invocations`, with their defaults. */
export function timingOptions(): [Option, Option, Option] {
  return [
    new Option('--invocations <n>', 'timed invocations per cell: at least N (exactly N with --min-time 0)')
      .argParser(parseCount('--invocations'))
      .default(DEFAULT_TIMING.invocations),
    new Option(
      '--min-time <ms>',
      'more timed invocations per cell until they took MS milliseconds in all (0: exactly --invocations)',
    )
      .argParser(parseMilliseconds)
      .default(DEFAULT_TIMING.minTime),
    new Option('--max-invocations <n>', 'the most timed invocations per cell --min-time may ask for')
      .argParser(parseCount('--max-invocations'))
      .default(DEFAULT_TIMING.maxInvocations),
  ];
}

/** The matrix options of parsed timing options (`MatrixOptions`'s names). */
export function matrixTiming(o: TimingOptions): {
  invocations: number;
  minTimedMs: number;
  maxInvocations: number;
} {
  return {
    invocations: o.invocations,
    minTimedMs: o.minTime,
    maxInvocations: Math.max(o.maxInvocations, o.invocations),
  };
}
