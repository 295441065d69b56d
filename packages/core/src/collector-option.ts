/**
 * Reading collector options (`CollectorOptions` values are `unknown`: they come from the CLI,
 * JSON configs and tests), with errors a user can act on. Every collector package reads its options
 * here, so a bad value is reported the same way whichever collector it was given to.
 */
import type { CollectorOptions } from './collector.ts';
import { GclabError } from './errors.ts';

/** A collector option with a value it cannot use. */
export class CollectorOptionError extends GclabError {
  override name = 'CollectorOptionError';
}

/**
 * The integer given as option `name`, or `fallback` when it is absent. Throws `CollectorOptionError`
 * unless the value is an integer of at least `min`.
 */
export function integerOption(
  options: CollectorOptions,
  collector: string,
  name: string,
  fallback: number,
  min: number,
): number {
  return checkedOption(options, collector, name, fallback, min, 'an integer', Number.isInteger);
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
  return checkedOption(options, collector, name, fallback, min, 'a number', isNotNaN);
}

function isNotNaN(value: number): boolean {
  return !Number.isNaN(value);
}

/**
 * Option `name`, or `fallback` when absent; throws unless it is a number that `accepts` and is at
 * least `min`. `kind` names what `accepts` admits, for the message (`a number`, `an integer`).
 */
function checkedOption(
  options: CollectorOptions,
  collector: string,
  name: string,
  fallback: number,
  min: number,
  kind: string,
  accepts: (value: number) => boolean,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !accepts(value) || value < min) {
    throw new CollectorOptionError(
      `${collector}: option ${name} must be ${kind} of at least ${min}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * The boolean given as option `name`, or `fallback` when it is absent. Throws `CollectorOptionError`
 * unless the value is `true` or `false`.
 */
export function booleanOption(
  options: CollectorOptions,
  collector: string,
  name: string,
  fallback: boolean,
): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new CollectorOptionError(
      `${collector}: option ${name} must be true or false, got ${String(value)}`,
    );
  }
  return value;
}
