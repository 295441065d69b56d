/**
 * Reading numeric collector options (`CollectorOptions` values are `unknown`: they come from the CLI,
 * JSON configs and tests), with errors a user can act on.
 */
import { type CollectorOptions, GclabError } from '@gclab/core';

/** A collector option with a value it cannot use. */
export class CollectorOptionError extends GclabError {
  override name = 'CollectorOptionError';
}

/**
 * The number given as option `name`, or `fallback` when it is absent. Throws `CollectorOptionError`
 * unless the value is a number of at least `min` (`Infinity` is allowed where `min` allows it).
 */
export function numberOption(
  options: CollectorOptions,
  collector: string,
  name: string,
  fallback: number,
  min: number,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new CollectorOptionError(
      `${collector}: option ${name} must be a number of at least ${min}, got ${String(value)}`,
    );
  }
  return value;
}
