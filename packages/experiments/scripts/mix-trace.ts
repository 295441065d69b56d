/**
 * Writes the differential mix as a gclab trace on stdout:
 *
 *   npx tsx --conditions=@gclab/source packages/experiments/scripts/mix-trace.ts SEED STEPS [LONG_LIVED] > mix.trace
 *   gclab replay mix.trace --strategy cpython --gc-log
 *   python3 packages/experiments/scripts/differential_mix.py SEED STEPS [LONG_LIVED]
 *
 * The last two print the same lines (the collection log, then `count C0 C1 C2`).
 */
import { writeSync } from 'node:fs';
import { Heap, TRACE_HEADER } from '@gclab/core';
import { cpython } from '@gclab/generational';
import { runMix } from '../src/differential-mix/differential-mix.ts';

const [seed, steps, longLived] = process.argv.slice(2).map(Number);
if (!Number.isInteger(seed) || !Number.isInteger(steps) || steps! < 0) {
  process.stderr.write('usage: mix-trace.ts SEED STEPS [LONG_LIVED]\n');
  process.exit(2);
}
let buffer: string[] = [
  TRACE_HEADER,
  `# differential mix: seed ${seed}, ${steps} steps, ${longLived ?? 0} long-lived objects (see differential-mix.ts)`,
];
const flush = () => {
  writeSync(1, `${buffer.join('\n')}\n`);
  buffer = [];
};
runMix(new Heap(cpython), { seed: seed!, steps: steps!, longLived: longLived ?? 0 }, (line) => {
  buffer.push(line);
  if (buffer.length >= 65_536) flush();
});
flush();
