/**
 * @gclab/verify: the verifier (random mutator programs run in lockstep under a collector and
 * against a reference model, every property checked after every operation), the random-program kit
 * and the test graph builders that every package's tests use. It takes collectors as descriptors and
 * never imports a strategy package.
 */

export { buildTree, nodeDepth, treeDepth } from './builders/binary-tree.ts';
export { DEFAULT_TIME_LIMIT_MS, type HookWatch, TimeLimitExceeded } from './containment.ts';
export {
  COVERAGE_SHAPES,
  type CoverageCounts,
  type CoverageShape,
  type CoverageShapeSpec,
  emptyCoverage,
  type ProgramCoverage,
} from './coverage.ts';
export { HostMemoryBudgetError, HostMemoryExhaustedError } from './host-memory-budget.ts';
export {
  bigUnit,
  DEFAULT_FORMAT_2_SHARE,
  DEFAULT_STEP_WEIGHTS,
  FORMAT_2_SHARE,
  type GeneratedGcCall,
  type PayloadSpec,
  type Program,
  type ProgramShape,
  programArbitrary,
  RESURRECTION_GLOBAL,
  type RootSpec,
  resolveStep,
  type SourceSpec,
  type Step,
  type StepWeights,
  type StoreMode,
  stressProgramArbitrary,
} from './program.ts';
export {
  type CountFrom,
  ProgramRun,
  type ProgramRunOptions,
  type RefcountSample,
} from './program-run.ts';
export {
  type Completeness,
  PROPERTY_NAMES,
  type PropertyName,
  PropertyViolation,
} from './properties.ts';
export {
  type ModelFinalizer,
  ModelObject,
  type ModelWeakRef,
  ReferenceModel,
} from './reference-model.ts';
export {
  COLLECTOR_OPTIONS_COMMENT,
  corpusHeapLimit,
  REGRESSION_CORPUS_DIR,
  type RegressionTrace,
  regressionCorpus,
  traceCollectorOptions,
  traceHeapLimit,
} from './regression-corpus.ts';
export {
  type FailureCheck,
  type ShrinkOptions,
  type ShrinkResult,
  shrinkTrace,
  type TraceMeasure,
  traceMeasure,
} from './shrink.ts';
export {
  defaultCompleteness,
  defaultSeed,
  probeHeapLimits,
  type RunObserver,
  type VerifyFailure,
  type VerifyFigures,
  type VerifyOptions,
  type VerifyResult,
  type VerifyTraceOptions,
  type VerifyTraceResult,
  verifyCollector,
  verifyTrace,
} from './verify-collector.ts';
