/**
 * Entry point of the `gclab` command (started by `bin/gclab.js` under tsx). Runs the program and
 * turns whatever ended it into an exit code: 0 ok, 1 a failed run, 2 a usage error (commander's
 * included), 70 an internal error (the only case that prints a stack trace). A closed stdout pipe
 * ends it quietly, a full disk with one line (`output.ts`); the launcher's death acts as SIGHUP
 * (`launcher-link.ts`).
 */
import { CommanderError } from 'commander';
import { ExitCode } from './exit-codes.ts';
import { watchLauncher } from './launcher-link.ts';
import { guardStandardStreams } from './output.ts';
import { createProgram } from './program.ts';
import { reportError } from './report-error.ts';

guardStandardStreams();
watchLauncher();
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
