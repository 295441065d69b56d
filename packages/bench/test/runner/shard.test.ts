import { describe, expect, it } from 'vitest';
import { type MatrixOptions, planMatrix, selectShard } from '../../src/index.ts';

const options: MatrixOptions = {
  workloads: ['rings', 'jupyter-globals'],
  collectors: [
    { name: 'a', ref: { module: '@gclab/core', exportName: 'noGc' } },
    { name: 'b', ref: { module: '@gclab/core', exportName: 'noGc' } },
  ],
  heaps: ['unlimited', '2x'],
};

describe('selectShard', () => {
  it('deals the planned cells round robin: every cell in exactly one shard, sizes within one', () => {
    const planned = planMatrix(options);
    expect(planned.length).toBe(10); // 2 workloads x (baseline + 2 collectors x 2 heaps)
    const shards = [1, 2, 3].map((index) => selectShard(planned, { index, count: 3 }));
    expect(shards.map((s) => s.length)).toEqual([4, 3, 3]);
    expect(shards.flat().sort((x, y) => planned.indexOf(x) - planned.indexOf(y))).toEqual(planned);
    expect(shards[1]![0]).toBe(planned[1]);
    expect(selectShard(planned, undefined)).toEqual(planned);
    expect(selectShard(planned, { index: 1, count: 1 })).toEqual(planned);
  });

  it('rejects shards outside 1..N', () => {
    const planned = planMatrix(options);
    expect(() => selectShard(planned, { index: 0, count: 2 })).toThrow(RangeError);
    expect(() => selectShard(planned, { index: 3, count: 2 })).toThrow(/1 <= I <= N/);
  });
});

describe('planMatrix', () => {
  it('rejects a workload, seed, collector or heap size given twice (its cells would run twice)', () => {
    expect(() => planMatrix({ ...options, workloads: ['rings', 'rings'] })).toThrow(
      "workload 'rings' is given twice; name each once",
    );
    expect(() => planMatrix({ ...options, seeds: [1, 1] })).toThrow("seed '1' is given twice");
    expect(() => planMatrix({ ...options, heaps: ['2x', '2.0x'] })).toThrow("heap size '2x' is given twice");
    expect(() =>
      planMatrix({ ...options, collectors: [options.collectors[0]!, options.collectors[0]!] }),
    ).toThrow("collector 'a' is given twice");
  });
});
