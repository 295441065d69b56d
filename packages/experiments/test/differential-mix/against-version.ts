/**
 * The differential test of a CPython version from 3.12 on (one test file per version calls it): the
 * seeded mix runs in the real interpreter (differential_mix.py VERSION, through runPython) and, with
 * a `safepoint` after each allocation, under gclab's model of that version; the collection logs
 * (`OPINDEX GENERATION COLLECTED UNCOLLECTABLE`, one line per collection) and the final
 * gc.get_count() must be identical line for line. Two mixes: one plain, one after a long-lived
 * prefill (the long-lived rule must fire: generation 2 due, yet skipped). Both interpreter runs start
 * at once, before the tests, so their start-ups overlap.
 *
 * It fails, never skips, when CI=true and the version's interpreter cannot run; elsewhere it is
 * skipped then.
 */
import { type CollectorDescriptor, Heap, parseTrace, replay } from '@gclab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gclabMixLog } from '../../src/differential-mix/against-cpython.ts';
import { runMix } from '../../src/differential-mix/differential-mix.ts';
import {
  type PythonMixResult,
  type PythonVersion,
  pythonUnavailable,
  runPythonMixVersion,
} from '../../src/interpreters/python.ts';

/** One seeded mix: seed, steps and long-lived objects built first. */
export interface MixRun {
  seed: number;
  steps: number;
  longLived: number;
}

/** The generations collected in a log (its last line is the final count), each with its number. */
function generations(lines: readonly string[]): Map<string, number> {
  const gens = new Map<string, number>();
  for (const line of lines.slice(0, -1)) {
    const g = line.split(' ')[1]!;
    gens.set(g, (gens.get(g) ?? 0) + 1);
  }
  return gens;
}

/**
 * Declares the differential tests of `version` against `collector`: `plain` must run automatic
 * collections of every generation (generation 2 at least twice: op 0's explicit one and an automatic
 * one); `longLived` must end with count2 above threshold 2 (the long-lived rule skipped it). With
 * `asTrace`, the plain mix is also written as a trace and replayed: the same log.
 */
export function describeDifferential(
  version: PythonVersion,
  collector: CollectorDescriptor,
  plain: MixRun,
  longLived: MixRun,
  asTrace = false,
): void {
  const unavailable = pythonUnavailable(version);
  const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';
  describe.skipIf(unavailable !== null && !inCI)(`differential test against CPython ${version}`, () => {
    let py: [Promise<PythonMixResult>, Promise<PythonMixResult>];
    beforeAll(() => {
      if (unavailable !== null)
        throw new Error(`CI=true and the differential test cannot run: ${unavailable}`);
      py = [
        runPythonMixVersion(version, plain.seed, plain.steps, plain.longLived),
        runPythonMixVersion(version, longLived.seed, longLived.steps, longLived.longLived),
      ];
      // Both are awaited by the tests; a rejection is reported there.
      for (const p of py) p.catch(() => {});
    });

    it(`seed ${plain.seed}, ${plain.steps} steps: identical collection logs and final counts`, async () => {
      const ours = gclabMixLog({ ...plain, version, collector });
      const { lines } = await py[0];
      expect(ours.lines).toEqual(lines);
      // Every generation was collected, generation 2 automatically too (op 0's is the explicit one).
      const gens = generations(lines);
      expect([...gens.keys()].sort()).toEqual(['0', '1', '2']);
      expect(gens.get('2')).toBeGreaterThanOrEqual(2);
      // The telemetry log (what `gclab replay --gc-log` prints) is the same as the callback's.
      const telemetry = ours.heap.telemetry.collections.map(
        (r) => `${r.opIndex} ${r.generation} ${r.collected} ${r.uncollectable}`,
      );
      expect(telemetry).toEqual(lines.slice(0, -1));
    }, 60_000);

    it(`${longLived.longLived} long-lived objects, then ${longLived.steps} steps: the long-lived rule fires as in CPython`, async () => {
      const ours = gclabMixLog({ ...longLived, version, collector });
      const { lines } = await py[1];
      expect(ours.lines).toEqual(lines);
      // Generation 2 was due (count2 > threshold2) yet skipped: pending < long_lived_total / 4.
      const count2 = Number(lines.at(-1)!.split(' ')[3]);
      const threshold2 = ours.heap.collector.stats()['threshold2']!;
      expect(count2).toBeGreaterThan(threshold2);
    }, 60_000);

    if (!asTrace) return;
    it(`the seed-${plain.seed} mix written as a trace replays to the same log`, async () => {
      const trace: string[] = ['gclab-trace 2'];
      runMix(new Heap(collector), { ...plain, safepoints: true }, (line) => trace.push(line));
      const heap = new Heap(collector);
      const lines: string[] = [];
      heap.telemetry.collectionListeners.push((r) =>
        lines.push(`${r.opIndex} ${r.generation} ${r.collected} ${r.uncollectable}`),
      );
      replay(heap, parseTrace(trace.join('\n')));
      const s = heap.collector.stats();
      lines.push(`count ${s['count0']} ${s['count1']} ${s['count2']}`);
      expect(trace).toContain('safepoint');
      expect(lines).toEqual((await py[0]).lines);
    }, 60_000);
  });
}
