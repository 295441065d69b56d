/**
 * `gclab census SNAPSHOT [--json] [--html FILE]`: the heap census of a heap snapshot (a V8
 * `.heapsnapshot` or a CPython heap snapshot), with every collector run on it (@gclab/experiments'
 * `takeCensus`). `--capture PROGRAM` captures the snapshot here first (a TypeScript compile of this
 * repository, a CPython `ast.parse`, `json.loads` or import of the standard library, or a Python
 * program file of the user's) into
 * `--dir` (default `snapshots/`, ignored by git) and takes its census.
 *
 * A collector that cannot hold the snapshot (under `--heap-limit`, or a copying collector's two
 * halves in the simulated 2 GiB address space) is reported as out of memory beside the others'
 * figures. A missing or malformed snapshot is a usage error (exit 2; `file:line:col` for a malformed one); a
 * capture whose interpreter is missing or whose program fails is a failed run (exit 1).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSnapshotGraph, SnapshotFileError, writeFileAtomic } from '@gclab/bench';
import {
  CAPTURE_PROGRAMS,
  CaptureError,
  type Census,
  captureSnapshot,
  InterpreterNotFoundError,
  isCaptureProgram,
  isPythonProgramFile,
  PYTHON_VERSIONS,
  type PythonVersion,
  takeCensus,
} from '@gclab/experiments';
import { type Command, Option } from 'commander';
import { formatCensus } from '../census/census-text.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { parseByteSizeOption } from '../option-parsers.ts';
import { checkOutputFiles } from '../output.ts';
import { collectorNames, findCollector } from '../registry.ts';

/** Options of `gclab census`. */
interface CensusCommandOptions {
  capture?: string;
  dir?: string;
  tsconfig?: string;
  python?: PythonVersion;
  strategies: string;
  heapLimit?: number;
  json?: boolean;
  html?: string;
  run: boolean;
}

/** Adds `census` to the program. */
export function registerCensusCommand(program: Command): void {
  program
    .command('census')
    .description(
      'the heap census of a heap snapshot (V8 .heapsnapshot or CPython), every collector run on it',
    )
    .argument('[snapshot]', 'a V8 .heapsnapshot or a CPython heap snapshot (scripts/heap_snapshot.py)')
    .option(
      '--capture <program>',
      `capture the snapshot of a real program here first: ${CAPTURE_PROGRAMS.join(', ')}, or a Python FILE.py`,
    )
    .option('--dir <dir>', 'where --capture writes the snapshot (default snapshots/ in the repository)')
    .option(
      '--tsconfig <file>',
      'with --capture tsc: the TypeScript project to compile (default this repository)',
    )
    .addOption(
      new Option(
        '--python <version>',
        'with --capture of a Python program (or FILE.py): the CPython it runs in (3.11 native, the default; 3.12-3.15 WebAssembly)',
      ).choices([...PYTHON_VERSIONS]),
    )
    .option('-s, --strategies <list>', 'comma-separated collectors, or all', 'all')
    .option('--no-run', 'graph figures only: do not run the collectors on the snapshot')
    .option(
      '--heap-limit <bytes>',
      'run each collector under this heap limit: bytes, or with a binary unit (64MB = 64 MiB)',
      parseByteSizeOption,
    )
    .option('--json', 'print one JSON object')
    .option('--html <file>', 'write an HTML report with charts')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab census examples/snapshots/json-loads.pyheap',
        '  $ gclab census --capture tsc --strategies refcount,cpython,mark-sweep --html census.html',
        '  $ gclab census --capture tsc --tsconfig ../my-app/tsconfig.json --no-run',
        '  $ gclab census --capture stdlib-import --python 3.14 -s refcount,cpython-3.14',
        '  $ gclab census --capture my_program.py --html census.html',
        "  $ node -e \"require('v8').writeHeapSnapshot('x.heapsnapshot')\" && gclab census x.heapsnapshot --json",
      ].join('\n'),
    )
    .action(async (snapshot: string | undefined, options: CensusCommandOptions) => {
      checkOutputFiles({ '--html': options.html });
      const census = censusOf(snapshot, options);
      if (census === null) return;
      if (options.html !== undefined) {
        const { renderCensusHtml } = await import('../census/census-html.ts');
        writeFileAtomic(options.html, renderCensusHtml([census]));
      }
      process.stdout.write(
        options.json === true ? `${JSON.stringify(census, null, 2)}\n` : formatCensus(census),
      );
    });
}

/** Captures (when asked) and reads the snapshot, and takes its census; null after a failed capture. */
function censusOf(snapshot: string | undefined, options: CensusCommandOptions): Census | null {
  if ((snapshot === undefined) === (options.capture === undefined))
    throw new UsageError('give a snapshot file or --capture PROGRAM (one of them)');
  if (options.tsconfig !== undefined && options.capture !== 'tsc')
    throw new UsageError('--tsconfig goes with --capture tsc only');
  if (options.python !== undefined && (options.capture === undefined || options.capture === 'tsc'))
    throw new UsageError('--python goes with --capture of a Python program only');
  const names =
    options.strategies === 'all' ? collectorNames() : options.strategies.split(',').map((s) => s.trim());
  const descriptors = names.map((name) => findCollector(name));
  let file = snapshot;
  if (options.capture !== undefined) {
    const program = options.capture;
    if (!isCaptureProgram(program) && !isPythonProgramFile(program))
      throw new UsageError(
        `unknown capture program '${program}' (${CAPTURE_PROGRAMS.join(', ')}, or a Python FILE.py)`,
      );
    if (isPythonProgramFile(program) && !existsSync(program))
      throw new UsageError(`--capture: no such Python program: ${program}`);
    if (options.tsconfig !== undefined && !existsSync(options.tsconfig))
      throw new UsageError(`--tsconfig: no such file: ${options.tsconfig}`);
    try {
      file = captureSnapshot(program, {
        ...(options.dir === undefined ? {} : { dir: options.dir }),
        ...(options.tsconfig === undefined ? {} : { tsconfig: resolve(options.tsconfig) }),
        ...(options.python === undefined ? {} : { version: options.python }),
      });
    } catch (error) {
      if (!(error instanceof InterpreterNotFoundError || error instanceof CaptureError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = ExitCode.failure;
      return null;
    }
    process.stderr.write(`captured ${file}\n`);
  }
  let graph: ReturnType<typeof loadSnapshotGraph>;
  try {
    graph = loadSnapshotGraph(file!);
  } catch (error) {
    if (error instanceof SnapshotFileError) throw new UsageError(error.message);
    throw error;
  }
  return takeCensus(file!, graph, descriptors, {
    run: options.run,
    // On a terminal, a line per collector: a heap of millions of objects takes seconds each.
    ...(process.stderr.isTTY === true
      ? {
          onCollector: (name: string, i: number, n: number) =>
            process.stderr.write(`running ${name} on the snapshot (${i + 1} of ${n})\n`),
        }
      : {}),
    ...(options.heapLimit === undefined ? {} : { heapLimit: options.heapLimit }),
  });
}
