/**
 * Running the `gclab` program: `executeProgram` is what `main.ts` runs (commander's parse, then every
 * way a command can end turned into an exit code: 0 ok, 1 a failed run, 2 a usage error, commander's
 * included, 70 an internal error, the only case that prints a stack trace). `runProgram` runs the
 * same program inside the calling process, as the tests do to spare a Node start-up per command,
 * and returns what a spawned command would have given: its exit code and its output.
 *
 * In-process, what the command reads or changes in the process is set up for the run and put back
 * after it: standard output and error are capture streams (not terminals: no progress bars, no
 * terminal width, as through a pipe), `process.exitCode`, the working directory and the environment.
 * Runs in one process take turns. Signal handlers are the commands' own, removed when they end
 * (but for a `gclab run` a signal stopped, whose process is about to end).
 * What needs a process of its own stays out: `replay --strategy-module` starts the command again in
 * a child (it fails here with an internal error), and variables read when modules load (colours,
 * `GCLAB_PYTHON`) cannot change per run, so a run that asks for other values is refused.
 */
import { Writable } from 'node:stream';
import { CommanderError } from 'commander';
import { ExitCode } from './exit-codes.ts';
import { createProgram, type ProgramHost } from './program.ts';
import { reportError } from './report-error.ts';

/**
 * Runs the program on `args` (the arguments after `gclab`) writing to `process.stdout` and
 * `process.stderr`; resolves with the exit code: the one a command set, or the error's.
 */
export async function executeProgram(args: readonly string[], host: ProgramHost): Promise<number> {
  try {
    await createProgram(host).parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? ExitCode.ok);
  } catch (error) {
    // Commander has printed the message or the help already; help and --version exit 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    const { text, exitCode } = reportError(error);
    process.stderr.write(`${text}\n`);
    return exitCode;
  }
}

/** Where and how an in-process run runs. */
export interface ProgramRunOptions {
  /** Working directory: relative paths in the arguments are resolved from it. */
  cwd: string;
  /** The whole environment of the run (as a child process's `env`). */
  env: NodeJS.ProcessEnv;
}

/** What a run gave. */
export interface ProgramResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Variables that modules read once, when loaded (picocolors, `@gclab/experiments`' `PYTHON_COMMAND`). */
const READ_AT_LOAD: readonly string[] = ['NO_COLOR', 'FORCE_COLOR', 'CI', 'TERM', 'GCLAB_PYTHON'];

/** The run in progress in this process: runs take turns. */
let previous: Promise<unknown> = Promise.resolve();

/** Runs `gclab ...args` in this process (see the file comment); resolves with its code and output. */
export function runProgram(args: readonly string[], options: ProgramRunOptions): Promise<ProgramResult> {
  const run = previous.then(() => runAlone(args, options));
  previous = run.catch(() => undefined);
  return run;
}

async function runAlone(args: readonly string[], options: ProgramRunOptions): Promise<ProgramResult> {
  for (const name of READ_AT_LOAD) {
    if (options.env[name] !== process.env[name]) {
      throw new Error(`runProgram: ${name} is read when modules load; run the command in a child process`);
    }
  }
  const stdout = new Capture();
  const stderr = new Capture();
  const streams = ['stdout', 'stderr'].map(
    (name) => [name, Object.getOwnPropertyDescriptor(process, name)!] as const,
  );
  const exitCode = process.exitCode;
  const cwd = process.cwd();
  const env = { ...process.env };
  Object.defineProperty(process, 'stdout', { configurable: true, enumerable: true, get: () => stdout });
  Object.defineProperty(process, 'stderr', { configurable: true, enumerable: true, get: () => stderr });
  process.exitCode = undefined;
  replaceEnvironment(options.env);
  try {
    if (options.cwd !== cwd) process.chdir(options.cwd);
    const code = await executeProgram(args, { relaunch: null });
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    for (const [name, descriptor] of streams) Object.defineProperty(process, name, descriptor);
    process.exitCode = exitCode;
    if (process.cwd() !== cwd) process.chdir(cwd);
    replaceEnvironment(env);
  }
}

/** Makes `process.env` hold exactly `env` (the object itself stays: Node's env is special). */
function replaceEnvironment(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (env[name] === undefined) delete process.env[name];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value;
}

/** A stream that keeps what is written to it; like a pipe, it is not a terminal. */
class Capture extends Writable {
  text = '';

  constructor() {
    super({ decodeStrings: false });
  }

  override _write(
    chunk: string | Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    done();
  }
}
