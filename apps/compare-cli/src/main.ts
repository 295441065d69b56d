/**
 * Entry point of the `gclab` command (started by `bin/gclab.js` under tsx). Runs the program and
 * turns whatever ended it into an exit code: 0 ok, 1 a failed run, 2 a usage error (commander's
 * included), 70 an internal error (the only case that prints a stack trace).
 */
import { CommanderError } from 'commander';
import { ExitCode } from './exit-codes.ts';
import { createProgram } from './program.ts';
import { reportError } from './report-error.ts';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message or the help already; help and --version exit 0.
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else {
    const { text, exitCode } = reportError(error);
    process.stderr.write(`${text}\n`);
    process.exitCode = exitCode;
  }
}
