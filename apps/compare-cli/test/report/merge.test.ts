import type { MatrixResults } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { cellKey } from '../../src/report/figures.ts';
import { mergeResults } from '../../src/report/merge.ts';
import { loadResultsFixture } from './fixture.ts';

/** Shard `index` of `count` of the fixture, as `gclab run --shard` would have written it. */
function shardOf(results: MatrixResults, index: number, count: number): MatrixResults {
  const copy = structuredClone(results);
  copy.cells = copy.cells.filter((_, k) => k % count === index - 1);
  for (const c of copy.cells) delete c.overheadVsNoGc;
  copy.options.shard = { index, count };
  copy.timeSpace = [];
  return copy;
}

describe('mergeResults', () => {
  it('merging the shards of a run gives back its cells, order, overheads and time-space series', () => {
    const whole = loadResultsFixture();
    const shards = [3, 1, 2].map((i) => ({ file: `shard-${i}.json`, results: shardOf(whole, i, 3) }));
    const merged = mergeResults(shards);
    expect(merged.cells.map(cellKey)).toEqual(whole.cells.map(cellKey));
    expect(merged.cells.map((c) => c.deterministic)).toEqual(whole.cells.map((c) => c.deterministic));
    expect(merged.cells.map((c) => c.overheadVsNoGc)).toEqual(whole.cells.map((c) => c.overheadVsNoGc));
    expect(merged.timeSpace).toEqual(whole.timeSpace);
    expect(merged.options.shard).toBeNull();
    expect(merged.interrupted).toBe(false);
  });

  it('refuses a missing, repeated or foreign shard, naming the files', () => {
    const whole = loadResultsFixture();
    const s = (i: number, n = 3) => ({ file: `s${i}.json`, results: shardOf(whole, i, n) });
    expect(() => mergeResults([s(1), s(3)])).toThrow(/missing shard 2\/3/);
    expect(() => mergeResults([s(1), s(2), { ...s(2), file: 'again.json' }, s(3)])).toThrow(
      /again\.json and s2\.json are both shard 2\/3/,
    );
    expect(() => mergeResults([s(1), s(2, 2)])).toThrow(/s2\.json is shard 2\/2 but s1\.json is of 3 shards/);
    const other = s(2);
    other.results.options.invocations = 7;
    expect(() => mergeResults([s(1), other, s(3)])).toThrow(/s2\.json was made with different options/);
    expect(() => mergeResults([s(1), { file: 'whole.json', results: whole }])).toThrow(UsageError);
    expect(() => mergeResults([])).toThrow(UsageError);
  });

  it('merges whole runs of different workloads, and refuses the same cell twice', () => {
    const whole = loadResultsFixture();
    const rings = structuredClone(whole);
    rings.cells = rings.cells.filter((c) => c.cell.workload === 'rings');
    rings.options.workloads = ['rings'];
    const bigDel = structuredClone(whole);
    bigDel.cells = bigDel.cells.filter((c) => c.cell.workload === 'big-del');
    bigDel.options.workloads = ['big-del'];
    const merged = mergeResults([
      { file: 'big-del.json', results: bigDel },
      { file: 'rings.json', results: rings },
    ]);
    expect(merged.options.workloads).toEqual(['big-del', 'rings']);
    expect(merged.cells.length).toBe(whole.cells.length);
    expect(merged.cells[0]!.cell.workload).toBe('big-del');
    expect(() =>
      mergeResults([
        { file: 'a.json', results: rings },
        { file: 'b.json', results: structuredClone(rings) },
      ]),
    ).toThrow(/b\.json and a\.json both hold the cell rings small 42 no-gc unlimited/);
    // Other invocations, or another minimum time: the figures do not mean the same.
    const slow = structuredClone(rings);
    slow.options.invocations = 9;
    const longer = structuredClone(rings);
    longer.options.minTimedMs = 500;
    for (const [file, results] of [
      ['slow.json', slow],
      ['longer.json', longer],
    ] as const) {
      expect(() =>
        mergeResults([
          { file: 'b.json', results: bigDel },
          { file, results },
        ]),
      ).toThrow(new RegExp(`${file.replace('.', '\\.')} was made with other invocations, timing`));
    }
  });
});
