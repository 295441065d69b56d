/**
 * The differential test against the real CPython 3.11: the same seeded mix of operations runs in
 * Python (packages/experiments/scripts/differential_mix.py) and, as gclab operations, under `cpython`; the collection
 * logs (`OPINDEX GENERATION COLLECTED UNCOLLECTABLE`, one line per collection as a gc.callbacks
 * callback records it) and the final gc.get_count() must be identical line for line.
 *
 * It fails, never skips, when CI=true and no CPython 3.11 is found; elsewhere it is skipped then.
 */
import { Heap, parseTrace, replay } from '@gclab/core';
import { type CPythonCollector, cpython } from '@gclab/generational';
import { describe, expect, it } from 'vitest';
import { differentialMix, formatAgainstCPython } from '../../src/differential-mix/against-cpython.ts';
import { mixWords, runMix } from '../../src/differential-mix/differential-mix.ts';
import { findPython311, runPythonMix } from '../../src/interpreters/python.ts';

const python = findPython311();
const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const available = python.command !== null;

/** Runs the mix under `cpython` with a callback that records each collection, as Python's does. */
function gclabMix(
  seed: number,
  steps: number,
  longLived = 0,
  words?: Uint32Array,
): { lines: string[]; heap: Heap } {
  const heap = new Heap(cpython);
  const c = heap.collector as CPythonCollector;
  const lines: string[] = [];
  c.gc.callbacks.push((phase, info) => {
    if (phase === 'stop')
      lines.push(`${heap.opIndex} ${info.generation} ${info.collected} ${info.uncollectable}`);
  });
  runMix(heap, words === undefined ? { seed, steps, longLived } : { seed, steps, longLived, words });
  lines.push(`count ${c.gc.get_count().join(' ')}`);
  return { lines, heap };
}

describe.skipIf(!available && !inCI)('differential test against CPython 3.11', () => {
  const command = (): string => {
    if (python.command === null)
      throw new Error(`CI=true and the differential test cannot run: ${python.reason}`);
    return python.command;
  };

  it('1,000,000 steps: identical collection logs and final counts', async () => {
    const py = runPythonMix(command(), 1, 1_000_000);
    const gclab = gclabMix(1, 1_000_000);
    const { lines } = await py;
    expect(gclab.lines.length).toBe(lines.length);
    expect(gclab.lines).toEqual(lines);
    // The run exercised every generation (op 0 is the explicit full collection).
    const gens = new Set(lines.slice(0, -1).map((l) => l.split(' ')[1]));
    expect(gens).toEqual(new Set(['0', '1', '2']));
    expect(lines.length).toBeGreaterThan(500);
    // The telemetry log (what `gclab replay --gc-log` prints) is the same as the callback's.
    const telemetry = gclab.heap.telemetry.collections.map(
      (r) => `${r.opIndex} ${r.generation} ${r.collected} ${r.uncollectable}`,
    );
    expect(telemetry).toEqual(lines.slice(0, -1));
  }, 180_000);

  it('200,000 long-lived objects first, then 1,000,000 steps: the long-lived rule fires as in CPython', async () => {
    const py = runPythonMix(command(), 7, 1_000_000, 200_000);
    const gclab = gclabMix(7, 1_000_000, 200_000);
    const { lines } = await py;
    expect(gclab.lines).toEqual(lines);
    // Generation 2 was due (count2 > 10) yet skipped: pending < long_lived_total / 4.
    const count2 = Number(lines.at(-1)!.split(' ')[3]);
    expect(count2).toBeGreaterThan(10);
  }, 180_000);

  it('the mix written as a trace replays to the same log', async () => {
    const py = runPythonMix(command(), 3, 30_000, 2_000);
    const trace: string[] = ['gclab-trace 1'];
    runMix(new Heap(cpython), { seed: 3, steps: 30_000, longLived: 2_000 }, (line) => trace.push(line));
    const heap = new Heap(cpython);
    const lines: string[] = [];
    heap.telemetry.collectionListeners.push((r) =>
      lines.push(`${r.opIndex} ${r.generation} ${r.collected} ${r.uncollectable}`),
    );
    replay(heap, parseTrace(trace.join('\n')));
    lines.push(`count ${(heap.collector as CPythonCollector).gc.get_count().join(' ')}`);
    expect(lines).toEqual((await py).lines);
    expect(lines.length).toBeGreaterThan(15);
  }, 60_000);

  it('the differential-mix experiment reports identical logs, and says so', async () => {
    command();
    const r = await differentialMix.run(
      { steps: 20_000, seed: 1, longLived: 0, version: '3.11' },
      { collectors: [cpython] },
    );
    expect(r.identical).toBe(true);
    expect(r.firstDifference).toBeNull();
    expect(r.gclab.collections).toBe(11);
    expect(r.gclab.byGeneration).toEqual([10, 0, 1]);
    expect(r.gclab.count).toEqual([699, 10, 0]);
    expect(r.cpython.count).toEqual(r.gclab.count);
    expect(formatAgainstCPython(r)).toContain('The logs are identical: all 11 collections');
  }, 60_000);
});

describe('the differential test can fail', () => {
  it('a version no registered collector models is an option error', async () => {
    await expect(
      differentialMix.run({ steps: 10, seed: 1, longLived: 0, version: '3.12' }, { collectors: [cpython] }),
    ).rejects.toThrow('--version 3.12: no registered collector is named cpython-3.12.');
  });

  it('a different seed gives a different log', () => {
    expect(gclabMix(1, 50_000).lines).not.toEqual(gclabMix(2, 50_000).lines);
  });

  it('words drawn beforehand (as perf figure 2 times it) give the same program as words drawn per step', () => {
    const words = mixWords(4, 20_000);
    expect(words[0]).not.toBe(words[1]);
    const drawn = gclabMix(4, 20_000, 0, words);
    const perStep = gclabMix(4, 20_000);
    expect(drawn.lines).toEqual(perStep.lines);
    expect(drawn.heap.counters).toEqual(perStep.heap.counters);
    expect(() => runMix(new Heap(cpython), { seed: 4, steps: 20_001, words })).toThrow(RangeError);
  });

  it('without a registered callback, full collections leave count0 at 0 (the log differs from Python)', () => {
    const heap = new Heap(cpython);
    runMix(heap, { seed: 1, steps: 0 });
    expect((heap.collector as CPythonCollector).gc.get_count()).toEqual([0, 0, 0]);
    const withCallback = gclabMix(1, 0);
    expect(withCallback.lines.at(-1)).toBe('count 1 0 0');
  });
});
