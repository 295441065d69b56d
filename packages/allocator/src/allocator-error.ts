/**
 * Typed errors of the spaces. Every misuse a caller can make (a bad size, a double free, freeing an
 * address the space never gave, corrupt bookkeeping found by `verify`) raises an `AllocatorError`
 * whose `kind` says which, and whose message names the address or size.
 */
import { GclabError } from '@gclab/core';

/** What went wrong in a space. */
export type AllocatorErrorKind =
  /** A request size that is not a positive integer, or too large for the space. */
  | 'bad-size'
  /** `free` of a block that is already free. */
  | 'double-free'
  /** `free` or a query of an address the space never handed out (or not a block start). */
  | 'foreign-address'
  /** An operation not allowed in the space's current state (e.g. a sweep already in progress). */
  | 'bad-state'
  /** `verify` found bookkeeping that does not add up. */
  | 'corrupt';

/** A misuse of a space, or corrupt space bookkeeping found by `verify`. */
export class AllocatorError extends GclabError {
  override name = 'AllocatorError';
  constructor(
    readonly kind: AllocatorErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Throws `bad-size` unless `size` is a positive integer no larger than `max`. */
export function checkSize(space: string, size: number, max: number): void {
  if (!Number.isInteger(size) || size <= 0 || size > max) {
    throw new AllocatorError(
      'bad-size',
      `${space}.allocate: size must be an integer from 1 to ${max} bytes, got ${size}`,
    );
  }
}
