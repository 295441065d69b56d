/**
 * @gclab/core: the simulated machine (memory, OS, object model, roots), the heap API and collector
 * contract, the collector-option reader, telemetry, the reachability oracle, checked mode, the trace
 * format and `no-gc`.
 */
export { hex } from './address.ts';
export { HeapChecker } from './checker.ts';
export {
  type Collector,
  CollectorBase,
  type CollectorConstraints,
  type CollectorDescriptor,
  type CollectorFamily,
  type CollectorOptions,
  FULL_COLLECTION,
  type GcModuleCall,
} from './collector.ts';
export { booleanOption, CollectorOptionError, integerOption, numberOption } from './collector-option.ts';
export {
  COLLECTOR_FAMILIES,
  COLLECTOR_HOOKS,
  descriptorProblems,
  isCollectorDescriptor,
  missingHooks,
} from './descriptor-check.ts';
export {
  GclabError,
  type HeapFigures,
  HeapIntegrityError,
  MemoryError,
  MutatorError,
  OutOfMemoryError,
  TraceSyntaxError,
} from './errors.ts';
export { type FinalizerEntry, FinalizerKind, FinalizerTable } from './finalizer-table.ts';
export { Heap, type HeapOptions, type HeapStats } from './heap.ts';
export { MEMORY_DOUBLING_LIMIT, Memory } from './memory.ts';
export { NoGC, noGc } from './no-gc.ts';
export { ObjectKind, objectKindCode, WEAKREF_PAYLOAD_BYTES } from './object-kind.ts';
export {
  GC_BIT_0,
  GC_BITS_MASK,
  MAX_PAYLOAD,
  MAX_REFS,
  NREFS_MASK,
  ObjectModel,
  objectSize,
  payloadBytes,
  payloadWordBytes,
  refCount,
  WORD,
} from './object-model.ts';
export { Oracle, type Reachability } from './oracle.ts';
export {
  ADDRESS_LIMIT,
  ADDRESS_SPACE_BYTES,
  FIRST_ADDRESS,
  type MapRefusal,
  type OSOptions,
  PAGE_SIZE,
  roundUp,
  SimulatedOS,
} from './os.ts';
export { globalRoot, MAX_FRAMES, MAX_OUTER_REGISTERS, MAX_REGISTERS, NULL_ROOT, Roots } from './roots.ts';
export {
  type CollectionRecord,
  Counters,
  OP_NAMES,
  OpCode,
  PauseLog,
  type PauseRecord,
  Telemetry,
} from './telemetry.ts';
export {
  type FinalizerAction,
  GC_CALLS,
  type GcCall,
  GLOBAL_NAME,
  gcCallText,
  glob,
  isVersion2Op,
  type ObjectKindName,
  reg,
  TRACE_HEADER,
  TRACE_HEADER_2,
  type TraceOp,
  type TraceRoot,
  type TraceSource,
} from './trace/ops.ts';
export {
  DecodedOp,
  DecodedOpCode,
  MAX_LINE_LENGTH,
  parseTrace,
  parseTraceLines,
  RootKind,
  SHOWN_TOKEN_LENGTH,
  shown,
  TraceDecoder,
  TraceParser,
  toTraceOp,
} from './trace/parser.ts';
export { TracePerformer } from './trace/perform.ts';
export { type ReplayOptions, ReplayOutput, type ReplayResult, replay } from './trace/replay.ts';
export { readLines, readTraceFile, TRACE_CHUNK_BYTES, TraceFileReader } from './trace/trace-file-reader.ts';
export { replayTraceFile, type TraceFileReplayOptions } from './trace/trace-file-replay.ts';
export {
  detectTraceFormat,
  isTraceFileSimLine,
  readTraceFileSim,
  type TraceFileFormat,
  TraceFileSimReader,
} from './trace/tracefilesim.ts';
export { formatOp, formatSource, writeTrace } from './trace/writer.ts';
export { type WeakReferenceEntry, WeakReferenceTable } from './weak-reference-table.ts';
export { Worklist } from './worklist.ts';
