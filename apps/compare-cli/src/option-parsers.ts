/**
 * Parsers of option values that several commands share, for commander: each returns the value or
 * throws commander's `InvalidArgumentError` (a usage error, exit 2) saying what was expected.
 */
import { InvalidArgumentError } from 'commander';
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
