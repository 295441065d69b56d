/**
 * `npm run bench` (after the packages' own benchmarks): the micro-benchmarks of @gclab/bench
 * (allocate, field store, root store, full collection of a fixed heap) for every collector of the
 * gclab registry, each collector in its own process (one collector per isolate, so V8 sees
 * monomorphic call sites), then one table of nanoseconds per operation, task by collector.
 *
 * This script is not part of @gclab/bench, which never imports a strategy: it imports the CLI's
 * registry and finds which package exports each descriptor, then passes that reference
 * (`--module`, `--export`) to packages/bench/bench/micro.bench.ts.
 *
 * Run: `npx tsx --conditions=@gclab/source scripts/bench.ts [--time MS] [--only a,b]`.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { collectors } from '../apps/compare-cli/src/registry.ts';

const STRATEGY_MODULES = ['@gclab/core', '@gclab/refcount', '@gclab/generational', '@gclab/tracing-gc'];

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const time = option('--time') ?? '500';
const only = option('--only')?.split(',');

/** The module and export name of each registered descriptor, found by identity. */
async function references(): Promise<Array<{ name: string; module: string; exportName: string }>> {
  const modules: Array<[string, Record<string, unknown>]> = [];
  for (const name of STRATEGY_MODULES) {
    try {
      modules.push([name, (await import(name)) as Record<string, unknown>]);
    } catch (error) {
      console.error(`bench: skipping ${name}: ${(error as Error).message}`);
    }
  }
  const out: Array<{ name: string; module: string; exportName: string }> = [];
  for (const descriptor of collectors) {
    if (only !== undefined && !only.includes(descriptor.name)) continue;
    const found = modules
      .flatMap(([module, exports]) =>
        Object.entries(exports).map(([exportName, value]) => ({ module, exportName, value })),
      )
      .find((e) => e.value === descriptor);
    if (found === undefined)
      console.error(`bench: no package exports the descriptor of ${descriptor.name}; skipped`);
    else out.push({ name: descriptor.name, module: found.module, exportName: found.exportName });
  }
  return out;
}

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const micro = fileURLToPath(new URL('../packages/bench/bench/micro.bench.ts', import.meta.url));
const table: Record<string, Record<string, string>> = {};
let failed = 0;
for (const ref of await references()) {
  process.stderr.write(`bench: ${ref.name} ...\n`);
  const child = spawnSync(
    process.execPath,
    [
      '--conditions=@gclab/source',
      '--import',
      tsx,
      micro,
      '--module',
      ref.module,
      '--export',
      ref.exportName,
      '--json',
      '--time',
      time,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    console.error(`bench: ${ref.name} failed (exit ${child.status})`);
    failed++;
    continue;
  }
  const result = JSON.parse(line) as {
    collector: string;
    rows: Array<{ task: string; nsPerOp: number; rmePercent: number }>;
  };
  for (const row of result.rows) {
    const task = row.task.replace(/ \(.*\)$/, '');
    table[task] ??= {};
    table[task][result.collector] =
      `${row.nsPerOp < 1000 ? row.nsPerOp.toFixed(1) : row.nsPerOp.toExponential(2)} ±${row.rmePercent.toFixed(0)}%`;
  }
}
console.log('nanoseconds per operation (full collection: per collection of a 32,767-object live tree)');
console.table(table);
if (failed > 0) process.exit(1);
