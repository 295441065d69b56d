import type { FinalizationLatency } from '@gclab/experiments';
import { describe, expect, it } from 'vitest';
import { finalization } from '../../../src/debate/claims/finalization.ts';
import { collector, debateData } from './fixture.ts';

/** A run of `shape` under `name`: `prompt` of 100 files finalized at their drop, the rest `late` ops later. */
function run(
  name: string,
  shape: FinalizationLatency['shape'],
  prompt: number,
  late: number,
): FinalizationLatency {
  return {
    collector: name,
    shape,
    files: 100,
    prompt,
    finalizedDuringRun: late < 0 ? prompt : 100,
    finalizedAtEnd: late < 0 ? 100 - prompt : 0,
    never: 0,
    opsMedian: prompt >= 50 ? 0 : Math.max(late, 0),
    opsP90: Math.max(late, 0),
    opsMax: Math.max(late, 0),
    bytesMedian: 0,
    bytesP90: 0,
    bytesMax: 0,
    collections: 1,
    objectsTraced: 10,
    objectsTracedWithout: 5,
    bytesCopied: 0,
    bytesCopiedWithout: 0,
    peakReservedBytes: 0,
    peakReservedBytesWithout: 0,
  };
}

function data(runs: FinalizationLatency[]) {
  const d = debateData(
    [],
    [collector('refcount', 'reference-counting', true), collector('mark-sweep', 'tracing')],
  );
  d.finalization = { experiment: 'finalization', options: { files: 100, work: 40 }, runs };
  return d;
}

describe('claim 11: reference counting finalizes promptly', () => {
  it('is partly supported when counting is prompt for acyclic files only, tracing late', () => {
    const f = finalization.measure(
      data([
        run('refcount', 'acyclic', 100, 0),
        run('mark-sweep', 'acyclic', 0, 900),
        run('refcount', 'cyclic', 0, -1),
        run('mark-sweep', 'cyclic', 0, 900),
      ]),
    );
    expect(f.counting).toEqual(['refcount']);
    expect(f.tracing).toEqual(['mark-sweep']);
    const verdict = finalization.decide(f);
    expect(verdict).toBe('partly supported');
    const w = finalization.write(f, verdict);
    expect(w.paragraph).toMatch(
      /^Supported for immediate counting and acyclic objects only\. Under refcount every acyclic file/,
    );
    expect(w.paragraph).toContain('refcount finalized none of them while the program ran');
    expect(w.table.rows).toHaveLength(4);
  });

  it('says deferred counting gives promptness up, and stays partly supported by immediate counting', () => {
    const d = data([
      run('refcount', 'acyclic', 100, 0),
      run('refcount-deferred', 'acyclic', 0, 2600),
      run('mark-sweep', 'acyclic', 0, 900),
      run('refcount', 'cyclic', 100, 0),
      run('refcount-deferred', 'cyclic', 0, -1),
      run('mark-sweep', 'cyclic', 0, 900),
    ]);
    d.collectors.push(collector('refcount-deferred', 'reference-counting', true));
    const f = finalization.measure(d);
    expect(f.counting).toEqual(['refcount', 'refcount-deferred']);
    const verdict = finalization.decide(f);
    expect(verdict).toBe('partly supported');
    expect(finalization.write(f, verdict).paragraph).toContain(
      'refcount-deferred defers that work and gave the promptness up: a median 2.6k operations later.',
    );
  });

  it('is refuted when counting is not prompt, and not measured without runs', () => {
    const late = finalization.measure(
      data([run('refcount', 'acyclic', 10, 5), run('mark-sweep', 'acyclic', 0, 900)]),
    );
    expect(finalization.decide(late)).toBe('refuted');
    expect(finalization.decide(finalization.measure(data([])))).toBe('not measured');
  });
});
