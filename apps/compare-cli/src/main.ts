/**
 * Entry point of the `gclab` command (started by `bin/gclab.js` under tsx). Runs the program
 * (`run-program.ts`) and exits with its code: 0 ok, 1 a failed run, 2 a usage error (commander's
 * included), 70 an internal error (the only case that prints a stack trace). A closed stdout pipe
 * ends it quietly, a full disk with one line (`output.ts`); the launcher's death acts as SIGHUP
 * (`launcher-link.ts`).
 */
import { watchLauncher } from './launcher-link.ts';
import { guardStandardStreams } from './output.ts';
import { executeProgram } from './run-program.ts';

guardStandardStreams();
watchLauncher();
// This process is the command: `relaunch` starts it again with the same Node options and arguments.
process.exitCode = await executeProgram(process.argv.slice(2), {
  relaunch: [...process.execArgv, ...process.argv.slice(1)],
});
