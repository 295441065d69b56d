/**
 * Micro-benchmarks of one collector with tinybench: allocate, field store (the write barrier), root
 * store, and a full collection of a fixed live heap (see src/micro/micro-benchmarks.ts).
 *
 * The collector is `no-gc` by default, or any collector by reference:
 *   npx tsx --conditions=@gclab/source packages/bench/bench/micro.bench.ts [--module M --export E] [--json] [--time MS]
 * `--json` prints one JSON line (collector, then per task: ns per operation, ±%, samples) instead of
 * the table; scripts/bench.ts at the repository root uses it to run every registered collector, each
 * in its own process.
 */
import { noGc } from '@gclab/core';
import { Bench } from 'tinybench';
import { microBenchmarks } from '../src/micro/micro-benchmarks.ts';
import { loadCollector } from '../src/runner/collector-ref.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const module = option('--module');
const exportName = option('--export');
const json = args.includes('--json');
const time = Number(option('--time') ?? 500);
const descriptor =
  module === undefined ? noGc : await loadCollector({ module, exportName: exportName ?? 'default' });

const bench = new Bench({
  name: `micro-benchmarks of ${descriptor.name}`,
  time,
  warmupTime: Math.min(200, time),
});
const benchmarks = microBenchmarks(descriptor);
for (const b of benchmarks) {
  bench.add(b.name, () => b.run(), { beforeAll: () => b.setup(), beforeEach: () => b.prepare() });
}
await bench.run();

const rows = bench.tasks.map((task, i) => {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`task ${task.name} did not complete`, { cause: result });
  const ops = benchmarks[i]!.opsPerIteration;
  return {
    task: task.name,
    nsPerOp: (result.latency.mean * 1e6) / ops,
    rmePercent: result.latency.rme,
    samples: result.latency.samplesCount,
  };
});
if (json) {
  console.log(JSON.stringify({ collector: descriptor.name, rows }));
} else {
  console.log(bench.name);
  console.table(
    rows.map((r) => ({
      task: r.task,
      'ns/op': r.nsPerOp.toFixed(1),
      'Mops/s': (1e3 / r.nsPerOp).toFixed(2),
      '±%': r.rmePercent.toFixed(1),
      samples: r.samples,
    })),
  );
}
