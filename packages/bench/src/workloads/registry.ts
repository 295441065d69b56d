/**
 * The workloads by name, and workload specs: `name`, `name:key=value,key=value` (options, e.g.
 * `churn:survival=0.3`), `trace:FILE` or `snapshot:FILE`.
 */
import { GclabError } from '@gclab/core';
import { bigDel } from './big-del.ts';
import { binaryTrees } from './binary-trees.ts';
import { churn } from './churn.ts';
import { cpythonMix } from './cpython-mix.ts';
import { gcbench } from './gcbench.ts';
import { jupyterGlobals } from './jupyter-globals.ts';
import { lruCache } from './lru-cache.ts';
import { nestedLists } from './nested-lists.ts';
import { PYPERFORMANCE_WORKLOADS } from './pyperformance/pyperformance-workloads.ts';
import { rings } from './rings.ts';
import { checkSnapshotFile, SNAPSHOT_PREFIX, snapshotFile } from './snapshot-file.ts';
import { checkTraceFile, TRACE_PREFIX, traceFile } from './trace-file.ts';
import type { Workload, WorkloadOptions } from './workload.ts';

/** Every built-in workload (the trace and snapshot workloads aside), in the order reports list them. */
export const WORKLOADS: readonly Workload[] = [
  gcbench,
  binaryTrees,
  rings,
  nestedLists,
  churn,
  lruCache,
  bigDel,
  jupyterGlobals,
  cpythonMix,
  ...PYPERFORMANCE_WORKLOADS,
];

/**
 * Names of the workloads `gclab run` uses by default: every built-in one but pyperformance's
 * (`gclab run --workloads all` adds them).
 */
export const DEFAULT_WORKLOADS: readonly string[] = WORKLOADS.filter(
  (w) => !PYPERFORMANCE_WORKLOADS.includes(w),
).map((w) => w.name);

/** Names of every built-in workload, pyperformance's included. */
export const ALL_WORKLOADS: readonly string[] = WORKLOADS.map((w) => w.name);

/** A workload spec that names no known workload, or has malformed options. */
export class WorkloadSpecError extends GclabError {
  override name = 'WorkloadSpecError';
  constructor(
    readonly spec: string,
    reason: string,
  ) {
    super(`workload '${spec}': ${reason}`);
  }
}

/** A workload spec resolved to its workload and options. */
export interface ResolvedWorkload {
  /** The spec as given. */
  readonly spec: string;
  /** The workload. */
  readonly workload: Workload;
  /** Its options (`file` for traces and snapshots). */
  readonly options: WorkloadOptions;
}

/** The built-in workload named `name`, or undefined. */
export function findWorkload(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}

/** Resolves `spec`; throws `WorkloadSpecError` for an unknown name or malformed options. */
export function resolveWorkload(spec: string): ResolvedWorkload {
  if (spec.startsWith(TRACE_PREFIX)) {
    const file = spec.slice(TRACE_PREFIX.length);
    if (file === '')
      throw new WorkloadSpecError(spec, `a trace workload names its file: ${TRACE_PREFIX}FILE`);
    return { spec, workload: traceFile, options: { file } };
  }
  if (spec.startsWith(SNAPSHOT_PREFIX)) {
    const file = spec.slice(SNAPSHOT_PREFIX.length);
    if (file === '')
      throw new WorkloadSpecError(spec, `a snapshot workload names its file: ${SNAPSHOT_PREFIX}FILE`);
    return { spec, workload: snapshotFile, options: { file } };
  }
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const workload = findWorkload(name);
  if (workload === undefined) {
    const known = [...ALL_WORKLOADS, `${TRACE_PREFIX}FILE`, `${SNAPSHOT_PREFIX}FILE`].join(', ');
    throw new WorkloadSpecError(spec, `unknown workload '${name}' (known: ${known})`);
  }
  const options: Record<string, string> = {};
  if (colon >= 0) {
    for (const pair of spec.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new WorkloadSpecError(spec, `options are key=value pairs separated by commas, got '${pair}'`);
      options[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return { spec, workload, options };
}

/**
 * Resolves `spec` and checks what it needs from outside: a trace workload's file is read through
 * and parsed (`checkTraceFile`), a snapshot workload's too (`checkSnapshotFile`). Throws
 * `WorkloadSpecError`, `TraceFileError`, `TraceSyntaxError`, `SnapshotFileError` or `SnapshotSyntaxError`.
 */
export function checkWorkload(spec: string): ResolvedWorkload {
  const resolved = resolveWorkload(spec);
  const file = resolved.options['file'];
  if (resolved.workload === traceFile && file !== undefined) checkTraceFile(file);
  if (resolved.workload === snapshotFile && file !== undefined) checkSnapshotFile(file);
  return resolved;
}
