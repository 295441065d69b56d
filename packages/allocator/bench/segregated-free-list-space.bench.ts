/**
 * SegregatedFreeListSpace: allocate+free pairs per size class (LIFO and FIFO, see `pairs.ts`), mixed
 * sizes, and a full sweep.
 *
 * Run: `npm run bench -w @gclab/allocator` or
 * `npx tsx --conditions=@gclab/source packages/allocator/bench/segregated-free-list-space.bench.ts`.
 */
import { SimulatedOS } from '@gclab/core';
import { Bench } from 'tinybench';
import { SegregatedFreeListSpace } from '../src/index.ts';
import { fifo, lifo, mixed, printTable } from './pairs.ts';

const SIZES = [16, 24, 64, 128, 512, 4096] as const;
const space = new SegregatedFreeListSpace(new SimulatedOS());
const bench = new Bench({ name: 'SegregatedFreeListSpace allocate+free pairs', time: 500, warmupTime: 200 });
for (const size of SIZES) bench.add(`lifo ${size} B`, lifo(space, size));
for (const size of SIZES) bench.add(`fifo ${size} B`, fifo(space, size));
bench.add('fifo mixed 1..512 B', mixed(space));
await bench.run();
space.verify();
printTable(bench, 'pairs');
