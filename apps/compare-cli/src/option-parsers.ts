/**
 * Parsers of option values that several commands share, for commander: each returns the value or
 * throws commander's `InvalidArgumentError` (a usage error, exit 2) saying what was expected. Also
 * the options several commands define alike: `--host-memory` and its default.
 */
import { totalmem } from 'node:os';
import { ADDRESS_SPACE_BYTES } from '@gclab/core';
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
