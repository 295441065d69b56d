/**
 * `gclab python FILE.py [--versions 3.11,...] [--census-every N] [--jobs N] [--json] [-- ARGS...]`:
 * runs a real Python program under each real CPython (3.11 native, 3.12-3.15 as WebAssembly) and
 * prints its cycle collector's behaviour side by side, one column per version. The work is
 * `profilePython` of @gclab/experiments; this file parses and prints.
 *
 * Exit codes: 0 when the program ran to its end in every version, 1 when it failed in one (or an
 * interpreter is missing: that version is reported, the others still run), 2 for a usage error
 * (no such file, an unknown version, a bad number). Progress goes to stderr.
 */
import {
  formatPythonProfile,
  PythonProgramError,
  type PythonVersion,
  PythonVersionsError,
  parsePythonVersions,
  profilePython,
} from '@gclab/experiments';
import { type Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';

/** `--versions`: a comma-separated list of known versions (commander's usage error otherwise). */
function parseVersions(text: string): PythonVersion[] {
  try {
    return parsePythonVersions(text);
  } catch (error) {
    if (error instanceof PythonVersionsError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** A whole number from `min` to `max` for `flag`. */
function integer(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!(Number.isSafeInteger(n) && n >= min && n <= max))
      throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}.`);
    return n;
  };
}

const HELP = `
Figures per version (from gc.callbacks, installed by packages/experiments/scripts/gc_profile.py,
which runs FILE as __main__ and writes them to a file of its own, never to the program's output):
  collections per generation (and how many the program asked for with gc.collect()), objects
  collected and uncollectable, pauses (count, total, longest: perf_counter from the 'start'
  callback to the 'stop' one), the program's wall time, and cyclic garbage outstanding:
  garbage peak >=          the most garbage one collection found (it was all outstanding at that
                           collection's start; exact at a collection that examines every
                           generation, not at 3.14's increments), or the garbage left at the end
                           if more: a lower bound of the high-water mark.
  garbage peak (census)    with --census-every N: at every N-th collection start and at the end,
                           the unreachable tracked objects are counted exactly by CPython's own
                           algorithm in Python (gc_refs from sys.getrefcount less the references
                           gc.get_referents finds, then propagation). Garbage only grows between
                           collections, so with N = 1 the peak is the exact high-water mark. A
                           census is O(heap): slow, and its allocations may shift the schedule
                           a little.
  garbage left at end      what one full collection after the program finds (exact).
3.12-3.15 are 32-bit WebAssembly builds (pyodide): their times are not native times; compare the
versions by ratios measured in the same run. See docs/cpython-versions.md.

Examples:
  $ gclab python examples/python/report_cycles.py
  $ gclab python prog.py --versions 3.13,3.14 --census-every 1 --json -- --size 1000`;

/** Adds `python` to the program. */
export function registerPythonCommand(program: Command): void {
  program
    .command('python')
    .description('run a real Python program under CPython 3.11-3.15 and compare their cycle collectors')
    .argument('<file>', 'the Python program (run as __main__)')
    .argument('[args...]', "the program's arguments (after --)")
    .option(
      '--versions <list>',
      'comma-separated CPython versions (default: 3.11,3.12,3.13,3.14,3.15)',
      parseVersions,
    )
    .option(
      '--census-every <n>',
      'exact census of unreachable objects at every n-th collection (0: none)',
      integer('--census-every', 0, 1_000_000),
      0,
    )
    .option('--jobs <n>', 'versions run at once (1 or 2)', integer('--jobs', 1, 2), 1)
    .option('--json', 'print one JSON object with every figure and the program output')
    .addHelpText('after', HELP)
    .action(
      async (
        file: string,
        args: string[],
        options: { versions?: PythonVersion[]; censusEvery: number; jobs: number; json?: boolean },
      ) => {
        let report: Awaited<ReturnType<typeof profilePython>>;
        try {
          report = await profilePython(file, {
            args,
            censusEvery: options.censusEvery,
            jobs: options.jobs,
            ...(options.versions === undefined ? {} : { versions: options.versions }),
            onProgress: (line) => process.stderr.write(`${line}\n`),
          });
        } catch (error) {
          if (error instanceof PythonProgramError) throw new UsageError(error.message);
          throw error;
        }
        process.stdout.write(
          options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatPythonProfile(report),
        );
        if (report.runs.some((r) => !r.ok)) process.exitCode = ExitCode.failure;
      },
    );
}
