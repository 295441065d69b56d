/**
 * Runs the `gclab` command inside the test process (`runProgram`), from the repository root with
 * colours off, and collects its exit code and output: the same signature and results as
 * `run-cli.ts`'s spawned runner without a Node and tsx start-up per command. Tests of what only a
 * process shows (start-up, signals, exit 70 paths, children, the launcher) spawn `run-cli.ts`.
 * In-process runs take turns, so their tests are not `describe.concurrent`: a run queued behind the
 * others would spend its test's time limit waiting.
 */
import { runProgram } from '../src/run-program.ts';
import { type CliResult, ROOT } from './run-cli.ts';

/** Runs `gclab ...args` from the repository root, in this process. */
export function runCli(args: readonly string[]): Promise<CliResult> {
  // Colours are chosen when modules load, by this process's environment: vitest.shared.ts sets
  // NO_COLOR, which picocolors honours before FORCE_COLOR.
  return runProgram(args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
}
