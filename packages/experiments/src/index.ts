/**
 * @gclab/experiments: gclab's named experiments, above the libraries (it may import any of them; no
 * library imports it). Each is an `Experiment` in `EXPERIMENTS`, listed by `gclab experiment list`
 * and run by `gclab experiment NAME`; real interpreters are reached only through
 * `interpreters/python.ts`.
 */

export { MersenneTwister } from '@gclab/bench';
export {
  CAPTURE_PROGRAMS,
  CaptureError,
  type CaptureOptions,
  type CaptureProgram,
  type CaptureTarget,
  captureFileName,
  captureSnapshot,
  DEFAULT_SNAPSHOT_DIR,
  isCaptureProgram,
  isPythonProgramFile,
  type PythonProgramFile,
  REPOSITORY_ROOT,
} from './census/capture.ts';
export {
  CENSUS_STAGES,
  type Census,
  type CensusOptions,
  type CollectorCensus,
  type CycleFigures,
  cycleFigures,
  layoutBytes,
  type TypeCount,
  takeCensus,
  typeCounts,
} from './census/census.ts';
export {
  type Bucket,
  type Distribution,
  FAN_OUT_BOUNDS,
  fanOutDistribution,
  SIZE_BOUNDS,
  sizeDistribution,
} from './census/distribution.ts';
export { type Components, stronglyConnectedComponents } from './census/strongly-connected.ts';
export {
  type AgainstCPythonOptions,
  type AgainstCPythonResult,
  differentialMix,
  formatAgainstCPython,
  gclabMixLog,
  type MixSide,
  mixCollectorName,
  runAgainstCPython,
} from './differential-mix/against-cpython.ts';
export {
  KIND_OF,
  MIX_KINDS,
  MIX_WEIGHTS,
  type MixLineSink,
  type MixOptions,
  mixWords,
  ROOT_SLOTS,
  runMix,
} from './differential-mix/differential-mix.ts';
export {
  type Experiment,
  type ExperimentContext,
  type ExperimentOption,
  ExperimentOptionError,
  integerFlag,
  numberValue,
} from './experiment.ts';
export {
  DEFAULT_FINALIZATION_OPTIONS,
  FINALIZATION_SHAPES,
  type FinalizationLatency,
  type FinalizationOptions,
  type FinalizationResult,
  type FinalizationShape,
  finalization,
  formatFinalization,
  measureFinalization,
  runFinalization,
} from './finalization/finalization-latency.ts';
export {
  APPEND_TRACE,
  formatGetrefcount,
  GETREFCOUNT_310,
  GETREFCOUNT_311,
  GETREFCOUNT_314,
  type GetrefcountConvention,
  type GetrefcountResult,
  type GetrefcountRun,
  type GetrefcountVersionRow,
  getrefcount,
  runGetrefcount,
  runGetrefcountVersions,
  VERSION_CONVENTION,
} from './getrefcount/getrefcount.ts';
export {
  findCPython,
  findPython311,
  InterpreterNotFoundError,
  isPythonVersion,
  PYTHON_COMMAND,
  PYTHON_RELEASES,
  PYTHON_VERSIONS,
  type PythonLookup,
  type PythonMixResult,
  type PythonOutput,
  type PythonVersion,
  PythonVersionsError,
  parsePythonVersions,
  pythonScript,
  pythonUnavailable,
  runPython,
  runPythonMix,
  runPythonMixVersion,
  runPythonScript,
  VERSION_COLLECTOR,
} from './interpreters/python.ts';
export {
  formatMemoryRelease,
  type MemoryReleaseOptions,
  type MemoryReleasePhase,
  type MemoryReleaseResult,
  memoryRelease,
  runMemoryRelease,
} from './memory-release/memory-release.ts';
export { type CascadeOptions, type CascadeResult, measureCascade } from './perf/cascade.ts';
export {
  type FullCollectionOptions,
  type FullCollectionResult,
  type FullCollectionSize,
  measureFullCollection,
} from './perf/full-collection.ts';
export {
  type HostMemoryOptions,
  type HostMemoryResult,
  hostBytes,
  measureHostMemory,
} from './perf/host-memory.ts';
export { LineProcess } from './perf/line-process.ts';
export {
  measureOperationMix,
  type OperationMixOptions,
  type OperationMixResult,
} from './perf/operation-mix.ts';
export {
  figure,
  formatMeasured,
  formatNumber,
  type Measured,
  type PerfFigure,
  pairedRatios,
  passMark,
  type RunSummary,
  summarize,
  unmeasured,
} from './perf/perf-figure.ts';
export {
  formatPerfMarkdown,
  type PerfMachine,
  type PerfReport,
  writePerfReport,
} from './perf/perf-report.ts';
export {
  formatPerfRun,
  isPerfGroup,
  type PerfGroup,
  type PerfOptions,
  type PerfRun,
  parseFigureList,
  perf,
  perfResultLine,
  runPerf,
  runPerfGroup,
} from './perf/perf-run.ts';
export {
  cascadeFigure,
  fullCollectionFigures,
  gclabRunFigure,
  hostMemoryFigure,
  operationMixFigure,
  PERF_TARGETS,
  sizeLabel,
  traceReplayFigure,
} from './perf/perf-targets.ts';
export {
  driveHeap,
  measureTraceReplay,
  type TraceProgram,
  type TraceReplayOptions,
  type TraceReplayResult,
  traceProgram,
  writeTraceProgram,
} from './perf/trace-replay.ts';
export {
  type BenchmarkFigures,
  formatPyperformance,
  type HarnessOutput,
  type IterationFigures,
  iterationTotals,
  measureModel,
  PYPERFORMANCE_SIZES,
  type PyperformanceResult,
  pyperformance,
  pyperformanceProgram,
  runHarness,
  runPyperformance,
  type VersionFigures,
} from './pyperformance/pyperformance-figures.ts';
export {
  checkProgram,
  formatPythonProfile,
  type GcProfile,
  type PythonProfileOptions,
  type PythonProfileReport,
  type PythonProfileRun,
  PythonProgramError,
  profilePython,
} from './python-profile/python-profile.ts';
export { EXPERIMENTS, findExperiment } from './registry.ts';
export { threads } from './threads/threads.ts';
export {
  CONTENTION_POINTS,
  CONTENTION_VARIANTS,
  COUNTED_DIFFERENCE,
  type ContentionFigures,
  countedFaster,
  countedRatio,
  type DemonstrationFigures,
  type DemonstrationRun,
  runThreadsExperiment,
  THREADS_PRESETS,
  THREADS_SIZES,
  type ThreadsExperimentOptions,
  type ThreadsExperimentResult,
  type ThreadsPreset,
  type ThreadsSize,
  threadLimit,
  type UpdatesPerOp,
  type VariantFigures,
} from './threads/threads-experiment.ts';
export {
  describeLoss,
  formatRatioSpread,
  formatSpread,
  formatThreadsExperiment,
  variantCells,
} from './threads/threads-format.ts';
