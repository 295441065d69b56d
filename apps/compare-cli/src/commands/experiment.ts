/**
 * `gclab experiment NAME [options] [--json]`: the named experiments of `@gclab/experiments`, one
 * subcommand each, built from the experiments registry (name, summary, options, run, format).
 *
 * - `gclab experiment list [--json]`: every experiment with its one-line summary.
 * - `gclab experiment NAME [options]`: runs it and prints its text form, or with `--json` its
 *   figures as one JSON object. Invalid option values are usage errors (exit 2); figures that show
 *   a failed run (the experiment's `failure`) are printed, then the command exits 1.
 *
 * Experiments that run collectors get them from the registry (`src/registry.ts`) as descriptors.
 */
import {
  EXPERIMENTS,
  type Experiment,
  type ExperimentOption,
  ExperimentOptionError,
  InterpreterNotFoundError,
} from '@gclab/experiments';
import { type Command, InvalidArgumentError } from 'commander';
import { ExitCode } from '../exit-codes.ts';
import { collectors } from '../registry.ts';

/** Adds `experiment` and its subcommands to the program. */
export function registerExperimentCommand(program: Command): void {
  const experiment = program
    .command('experiment')
    .description('run a named experiment (gclab experiment list shows them)');

  experiment
    .command('list')
    .description('list the named experiments')
    .option('--json', 'print one JSON object instead of text')
    .action((options: { json?: boolean }) => {
      const list = EXPERIMENTS.map((e) => ({ name: e.name, summary: e.summary }));
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ experiments: list }, null, 2)}\n`);
        return;
      }
      const width = Math.max(...list.map((e) => e.name.length));
      process.stdout.write(list.map((e) => `${e.name.padEnd(width)}  ${e.summary}\n`).join(''));
    });

  for (const e of EXPERIMENTS) registerOne(experiment, e);
}

/** `-n, --count <n>` for option `count` with alias `n`; `--long-lived <n>` for `longLived`. */
function flags(o: ExperimentOption): string {
  const long = o.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `${o.short === undefined ? '' : `-${o.short}, `}--${long} <${o.value}>`;
}

/** Commander's parser for `o`: an `ExperimentOptionError` becomes a usage error (exit 2). */
function parser(o: ExperimentOption): (text: string) => unknown {
  return (text) => {
    try {
      return o.parse(text);
    } catch (error) {
      if (error instanceof ExperimentOptionError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

function registerOne(parent: Command, e: Experiment): void {
  const command = parent.command(e.name).description(e.summary);
  for (const o of e.options) command.option(flags(o), o.description, parser(o), o.defaultValue);
  command
    .option('--json', 'print one JSON object with every figure')
    .addHelpText('after', ['', 'Examples:', ...e.examples.map((x) => `  $ gclab ${x}`)].join('\n'))
    .action(async (options: Record<string, unknown>) => {
      const values: Record<string, unknown> = {};
      for (const o of e.options) values[o.key] = options[o.key];
      let figures: unknown;
      try {
        figures = await e.run(values, { collectors });
      } catch (error) {
        // An option valid alone but not with the registry (a version no collector models): usage.
        if (error instanceof ExperimentOptionError) {
          process.stderr.write(`error: ${error.message}\n`);
          process.exitCode = ExitCode.usage;
          return;
        }
        if (!(error instanceof InterpreterNotFoundError)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = ExitCode.failure;
        return;
      }
      process.stdout.write(
        options.json === true ? `${JSON.stringify(figures, null, 2)}\n` : e.format(figures),
      );
      // A run whose figures show it failed (a final check that did not pass): printed, then exit 1.
      const failed = e.failure?.(figures) ?? null;
      if (failed !== null) {
        process.stderr.write(`error: ${failed}\n`);
        process.exitCode = ExitCode.failure;
      }
    });
}
