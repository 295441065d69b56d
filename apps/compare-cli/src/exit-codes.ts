/**
 * The exit codes of the `gclab` command, one meaning each, so scripts and CI can tell a failed run
 * from a mistake in how the command was called.
 */
export const ExitCode = {
  /** Everything worked. */
  ok: 0,
  /** The run failed: a mutator error, a corrupted heap, out of memory. */
  failure: 1,
  /** The command was called wrongly: bad option, unknown strategy, malformed trace, bad module. */
  usage: 2,
  /** A bug in gclab or in a collector (sysexits' EX_SOFTWARE); a stack trace is printed. */
  internal: 70,
} as const;

/** One of the exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
