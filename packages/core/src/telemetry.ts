/**
 * Telemetry with two clocks.
 *
 * Deterministic figures (`Counters`, the collection log, work units of pauses) are identical run to
 * run for the same program and seed, and tests assert them. Wall-clock figures (pause nanoseconds)
 * are measured and reported, never asserted. The allocation clock, `counters.bytesAllocated`, is the
 * x-axis of every timeline. Every hot-path update is one field increment.
 */

/** Operation codes, shared by the heap, the trace format and per-op telemetry. */
export const OpCode = {
  new: 0,
  set: 1,
  del: 2,
  put: 3,
  get: 4,
  call: 5,
  ret: 6,
  gc: 7,
  refcount: 8,
  finalizer: 9,
  weakref: 10,
  deref: 11,
  safepoint: 12,
  gcCall: 13,
  immortal: 14,
} as const;
/** An operation code. */
export type OpCode = (typeof OpCode)[keyof typeof OpCode];
/** Operation names by code. */
export const OP_NAMES = [
  'new',
  'set',
  'del',
  'put',
  'get',
  'call',
  'ret',
  'gc',
  'refcount',
  'finalizer',
  'weakref',
  'deref',
  'safepoint',
  'gcCall',
  'immortal',
] as const;

/** Deterministic counters. Collectors increment the ones that apply to them. */
export class Counters {
  /** Mutator operations executed. */
  ops = 0;
  /** Objects allocated. */
  objectsAllocated = 0;
  /** Bytes allocated (object sizes, headers included): the allocation clock. */
  bytesAllocated = 0;
  /** Objects freed. */
  objectsFreed = 0;
  /** Bytes freed. */
  bytesFreed = 0;
  /** Field stores (every `put`). */
  pointerStores = 0;
  /** Root writes (assignments, arguments, releases at `ret`). */
  rootWrites = 0;
  /** Field loads. */
  pointerLoads = 0;
  /** Stores on which a barrier did work beyond the fast-path check (recorded a slot, shaded...). */
  barrierHits = 0;
  /** Reference-count increments. */
  rcIncrements = 0;
  /** Reference-count decrements. */
  rcDecrements = 0;
  /** Objects visited by a tracing phase (marked, scanned or copied). */
  objectsTraced = 0;
  /** Bytes copied by moving collectors. */
  bytesCopied = 0;
  /** Bytes swept (visited by a sweep). */
  bytesSwept = 0;
  /** Objects moved. */
  objectsMoved = 0;
}

/** One collection as a CPython `gc.callbacks` 'stop' callback would see it. */
export interface CollectionRecord {
  /** The operation during which the collection ran. */
  opIndex: number;
  /** The generation collected (0, 1, 2) or the kind of a non-generational collection ('full', ...). */
  generation: number | string;
  /** Objects found unreachable and freed. */
  collected: number;
  /** Objects found unreachable but not freed. */
  uncollectable: number;
}

/** One pause, in a column of the pause log. */
export interface PauseRecord {
  /** What kind of pause ('full', 'minor', 'mark-step', 'cascade', ...). */
  kind: string;
  /** Wall-clock duration in nanoseconds (measured, not deterministic). */
  nanos: number;
  /** Work units: objects marked, bytes swept or copied, objects freed (deterministic). */
  work: number;
  /** The allocation clock when the pause began. */
  clock: number;
  /** The operation during which the pause happened. */
  opIndex: number;
  /** Wall-clock start in milliseconds (`performance.now()`; NaN when not recorded). For MMU. */
  start: number;
}

/**
 * The wall clock, in milliseconds: `performance.now` bound once, so each reading skips the global
 * lookup and receiver check of `performance.now()` (two readings per pause; a reference-counting
 * cascade is a pause).
 */
const now: () => number = performance.now.bind(performance);

/** log2 of the pauses per chunk of the pause log. */
const CHUNK_BITS = 16;
/** Pauses per chunk of the pause log (65,536: 2.9 MB of columns). */
const CHUNK = 1 << CHUNK_BITS;

/** One chunk of the pause log's columns. */
interface PauseColumns {
  kinds: Int32Array<ArrayBuffer>;
  nanos: Float64Array<ArrayBuffer>;
  work: Float64Array<ArrayBuffer>;
  clocks: Float64Array<ArrayBuffer>;
  opIndexes: Float64Array<ArrayBuffer>;
  starts: Float64Array<ArrayBuffer>;
}

function columns(n: number): PauseColumns {
  return {
    kinds: new Int32Array(n),
    nanos: new Float64Array(n),
    work: new Float64Array(n),
    clocks: new Float64Array(n),
    opIndexes: new Float64Array(n),
    starts: new Float64Array(n),
  };
}

/**
 * Pauses in columnar typed arrays (no object per pause). Pause kinds are interned to small numbers by
 * `kindId` when a collector is created, never per pause.
 *
 * Storage: the first chunk of columns doubles from 256 pauses up to `CHUNK`; after that, full chunks
 * are kept as they are and a new chunk of `CHUNK` pauses is started, so a log of millions of pauses
 * (every reference-counting cascade is a pause) never copies what it holds. Pause i is in chunk
 * `i >> CHUNK_BITS` at `i & (CHUNK - 1)`.
 */
export class PauseLog {
  /** Number of pauses. */
  length = 0;
  /** Full chunks, in order (each `CHUNK` pauses). */
  private readonly full: PauseColumns[] = [];
  // The chunk being filled: its columns, its first pause index and its capacity.
  private kinds = new Int32Array(256);
  private nanos = new Float64Array(256);
  private work = new Float64Array(256);
  private clocks = new Float64Array(256);
  private opIndexes = new Float64Array(256);
  private starts = new Float64Array(256);
  private base = 0;
  private readonly kindNames: string[] = [];

  /** The id of a pause kind, interned. */
  kindId(name: string): number {
    const i = this.kindNames.indexOf(name);
    if (i >= 0) return i;
    this.kindNames.push(name);
    return this.kindNames.length - 1;
  }

  /** Appends a pause; `start` is its wall-clock start in milliseconds (NaN when unknown). */
  add(kind: number, nanos: number, work: number, clock: number, opIndex: number, start = Number.NaN): void {
    let i = this.length - this.base;
    if (i === this.kinds.length) i = this.nextChunk();
    this.kinds[i] = kind;
    this.nanos[i] = nanos;
    this.work[i] = work;
    this.clocks[i] = clock;
    this.opIndexes[i] = opIndex;
    this.starts[i] = start;
    this.length++;
  }

  /** Pause `i` as a record. */
  get(i: number): PauseRecord {
    const c = i >= this.base ? this.current() : this.full[i >> CHUNK_BITS]!;
    const j = i >= this.base ? i - this.base : i & (CHUNK - 1);
    return {
      kind: this.kindNames[c.kinds[j]!]!,
      nanos: c.nanos[j]!,
      work: c.work[j]!,
      clock: c.clocks[j]!,
      opIndex: c.opIndexes[j]!,
      start: c.starts[j]!,
    };
  }

  /** All pauses as records (for reports; allocates). */
  toArray(): PauseRecord[] {
    const out: PauseRecord[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.get(i));
    return out;
  }

  /** Wall-clock durations in nanoseconds: the first `length` entries (a view while one chunk holds them). */
  durations(): Float64Array {
    return this.column('nanos');
  }

  /** Wall-clock starts in milliseconds (`performance.now()`): the first `length` entries, as `durations`. */
  startTimes(): Float64Array {
    return this.column('starts');
  }

  /** Work units per pause: the first `length` entries, as `durations`. */
  workUnits(): Float64Array {
    return this.column('work');
  }

  /** The columns of the chunk being filled. */
  private current(): PauseColumns {
    const { kinds, nanos, work, clocks, opIndexes, starts } = this;
    return { kinds, nanos, work, clocks, opIndexes, starts };
  }

  /** One column over all pauses: a view of the chunk being filled, or a copy joining the chunks. */
  private column(name: 'nanos' | 'starts' | 'work'): Float64Array {
    const n = this.length - this.base;
    if (this.full.length === 0) return this[name].subarray(0, n);
    const out = new Float64Array(this.length);
    for (let k = 0; k < this.full.length; k++) out.set(this.full[k]![name], k * CHUNK);
    out.set(this[name].subarray(0, n), this.base);
    return out;
  }

  /** The chunk being filled is full: double it (below `CHUNK`) or start a new one; returns its index. */
  private nextChunk(): number {
    const n = this.kinds.length;
    if (n < CHUNK) {
      const grown = columns(n * 2);
      grown.kinds.set(this.kinds);
      grown.nanos.set(this.nanos);
      grown.work.set(this.work);
      grown.clocks.set(this.clocks);
      grown.opIndexes.set(this.opIndexes);
      grown.starts.set(this.starts);
      this.use(grown);
      return n;
    }
    this.full.push(this.current());
    this.base += CHUNK;
    this.use(columns(CHUNK));
    return 0;
  }

  private use(c: PauseColumns): void {
    this.kinds = c.kinds;
    this.nanos = c.nanos;
    this.work = c.work;
    this.clocks = c.clocks;
    this.opIndexes = c.opIndexes;
    this.starts = c.starts;
  }
}

/** All telemetry of one heap. */
export class Telemetry {
  /** Deterministic counters. */
  readonly counters = new Counters();
  /** Pause log. */
  readonly pauses = new PauseLog();
  /** Collections in the order they ran. */
  readonly collections: CollectionRecord[] = [];
  /** Collections by kind or generation name. */
  readonly collectionsByKind: Record<string, number> = {};
  /** Objects freed during each kind of operation, indexed by `OpCode` (which op's block freed them). */
  readonly freedDuringOp = new Float64Array(OP_NAMES.length);
  /** Bytes freed during each kind of operation, indexed by `OpCode`. */
  readonly bytesFreedDuringOp = new Float64Array(OP_NAMES.length);
  /** Listeners told of each collection as it ends (e.g. a `--gc-log` printer). */
  readonly collectionListeners: Array<(record: CollectionRecord) => void> = [];
  /** Index of the operation running now (set by the heap). */
  opIndex = -1;
  /** Code of the operation running now. */
  opCode = 0;

  /** A timestamp in milliseconds for `endPause` (performance.now()). */
  startPause(): number {
    return now();
  }

  /** Records a pause that began at `start` (from `startPause`) with its work units. */
  endPause(
    kind: number,
    start: number,
    work: number,
    clockAtStart: number = this.counters.bytesAllocated,
  ): void {
    this.pauses.add(kind, (now() - start) * 1e6, work, clockAtStart, this.opIndex, start);
  }

  /** Records a finished collection (for `--gc-log`, `gc.callbacks` and collection counts). */
  recordCollection(generation: number | string, collected: number, uncollectable = 0): void {
    const record: CollectionRecord = { opIndex: this.opIndex, generation, collected, uncollectable };
    this.collections.push(record);
    const key = String(generation);
    this.collectionsByKind[key] = (this.collectionsByKind[key] ?? 0) + 1;
    for (const listener of this.collectionListeners) listener(record);
  }
}
