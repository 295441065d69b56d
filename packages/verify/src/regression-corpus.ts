/**
 * The regression corpus: traces that once exposed a bug, kept in the package's `corpus/` directory
 * (one `*.trace` file each, its comment header saying what bug it caught, in which collector and by
 * which property, and the heap limit it needs). `verifyCollector` runs every one of them first, under
 * the collector being verified. Every trace runs under every collector: the trace format has no
 * operation a collector cannot take (`gc N` is a full collection for a collector that is not
 * generational, `refcount` gives null for one that does not count references).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CollectorOptions, GclabError, parseTrace, type TraceOp } from '@gclab/core';

/** One trace of the regression corpus. */
export interface RegressionTrace {
  /** Its file name, without `.trace`. */
  name: string;
  /** Its operations. */
  ops: TraceOp[];
  /** The heap limit its `# heap limit: N bytes` comment names, or null. */
  heapLimit: number | null;
}

/** The package's corpus directory. */
export const REGRESSION_CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url));

/** The heap limit a trace's `# heap limit: N bytes` comment names (as counterexamples carry it), or null. */
export function traceHeapLimit(text: string): number | null {
  const comment = /^# heap limit: ([0-9]+) bytes$/m.exec(text);
  return comment === null ? null : Number(comment[1]);
}

/** The comment (after `# `) that a counterexample found under collector options names them with, as JSON. */
export const COLLECTOR_OPTIONS_COMMENT = 'collector options:';

/**
 * The collector options a trace's `# collector options: {...}` comment names (as a counterexample
 * found under one of a collector's option sets carries them), or null. Throws `GclabError` when the
 * comment is not a JSON object.
 */
export function traceCollectorOptions(text: string, file = 'the trace'): CollectorOptions | null {
  const comment = /^# collector options: (.*)$/m.exec(text);
  if (comment === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(comment[1]!);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new GclabError(`${file}: '# ${COLLECTOR_OPTIONS_COMMENT}' must be followed by a JSON object`);
  return value as CollectorOptions;
}

/** Every `*.trace` file of `dir`, in name order (the package's corpus by default, read once). */
export function regressionCorpus(dir: string = REGRESSION_CORPUS_DIR): readonly RegressionTrace[] {
  if (dir === REGRESSION_CORPUS_DIR && packageCorpus !== null) return packageCorpus;
  const traces = readdirSync(dir)
    .filter((file) => file.endsWith('.trace'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        name: file.slice(0, -'.trace'.length),
        ops: parseTrace(text, file),
        heapLimit: traceHeapLimit(text),
      };
    });
  if (dir === REGRESSION_CORPUS_DIR) packageCorpus = traces;
  return traces;
}

let packageCorpus: readonly RegressionTrace[] | null = null;

/**
 * The heap limit a corpus trace runs under for a collector whose campaign limits are `heapLimits`:
 * its own, raised to the smallest campaign limit (the smallest under which the collector can hold
 * the generator's data; below it any trace runs out of memory), or none when it names none.
 */
export function corpusHeapLimit(
  trace: RegressionTrace,
  heapLimits: ReadonlyArray<number | null>,
): number | null {
  if (trace.heapLimit === null) return null;
  const floor = heapLimits.find((limit): limit is number => limit !== null);
  return floor === undefined ? null : Math.max(trace.heapLimit, floor);
}
