/**
 * A long verification campaign (not part of `npm test`): `verifyCollector` over many programs per
 * collector, in chunks of fresh seeds, printing progress and, for the first failure of each
 * collector, the counterexample (also written to the output directory).
 *
 *   npx tsx --conditions=@gclab/source packages/verify/scripts/verify-campaign.ts \
 *     [--programs 100000] [--chunk 2000] [--seed 1] [--max-ops 40] [--out verify-campaign] \
 *     [--minutes M] [--collector MODULE:EXPORT[:JSON-OPTIONS]]...
 *
 * Collectors are references `MODULE:EXPORT` (a package name or a file path, and an export name),
 * imported by name, so the verifier still imports no strategy package; JSON options after
 * a second colon are passed to the collector's `create`. Without `--collector`, every collector of
 * the lab is verified. `--minutes` bounds the time per collector (the programs run so far are
 * reported). Chunk k runs with seed `seed + k`, so a failure is reproduced by running that chunk's
 * seed with `path` (both printed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type CollectorOptions, descriptorProblems, isCollectorDescriptor } from '@gclab/core';
import { verifyCollector } from '../src/index.ts';

/** Every collector of the lab, as references (strings: no strategy package is imported here). */
const DEFAULT_COLLECTORS = [
  '@gclab/core:noGc',
  '@gclab/refcount:refcount',
  '@gclab/refcount:refcountDeferred',
  '@gclab/refcount:refcountDeferred:{"zctThreshold":2}',
  '@gclab/refcount:refcountTrialDeletion',
  '@gclab/refcount:refcountTrialDeletion:{"candidateThreshold":1}',
  '@gclab/refcount:lxr',
  '@gclab/refcount:lxr:{"epochBytes":256,"traceEvery":3}',
  '@gclab/generational:cpython',
  '@gclab/generational:cpython:{"threshold0":3,"threshold1":2,"threshold2":2}',
  '@gclab/generational:cpython312',
  '@gclab/generational:cpython312:{"threshold0":3,"threshold1":2,"threshold2":2}',
  '@gclab/generational:cpython313',
  '@gclab/generational:cpython314',
  '@gclab/generational:cpython314:{"threshold0":3,"threshold1":1}',
  '@gclab/generational:cpython315',
  '@gclab/tracing-gc:markSweep',
  '@gclab/tracing-gc:markSweep:{"minHeapBytes":4096}',
  '@gclab/tracing-gc:markCompact',
  '@gclab/tracing-gc:semispace',
  '@gclab/tracing-gc:incremental',
  '@gclab/tracing-gc:incremental:{"minHeapBytes":2048,"budget":2,"stepBytes":16,"sweepBudgetBytes":4096}',
  '@gclab/tracing-gc:genCopy',
  '@gclab/tracing-gc:genCopy:{"nurseryBytes":4096,"minFullTriggerBytes":8192}',
  '@gclab/tracing-gc:immix',
  '@gclab/tracing-gc:immix:{"minHeapBytes":4096,"defragThreshold":0}',
  '@gclab/tracing-gc:stickyImmix',
  '@gclab/tracing-gc:stickyImmix:{"nurseryBytes":1024,"minHeapBytes":4096,"defragThreshold":0}',
];

const { values } = parseArgs({
  options: {
    programs: { type: 'string', default: '100000' },
    chunk: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    'max-ops': { type: 'string', default: '40' },
    out: { type: 'string', default: 'verify-campaign' },
    minutes: { type: 'string' },
    collector: { type: 'string', multiple: true },
  },
});
const programs = Number(values.programs);
const chunk = Number(values.chunk);
const baseSeed = Number(values.seed);
const maxOps = Number(values['max-ops']);
const minutes = values.minutes === undefined ? Number.POSITIVE_INFINITY : Number(values.minutes);
const refs = values.collector ?? DEFAULT_COLLECTORS;

/** Splits `MODULE:EXPORT[:JSON]` (a module path may itself hold no colon after its drive). */
function parseRef(text: string): { module: string; exportName: string; options: CollectorOptions } {
  const first = text.indexOf(':', text.startsWith('@') ? text.indexOf('/') : 0);
  const second = first < 0 ? -1 : text.indexOf(':', first + 1);
  if (first < 0) throw new Error(`collector reference '${text}' must be MODULE:EXPORT[:JSON-OPTIONS]`);
  const module = text.slice(0, first);
  const exportName = second < 0 ? text.slice(first + 1) : text.slice(first + 1, second);
  const options = second < 0 ? {} : (JSON.parse(text.slice(second + 1)) as CollectorOptions);
  return { module: module.startsWith('.') ? resolve(module) : module, exportName, options };
}

mkdirSync(values.out, { recursive: true });
const summary: string[] = [];
for (const text of refs) {
  const ref = parseRef(text);
  const specifier = ref.module.startsWith('/') ? pathToFileURL(ref.module).href : ref.module;
  const descriptor = ((await import(specifier)) as Record<string, unknown>)[ref.exportName];
  const problems = descriptorProblems(descriptor);
  if (!isCollectorDescriptor(descriptor)) {
    throw new Error(
      `'${ref.module}' export '${ref.exportName}' is not a collector descriptor: ${problems.join('; ')}`,
    );
  }
  const label = `${descriptor.name}${Object.keys(ref.options).length > 0 ? ` ${JSON.stringify(ref.options)}` : ''}`;
  const started = performance.now();
  let done = 0;
  let ops = 0;
  let fullGcs = 0;
  let oom = 0;
  let verdict = 'passed';
  for (let k = 0; done < programs; k++) {
    if ((performance.now() - started) / 60_000 >= minutes) {
      verdict = `passed (time limit: ${done} of ${programs} programs)`;
      break;
    }
    const runs = Math.min(chunk, programs - done);
    const seed = baseSeed + k;
    const result = verifyCollector(descriptor, { seed, runs, maxOps, collectorOptions: ref.options });
    done += result.figures.programs;
    ops += result.figures.operations;
    fullGcs += result.figures.fullCollections;
    oom += result.figures.outOfMemory;
    const rate = Math.round(done / ((performance.now() - started) / 1000));
    process.stdout.write(`${label}: ${done}/${programs} programs, ${ops} ops, ${rate} programs/s\n`);
    if (result.failure !== null) {
      const f = result.failure;
      const file = join(values.out, `${descriptor.name}-${f.property}-seed${seed}.trace`);
      writeFileSync(file, f.trace);
      verdict = `FAILED ${f.property} after ${done} programs (seed ${seed}, path ${f.path}); counterexample in ${file}`;
      process.stdout.write(`${label}: ${verdict}\n${f.trace}\n`);
      break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  summary.push(
    `${label}: ${verdict}; ${done} programs, ${ops} ops, ${fullGcs} full gcs, ${oom} ended out of memory, ${seconds.toFixed(0)} s`,
  );
}
process.stdout.write(`\n${summary.join('\n')}\n`);
