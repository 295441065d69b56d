/**
 * BumpSpace: bump allocation of 24-byte objects, BATCH per iteration, reset between iterations.
 *
 * Run: `npm run bench -w @gclab/allocator` or
 * `npx tsx --conditions=@gclab/source packages/allocator/bench/bump-space.bench.ts`.
 */
import { SimulatedOS } from '@gclab/core';
import { Bench } from 'tinybench';
import { BumpSpace } from '../src/index.ts';
import { BATCH, printTable } from './pairs.ts';

const space = BumpSpace.map(new SimulatedOS(), BATCH * 64)!;
const bench = new Bench({ name: 'BumpSpace allocation', time: 500, warmupTime: 200 });
for (const size of [24, 64]) {
  bench.add(`bump ${size} B`, () => {
    space.reset();
    for (let i = 0; i < BATCH; i++) space.allocate(size);
  });
}
await bench.run();
printTable(bench, 'allocs');
