/**
 * Where the command's output goes, and what happens when it cannot get there.
 *
 * - Output files (`--out`, `--html`) are checked before any work starts (`checkOutputFiles`), so a
 *   run never ends by losing its results to a path that could not be written: that is a usage
 *   error (exit 2). A failure at write time (a full disk) is an `OutputFileError` (exit 1).
 * - Standard output and error (`guardStandardStreams`): a closed pipe (`gclab run | head`) ends the
 *   command quietly with the exit code it had (0 for a run that went well), as Unix filters do; any
 *   other write error (ENOSPC on `> /dev/full`) is one line on stderr and exit 1, never Node's
 *   "Unhandled 'error' event" stack.
 */
import { checkWritable, OutputFileError, outputFileError } from '@gclab/bench';
import { UsageError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';

/**
 * Checks that each named output file can be written (its directory exists or can be made, a file
 * can be created there); `files` maps an option (`--out`) to its value, undefined when not given.
 * Throws `UsageError` naming the option, the file and the reason.
 */
export function checkOutputFiles(files: Readonly<Record<string, string | undefined>>): void {
  for (const [option, file] of Object.entries(files)) {
    if (file === undefined) continue;
    try {
      checkWritable(file);
    } catch (error) {
      if (error instanceof OutputFileError) throw new UsageError(`${option}: ${error.message}`);
      throw error;
    }
  }
}

/** Installs the handlers for write errors on stdout and stderr (see the file comment). */
export function guardStandardStreams(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
    try {
      process.stderr.write(`error: ${outputFileError('standard output', error).message}\n`);
    } finally {
      process.exit(ExitCode.failure);
    }
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    // Nowhere left to say anything: end with the code the command had, or 1 for a failed write.
    process.exit(error.code === 'EPIPE' ? (process.exitCode ?? ExitCode.ok) : ExitCode.failure);
  });
}
