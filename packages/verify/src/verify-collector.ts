/**
 * `verifyCollector`: property-based verification of one collector. fast-check generates random
 * mutator programs (see `program.ts`); each runs in lockstep under the collector in checked mode and
 * against the reference model (see `lockstep.ts`), then again on a plain heap for determinism. On a
 * failure, fast-check shrinks the program, then the operations that ran are shrunk to a local
 * minimum over the whole program (`shrinkTrace`, keeping the same violated property) into the
 * counterexample: trace operations, trace text and what reproduces it.
 */

import {
  type CollectorDescriptor,
  type CollectorOptions,
  formatOp,
  GclabError,
  Heap,
  type TraceOp,
  TracePerformer,
  writeTrace,
} from '@gclab/core';
import fc from 'fast-check';
import { DEFAULT_TIME_LIMIT_MS, type HookWatch } from './containment.ts';
import {
  addCoverage,
  type CoverageCounts,
  CoverageProbe,
  emptyCoverage,
  type ProgramCoverage,
} from './coverage.ts';
import { compareRuns, fingerprint, plainRun } from './determinism.ts';
import {
  HostMemoryBudgetError,
  HostMemoryExhaustedError,
  hostMemoryOption,
  refusedByHostMemory,
} from './host-memory-budget.ts';
import { describeError, type LockstepConfig, LockstepRun } from './lockstep.ts';
import {
  DEFAULT_FORMAT_2_SHARE,
  type Program,
  programArbitrary,
  resolveStep,
  stressProgramArbitrary,
} from './program.ts';
import { type Completeness, type PropertyName, PropertyViolation } from './properties.ts';
import {
  COLLECTOR_OPTIONS_COMMENT,
  corpusHeapLimit,
  type RegressionTrace,
  regressionCorpus,
} from './regression-corpus.ts';
import { shrinkTrace } from './shrink.ts';
import { StressSchedule } from './stress.ts';

/** Options of `verifyCollector`. */
export interface VerifyOptions {
  /** Programs to generate and run. Default 300. */
  runs?: number;
  /** fast-check seed. Default: `GCLAB_SEED` from the environment, or 42. */
  seed?: number;
  /** fast-check replay path of a failure (with its seed), to rerun just that program. */
  path?: string;
  /** Most steps per short program (operations actually run may be fewer). Default 40. */
  maxOps?: number;
  /**
   * Weight of reach programs (one segment of long rings, wide objects, boundary or large payloads,
   * memory growth, deep calls or many globals; see `reach-segments.ts`) against 2 for short random
   * programs. Default 1.
   */
  reach?: number;
  /**
   * Long programs in stress mode run after the others (when they pass). Default 2, or 0 for a
   * collector that never frees (completeness `none`: forced collections free nothing, the memory
   * only grows).
   */
  stressRuns?: number;
  /**
   * Share (0 to 1) of the programs that use trace format 2: finalizers, weak references, object
   * kinds, `safepoint` and `gc.*` calls (see `program.ts`). Default `DEFAULT_FORMAT_2_SHARE`.
   */
  format2?: number;
  /** Steps of a stress-mode program. Default 10000. */
  stressOps?: number;
  /** Allocations between the collections stress mode forces. Default 20. */
  stressEvery?: number;
  /** Heap limits a program runs under (null = none). Default: probed from the collector's footprint. */
  heapLimits?: ReadonlyArray<number | null>;
  /** Options for the collector's `create`. Default none. */
  collectorOptions?: CollectorOptions;
  /**
   * Host-memory budget in bytes of every heap the campaign creates (see `host-memory-budget.ts`).
   * Below what the heap-limit probe or the largest heap limit needs: `HostMemoryBudgetError` before
   * any program; a program that runs past it stops the campaign with `HostMemoryExhaustedError`.
   * Default none.
   */
  hostMemoryLimit?: number;
  /**
   * Option sets programs also run under, each over `collectorOptions` (a program draws the
   * campaign's options or one of these). Default: the descriptor's `verifyOptionSets`, or none.
   */
  optionSets?: readonly CollectorOptions[];
  /** What a full collection must reclaim. Default: `defaultCompleteness(descriptor)`. */
  completeness?: Completeness;
  /** Whether reference counts include references from roots (false for deferred counting). Default true. */
  countRoots?: boolean;
  /** Out of memory passes only when unfreeable bytes plus the request exceed this fraction of the limit. Default 0.25. */
  oomLiveFraction?: number;
  /**
   * Whether the out-of-memory rule counts unfreed cyclic garbage as unfreeable. Default: true for
   * collectors that count references (their cycles wait for the cycle collector's schedule, as
   * CPython's do: it never collects because an allocation failed), false otherwise (a tracing
   * collector must collect before giving up).
   */
  oomKeepsCycles?: boolean;
  /** Run core's checked mode too (the model's checks always run). Default true. */
  coreChecks?: boolean;
  /** Call the collector's own `verify()` after every operation. Default true. */
  collectorVerify?: boolean;
  /** Check determinism by running every program a second time. Default true. */
  determinism?: boolean;
  /** Generations `gc N` may name. Default [0, 1, 2] for generational collectors, else [0]. */
  generations?: readonly number[];
  /** Shrink fast-check's counterexample further to a local minimum (`shrinkTrace`). Default true. */
  minimize?: boolean;
  /** Milliseconds one program may run before it fails `time-limit`. Default `DEFAULT_TIME_LIMIT_MS`. */
  timeLimitMs?: number;
  /**
   * Regression traces to run, in order, before any random program (see `regression-corpus.ts`).
   * Default: the package's corpus, `regressionCorpus()`.
   */
  corpus?: readonly RegressionTrace[];
  /** Called after each generated program (not during shrinking) with programs done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Told of each lockstep run and of each operation before it runs (see `RunObserver`). */
  observer?: RunObserver;
}

/**
 * Learns the operations of the lockstep run in progress, as they start: a supervisor that has to
 * stop a collector that never returns (in another thread or process) can then say which operations
 * it was running.
 */
export interface RunObserver {
  /**
   * A lockstep run starts, under `heapLimit`: regression corpus trace `corpus.index` (named
   * `corpus.name`), or a random program or a shrink candidate when `corpus` is null.
   */
  runStarted(heapLimit: number | null, corpus: { index: number; name: string } | null): void;
  /** `op` is about to run. */
  opStarted(op: TraceOp): void;
}

/** A property that failed, with its counterexample. */
export interface VerifyFailure {
  /** The property violated. */
  property: PropertyName;
  /** What went wrong, in words. */
  reason: string;
  /** Index of the failing operation in `ops` (the last one, except for determinism, which concerns the whole run). */
  opIndex: number;
  /** The counterexample: the operations that ran, up to the failing one. */
  ops: TraceOp[];
  /** The counterexample as trace text (`gclab-trace 1`), with comments saying what fails. */
  trace: string;
  /** The heap limit the counterexample needs (null = none). */
  heapLimit: number | null;
  /** The collector options it ran with (the campaign's, or one of its option sets over them). */
  collectorOptions: CollectorOptions;
  /** fast-check seed of the run that found it. */
  seed: number;
  /** fast-check path of the failing program (pass with `seed` as options to rerun just it; `stress:` prefixes a stress-mode program's). */
  path: string | null;
  /** Shrinking steps fast-check took. */
  shrinks: number;
  /** Operations that ran in the program fast-check shrank to (or in the corpus trace), before minimization. */
  shrunkOps: number;
  /** The regression corpus trace that failed (its name), or null for a random program. */
  corpusTrace: string | null;
}

/** Figures of a verification run. */
export interface VerifyFigures {
  /** Regression corpus traces run (up to and including a failing one), before any program. */
  corpusTraces: number;
  /** Programs run (up to and including a failing one). */
  programs: number;
  /** Operations executed in those programs. */
  operations: number;
  /** Steps skipped because they had nothing to act on. */
  skippedSteps: number;
  /** Full collections (`gc`) executed. */
  fullCollections: number;
  /** Programs that ended with an accepted out-of-memory. */
  outOfMemory: number;
  /** Wall-clock milliseconds, shrinking included. */
  elapsedMs: number;
}

/** What `verifyCollector` found. */
export interface VerifyResult {
  /** The collector's name. */
  collector: string;
  /** Whether every program passed every property. */
  passed: boolean;
  /** The seed used. */
  seed: number;
  /** The completeness expected of it. */
  completeness: Completeness;
  /** The heap limits programs ran under. */
  heapLimits: Array<number | null>;
  /** Figures. */
  figures: VerifyFigures;
  /** The failure, or null. */
  failure: VerifyFailure | null;
  /** Programs (not shrinking runs) that reached each shape of `COVERAGE_SHAPES`. */
  coverage: CoverageCounts;
}

/** The outcome of running one program or operation list. */
interface ProgramOutcome {
  /** Operations that ran (through the failing one). */
  ops: TraceOp[];
  /** The violation, or null. */
  violation: PropertyViolation | null;
  /** Steps skipped (programs only). */
  skipped: number;
  /** Full collections run. */
  fullCollections: number;
  /** Whether the program ended with an accepted out-of-memory. */
  outOfMemory: boolean;
  /** Why an operation list was invalid for the model (never for generated programs), or null. */
  invalid: string | null;
  /** How far the program reached (programs only). */
  coverage: ProgramCoverage | null;
}

/** Settings after defaults. */
interface Settings {
  config: Omit<LockstepConfig, 'heapLimit'>;
  /** The collector options of each option set a program may draw (0 = `config.collectorOptions`). */
  optionSets: readonly CollectorOptions[];
  determinism: boolean;
  observer?: RunObserver;
  /** Generations stress mode cycles its forced collections through (after a full one). */
  generations: readonly number[];
}

/** The seed tests and the verifier use by default: `GCLAB_SEED`, or 42. */
export function defaultSeed(): number {
  const fromEnv = Number(process.env.GCLAB_SEED ?? 42);
  return Number.isFinite(fromEnv) ? fromEnv : 42;
}

/**
 * What a full collection of this collector must reclaim: `none` for the baseline family (no-gc never
 * frees), `acyclic` when its constraints say it does not reclaim cycles, else `full`.
 */
export function defaultCompleteness(descriptor: CollectorDescriptor): Completeness {
  if (descriptor.family === 'baseline') return 'none';
  return descriptor.constraints.reclaimsCycles ? 'full' : 'acyclic';
}

/** Heap limits tried by `probeHeapLimits`, smallest first. */
const PROBE_LIMITS = [
  32 << 10,
  64 << 10,
  128 << 10,
  256 << 10,
  512 << 10,
  1 << 20,
  2 << 20,
  4 << 20,
  8 << 20,
  16 << 20,
];

/**
 * Default heap limits: the smallest limit (of 32 KiB .. 16 MiB, doubling) under which the collector
 * can hold a third of the limit in live data (one small object of every shape the generator makes,
 * so every size class, plus large payloads, with the small objects collected before the large ones
 * arrive or not), four times it, and no limit; the smallest comes first
 * because shrinking moves toward the first choice.
 */
export function probeHeapLimits(
  descriptor: CollectorDescriptor,
  collectorOptions: CollectorOptions = {},
  hostMemoryLimit?: number,
): Array<number | null> {
  const heapOptions = { collectorOptions, ...hostMemoryOption(hostMemoryLimit) };
  for (const limit of PROBE_LIMITS) {
    if (holdsAThird(descriptor, heapOptions, limit)) return [limit, 4 * limit, null];
  }
  return [null];
}

/** The options of a probe's heap: the collector's, and the host-memory budget. */
interface ProbeHeapOptions {
  collectorOptions: CollectorOptions;
  hostMemoryLimit?: number;
}

/** The shapes (reference fields, payload bytes) the generator makes small objects of. */
const PROBE_SHAPES: ReadonlyArray<readonly [number, number]> = [0, 1, 2, 3, 4].flatMap((refs) =>
  [0, 8, 13, 40].map((bytes) => [refs, bytes] as const),
);

function holdsAThird(descriptor: CollectorDescriptor, heapOptions: ProbeHeapOptions, limit: number): boolean {
  if (!holdsAThirdIn(descriptor, heapOptions, limit, PROBE_SHAPES.length, false)) return false;
  // The small objects collected before the large payloads arrive, for every number of shapes: a
  // generational collector has then promoted them into its mature space, which may keep a chunk per
  // size class, as many as the promotion could fit (more would have failed it and left them young).
  for (let shapes = 1; shapes <= PROBE_SHAPES.length; shapes++) {
    if (!holdsAThirdIn(descriptor, heapOptions, limit, shapes, true)) return false;
  }
  return true;
}

function holdsAThirdIn(
  descriptor: CollectorDescriptor,
  heapOptions: ProbeHeapOptions,
  limit: number,
  shapes: number,
  collectFirst: boolean,
): boolean {
  let heap: Heap | null = null;
  try {
    heap = new Heap(descriptor, { ...heapOptions, heapLimit: limit });
    const performer = new TracePerformer(heap);
    const twelfth = Math.floor(limit / 12 / 8) * 8;
    const ops: TraceOp[] = [];
    let register = 0;
    // Small objects of the first `shapes` shapes (every size class a space may keep apart), then
    // large payloads: a third of the limit in all, all live.
    for (const [refs, bytes] of PROBE_SHAPES.slice(0, shapes)) {
      ops.push({ op: 'new', dst: { kind: 'reg', index: register++ }, refs, bytes });
    }
    if (collectFirst) ops.push({ op: 'gc', generation: null });
    for (let i = 0; i < 4; i++)
      ops.push({ op: 'new', dst: { kind: 'reg', index: register++ }, refs: 1, bytes: twelfth });
    ops.push({ op: 'gc', generation: null });
    for (const op of ops) performer.perform(op);
    return true;
  } catch (error) {
    if (heap !== null && refusedByHostMemory(error, heap)) {
      throw new HostMemoryBudgetError(
        heap.os.memory.budgetBytes,
        `the heap-limit probe at ${limit} bytes`,
        limit,
      );
    }
    // Out of memory, or the collector's own failure, which the campaign then reports as `crash`.
    return false;
  } finally {
    heap?.release();
  }
}

/** A failed start: the collector's `create` threw, which is a `crash` before the first operation. */
function failedStart(error: unknown): ProgramOutcome {
  const violation = new PropertyViolation('crash', 0, `the collector's create threw ${describeError(error)}`);
  return {
    ops: [],
    violation,
    skipped: 0,
    fullCollections: 0,
    outOfMemory: false,
    invalid: null,
    coverage: null,
  };
}

/** Starts a lockstep run, or says why the collector could not be created. */
function startRun(config: LockstepConfig): LockstepRun | ProgramOutcome {
  try {
    return new LockstepRun(config);
  } catch (error) {
    if (error instanceof GclabError && !(error instanceof PropertyViolation)) throw error;
    return failedStart(error);
  }
}

/** Runs one generated program in lockstep (and for determinism); never throws a violation. */
function runProgram(program: Program, settings: Settings): ProgramOutcome {
  const run = startRun({
    ...settings.config,
    heapLimit: program.heapLimit,
    collectorOptions: optionsOf(program, settings),
  });
  if (!(run instanceof LockstepRun)) return run;
  settings.observer?.runStarted(program.heapLimit, null);
  const probe = new CoverageProbe(run);
  const stress =
    program.stressEvery === null ? null : new StressSchedule(program.stressEvery, settings.generations);
  const execute = (op: TraceOp, forced: boolean): boolean => {
    settings.observer?.opStarted(op);
    probe.before(op);
    const more = run.execute(op);
    probe.after(op, forced);
    return more;
  };
  let skipped = 0;
  let violation: PropertyViolation | null = null;
  try {
    for (const step of program.steps) {
      const op = resolveStep(step, run.model, program.bigUnit);
      if (op === null) {
        skipped++;
        continue;
      }
      if (!execute(op, false)) break;
      const forced = stress?.after(op) ?? null;
      if (forced !== null && !execute(forced, true)) break;
    }
  } catch (error) {
    if (!(error instanceof PropertyViolation)) throw error;
    violation = error;
  }
  if (violation === null && settings.determinism)
    violation = checkDeterminism(run, settings, program.heapLimit);
  run.heap.release();
  return {
    ops: run.ops,
    violation,
    skipped,
    fullCollections: run.fullCollections,
    outOfMemory: run.outOfMemory,
    invalid: null,
    coverage: probe.reached,
  };
}

/** The collector options `program` runs under. */
function optionsOf(program: Program, settings: Settings): CollectorOptions {
  return settings.optionSets[program.optionSet] ?? settings.config.collectorOptions;
}

/**
 * Runs a list of operations in lockstep (under `collectorOptions`, default the campaign's); an
 * operation invalid for the model makes it `invalid`.
 */
function runOps(
  ops: readonly TraceOp[],
  settings: Settings,
  heapLimit: number | null,
  corpus: { index: number; name: string } | null = null,
  collectorOptions: CollectorOptions = settings.config.collectorOptions,
): ProgramOutcome {
  const run = startRun({ ...settings.config, heapLimit, collectorOptions });
  if (!(run instanceof LockstepRun)) return run;
  settings.observer?.runStarted(heapLimit, corpus);
  let violation: PropertyViolation | null = null;
  try {
    for (const op of ops) {
      const invalid = run.model.validate(op);
      if (invalid !== null) {
        const reason = `op ${run.ops.length} (${formatOp(op)}) is invalid: ${invalid}`;
        return {
          ops: run.ops,
          violation: null,
          skipped: 0,
          fullCollections: 0,
          outOfMemory: false,
          invalid: reason,
          coverage: null,
        };
      }
      settings.observer?.opStarted(op);
      if (!run.execute(op)) break;
    }
  } catch (error) {
    if (!(error instanceof PropertyViolation)) throw error;
    violation = error;
  }
  if (violation === null && settings.determinism) violation = checkDeterminism(run, settings, heapLimit);
  run.heap.release();
  return {
    ops: run.ops,
    violation,
    skipped: 0,
    fullCollections: run.fullCollections,
    outOfMemory: run.outOfMemory,
    invalid: null,
    coverage: null,
  };
}

function checkDeterminism(
  run: LockstepRun,
  settings: Settings,
  heapLimit: number | null,
): PropertyViolation | null {
  // The first run's fingerprint is taken before the second run, which a collector with process-wide
  // state would change.
  const first = { steps: run.steps, fingerprint: fingerprint(run.heap, run.outOfMemory) };
  const second = plainRun(
    settings.config.descriptor,
    run.ops,
    heapLimit,
    run.config.collectorOptions,
    run.config.hostMemoryLimit,
  );
  return compareRuns(run.ops, first, second);
}

/** Operations the minimizer may run in all (long stress-mode programs stay affordable). */
const MINIMIZE_BUDGET_OPS = 300_000;

/** Prefix of the replay path of a stress-mode program. */
const STRESS_PATH = 'stress:';

/**
 * Minimizes a failing run while the same property still fails (`shrinkTrace`: a local minimum over
 * the whole program), without the heap limit when it is not needed.
 */
function minimize(
  outcome: ProgramOutcome,
  settings: Settings,
  heapLimit: number | null,
  collectorOptions: CollectorOptions,
): { ops: TraceOp[]; violation: PropertyViolation; heapLimit: number | null } {
  const property = outcome.violation!.property;
  // The last run that failed: the shrink's result is its operations (a nondeterministic collector
  // need not fail again on a rerun).
  let last = outcome;
  // The budget counts operations run, so long programs (stress mode) stay affordable.
  let budget = MINIMIZE_BUDGET_OPS;
  const failsUnder =
    (limit: number | null) =>
    (candidate: readonly TraceOp[]): ProgramOutcome | null => {
      if (budget <= 0) return null;
      budget -= candidate.length;
      const r = runOps(candidate, settings, limit, null, collectorOptions);
      if (r.invalid !== null || r.violation?.property !== property) return null;
      last = r;
      return r;
    };
  let limit = heapLimit;
  if (limit !== null && failsUnder(null)(outcome.ops) !== null) limit = null;
  const fails = failsUnder(limit);
  const { ops } = shrinkTrace(last.ops, (candidate) => fails(candidate)?.ops ?? null);
  if (limit !== null && failsUnder(null)(ops) !== null) limit = null;
  const final = last;
  return { ops: final.ops, violation: final.violation!, heapLimit: limit };
}

/**
 * Verifies a collector: runs `runs` random programs under it in checked mode and against the
 * reference model, checking safety, completeness, count accuracy, allocator integrity and
 * determinism after every operation. Returns the figures and, on failure, the violated property
 * with a shrunk counterexample.
 */
export function verifyCollector(descriptor: CollectorDescriptor, options: VerifyOptions = {}): VerifyResult {
  const started = performance.now();
  const runs = options.runs ?? 300;
  const seed = options.seed ?? defaultSeed();
  const collectorOptions = options.collectorOptions ?? {};
  const completeness = options.completeness ?? defaultCompleteness(descriptor);
  const hostMemoryLimit = options.hostMemoryLimit;
  const heapLimits = [
    ...(options.heapLimits ?? probeHeapLimits(descriptor, collectorOptions, hostMemoryLimit)),
  ];
  const largestLimit = Math.max(0, ...heapLimits.map((limit) => limit ?? 0));
  if (hostMemoryLimit !== undefined && largestLimit > hostMemoryLimit) {
    throw new HostMemoryBudgetError(
      hostMemoryLimit,
      `the largest heap limit, ${largestLimit} bytes,`,
      largestLimit,
    );
  }
  const settings: Settings = {
    config: {
      descriptor,
      collectorOptions,
      completeness,
      countRoots: options.countRoots ?? true,
      coreChecks: options.coreChecks ?? true,
      collectorVerify: options.collectorVerify ?? true,
      oomLiveFraction: options.oomLiveFraction ?? 0.25,
      oomKeepsCycles: options.oomKeepsCycles ?? descriptor.constraints.countsReferences,
      timeLimitMs: options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
      ...hostMemoryOption(hostMemoryLimit),
    },
    optionSets: [
      collectorOptions,
      ...(options.optionSets ?? descriptor.verifyOptionSets ?? []).map((set) => ({
        ...collectorOptions,
        ...set,
      })),
    ],
    determinism: options.determinism ?? true,
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    generations: options.generations ?? (descriptor.constraints.generational ? [0, 1, 2] : [0]),
  };
  const { generations } = settings;
  const shape = {
    maxOps: options.maxOps ?? 40,
    heapLimits,
    generations,
    reach: options.reach ?? 1,
    format2: options.format2 ?? DEFAULT_FORMAT_2_SHARE,
    headerWords: descriptor.constraints.headerWords,
    optionSets: settings.optionSets.length - 1,
  };
  const stressRuns = options.stressRuns ?? (completeness === 'none' ? 0 : 2);
  const figures: VerifyFigures = {
    corpusTraces: 0,
    programs: 0,
    operations: 0,
    skippedSteps: 0,
    fullCollections: 0,
    outOfMemory: 0,
    elapsedMs: 0,
  };
  const coverage = emptyCoverage();
  const base = { collector: descriptor.name, seed, completeness, heapLimits, figures, coverage };
  const failed = (
    outcome: ProgramOutcome,
    heapLimit: number | null,
    found: Pick<VerifyFailure, 'path' | 'shrinks' | 'corpusTrace'>,
    reproducible = true,
    runOptions: CollectorOptions = collectorOptions,
  ): VerifyResult => {
    // A failure that did not reproduce (a nondeterministic collector) is reported as it last failed:
    // minimizing would replay it and lose the run that showed the fault.
    const minimal =
      options.minimize === false || !reproducible
        ? { ops: outcome.ops, violation: outcome.violation!, heapLimit }
        : minimize(outcome, settings, heapLimit, runOptions);
    const { violation } = minimal;
    const origin =
      found.corpusTrace === null
        ? `fast-check seed ${seed}${found.path === null ? '' : `, path ${found.path}`}`
        : `regression corpus trace ${found.corpusTrace}`;
    const failure: VerifyFailure = {
      property: violation.property,
      reason: violation.reason,
      opIndex: violation.opIndex,
      ops: minimal.ops,
      trace: counterexampleTrace(
        descriptor.name,
        violation,
        minimal.ops,
        minimal.heapLimit,
        runOptions,
        origin,
      ),
      heapLimit: minimal.heapLimit,
      collectorOptions: runOptions,
      seed,
      shrunkOps: outcome.ops.length,
      ...found,
    };
    figures.elapsedMs = performance.now() - started;
    return { ...base, passed: false, failure };
  };
  for (const [index, trace] of (options.corpus ?? regressionCorpus()).entries()) {
    const heapLimit = corpusHeapLimit(trace, heapLimits);
    const outcome = runOps(trace.ops, settings, heapLimit, { index, name: trace.name });
    if (outcome.invalid !== null)
      throw new GclabError(`regression corpus trace ${trace.name} is invalid: ${outcome.invalid}`);
    figures.corpusTraces++;
    if (outcome.violation !== null)
      return failed(outcome, heapLimit, { path: null, shrinks: 0, corpusTrace: trace.name });
  }
  let shrinking = false;
  // The last program that failed and how: a nondeterministic collector's shrunk counterexample may
  // pass when run again, and is then reported as it last failed.
  let lastFailure: { program: Program; outcome: ProgramOutcome } | null = null;
  // A program past the host-memory budget stops the campaign: fast-check sees it fail, then every
  // shrink candidate pass at once, and the error is thrown when fast-check returns.
  let exhausted: HostMemoryExhaustedError | null = null;
  const property = (arbitrary: fc.Arbitrary<Program>) =>
    fc.property(arbitrary, (program) => {
      if (exhausted !== null) return;
      let outcome: ProgramOutcome;
      try {
        outcome = runProgram(program, settings);
      } catch (error) {
        if (error instanceof HostMemoryExhaustedError) exhausted = error;
        throw error;
      }
      if (!shrinking) {
        figures.programs++;
        figures.operations += outcome.ops.length;
        figures.skippedSteps += outcome.skipped;
        figures.fullCollections += outcome.fullCollections;
        if (outcome.outOfMemory) figures.outOfMemory++;
        if (outcome.coverage !== null) addCoverage(coverage, outcome.coverage);
        options.onProgress?.(figures.programs, runs + stressRuns);
      }
      if (outcome.violation !== null) {
        shrinking = true;
        lastFailure = { program, outcome };
        throw outcome.violation;
      }
    });
  // The campaign, then (when it passes) the long programs in stress mode; a replay path names one.
  const stressPath = options.path?.startsWith(STRESS_PATH) === true;
  const stressArbitrary = stressProgramArbitrary(
    shape,
    options.stressOps ?? 10_000,
    options.stressEvery ?? 20,
    completeness === 'none',
  );
  // A stress-mode program is not shrunk by fast-check (each try reruns thousands of operations):
  // the minimizer cuts its operations instead.
  const check = (
    arbitrary: fc.Arbitrary<Program>,
    numRuns: number,
    path: string | undefined,
    endOnFailure: boolean,
  ) =>
    fc.check(property(arbitrary), {
      seed,
      numRuns,
      endOnFailure,
      ...(path === undefined ? {} : { path }),
    });
  let details = stressPath
    ? check(stressArbitrary, stressRuns, options.path!.slice(STRESS_PATH.length), true)
    : check(programArbitrary(shape), runs, options.path, false);
  let inStress = stressPath;
  if (exhausted !== null) throw exhausted;
  if (!details.failed && options.path === undefined && stressRuns > 0) {
    details = check(stressArbitrary, stressRuns, undefined, true);
    inStress = true;
  }
  if (exhausted !== null) throw exhausted;
  const failurePath =
    details.counterexamplePath === null
      ? null
      : `${inStress ? STRESS_PATH : ''}${details.counterexamplePath}`;
  if (!details.failed) {
    figures.elapsedMs = performance.now() - started;
    return { ...base, passed: true, failure: null };
  }
  if (details.counterexample === null) {
    // The predicate itself crashed in a way fast-check could not attribute: surface it.
    const error: unknown = details.errorInstance;
    throw error instanceof Error ? error : new Error(String(error));
  }
  let program = details.counterexample[0];
  let shrunk = runProgram(program, settings);
  const reproduced = shrunk.violation !== null;
  if (!reproduced) {
    // Nondeterministic: report the program as it last failed, unminimized (minimizing replays it).
    ({ program, outcome: shrunk } = lastFailure!);
    const v = shrunk.violation!;
    shrunk = {
      ...shrunk,
      violation: new PropertyViolation(
        v.property,
        v.opIndex,
        `${v.reason} (nondeterministic: the same program passed when run again)`,
      ),
    };
  }
  return failed(
    shrunk,
    program.heapLimit,
    { path: failurePath, shrinks: details.numShrinks, corpusTrace: null },
    reproduced,
    optionsOf(program, settings),
  );
}

/** The counterexample as a trace file whose comments say what fails and how to reproduce it. */
function counterexampleTrace(
  collector: string,
  violation: PropertyViolation,
  ops: readonly TraceOp[],
  heapLimit: number | null,
  collectorOptions: CollectorOptions,
  origin: string,
): string {
  const withOptions = Object.keys(collectorOptions).length > 0;
  return writeTrace(ops, [
    `counterexample found by the gclab verifier for collector '${collector}'`,
    `property: ${violation.property}`,
    `at op ${violation.opIndex}: ${violation.reason}`,
    `heap limit: ${heapLimit === null ? 'none' : `${heapLimit} bytes`}`,
    ...(withOptions ? [`${COLLECTOR_OPTIONS_COMMENT} ${JSON.stringify(collectorOptions)}`] : []),
    origin,
  ]);
}

/** Options of `verifyTrace`. */
export interface VerifyTraceOptions {
  /** Heap limit in bytes (null or absent = none). */
  heapLimit?: number | null;
  /** Options for the collector's `create`. */
  collectorOptions?: CollectorOptions;
  /** What a full collection must reclaim. Default: `defaultCompleteness(descriptor)`. */
  completeness?: Completeness;
  /** Whether reference counts include references from roots. Default true. */
  countRoots?: boolean;
  /** Out-of-memory rule, as in `VerifyOptions`. Default 0.25. */
  oomLiveFraction?: number;
  /**
   * Whether the out-of-memory rule counts unfreed cyclic garbage as unfreeable. Default: true for
   * collectors that count references (their cycles wait for the cycle collector's schedule, as
   * CPython's do: it never collects because an allocation failed), false otherwise (a tracing
   * collector must collect before giving up).
   */
  oomKeepsCycles?: boolean;
  /** Run core's checked mode too. Default true. */
  coreChecks?: boolean;
  /** Call the collector's own `verify()` after every operation. Default true. */
  collectorVerify?: boolean;
  /** Check determinism with a second run. Default true. */
  determinism?: boolean;
  /** Milliseconds the trace may run before it fails `time-limit`. Default `DEFAULT_TIME_LIMIT_MS`. */
  timeLimitMs?: number;
  /** On a failure, shrink the trace to a local minimum that fails the same way (`minimal`). Default false. */
  minimize?: boolean;
  /** Told of the run and of each operation before it runs (see `RunObserver`). */
  observer?: RunObserver;
  /** Told of every hook call of the collector in the first run (see `HookWatch`). */
  hookWatch?: HookWatch;
  /** Host-memory budget in bytes of each heap; running past it throws `HostMemoryExhaustedError`. Default none. */
  hostMemoryLimit?: number;
}

/** What `verifyTrace` found. */
export interface VerifyTraceResult {
  /** The violation, or null when every property held. */
  violation: PropertyViolation | null;
  /** Operations executed (through the failing one). */
  ops: number;
  /** Whether the trace ended early with an accepted out-of-memory. */
  outOfMemory: boolean;
  /**
   * With `minimize`, on a failure: the trace shrunk to a local minimum that violates the same
   * property, and the heap limit it needs (null when it fails without one); else null.
   */
  minimal: { ops: TraceOp[]; heapLimit: number | null } | null;
}

/**
 * Runs a concrete trace (a counterexample, or any trace) under the collector with every property
 * checked after every operation. Throws `GclabError` when the trace itself is invalid (an operation
 * the heap would reject).
 */
export function verifyTrace(
  descriptor: CollectorDescriptor,
  ops: Iterable<TraceOp>,
  options: VerifyTraceOptions = {},
): VerifyTraceResult {
  const list = [...ops];
  const settings: Settings = {
    config: {
      descriptor,
      collectorOptions: options.collectorOptions ?? {},
      completeness: options.completeness ?? defaultCompleteness(descriptor),
      countRoots: options.countRoots ?? true,
      coreChecks: options.coreChecks ?? true,
      collectorVerify: options.collectorVerify ?? true,
      oomLiveFraction: options.oomLiveFraction ?? 0.25,
      oomKeepsCycles: options.oomKeepsCycles ?? descriptor.constraints.countsReferences,
      timeLimitMs: options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
      ...(options.hookWatch === undefined ? {} : { hookWatch: options.hookWatch }),
      ...hostMemoryOption(options.hostMemoryLimit),
    },
    optionSets: [],
    determinism: options.determinism ?? true,
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    generations: [],
  };
  const heapLimit = options.heapLimit ?? null;
  const outcome = runOps(list, settings, heapLimit);
  if (outcome.invalid !== null) throw new GclabError(`invalid trace: ${outcome.invalid}`);
  let minimal: VerifyTraceResult['minimal'] = null;
  if (options.minimize === true && outcome.violation !== null) {
    const shrunk = minimize(outcome, settings, heapLimit, settings.config.collectorOptions);
    minimal = { ops: shrunk.ops, heapLimit: shrunk.heapLimit };
  }
  return {
    violation: outcome.violation,
    ops: outcome.ops.length,
    outOfMemory: outcome.outOfMemory,
    minimal,
  };
}
