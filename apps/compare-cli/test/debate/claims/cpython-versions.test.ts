/**
 * The claims judged per CPython version, on hand-made figures: claim 4's getrefcount rows (the real
 * interpreter beside its model) and claim 8's pauses of 3.13's generational against 3.14's
 * incremental cycle collector.
 */

import type { CellResult } from '@gclab/bench';
import { spread } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { cascade } from '../../../src/debate/claims/cascade.ts';
import { judge } from '../../../src/debate/claims/claim.ts';
import { countsOnAssignment } from '../../../src/debate/claims/counts-on-assignment.ts';
import type { DebateData } from '../../../src/debate/debate-data.ts';
import { collector, debateData, okCell } from './fixture.ts';

type VersionRow = DebateData['getrefcountVersions'][number];

const row = (
  version: VersionRow['version'],
  convention: VersionRow['convention'],
  real: number[] | null,
  model: number[] | null,
): VersionRow => ({
  version,
  release: version,
  convention,
  collector: version === '3.11' ? 'cpython' : `cpython-${version}`,
  model,
  real,
  unavailable: real === null ? 'not installed' : null,
});

const RC = {
  collector: 'refcount',
  cpython311: [2, 3, 2],
  cpython310: [2, 4, 2],
  cpython314: [2, 2, 2],
  append: [1, 2],
};

function claim4(versions: VersionRow[]) {
  const d = debateData([], [collector('refcount', 'reference-counting', true)]);
  return judge(countsOnAssignment, { ...d, getrefcount: [RC], getrefcountVersions: versions });
}

describe('claim 4 per CPython version', () => {
  it('is supported while every version counts the argument, and says which versions it ran', () => {
    const r = claim4([row('3.11', '3.11', [2, 3, 2], [2, 3, 2]), row('3.13', '3.11', [2, 3, 2], [2, 3, 2])]);
    expect(r.verdict).toBe('supported');
    expect(r.paragraph).toContain('The real interpreters print: 3.11 2, 3, 2; 3.13 2, 3, 2.');
    expect(r.paragraph).toContain('Each version’s model prints what its real interpreter prints.');
    expect(r.table.rows).toContainEqual(['cpython-3.13, its model', '', '2, 3, 2', '', '']);
  });

  it('is partly supported from 3.14 on, where passing a local does not raise the count', () => {
    const r = claim4([row('3.13', '3.11', [2, 3, 2], [2, 3, 2]), row('3.14', '3.14', [2, 2, 2], [2, 2, 2])]);
    expect(r.verdict).toBe('partly supported');
    expect(r.paragraph).toContain('In 3.14 passing `a` to bar leaves the count seen inside bar where it was');
    expect(r.table.rows).toContainEqual(['CPython 3.14, real (3.14)', '', '', '2, 2, 2', '']);
  });

  it('names a model that prints something else than its interpreter, and one that did not run', () => {
    const r = claim4([row('3.12', '3.11', [2, 3, 2], [2, 4, 2]), row('3.15', '3.14', null, [2, 2, 2])]);
    expect(r.verdict).toBe('partly supported');
    expect(r.paragraph).toContain('The models of 3.12 print something else than the real interpreter.');
    expect(r.paragraph).toContain('Not run for real here: 3.15 (not installed).');
  });
});

/**
 * A cell whose longest pause took `ms` and did `work`, in `count` pauses; `cycle` are its cycle
 * collections by kind (gen0, gen1, gen2): [count, work examined, ms].
 */
function pausing(
  workload: string,
  name: string,
  count: number,
  ms: number,
  work: number,
  cycle: Record<string, [number, number, number]> = {},
): CellResult {
  const c = okCell(workload, name);
  const m = c.measurement as unknown as {
    pauses: {
      count: number;
      workMax: number;
      byKind: Record<string, { count: number; totalMs: number; work: number }>;
    };
  };
  const byKind = Object.fromEntries(
    Object.entries(cycle).map(([k, [n, w, t]]) => [k, { count: n, work: w, totalMs: t }]),
  );
  m.pauses = { count, workMax: work, byKind: { ...byKind, cascade: { count: 1, work, totalMs: ms } } };
  c.summary!.pauseMaxMs = spread([ms]);
  return c;
}

describe('claim 8 with the CPython versions', () => {
  it('sets 3.13 and 3.14 side by side on every workload both ran, big-del included', () => {
    const cells = [
      pausing('big-del', 'refcount', 1, 5, 2000),
      pausing('big-del', 'cpython-3.13', 3, 6, 2000, { gen0: [2, 10, 1], gen2: [1, 2000, 5] }),
      pausing('big-del', 'cpython-3.14', 4, 6, 2000, { gen1: [3, 12, 1], gen2: [1, 2000, 5] }),
      pausing('rings', 'cpython-3.13', 12, 2, 900, { gen0: [10, 5000, 8], gen1: [2, 3000, 4] }),
      pausing('rings', 'cpython-3.14', 30, 1, 300, { gen1: [30, 9000, 9] }),
    ];
    const d = debateData(cells, [collector('refcount', 'reference-counting', true)]);
    const r = judge(cascade, { ...d, plan: { ...d.plan, workloads: ['big-del', 'rings'] } });
    expect(r.paragraph).toContain(
      "3.13's generational (cpython-3.13) against 3.14's incremental (cpython-3.14), their cycle collections alone: big-del: 3 collections examining 2.01k objects (670 each on average",
    );
    expect(r.paragraph).toContain(
      'rings: 12 collections examining 8k objects (667 each on average, 12 ms in all) against 30 collections examining 9k objects (300 each on average, 9 ms in all)',
    );
    expect(r.table.rows.map((row) => row[0])).toEqual([
      'refcount',
      'cpython-3.13',
      'cpython-3.14',
      'cpython-3.13 on rings',
      'cpython-3.14 on rings',
    ]);
  });

  it('says nothing of the versions when they did not run', () => {
    const d = debateData([pausing('big-del', 'refcount', 1, 5, 2000)], []);
    const r = judge(cascade, { ...d, plan: { ...d.plan, workloads: ['big-del'] } });
    expect(r.paragraph).not.toContain('cpython-3.14');
  });
});
