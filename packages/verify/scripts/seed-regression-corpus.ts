/**
 * Writes the regression corpus (`corpus/*.trace`) from the broken-collector corpus
 * (`test/fixtures/broken/`): each broken collector's hand-written exposing trace that today's
 * verifier catches with the expected property, shrunk to a local minimum (`verifyTrace` with
 * `minimize`), with a comment header naming the bug, the collector and the property. A trace goes
 * in only if it fails three times in three (the hand-written one when its minimum does not). Rerun it when a
 * broken collector is added; `verifyCollector` runs the corpus before any random program. The
 * corpus runs under every collector, so the traces of the format-2 broken collectors (finalizers,
 * weak references) go in only once format-2 programs are on by default (`DEFAULT_FORMAT_2_SHARE`):
 * until then some collector of the lab does not implement them.
 *
 *   npx tsx --conditions=@gclab/source packages/verify/scripts/seed-regression-corpus.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace, type TraceOp, writeTrace } from '@gclab/core';
import {
  DEFAULT_FORMAT_2_SHARE,
  PROPERTY_NAMES,
  type PropertyName,
  REGRESSION_CORPUS_DIR,
  verifyTrace,
} from '../src/index.ts';

import { brokenCorpus } from '../test/fixtures/broken/index.ts';

mkdirSync(REGRESSION_CORPUS_DIR, { recursive: true });
for (const entry of brokenCorpus) {
  const name = entry.descriptor.name;
  if (entry.format2 === true && DEFAULT_FORMAT_2_SHARE === 0) {
    console.log(`skip  ${name}: a format-2 bug, and format-2 programs are off by default`);
    continue;
  }
  if (!PROPERTY_NAMES.includes(entry.expected as PropertyName)) {
    console.log(`skip  ${name}: ${entry.expected} is not a property the verifier checks`);
    continue;
  }
  const ops = parseTrace(entry.trace, name);
  const result = verifyTrace(entry.descriptor, ops, { minimize: true });
  if (result.violation?.property !== entry.expected || result.minimal === null) {
    console.log(`skip  ${name}: its trace gives ${result.violation?.property ?? 'no violation'}`);
    continue;
  }
  // A regression trace must fail every time: a nondeterministic bug's minimum may not.
  const stable = (trace: readonly TraceOp[], limit: number | null) =>
    [1, 2, 3].every(
      () => verifyTrace(entry.descriptor, trace, { heapLimit: limit }).violation?.property === entry.expected,
    );
  const minimal = stable(result.minimal.ops, result.minimal.heapLimit)
    ? result.minimal
    : stable(ops, null)
      ? { ops, heapLimit: null }
      : null;
  if (minimal === null) {
    console.log(`skip  ${name}: its trace does not fail every time`);
    continue;
  }
  const text = writeTrace(minimal.ops, [
    `regression: ${entry.descriptor.summary.replace(/^broken: /, '')}`,
    `caught in: broken collector '${name}' (packages/verify/test/fixtures/broken/${name}.ts)`,
    `property: ${entry.expected}`,
    minimal.ops === ops
      ? 'not shrunk: its minimum does not fail every time'
      : `shrunk from ${ops.length} to ${minimal.ops.length} ops by seed-regression-corpus.ts`,
    `heap limit: ${minimal.heapLimit === null ? 'none' : `${minimal.heapLimit} bytes`}`,
  ]);
  writeFileSync(join(REGRESSION_CORPUS_DIR, `${name}.trace`), text);
  console.log(`wrote ${name}.trace: ${ops.length} -> ${minimal.ops.length} ops`);
}
