/**
 * `gclab verify --strategy NAME|all`: property-based verification of collectors (@gclab/verify's
 * `verifyCollector`). Random mutator programs run under each collector in checked mode and against a
 * reference model; every operation is checked for safety, completeness, count accuracy, allocator
 * integrity, determinism, reported figures and never-moves. The regression corpus (@gclab/verify's
 * `corpus/`) runs first. The campaigns run in a child process that is stopped when one operation
 * runs past `--time-limit` (see `verify-supervisor.ts`). A progress bar shows on a terminal; each
 * collector gets a result line. On a failure the shrunk counterexample is written as a trace file,
 * the violated property and the commands that reproduce it are printed, and the exit code is 1.
 *
 * `--trace FILE` checks one trace (a counterexample, or any trace) instead of random programs.
 * `--strategy-module PATH` verifies a collector from a user's own module. `--host-memory` caps the
 * host memory of each heap the campaigns create.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@gclab/bench';
import {
  type CollectorDescriptor,
  type CollectorOptions,
  formatOp,
  GclabError,
  parseTrace,
} from '@gclab/core';
import {
  DEFAULT_TIME_LIMIT_MS,
  defaultSeed,
  traceCollectorOptions,
  traceHeapLimit,
  type VerifyResult,
} from '@gclab/verify';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { defaultHostMemory, hostMemoryOption, parseByteSizeOption, parseCount } from '../option-parsers.ts';
import { collectorNames, collectors, findCollector } from '../registry.ts';
import { loadStrategyModule } from '../strategy-module.ts';
import { superviseTrace, superviseVerifications } from '../verify-supervisor.ts';
import { coverageTable } from './verify-coverage.ts';

/** Options of `gclab verify`, as commander parses them. */
interface VerifyCommandOptions {
  strategy?: string;
  strategyModule?: string;
  runs: number;
  seed?: number;
  maxOps: number;
  out: string;
  trace?: string;
  heapLimit?: number;
  timeLimit: number;
  coverage?: boolean;
  stressRuns?: number;
  format2?: number;
  hostMemory: number;
}

/** Directory counterexamples are written to when `--out` is not given. */
export const DEFAULT_OUT = 'verify-failures';

/** Adds `verify` to the program. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'verify collectors with random programs: safety, completeness, counts, allocator, determinism',
    )
    .option(
      '-s, --strategy <name>',
      `registered collector to verify, or all (${collectorNames().join(', ')})`,
    )
    .addOption(
      new Option(
        '--strategy-module <path>',
        "a JS or TS module exporting a collector descriptor (default export or 'descriptor')",
      ).conflicts('strategy'),
    )
    .option('--runs <n>', 'random programs per collector', parseCount('--runs'), 300)
    .option('--seed <s>', 'fast-check seed (default: GCLAB_SEED or 42)', parseSeed)
    .option('--max-ops <k>', 'most operations per program', parseCount('--max-ops'), 40)
    .option('--out <dir>', 'directory for counterexample trace files', DEFAULT_OUT)
    .option(
      '--time-limit <ms>',
      'milliseconds a program may run before it fails time-limit',
      parseCount('--time-limit'),
      DEFAULT_TIME_LIMIT_MS,
    )
    .option(
      '--stress-runs <n>',
      'long programs in stress mode per collector (default 2; 0 for a collector that never frees)',
      parseStressRuns,
    )
    .option(
      '--format2 <share>',
      "share (0 to 1) of programs using trace format 2: finalizers, weak references, gc.* calls (default: the verifier's, DEFAULT_FORMAT_2_SHARE)",
      parseShare,
    )
    .option('--coverage', 'after the results, print the shapes each campaign reached, as a table')
    .option('--trace <file>', 'check every property over one trace file instead of random programs')
    .option(
      '--heap-limit <bytes>',
      'with --trace: heap limit (default: the "# heap limit" comment of the file)',
      parseByteSizeOption,
    )
    .addOption(
      hostMemoryOption(
        'per heap, two at a time (the determinism check reruns each program); default: a quarter of RAM divided by 2, at most 2 GiB',
        defaultHostMemory(2),
      ),
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab verify --strategy all --runs 200',
        '  $ gclab verify --strategy-module examples/collectors/tiny-mark-sweep.ts',
        '  $ gclab verify --strategy no-gc --trace verify-failures/no-gc-safety-seed42.trace',
        '',
        'Properties: safety (no reachable object freed, moved wrongly or corrupted), completeness',
        '(after a full collection nothing unreachable remains but what the collector cannot reclaim),',
        'count accuracy (reference counts equal incoming references), allocator integrity, determinism',
        '(two runs agree op by op, addresses included), reported figures (the collection log and freed',
        'bytes equal the truth), never-moves (movesObjects: false means no move), finalizers and',
        'weak-references (trace format 2: a finalizer runs at most once, only for an unreachable object;',
        'a weak reference never keeps a freed or moved-from address); a collector that throws',
        '(crash) or runs a program past --time-limit (time-limit, stopped even in an infinite loop) fails.',
        '--host-memory below what the campaign needs before any program (its heap-limit probe, or its',
        'largest heap limit) is a usage error; a program that runs past it stops the run (exit 1,',
        'out of memory naming the budget; no counterexample: it is a limit of the host).',
        'Exit codes: 0 every property held; 1 a property failed (counterexample written) or a program',
        'ran past --host-memory; 2 usage error.',
      ].join('\n'),
    )
    .action(async (options: VerifyCommandOptions) => {
      const chosen = await chooseCollectors(options);
      if (options.trace !== undefined) {
        if (options.strategy === 'all') {
          throw new UsageError('--trace needs one collector (--strategy NAME or --strategy-module PATH)');
        }
        process.exitCode = await verifyTraceFile(options.trace, chosen[0]!, options);
        return;
      }
      process.exitCode = await runVerification(chosen, options);
    });
}

/** The collectors of `--strategy NAME|all` or `--strategy-module PATH` (exactly one must be given). */
async function chooseCollectors(options: VerifyCommandOptions): Promise<CollectorDescriptor[]> {
  if (options.strategyModule !== undefined) return [await loadStrategyModule(options.strategyModule)];
  if (options.strategy === 'all') return [...collectors];
  if (options.strategy !== undefined) return [findCollector(options.strategy)];
  throw new UsageError(
    `verify needs --strategy NAME|all (one of ${collectorNames().join(', ')}) or --strategy-module PATH`,
  );
}

function parseStressRuns(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`--stress-runs must be a whole number, got '${text}'`);
  return n;
}

function parseShare(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError(`--format2 must be a share from 0 to 1, got '${text}'`);
  return n;
}

function parseSeed(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected an integer seed.');
  return n;
}

/**
 * Verifies each collector in turn, in a child process that is stopped when one operation runs past
 * the time limit (see `verify-supervisor.ts`); returns the exit code.
 */
async function runVerification(
  chosen: readonly CollectorDescriptor[],
  options: VerifyCommandOptions,
): Promise<ExitCode> {
  const seed = options.seed ?? defaultSeed();
  const out = process.stdout;
  out.write(
    `${pc.bold('gclab verify')}: ${options.runs} programs per collector, up to ${options.maxOps} ops each, seed ${seed}\n`,
  );
  const width = Math.max(...chosen.map((d) => d.name.length));
  let failed = 0;
  const results: VerifyResult[] = [];
  let bar: SingleBar | null = null;
  await superviseVerifications(
    chosen,
    {
      targets: chosen.map((d) =>
        options.strategyModule === undefined
          ? { strategy: d.name }
          : { strategyModule: options.strategyModule },
      ),
      runs: options.runs,
      seed,
      maxOps: options.maxOps,
      timeLimitMs: options.timeLimit,
      hostMemoryLimit: options.hostMemory,
      ...(options.stressRuns === undefined ? {} : { stressRuns: options.stressRuns }),
      ...(options.format2 === undefined ? {} : { format2: options.format2 }),
    },
    {
      started(index) {
        bar = process.stderr.isTTY
          ? new SingleBar({
              format: `  ${chosen[index]!.name.padEnd(width)}  [{bar}] {value}/{total} programs`,
              hideCursor: true,
              clearOnComplete: true,
            })
          : null;
        bar?.start(options.runs, 0);
      },
      progress(_index, done) {
        bar?.update(done);
      },
      finished(index, result) {
        bar?.stop();
        bar = null;
        results.push(result);
        out.write(`${resultLine(result, width)}\n`);
        if (result.failure !== null) {
          failed++;
          out.write(failureReport(result, chosen[index]!, options));
        }
      },
    },
  ).finally(() => (bar as SingleBar | null)?.stop());
  if (chosen.length > 1) {
    out.write(
      failed === 0
        ? pc.green(`all ${chosen.length} collectors passed\n`)
        : pc.red(`${failed} of ${chosen.length} collectors failed\n`),
    );
  }
  if (options.coverage === true) out.write(coverageTable(results));
  return failed === 0 ? ExitCode.ok : ExitCode.failure;
}

/** One line: the collector, pass or fail, and its figures. */
export function resultLine(result: VerifyResult, width: number): string {
  const f = result.figures;
  const name = result.collector.padEnd(width);
  const time = `${(f.elapsedMs / 1000).toFixed(1)} s`;
  if (result.failure === null) {
    const oom = f.outOfMemory > 0 ? `, ${f.outOfMemory} ended out of memory (accepted)` : '';
    return `  ${pc.green('pass')} ${name}  ${f.corpusTraces} corpus traces, ${f.programs} programs, ${f.operations} ops, ${f.fullCollections} full gcs${oom}  ${pc.dim(time)}`;
  }
  const x = result.failure;
  const where =
    x.corpusTrace === null
      ? `program ${f.programs}`
      : `regression corpus trace ${x.corpusTrace}, before any program`;
  return `  ${pc.red('FAIL')} ${name}  ${pc.bold(x.property)} at op ${x.opIndex} (${where}; counterexample of ${x.ops.length} ops)  ${pc.dim(time)}`;
}

/** Writes the counterexample file and says what failed and how to reproduce it. */
function failureReport(
  result: VerifyResult,
  descriptor: CollectorDescriptor,
  options: VerifyCommandOptions,
): string {
  const x = result.failure!;
  const file = join(options.out, `${safeName(descriptor.name)}-${x.property}-seed${x.seed}.trace`);
  writeFileAtomic(file, x.trace);
  const who =
    options.strategyModule !== undefined
      ? `--strategy-module ${options.strategyModule}`
      : `--strategy ${descriptor.name}`;
  const limit = x.heapLimit === null ? '' : ` --heap-limit ${x.heapLimit}`;
  const withOptions = Object.keys(x.collectorOptions).length > 0;
  const lines = [
    `       ${x.property}: ${x.reason}`,
    ...(withOptions
      ? [
          `       under the collector options ${JSON.stringify(x.collectorOptions)} (one of its verifyOptionSets; verify --trace reads them from the file, replay runs the defaults)`,
        ]
      : []),
    `       counterexample (${x.ops.length} ops, shrunk from ${x.shrunkOps}) written to ${file}:`,
    ...x.trace
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#') && line !== 'gclab-trace 1')
      .map((line, i) => `         ${String(i).padStart(2)}  ${line}`),
    '       reproduce:',
    `         gclab replay ${file} ${who} --checked${limit}`,
    `         gclab verify ${who} --trace ${file}`,
    `       ${pc.dim(reproduceHint(x.property))}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** What the replay command shows for each property. */
function reproduceHint(property: string): string {
  switch (property) {
    case 'safety':
    case 'allocator-integrity':
      return 'replay --checked stops at the failing op when checked mode sees it; verify --trace checks every property.';
    case 'completeness':
      return "replay's summary shows the objects left behind ('leaked at end'); verify --trace names them.";
    case 'time-limit':
      return 'the last op is the one that never returned: replay and verify --trace hang on it too (verify --trace stops only a loop that calls back into the heap).';
    default:
      return 'verify --trace re-checks every property on the file and names the failing op.';
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * `--trace FILE`: checks every property over one trace, in a child process stopped past the time
 * limit (`superviseTrace`); returns the exit code.
 */
async function verifyTraceFile(
  file: string,
  descriptor: CollectorDescriptor,
  options: VerifyCommandOptions,
): Promise<ExitCode> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read trace file ${file}`);
  }
  const ops = parseTrace(text, file);
  const heapLimit = options.heapLimit ?? traceHeapLimit(text);
  let collectorOptions: CollectorOptions;
  try {
    collectorOptions = traceCollectorOptions(text, file) ?? {};
  } catch (error) {
    throw error instanceof GclabError ? new UsageError(error.message) : error;
  }
  const result = await superviseTrace(descriptor, {
    targets: [
      options.strategyModule === undefined
        ? { strategy: descriptor.name }
        : { strategyModule: options.strategyModule },
    ],
    runs: 0,
    seed: 0,
    maxOps: 0,
    timeLimitMs: options.timeLimit,
    hostMemoryLimit: options.hostMemory,
    trace: { file, heapLimit, collectorOptions },
  });
  const withOptions = Object.keys(collectorOptions).length > 0;
  const where = `${descriptor.name}${withOptions ? ` ${JSON.stringify(collectorOptions)}` : ''} on ${file}${heapLimit === null ? '' : `, heap limit ${heapLimit} bytes`}`;
  if (result.violation === null) {
    const oom = result.outOfMemory ? ' (ended out of memory, accepted)' : '';
    process.stdout.write(
      `  ${pc.green('pass')} ${where}: every property held over ${result.ops} ops${oom}\n`,
    );
    return ExitCode.ok;
  }
  const v = result.violation;
  const op = ops[v.opIndex];
  process.stdout.write(
    `  ${pc.red('FAIL')} ${where}: ${pc.bold(v.property)} at op ${v.opIndex}${op === undefined ? '' : ` (${formatOp(op)})`}\n       ${v.reason}\n`,
  );
  return ExitCode.failure;
}
