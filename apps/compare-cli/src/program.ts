/**
 * The `gclab` command line: one commander program, one file per command in `commands/`. Commander's
 * own usage errors are turned into exceptions (`exitOverride`) so that `main.ts` decides every exit
 * code in one place.
 */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerBenchCommand } from './commands/bench.ts';
import { registerCensusCommand } from './commands/census.ts';
import { registerCompareCommand } from './commands/compare.ts';
import { registerDebateCommand } from './commands/debate.ts';
import { registerExperimentCommand } from './commands/experiment.ts';
import { registerListCommand } from './commands/list.ts';
import { registerMergeCommand } from './commands/merge.ts';
import { registerMinHeapCommand } from './commands/minheap.ts';
import { registerPythonCommand } from './commands/python.ts';
import { registerReplayCommand } from './commands/replay.ts';
import { registerReportCommand } from './commands/report.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerVerifyCommand } from './commands/verify.ts';

/** How the program is being run. */
export interface ProgramHost {
  /**
   * The Node arguments that start this same command again, with the same arguments, in a child
   * process (`gclab replay --strategy-module` replays in a watched child); null when the program
   * runs inside another program (`run-program.ts`), whose own command line is not gclab's.
   */
  relaunch: readonly string[] | null;
}

/** The commands, in the order `gclab --help` lists them. Each adds itself to the program. */
const COMMANDS: ReadonlyArray<(program: Command, host: ProgramHost) => void> = [
  registerListCommand,
  registerRunCommand,
  registerCompareCommand,
  registerMergeCommand,
  registerReportCommand,
  registerDebateCommand,
  registerMinHeapCommand,
  registerBenchCommand,
  registerReplayCommand,
  registerVerifyCommand,
  registerExperimentCommand,
  registerCensusCommand,
  registerPythonCommand,
];

/** Builds the program. Subcommands inherit `exitOverride` and the output settings. */
export function createProgram(host: ProgramHost): Command {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  const program = new Command('gclab')
    .description('gclab: swappable garbage collectors over one simulated heap, compared by measurement')
    .version(version)
    // Program options (`--version`) only before the command: after it, `--version` is the command's
    // own (`gclab experiment differential-mix --version 3.13`).
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  for (const register of COMMANDS) register(program, host);
  return program;
}
