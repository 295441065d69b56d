/**
 * @gclab/bench: the harness. Workloads (deterministic mutator programs), metrics of a run (time,
 * pauses, MMU, memory, garbage), the comparison runner (cells in worker processes, minimum heaps,
 * results files) and micro-benchmark bodies. It takes collectors as descriptors or as references
 * `{ module, exportName }` and never imports a strategy package. Verification is @gclab/verify's.
 */

// ---- metrics ----
export { GarbageSampler, type Timeline } from './metrics/garbage-sampler.ts';
export {
  deterministicFigures,
  type GarbageFigures,
  type MeasureOptions,
  type MemoryFigures,
  type MmuFigures,
  measureRun,
  type PauseFigures,
  type RunMeasurement,
} from './metrics/measure.ts';
export { fragmentation, headerBytes, overhead } from './metrics/memory.ts';
export {
  MMU_CURVE_WINDOWS,
  type MmuPoint,
  mmu,
  mmuAt,
  mmuCurve,
  type PauseIntervals,
} from './metrics/mmu.ts';
export { type PauseDistribution, pauseDistribution } from './metrics/pause-distribution.ts';
export {
  MEDIAN_INTERVAL_CONFIDENCE,
  medianIntervalRank,
  quantileSorted,
  type Spread,
  spread,
  spreadOrNull,
} from './metrics/spread.ts';
export {
  compareSpreads,
  lowerBeyondSpread,
  ratioInterval,
  type SpreadInterval,
  type SpreadOrder,
  withInterval,
} from './metrics/within-spread.ts';
// ---- micro-benchmarks ----
export {
  type MicroBenchmark,
  type MicroOptions,
  microBenchmarks,
  REBUILD_BYTES,
} from './micro/micro-benchmarks.ts';

export { addOverheads, baselineCellOf, timeSpaceSeries } from './runner/assemble.ts';
// ---- runner ----
export { checkWritable, OutputFileError, outputFileError, writeFileAtomic } from './runner/atomic-write.ts';
export {
  type Cell,
  type CollectorEntry,
  type CollectorRef,
  cellLabel,
  formatHeapSpec,
  type HeapSpec,
  HeapSpecError,
  heapLimitBytes,
  parseHeapSpec,
  UNLIMITED,
} from './runner/cell.ts';
export { CollectorRefError, loadCollector } from './runner/collector-ref.ts';
export { HostMemoryExhaustedError } from './runner/host-memory-budget.ts';
export { runMatrix } from './runner/matrix.ts';
export {
  defaultConcurrency,
  type MatrixOptions,
  type MatrixProgress,
  type MatrixShard,
  NO_GC_BASELINE,
} from './runner/matrix-options.ts';
export {
  completesWithin,
  findMinHeap,
  MIN_HEAP_CACHE_KIND,
  MinHeapCache,
  type MinHeapOptions,
  type MinHeapResult,
} from './runner/min-heap.ts';
export { checkWorkloads, type PlannedCell, planMatrix, selectShard } from './runner/plan.ts';
export {
  collectorFingerprint,
  gitCommit,
  type MachineInfo,
  machineInfo,
  packageVersions,
} from './runner/provenance.ts';
export {
  type MatrixRecordedOptions,
  type MatrixResults,
  type MinHeapRecord,
  RESULTS_SCHEMA,
  RESULTS_SCHEMA_VERSION,
  ResultsFileError,
  readResults,
  type TimeSpacePoint,
  type TimeSpaceSeries,
  writeResults,
} from './runner/results.ts';
export { checkResultsSchema, resultsSchema, withIntervals } from './runner/results-schema.ts';
export {
  autoSampleInterval,
  type CellResult,
  type CellRunOptions,
  type CellStatus,
  type CellSummary,
  DEFAULT_MAX_INVOCATIONS,
  runCellInProcess,
  timedInvocationsDone,
} from './runner/run-cell.ts';
export { type PoolOptions, runTasks, WorkerProcess, workerExecArgv } from './runner/worker-pool.ts';
// ---- workloads ----
export {
  BIG_DEL_SHAPES,
  BIG_DEL_STRING_BYTES,
  type BigDelShape,
  bigDel,
  runBigDel,
} from './workloads/big-del.ts';
export {
  BINARY_TREES_MIN_DEPTH,
  binaryTrees,
  binaryTreesIterations,
  runBinaryTrees,
} from './workloads/binary-trees.ts';
export { CHURN_PAYLOADS, CHURN_SHAPES, type ChurnShape, churn, runChurn } from './workloads/churn.ts';
export {
  CPYTHON_MIX_ROOTS,
  CPYTHON_MIX_STEPS,
  CPYTHON_MIX_WEIGHTS,
  type CpythonMixWeights,
  cpythonMix,
  runCpythonMix,
} from './workloads/cpython-mix.ts';
export {
  type GcBenchShape,
  gcbench,
  gcbenchShape,
  numIters,
  runGcBench,
  treeSize,
} from './workloads/gcbench.ts';
export {
  JUPYTER_GLOBALS_SHAPES,
  JUPYTER_ITEM_PAYLOAD,
  JUPYTER_TEMP_PAYLOAD,
  type JupyterGlobalsShape,
  jupyterGlobals,
  runJupyterGlobals,
} from './workloads/jupyter-globals.ts';
export {
  LRU_CACHE_SHAPES,
  LRU_ENTRY_PAYLOAD,
  LRU_ENTRY_REFS,
  LRU_VALUE_PAYLOAD,
  type LruCacheShape,
  lruCache,
  lruKey,
  runLruCache,
} from './workloads/lru-cache.ts';
export { MersenneTwister } from './workloads/mersenne-twister.ts';
export {
  NESTED_LISTS_SHAPES,
  type NestedListsShape,
  nestedLists,
  runNestedLists,
} from './workloads/nested-lists.ts';
export { Prng } from './workloads/prng.ts';
export {
  KEPT,
  type PyperformanceProgram,
  type PyperformanceScale,
  pyperformanceWorkload,
  runIteration,
} from './workloads/pyperformance/pyperformance-program.ts';
export {
  PYPERFORMANCE_PROGRAMS,
  PYPERFORMANCE_WORKLOADS,
} from './workloads/pyperformance/pyperformance-workloads.ts';
export {
  ALL_WORKLOADS,
  checkWorkload,
  DEFAULT_WORKLOADS,
  findWorkload,
  type ResolvedWorkload,
  resolveWorkload,
  WORKLOADS,
  WorkloadSpecError,
} from './workloads/registry.ts';
export { RINGS_SHAPES, type RingsShape, rings, runRings } from './workloads/rings.ts';
export {
  CPYTHON_SNAPSHOT_MAGIC,
  readCpythonSnapshot,
} from './workloads/snapshot/cpython-snapshot.ts';
export {
  GraphBuilder,
  graphBytes,
  type HeapGraph,
  rootCount,
  type SnapshotFormat,
} from './workloads/snapshot/heap-graph.ts';
export { readSnapshot, snapshotFormat } from './workloads/snapshot/read-snapshot.ts';
export { SnapshotFileError, SnapshotSyntaxError } from './workloads/snapshot/snapshot-error.ts';
export {
  buildSnapshotHeap,
  DEFAULT_SNAPSHOT_STAGES,
  dropSnapshotStage,
  runSnapshotHeap,
  type SnapshotHeap,
  snapshotPayload,
} from './workloads/snapshot/snapshot-heap.ts';
export { readV8Snapshot } from './workloads/snapshot/v8-snapshot.ts';
export {
  checkSnapshotFile,
  loadSnapshotGraph,
  SNAPSHOT_PREFIX,
  snapshotFile,
} from './workloads/snapshot-file.ts';
export { checkTraceFile, TRACE_PREFIX, TraceFileError, traceFile } from './workloads/trace-file.ts';
export {
  bySize,
  NO_ARGS,
  numberOption,
  WORKLOAD_SIZES,
  type Workload,
  type WorkloadOptions,
  type WorkloadParams,
  type WorkloadSize,
} from './workloads/workload.ts';
