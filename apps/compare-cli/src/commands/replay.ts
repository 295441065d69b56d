/**
 * `gclab replay FILE --strategy NAME`: runs a trace (gclab's format, or TraceFileSim's, told apart by
 * the file's content) under one collector; prints what the `refcount`
 * ops recorded (one value a line, `null` where the collector does not count) and, for a trace of
 * format 2, every other line the run writes (finalizers, callbacks, `deref`, `gc` calls), in order,
 * then a summary.
 * `--gc-log` adds one line per collection as it happens, `OPINDEX GENERATION COLLECTED
 * UNCOLLECTABLE` (what a CPython `gc.callbacks` 'stop' callback sees; a non-generational collector
 * prints its kind as GENERATION), and, at the end, `count C0 C1 ...` for collectors whose stats have
 * `count0`, `count1`, ... (CPython's `gc.get_count()`).
 *
 * A collector from `--strategy-module` is contained (`collector-fault.ts`): it runs in a child process
 * under a watchdog (`replay-supervisor.ts`), with per-operation and per-collection time limits, and
 * its faults are reported as its own. `--host-memory` caps the host memory backing the simulated heap.
 */
import type { CollectionRecord, CollectorDescriptor, CollectorOptions } from '@gclab/core';
import { type Command, Option } from 'commander';
import pc from 'picocolors';
import { formatBytes } from '../byte-size.ts';
import { DEFAULT_HOOK_TIME_LIMITS, type HookTimeLimits } from '../collector-fault.ts';
import { UsageError } from '../errors.ts';
import {
  defaultHostMemory,
  hostMemoryOption,
  parseByteSizeOption,
  parseCollectorOptions,
  parseCount,
} from '../option-parsers.ts';
import type { ProgramHost } from '../program.ts';
import { collectorNames, findCollector } from '../registry.ts';
import { type ObjectsAndBytes, type ReplayReport, runReplay } from '../replay-run.ts';
import { FileHeartbeat, HEARTBEAT_ENV, superviseReplay } from '../replay-supervisor.ts';
import { loadStrategyModule } from '../strategy-module.ts';

/** Options of `gclab replay`, as commander parses them. */
interface ReplayOptions {
  strategy?: string;
  strategyModule?: string;
  checked?: boolean;
  json?: boolean;
  gcLog?: boolean;
  heapLimit?: number;
  collectorOptions?: CollectorOptions;
  hostMemory: number;
  opTimeLimit: number;
  collectionTimeLimit: number;
}

/** Adds `replay` to the program; `host.relaunch` starts the watched child of `--strategy-module`. */
export function registerReplayCommand(program: Command, host: ProgramHost): void {
  program
    .command('replay')
    .description('replay a trace file under one collector and summarise the run')
    .argument(
      '<file>',
      "trace file, gclab's format or TraceFileSim's, told by its content (docs/trace-format.md)",
    )
    .option('-s, --strategy <name>', `registered collector to run (${collectorNames().join(', ')})`)
    .addOption(
      new Option(
        '--strategy-module <path>',
        "a JS or TS module exporting a collector descriptor (default export or 'descriptor')",
      ).conflicts('strategy'),
    )
    .option('--checked', 'verify the heap after every operation (slow)')
    .option('--json', 'print one JSON object with every figure')
    .option('--gc-log', 'print one line per collection: OPINDEX GENERATION COLLECTED UNCOLLECTABLE')
    .option(
      '--heap-limit <bytes>',
      'heap limit: bytes, or with a binary unit (64MB = 64 MiB)',
      parseByteSizeOption,
    )
    .option(
      '--collector-options <json>',
      'the collector\'s options as a JSON object (`{"threshold0": 100, "freeLists": true}` for cpython)',
      parseCollectorOptions,
    )
    .addOption(hostMemoryOption('default: a quarter of RAM, at most 2 GiB', defaultHostMemory()))
    .option(
      '--op-time-limit <ms>',
      'with --strategy-module: the longest one hook of the collector may run',
      parseCount('--op-time-limit'),
      DEFAULT_HOOK_TIME_LIMITS.opMs,
    )
    .option(
      '--collection-time-limit <ms>',
      'with --strategy-module: the longest one collection may run',
      parseCount('--collection-time-limit'),
      DEFAULT_HOOK_TIME_LIMITS.collectionMs,
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ gclab replay examples/traces/getrefcount.trace --strategy no-gc',
        '  $ gclab replay examples/traces/cycle.trace --strategy no-gc --gc-log --json',
        '  $ gclab replay examples/tracefilesim/threads.trace --strategy refcount',
        '  $ gclab replay examples/traces/cycle.trace --strategy cpython --collector-options \'{"threshold0": 1}\'',
        '  $ gclab replay my.trace --strategy-module ./my-collector.ts --checked',
        '',
        'Exit codes: 0 ok; 1 mutator error, heap integrity error, out of memory, or a fault of the',
        '--strategy-module collector (it threw, returned a bad address, or ran past a time limit);',
        '2 usage error, unknown strategy, malformed trace or bad strategy module.',
      ].join('\n'),
    )
    .action(async (file: string, options: ReplayOptions) => {
      const limits: HookTimeLimits = { opMs: options.opTimeLimit, collectionMs: options.collectionTimeLimit };
      if (options.strategyModule !== undefined) {
        const heartbeatFile = process.env[HEARTBEAT_ENV];
        // The parent: run this same command in a watched child, and exit with its code.
        if (heartbeatFile === undefined) {
          if (host.relaunch === null) {
            throw new Error(
              'replay --strategy-module starts the command again in a child: it needs a process of its own',
            );
          }
          process.exitCode = await superviseReplay(limits, host.relaunch);
          return;
        }
        await runContained(file, options.strategyModule, heartbeatFile, limits, options);
        return;
      }
      runReplayCommand(file, chooseCollector(options), options, null);
    });
}

/** The watched child: loads the module (under the per-collection limit) and replays it contained. */
async function runContained(
  file: string,
  modulePath: string,
  heartbeatFile: string,
  limits: HookTimeLimits,
  options: ReplayOptions,
): Promise<void> {
  let name = modulePath;
  const heartbeat = new FileHeartbeat(heartbeatFile, () => name);
  try {
    heartbeat.phase('load', modulePath);
    const descriptor = await loadStrategyModule(modulePath);
    name = descriptor.name;
    runReplayCommand(file, descriptor, options, { limits, heartbeat });
  } finally {
    heartbeat.phase('done', name);
    heartbeat.close();
  }
}

/** The registered collector of `--strategy` (a `--strategy-module` runs contained, above). */
function chooseCollector(options: ReplayOptions): CollectorDescriptor {
  if (options.strategy !== undefined) return findCollector(options.strategy);
  throw new UsageError(
    `replay needs --strategy NAME (one of ${collectorNames().join(', ')}) or --strategy-module PATH`,
  );
}

function runReplayCommand(
  file: string,
  descriptor: CollectorDescriptor,
  options: ReplayOptions,
  contained: { limits: HookTimeLimits; heartbeat: FileHeartbeat } | null,
): void {
  const json = options.json === true;
  const gcLog = options.gcLog === true;
  let lines = 0;
  const print = (line: string): void => {
    process.stdout.write(`${line}\n`);
    lines++;
  };
  const report = runReplay({
    file,
    descriptor,
    checked: options.checked === true,
    ...(options.heapLimit === undefined ? {} : { heapLimit: options.heapLimit }),
    ...(options.collectorOptions === undefined ? {} : { collectorOptions: options.collectorOptions }),
    hostMemoryLimit: options.hostMemory,
    ...(contained === null ? {} : { contain: contained }),
    ...(json ? {} : { onLine: print }),
    // With --json too a listener is registered: under `cpython` a registered gc callback has an
    // observer effect (count0 is 1 after a full collection), so both outputs describe one run.
    ...(!gcLog ? {} : { onCollection: json ? () => {} : (r: CollectionRecord) => print(gcLogLine(r)) }),
  });
  if (json) {
    print(JSON.stringify(replayJson(report, gcLog), null, 2));
    return;
  }
  if (gcLog && report.generationCounts !== null) print(`count ${report.generationCounts.join(' ')}`);
  // A blank line parts the run's output from the summary.
  process.stdout.write(`${lines > 0 ? '\n' : ''}${summaryText(report)}`);
}

/** A `--gc-log` line: `OPINDEX GENERATION COLLECTED UNCOLLECTABLE`. */
export function gcLogLine(r: CollectionRecord): string {
  return `${r.opIndex} ${r.generation} ${r.collected} ${r.uncollectable}`;
}

/** The JSON object of `replay --json`; the collection log and generation counts only with `--gc-log`. */
export function replayJson(report: ReplayReport, gcLog: boolean): object {
  const { gcLog: log, generationCounts, ...figures } = report;
  return gcLog ? { ...figures, gcLog: log, generationCounts } : figures;
}

/** The human-readable summary that follows the output of a replay. */
export function summaryText(r: ReplayReport): string {
  const kinds = Object.entries(r.collections.byKind)
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ');
  const rows: Array<[string, string]> = [
    ['ops', String(r.ops)],
    ['allocations', objectsAndBytes(r.allocations)],
    ['frees', objectsAndBytes(r.frees)],
    ['collections', r.collections.total === 0 ? '0' : `${r.collections.total} (${kinds})`],
    ['peak reserved', formatBytes(r.peakReservedBytes)],
    ['live at end', objectsAndBytes(r.live)],
    [
      'leaked at end',
      `${objectsAndBytes(r.leaked)}: garbage outstanding at the end (unreachable, not freed)`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const title = `${r.strategy} on ${r.trace}${r.checked ? ', checked' : ''}${r.heapLimit === null ? '' : `, heap limit ${formatBytes(r.heapLimit)}`}`;
  const lines = [pc.bold(`summary: ${title}`), ...rows.map(([k, v]) => `  ${pc.dim(k.padEnd(width))}  ${v}`)];
  return `${lines.join('\n')}\n`;
}

function objectsAndBytes(x: ObjectsAndBytes): string {
  return `${x.objects} object${x.objects === 1 ? '' : 's'}, ${formatBytes(x.bytes)}`;
}
