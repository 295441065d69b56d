import { descriptor as tms } from '../../../examples/collectors/tiny-mark-sweep.ts';
import { verifyCollector } from '../src/index.ts';
import { tinyGenerational } from '../test/fixtures/tiny-generational.ts';
import { tinyIncremental } from '../test/fixtures/tiny-incremental.ts';
import { tinyRefcount } from '../test/fixtures/tiny-refcount.ts';
import { tinySemispace } from '../test/fixtures/tiny-semispace.ts';
import { tinySizeClasses } from '../test/fixtures/tiny-size-classes.ts';

for (const d of [tinySizeClasses, tinySemispace, tinyIncremental, tinyGenerational, tinyRefcount, tms]) {
  for (const seed of (process.env.SEEDS ?? '1,2,3').split(',').map(Number)) {
    const t = performance.now();
    const r = verifyCollector(d, { seed, corpus: [] });
    console.log(
      d.name,
      seed,
      r.passed ? 'pass' : `FAIL ${r.failure!.property} ${r.failure!.reason}\n${r.failure!.trace}`,
      r.figures.programs,
      r.figures.operations,
      ((performance.now() - t) / 1000).toFixed(1),
    );
  }
}
