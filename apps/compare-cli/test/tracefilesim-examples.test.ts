/**
 * The TraceFileSim examples (examples/tracefilesim/) under every registered collector: the format is
 * detected from the file, each run ends with the objects the trace leaves reachable live and the
 * rest freed or outstanding, and a final full collection frees what the collector can reclaim.
 */
import { readdirSync } from 'node:fs';
import { Heap, readTraceFileSim, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { collectors } from '../src/registry.ts';
import { runReplay } from '../src/replay-run.ts';
import { ROOT, runCli } from './run-cli.ts';

const DIR = `${ROOT}examples/tracefilesim/`;

/** Per example: objects allocated, live at the end, and whether the garbage holds a cycle. */
const EXPECTED: Record<string, { allocated: number; live: number; cyclic: boolean }> = {
  'cycle.trace': { allocated: 2, live: 0, cyclic: true },
  'linked-list.trace': { allocated: 4, live: 1, cyclic: false },
  'threads.trace': { allocated: 3, live: 1, cyclic: false },
};

describe('the TraceFileSim examples', () => {
  it('are the ones this test knows', () => {
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.trace'))
        .sort(),
    ).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name} runs under every registered collector and ends in the same state`, () => {
      for (const descriptor of collectors) {
        const r = runReplay({ file: `${DIR}${name}`, descriptor, checked: true });
        const what = `${name} under ${descriptor.name}`;
        expect(r.allocations.objects, what).toBe(expected.allocated);
        expect(r.live.objects, what).toBe(expected.live);
        // Every object is live, freed, or garbage outstanding.
        expect(r.live.objects + r.frees.objects + r.leaked.objects, what).toBe(expected.allocated);
        // After a final full collection only what the collector cannot reclaim is left.
        const heap = new Heap(descriptor, { checked: true });
        replay(heap, readTraceFileSim(`${DIR}${name}`));
        heap.gc();
        const left = heap.oracle.traverse().garbageObjects;
        const reclaimsAll = descriptor.constraints.reclaimsCycles || !expected.cyclic;
        if (descriptor.name === 'no-gc') expect(left, what).toBe(expected.allocated - expected.live);
        else expect(left, what).toBe(reclaimsAll ? 0 : expected.allocated - expected.live);
      }
    });
  }

  it('gclab replay detects the format from the content and prints the summary', async () => {
    const r = await runCli(['replay', `${DIR}cycle.trace`, '--strategy', 'mark-sweep', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ops: number; allocations: { objects: number } };
    expect([report.ops, report.allocations.objects]).toEqual([6, 2]);
  });
});
