/**
 * What the command prints and which exit code it returns for an error that ended a command.
 * A user's mistake gets a message and no stack trace; only an unexpected error (a bug in gclab or in
 * a collector) prints its stack, with exit code 70.
 */
import { OutputFileError } from '@gclab/bench';
import {
  CollectorOptionError,
  HeapIntegrityError,
  MutatorError,
  OutOfMemoryError,
  TraceSyntaxError,
} from '@gclab/core';
import { ThreadRunError } from '@gclab/threads';
import { CollectorFaultError } from './collector-fault.ts';
import { UsageError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { TraceRunError } from './trace-run-error.ts';
import { HostMemoryRunError } from './verify-supervisor.ts';

/** The text for stderr (one or more lines, no trailing newline) and the exit code of an error. */
export interface ErrorReport {
  /** What to print on stderr. */
  text: string;
  /** The process exit code. */
  exitCode: ExitCode;
}

/** Classifies an error thrown by a command. */
export function reportError(error: unknown): ErrorReport {
  // `file:line:col: message`, as compilers print it, so editors can jump to it.
  if (error instanceof TraceSyntaxError) return { text: error.message, exitCode: ExitCode.usage };
  if (error instanceof UsageError) return { text: `error: ${error.message}`, exitCode: ExitCode.usage };
  // A collector option the collector refuses (`replay --collector-options`).
  if (error instanceof CollectorOptionError)
    return { text: `error: ${error.message}`, exitCode: ExitCode.usage };
  // `op N (text): reason`.
  if (error instanceof MutatorError) return { text: error.message, exitCode: ExitCode.failure };
  if (error instanceof HeapIntegrityError) return { text: error.message, exitCode: ExitCode.failure };
  if (error instanceof OutOfMemoryError) return { text: error.message, exitCode: ExitCode.failure };
  // A results file or report that could not be written at the end (a full disk): the run failed.
  if (error instanceof OutputFileError)
    return { text: `error: ${error.message}`, exitCode: ExitCode.failure };
  // `file:line:col: ...`: a run error located in the trace, or a fault of a user's collector module.
  if (error instanceof TraceRunError) return { text: error.message, exitCode: ExitCode.failure };
  if (error instanceof CollectorFaultError) return { text: error.message, exitCode: ExitCode.failure };
  // A mutator thread that crashed, failed or hung (`gclab experiment threads`, the debate).
  if (error instanceof ThreadRunError) return { text: `error: ${error.message}`, exitCode: ExitCode.failure };
  // A verify campaign's program past --host-memory.
  if (error instanceof HostMemoryRunError) return { text: error.message, exitCode: ExitCode.failure };
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return {
    text: `gclab: internal error (a bug in gclab or in the collector):\n${detail}`,
    exitCode: ExitCode.internal,
  };
}
