/**
 * The differential mix at 1,000,000 steps: gclab's `cpython` beside CPython 3.11 itself running the
 * same operations (scripts/differential_mix.py, which times its own loop with perf_counter, after
 * interpreter start-up and the generation of the random words). A simple timed script rather than
 * tinybench: each round runs Python in a child process, then gclab in this one (fresh heap), and
 * the medians are compared. The logs of every round are checked to be identical.
 *
 * Run: `npm run bench -w @gclab/experiments` or
 * `npx tsx --conditions=@gclab/source packages/experiments/bench/differential-mix.bench.ts [STEPS] [ROUNDS]`.
 */
import { Heap } from '@gclab/core';
import { type CPythonCollector, cpython } from '@gclab/generational';
import { runMix } from '../src/differential-mix/differential-mix.ts';
import { PYTHON_COMMAND, runPythonMix } from '../src/interpreters/python.ts';

const steps = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 5);

function gclabRound(seed: number, longLived: number): { ms: number; lines: string[]; ops: number } {
  const heap = new Heap(cpython);
  const c = heap.collector as CPythonCollector;
  c.gc.callbacks.push(() => {});
  const start = performance.now();
  const ops = runMix(heap, { seed, steps, longLived });
  const ms = performance.now() - start;
  const lines = heap.telemetry.collections.map(
    (r) => `${r.opIndex} ${r.generation} ${r.collected} ${r.uncollectable}`,
  );
  lines.push(`count ${c.gc.get_count().join(' ')}`);
  return { ms, lines, ops };
}

async function pythonRound(seed: number, longLived: number): Promise<{ ms: number; lines: string[] }> {
  const run = await runPythonMix(PYTHON_COMMAND, seed, steps, longLived);
  return { ms: run.seconds * 1000, lines: run.lines };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

for (const longLived of [0, 200_000]) {
  const g: number[] = [];
  const p: number[] = [];
  let ops = 0;
  for (let r = 0; r < rounds; r++) {
    const seed = 1 + r;
    const py = await pythonRound(seed, longLived);
    const gc = gclabRound(seed, longLived);
    if (gc.lines.join('\n') !== py.lines.join('\n'))
      throw new Error(`round ${r}: logs differ between gclab and CPython`);
    g.push(gc.ms);
    p.push(py.ms);
    ops = gc.ops;
  }
  const gm = median(g);
  const pm = median(p);
  console.log(
    `differential mix, ${steps} steps${longLived > 0 ? ` after ${longLived} long-lived objects` : ''} (${ops} gclab ops), ${rounds} rounds, medians:`,
  );
  console.log(
    `  gclab cpython  ${gm.toFixed(1)} ms  (${((gm * 1e6) / ops).toFixed(1)} ns/op; first round, cold JIT: ${g[0]!.toFixed(1)} ms)`,
  );
  console.log(`  CPython 3.11   ${pm.toFixed(1)} ms`);
  console.log(`  ratio gclab / CPython  ${(gm / pm).toFixed(2)}`);
}
