/**
 * ObmallocSpace: allocate+free pairs per size class (LIFO and FIFO, see `pairs.ts`) and mixed sizes.
 *
 * Run: `npm run bench -w @gclab/allocator` or
 * `npx tsx --conditions=@gclab/source packages/allocator/bench/obmalloc-space.bench.ts`.
 */
import { SimulatedOS } from '@gclab/core';
import { Bench } from 'tinybench';
import { ObmallocSpace } from '../src/index.ts';
import { fifo, lifo, mixed, printTable } from './pairs.ts';

const SIZES = [16, 32, 64, 128, 256, 416, 512] as const;
const space = new ObmallocSpace(new SimulatedOS());
const bench = new Bench({ name: 'ObmallocSpace allocate+free pairs', time: 500, warmupTime: 200 });
for (const size of SIZES) bench.add(`lifo ${size} B`, lifo(space, size));
for (const size of SIZES) bench.add(`fifo ${size} B`, fifo(space, size));
bench.add('fifo mixed 1..512 B', mixed(space));
await bench.run();
space.verify();
printTable(bench, 'pairs');
