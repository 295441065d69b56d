import type { CollectorOptions } from '@gclab/core';
import { verifyCollector } from '../src/index.ts';
import { Incremental, incremental } from '../../tracing-gc/src/plans/incremental.ts';
class IncrementalWithoutBarrier extends Incremental {
  override writeBarrierPost(): void {}
  override rootWritten(): void {}
}
const d = { ...incremental, name: 'iwb', create: (h: any, o?: CollectorOptions) => new IncrementalWithoutBarrier(h, o as any) };
const eager = { minHeapBytes: 2048, budget: 2, stepBytes: 16, sweepBudgetBytes: 4096 };
for (const [label, opts] of [['eager+sets', { collectorOptions: eager }], ['eager only', { collectorOptions: eager, optionSets: [] }], ['defaults+sets', {}]] as const) {
  for (const seed of [42, 1, 2]) {
    const r = verifyCollector(d, { seed, corpus: [], minimize: false, ...opts });
    console.log(label, seed, r.passed ? 'passed' : `${r.failure!.property} @${r.figures.programs} ${JSON.stringify(r.failure!.collectorOptions)}`);
  }
}
