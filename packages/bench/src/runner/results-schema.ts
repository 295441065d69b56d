/**
 * The schema of a results file (`results.ts` holds its TypeScript types), written with zod so that
 * every file gclab reads back (`compare`, `merge`, `report`) is checked field by field before any
 * figure is used: a corrupted cell (`"wallMs": "fast"`) is rejected with the path of the field, never
 * compared or merged. Objects are loose (fields added by later versions of the same `schemaVersion`
 * are kept); figures measured in milliseconds or as ratios may be null (JSON has no NaN), counts and
 * bytes may not. Spreads of files written before the median's interval are given one on reading
 * (`withIntervals`), so every reader judges old and new files by the same rule.
 */
import { z } from 'zod';
import type { Spread } from '../metrics/spread.ts';
import { withInterval } from '../metrics/within-spread.ts';
import { WORKLOAD_SIZES } from '../workloads/workload.ts';
import type { MatrixResults } from './results.ts';

const count = z.number().int().nonnegative();
const bytes = z.number().nonnegative();
/** A measured figure: milliseconds, a ratio (null where it was NaN or infinite). */
const measured = z.number().nullable();
const numbers = z.record(z.string(), z.number());
const size = z.enum(WORKLOAD_SIZES);
const status = z.enum(['ok', 'oom', 'error']);

const heapSpec = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('unlimited') }),
  z.looseObject({ kind: z.literal('bytes'), bytes: count }),
  z.looseObject({ kind: z.literal('multiple'), multiple: z.number().min(1) }),
]);

const cell = z.looseObject({
  workload: z.string(),
  size,
  seed: z.number().int(),
  collector: z.string(),
  heap: heapSpec,
});

/** A spread; files before the median's interval have no lo, hi, confidence or samples (`withInterval`). */
const spread = z.looseObject({
  n: count,
  median: measured,
  min: measured,
  max: measured,
  lo: measured.optional(),
  hi: measured.optional(),
  confidence: z.number().min(0).max(1).optional(),
  samples: z.array(measured).optional(),
});

const summary = z.looseObject({
  wallMs: spread,
  gcMs: spread,
  mutatorMs: spread,
  pauseP50Ms: spread,
  pauseP90Ms: spread,
  pauseP99Ms: spread,
  pauseMaxMs: spread,
  mmu1ms: spread.nullable(),
  mmu10ms: spread.nullable(),
  mmu100ms: spread.nullable(),
});

const timeline = z.looseObject({
  every: z.number().positive(),
  clock: z.array(z.number()),
  reservedBytes: z.array(z.number()),
  liveBytes: z.array(z.number()),
  garbageBytes: z.array(z.number()),
});

const measurement = z.looseObject({
  result: z.number(),
  time: z.looseObject({ wallMs: measured, gcMs: measured, mutatorMs: measured }),
  pauses: z.looseObject({
    count,
    totalMs: measured,
    meanMs: measured,
    p50Ms: measured,
    p90Ms: measured,
    p99Ms: measured,
    maxMs: measured,
    workTotal: z.number(),
    workMax: z.number(),
    workMean: measured,
    workHash: z.number(),
    byKind: z.record(z.string(), z.looseObject({ count, totalMs: measured, work: z.number() })),
  }),
  mmu: z.looseObject({
    w1ms: measured,
    w10ms: measured,
    w100ms: measured,
    curve: z.array(z.looseObject({ windowMs: z.number(), mmu: measured })),
  }),
  memory: z.looseObject({
    peakReservedBytes: bytes,
    finalReservedBytes: bytes,
    reservedAfterCollectionBytes: bytes,
    finalLiveBytes: bytes,
    peakLiveBytes: bytes.nullable(),
    headerWords: count,
    headerBytes: bytes,
    fragmentation: measured,
  }),
  garbage: z.looseObject({
    outstandingAtEndBytes: bytes,
    peakOutstandingBytes: bytes.nullable(),
    leakedBytes: bytes,
    leakedObjects: count,
  }),
  counters: numbers,
  frees: z.looseObject({ objectsByOp: numbers, bytesByOp: numbers }),
  collections: numbers,
  collector: numbers,
  timeline: timeline.nullable(),
});

const cellResult = z
  .looseObject({
    cell,
    status,
    message: z.string().optional(),
    heapLimitBytes: bytes.nullable(),
    minHeapBytes: bytes.nullable(),
    invocations: count,
    wallMs: z.array(z.number()),
    summary: summary.nullable(),
    deterministic: z.record(z.string(), z.unknown()).nullable(),
    measurement: measurement.nullable(),
    overheadVsNoGc: measured.optional(),
    baseline: z.boolean().optional(),
  })
  .refine((r) => r.status !== 'ok' || (r.summary !== null && r.measurement !== null), {
    message: 'an ok cell has a summary and a measurement',
  });

const minHeap = z.looseObject({
  workload: z.string(),
  size,
  seed: z.number().int(),
  collector: z.string(),
  bytes: bytes.nullable(),
  cached: z.boolean(),
  error: z.string().optional(),
});

const timeSpace = z.looseObject({
  workload: z.string(),
  size,
  seed: z.number().int(),
  collector: z.string(),
  minHeapBytes: bytes.nullable(),
  points: z.array(
    z.looseObject({
      heap: z.string(),
      heapLimitBytes: bytes.nullable(),
      multiple: measured,
      status,
      wallMs: measured,
      gcMs: measured,
      peakReservedBytes: bytes.nullable(),
    }),
  ),
});

const options = z.looseObject({
  workloads: z.array(z.string()),
  collectors: z.array(z.looseObject({ name: z.string(), module: z.string(), exportName: z.string() })),
  sizes: z.array(size),
  heaps: z.array(z.string()),
  seeds: z.array(z.number().int()),
  invocations: count,
  minTimedMs: z.number().nonnegative().optional(),
  maxInvocations: count.optional(),
  warmup: count,
  sampleEvery: z.union([z.number().nonnegative(), z.literal('auto')]),
  isolation: z.enum(['cell', 'collector']),
  concurrency: count,
  baseline: z.string().nullable(),
  shard: z
    .looseObject({ index: z.number().int().positive(), count: z.number().int().positive() })
    .refine((s) => s.index <= s.count, { message: 'shard index is larger than the shard count' })
    .nullable()
    .optional(),
});

/** The zod schema of a results file of the current `schemaVersion` (checked separately, first). */
export const resultsSchema = z.looseObject({
  schema: z.literal('gclab-results'),
  schemaVersion: z.literal(1),
  timestamp: z.string(),
  durationMs: z.number().nonnegative(),
  machine: z.looseObject({
    cpus: count,
    cpuModel: z.string(),
    memoryBytes: bytes,
    platform: z.string(),
    arch: z.string(),
    osRelease: z.string(),
    hostname: z.string(),
  }),
  node: z.string(),
  packages: z.record(z.string(), z.string()),
  gitCommit: z.string().nullable(),
  options,
  interrupted: z.boolean(),
  minHeaps: z.array(minHeap),
  cells: z.array(cellResult),
  timeSpace: z.array(timeSpace),
});

/** `cells[3].summary.wallMs`: the path of a field, as a reader finds it in the JSON. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(the whole file)' : out;
}

/**
 * `results` with every spread's median interval filled in where an older file recorded none (the
 * range of the invocations, `withInterval`), so readers judge every file by the same rule.
 */
export function withIntervals(results: MatrixResults): MatrixResults {
  for (const cell of results.cells) {
    const s = cell.summary as Record<string, Spread | null> | null;
    if (s === null) continue;
    for (const key of Object.keys(s)) {
      const value = s[key];
      if (value !== null && value !== undefined && typeof value === 'object') s[key] = withInterval(value);
    }
  }
  return results;
}

/**
 * Checks `data` against the schema: the results (spreads of older files given their interval by
 * `withIntervals`), or the problems found (at most `limit`, each
 * `path: what is wrong`, e.g. `cells[0].wallMs: Invalid input: expected array, received string`).
 */
export function checkResultsSchema(
  data: unknown,
  limit = 3,
): { ok: true; results: MatrixResults } | { ok: false; problems: string[] } {
  const parsed = resultsSchema.safeParse(data);
  if (parsed.success) return { ok: true, results: withIntervals(data as MatrixResults) };
  const problems = parsed.error.issues
    .slice(0, limit)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = parsed.error.issues.length - problems.length;
  if (more > 0) problems.push(`and ${more} more problem${more === 1 ? '' : 's'}`);
  return { ok: false, problems };
}
