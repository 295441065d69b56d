import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GclabError, Heap, parseTrace, type TraceOp, TracePerformer } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { PROPERTY_NAMES, verifyCollector, verifyTrace } from '../src/index.ts';
import { brokenCorpus } from './fixtures/broken/index.ts';
import { tinyGenerational } from './fixtures/tiny-generational.ts';
import { tinyIncremental } from './fixtures/tiny-incremental.ts';
import { tinySemispace } from './fixtures/tiny-semispace.ts';
import { tinySizeClasses } from './fixtures/tiny-size-classes.ts';

const examples = join(import.meta.dirname, '../../../examples/traces');
/** Every example trace: programs a correct collector runs without trouble. */
const happyTraces = readdirSync(examples)
  .filter((file) => file.endsWith('.trace'))
  .map((file) => ({ file, ops: parseTrace(readFileSync(join(examples, file), 'utf8'), file) }));

/** Runs `ops` on a plain heap; returns the heap, or throws what the run threw. */
function run(descriptor: Parameters<typeof verifyTrace>[0], ops: readonly TraceOp[]): Heap {
  const heap = new Heap(descriptor);
  const performer = new TracePerformer(heap);
  for (const op of ops) performer.perform(op);
  return heap;
}

const seed = Number(process.env.GCLAB_SEED ?? 42);

describe('the correct collectors the corpus is built on', () => {
  // A bug the verifier finds in a base would be credited to every broken collector built on it.
  it.each([tinySizeClasses, tinySemispace, tinyIncremental, tinyGenerational])(
    '$name passes 150 programs',
    (descriptor) => {
      const result = verifyCollector(descriptor, { seed, runs: 150 });
      expect(result.failure?.trace ?? null).toBeNull();
      // 150 random programs, then 2 long programs in stress mode.
      expect(result.figures.programs).toBe(152);
    },
  );
});

describe('the broken-collector corpus', () => {
  it('has at least 24 collectors, each with its own name', () => {
    const names = brokenCorpus.map((c) => c.descriptor.name);
    expect(names.length).toBeGreaterThanOrEqual(24);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(brokenCorpus.map((c) => ({ ...c, name: c.descriptor.name })))(
    '$name: its hand-written trace exposes the bug ($expected)',
    ({ descriptor, expected, trace, correct }) => {
      const ops = parseTrace(trace, descriptor.name);
      expect(PROPERTY_NAMES).toContain(expected);
      expect(verifyTrace(descriptor, ops).violation?.property).toBe(expected);
      if (correct !== null) expect(verifyTrace(correct, ops).violation).toBeNull();
    },
  );

  it.each(brokenCorpus.map((c) => ({ ...c, name: c.descriptor.name })))(
    '$name: wrong, not noisy: the example traces run without a crash',
    ({ descriptor }) => {
      for (const { ops } of happyTraces) {
        try {
          run(descriptor, ops);
        } catch (error) {
          // A typed error (out of memory, an operation the damaged heap rejects) is not a crash.
          expect(error).toBeInstanceOf(GclabError);
        }
      }
      expect(happyTraces.length).toBeGreaterThanOrEqual(5);
    },
  );
});
