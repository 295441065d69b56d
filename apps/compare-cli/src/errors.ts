/**
 * Errors of the `gclab` command itself. Each is a user's mistake (exit 2, a message, no stack trace);
 * the errors of the simulated machine (`MutatorError`, `TraceSyntaxError`, ...) come from @gclab/core.
 */
import { GclabError } from '@gclab/core';

/** The command was called wrongly (a missing or invalid option, an unreadable file). */
export class UsageError extends GclabError {
  override name = 'UsageError';
}

/** `--strategy NAME` named no registered collector; the message lists the valid names. */
export class UnknownCollectorError extends UsageError {
  override name = 'UnknownCollectorError';
  constructor(
    readonly requested: string,
    readonly validNames: readonly string[],
  ) {
    super(`unknown strategy '${requested}'; valid names: ${validNames.join(', ')}`);
  }
}

/** `--strategy-module PATH` could not be loaded or does not export a collector descriptor. */
export class StrategyModuleError extends UsageError {
  override name = 'StrategyModuleError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`strategy module ${path}: ${reason}`);
  }
}
