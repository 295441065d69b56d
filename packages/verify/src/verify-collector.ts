/**
 * `verifyCollector`: property-based verification of one collector. fast-check generates random
 * mutator programs (see `program.ts`); each runs in lockstep under the collector in checked mode and
 * against the reference model (see `lockstep.ts`), then again on a plain heap for determinism. On a
 * failure, fast-check shrinks the program, then the operations that ran are minimized one removal
 * at a time (keeping the same violated property) into the counterexample: trace operations, trace
 * text and what reproduces it.
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
import {
  addCoverage,
  type CoverageCounts,
  CoverageProbe,
  emptyCoverage,
  type ProgramCoverage,
} from './coverage.ts';
import { fingerprint, firstDifference, plainFingerprint } from './determinism.ts';
import { type LockstepConfig, LockstepRun } from './lockstep.ts';
import { type Program, programArbitrary, resolveStep, stressProgramArbitrary } from './program.ts';
import { type Completeness, type PropertyName, PropertyViolation } from './properties.ts';
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
  /** Steps of a stress-mode program. Default 10000. */
  stressOps?: number;
  /** Allocations between the collections stress mode forces. Default 20. */
  stressEvery?: number;
  /** Heap limits a program runs under (null = none). Default: probed from the collector's footprint. */
  heapLimits?: ReadonlyArray<number | null>;
  /** Options for the collector's `create`. Default none. */
  collectorOptions?: CollectorOptions;
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
  /** Minimize the shrunk counterexample further, one operation at a time. Default true. */
  minimize?: boolean;
  /** Called after each generated program (not during shrinking) with programs done and the total. */
  onProgress?: (done: number, total: number) => void;
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
  /** The collector options it ran with. */
  collectorOptions: CollectorOptions;
  /** fast-check seed of the run that found it. */
  seed: number;
  /** fast-check path of the failing program (pass with `seed` as options to rerun just it; `stress:` prefixes a stress-mode program's). */
  path: string | null;
  /** Shrinking steps fast-check took. */
  shrinks: number;
  /** Operations that ran in the program fast-check shrank to, before minimization. */
  shrunkOps: number;
}

/** Figures of a verification run. */
export interface VerifyFigures {
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
  determinism: boolean;
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
 * so every size class, plus large payloads), four times it, and no limit; the smallest comes first
 * because shrinking moves toward the first choice.
 */
export function probeHeapLimits(
  descriptor: CollectorDescriptor,
  collectorOptions: CollectorOptions = {},
): Array<number | null> {
  for (const limit of PROBE_LIMITS) {
    if (holdsAThird(descriptor, collectorOptions, limit)) return [limit, 4 * limit, null];
  }
  return [null];
}

function holdsAThird(
  descriptor: CollectorDescriptor,
  collectorOptions: CollectorOptions,
  limit: number,
): boolean {
  try {
    const heap = new Heap(descriptor, { heapLimit: limit, collectorOptions });
    const performer = new TracePerformer(heap);
    const twelfth = Math.floor(limit / 12 / 8) * 8;
    const ops: TraceOp[] = [];
    // Every shape the generator makes small objects of (so every size class a space may keep apart),
    // then large payloads: a third of the limit in all, all live.
    for (let refs = 0; refs <= 4; refs++) {
      for (const bytes of [0, 8, 13, 40])
        ops.push({ op: 'new', dst: { kind: 'reg', index: ops.length }, refs, bytes });
    }
    for (let i = 0; i < 4; i++)
      ops.push({ op: 'new', dst: { kind: 'reg', index: ops.length }, refs: 1, bytes: twelfth });
    ops.push({ op: 'gc', generation: null });
    for (const op of ops) performer.perform(op);
    return true;
  } catch (error) {
    if (error instanceof GclabError) return false;
    throw error;
  }
}

/** Runs one generated program in lockstep (and for determinism); never throws a violation. */
function runProgram(program: Program, settings: Settings): ProgramOutcome {
  const run = new LockstepRun({ ...settings.config, heapLimit: program.heapLimit });
  const probe = new CoverageProbe(run);
  const stress =
    program.stressEvery === null ? null : new StressSchedule(program.stressEvery, settings.generations);
  const execute = (op: TraceOp, forced: boolean): boolean => {
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

/** Runs a list of operations in lockstep; an operation invalid for the model makes it `invalid`. */
function runOps(ops: readonly TraceOp[], settings: Settings, heapLimit: number | null): ProgramOutcome {
  const run = new LockstepRun({ ...settings.config, heapLimit });
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
      if (!run.execute(op)) break;
    }
  } catch (error) {
    if (!(error instanceof PropertyViolation)) throw error;
    violation = error;
  }
  if (violation === null && settings.determinism) violation = checkDeterminism(run, settings, heapLimit);
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
  const first = fingerprint(run.heap, run.outOfMemory);
  const second = plainFingerprint(
    settings.config.descriptor,
    run.ops,
    heapLimit,
    settings.config.collectorOptions,
  );
  if (first === second) return null;
  return new PropertyViolation(
    'determinism',
    run.ops.length - 1,
    `the same ${run.ops.length} operations gave different deterministic figures on a second run: ${firstDifference(first, second)}`,
  );
}

const FULL_GC: TraceOp[] = [{ op: 'gc', generation: null }];

/** Operations the minimizer may run in all. */
const MINIMIZE_BUDGET_OPS = 300_000;

/** Prefix of the replay path of a stress-mode program. */
const STRESS_PATH = 'stress:';

/**
 * Minimizes a failing run while the same property still fails: cuts the operations after a prefix
 * and collects there instead (a forced `gc` often stands for the allocations that triggered one),
 * removes operations one at a time until no single removal keeps it failing (1-minimal), and drops
 * payloads and the heap limit when they are not needed.
 */
function minimize(
  outcome: ProgramOutcome,
  settings: Settings,
  heapLimit: number | null,
): { ops: TraceOp[]; violation: PropertyViolation; heapLimit: number | null } {
  let ops = outcome.ops;
  let violation = outcome.violation!;
  const property = violation.property;
  const fails = (candidate: readonly TraceOp[], limit: number | null): ProgramOutcome | null => {
    const r = runOps(candidate, settings, limit);
    return r.invalid === null && r.violation !== null && r.violation.property === property ? r : null;
  };
  // The budget counts operations run, so long programs (stress mode) stay affordable.
  let budget = MINIMIZE_BUDGET_OPS;
  let changed = true;
  while (changed && budget > 0) {
    changed = false;
    // A collection forced early often stands for the many allocations that triggered one.
    for (let i = 0; i + 2 < ops.length && budget > 0; i++) {
      budget -= i + 2;
      const r = fails(ops.slice(0, i + 1).concat(FULL_GC), heapLimit);
      if (r !== null && r.ops.length < ops.length) {
        ops = r.ops;
        violation = r.violation!;
        break;
      }
    }
    for (let i = ops.length - 1; i >= 0 && budget > 0; i--) {
      budget -= ops.length;
      const candidate = ops.slice(0, i).concat(ops.slice(i + 1));
      const r = fails(candidate, heapLimit);
      if (r !== null) {
        ops = r.ops;
        violation = r.violation!;
        changed = true;
        i = Math.min(i, ops.length);
      }
    }
    // Simpler payloads make simpler traces.
    for (let i = 0; i < ops.length && budget > 0; i++) {
      const op = ops[i]!;
      if (op.op !== 'new' || op.bytes === 0) continue;
      budget -= ops.length;
      const candidate = ops.slice();
      candidate[i] = { ...op, bytes: 0 };
      const r = fails(candidate, heapLimit);
      if (r !== null) {
        ops = r.ops;
        violation = r.violation!;
        changed = true;
      }
    }
  }
  if (heapLimit !== null) {
    const r = fails(ops, null);
    if (r !== null && r.ops.length <= ops.length)
      return { ops: r.ops, violation: r.violation!, heapLimit: null };
  }
  return { ops, violation, heapLimit };
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
  const heapLimits = [...(options.heapLimits ?? probeHeapLimits(descriptor, collectorOptions))];
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
    },
    determinism: options.determinism ?? true,
    generations: options.generations ?? (descriptor.constraints.generational ? [0, 1, 2] : [0]),
  };
  const { generations } = settings;
  const shape = { maxOps: options.maxOps ?? 40, heapLimits, generations, reach: options.reach ?? 1 };
  const stressRuns = options.stressRuns ?? (completeness === 'none' ? 0 : 2);
  const figures: VerifyFigures = {
    programs: 0,
    operations: 0,
    skippedSteps: 0,
    fullCollections: 0,
    outOfMemory: 0,
    elapsedMs: 0,
  };
  const coverage = emptyCoverage();
  let shrinking = false;
  const property = (arbitrary: fc.Arbitrary<Program>) =>
    fc.property(arbitrary, (program) => {
      const outcome = runProgram(program, settings);
      if (!shrinking) {
        figures.programs++;
        figures.operations += outcome.ops.length;
        figures.skippedSteps += outcome.skipped;
        figures.fullCollections += outcome.fullCollections;
        if (outcome.outOfMemory) figures.outOfMemory++;
        addCoverage(coverage, outcome.coverage!);
        options.onProgress?.(figures.programs, runs + stressRuns);
      }
      if (outcome.violation !== null) {
        shrinking = true;
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
  if (!details.failed && options.path === undefined && stressRuns > 0) {
    details = check(stressArbitrary, stressRuns, undefined, true);
    inStress = true;
  }
  const failurePath =
    details.counterexamplePath === null
      ? null
      : `${inStress ? STRESS_PATH : ''}${details.counterexamplePath}`;
  const base = { collector: descriptor.name, seed, completeness, heapLimits, figures, coverage };
  if (!details.failed) {
    figures.elapsedMs = performance.now() - started;
    return { ...base, passed: true, failure: null };
  }
  if (details.counterexample === null) {
    // The predicate itself crashed in a way fast-check could not attribute: surface it.
    const error: unknown = details.errorInstance;
    throw error instanceof Error ? error : new Error(String(error));
  }
  const program = details.counterexample[0];
  const shrunk = runProgram(program, settings);
  if (shrunk.violation === null) {
    throw new Error(
      `verifyCollector: the shrunk counterexample of ${descriptor.name} did not fail again (a nondeterministic collector?)`,
    );
  }
  const minimal =
    options.minimize === false
      ? { ops: shrunk.ops, violation: shrunk.violation, heapLimit: program.heapLimit }
      : minimize(shrunk, settings, program.heapLimit);
  const { violation } = minimal;
  const failure: VerifyFailure = {
    property: violation.property,
    reason: violation.reason,
    opIndex: violation.opIndex,
    ops: minimal.ops,
    trace: counterexampleTrace(descriptor.name, violation, minimal.ops, minimal.heapLimit, seed, failurePath),
    heapLimit: minimal.heapLimit,
    collectorOptions,
    seed,
    path: failurePath,
    shrinks: details.numShrinks,
    shrunkOps: shrunk.ops.length,
  };
  figures.elapsedMs = performance.now() - started;
  return { ...base, passed: false, failure };
}

/** The counterexample as a trace file whose comments say what fails and how to reproduce it. */
function counterexampleTrace(
  collector: string,
  violation: PropertyViolation,
  ops: readonly TraceOp[],
  heapLimit: number | null,
  seed: number,
  path: string | null,
): string {
  return writeTrace(ops, [
    `counterexample found by the gclab verifier for collector '${collector}'`,
    `property: ${violation.property}`,
    `at op ${violation.opIndex}: ${violation.reason}`,
    `heap limit: ${heapLimit === null ? 'none' : `${heapLimit} bytes`}`,
    `fast-check seed ${seed}${path === null ? '' : `, path ${path}`}`,
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
}

/** What `verifyTrace` found. */
export interface VerifyTraceResult {
  /** The violation, or null when every property held. */
  violation: PropertyViolation | null;
  /** Operations executed (through the failing one). */
  ops: number;
  /** Whether the trace ended early with an accepted out-of-memory. */
  outOfMemory: boolean;
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
    },
    determinism: options.determinism ?? true,
    generations: [],
  };
  const outcome = runOps(list, settings, options.heapLimit ?? null);
  if (outcome.invalid !== null) throw new GclabError(`invalid trace: ${outcome.invalid}`);
  return { violation: outcome.violation, ops: outcome.ops.length, outOfMemory: outcome.outOfMemory };
}
