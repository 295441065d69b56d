import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { parseShard, resolveShard } from '../../src/report/shard.ts';

describe('--shard', () => {
  it('parses I/N and auto', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' auto ')).toBe('auto');
    expect(() => parseShard('0/4')).toThrow(InvalidArgumentError);
    expect(() => parseShard('automatic')).toThrow(/or auto/);
  });

  it('without auto: the shard given; --shard-count alone is a usage error', () => {
    expect(resolveShard(undefined, undefined, {})).toBeUndefined();
    expect(resolveShard({ index: 1, count: 2 }, undefined, { SLURM_ARRAY_TASK_ID: '3' })).toEqual({
      index: 1,
      count: 2,
    });
    expect(() => resolveShard(undefined, 4, {})).toThrow('--shard-count goes with --shard auto');
  });

  it('auto in a Slurm job array: index from the task id, its first id and step; count from the array', () => {
    // sbatch --array=0-3
    const zero = { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(resolveShard('auto', undefined, zero)).toEqual({ index: 1, count: 4 });
    // sbatch --array=1-8: task 8 is the last shard
    const one = { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '8' };
    expect(resolveShard('auto', undefined, one)).toEqual({ index: 8, count: 8 });
    expect(resolveShard('auto', 8, one)).toEqual({ index: 8, count: 8 });
    // sbatch --array=10-14:2 (tasks 10, 12, 14)
    const step = {
      SLURM_ARRAY_TASK_ID: '12',
      SLURM_ARRAY_TASK_MIN: '10',
      SLURM_ARRAY_TASK_MAX: '14',
      SLURM_ARRAY_TASK_STEP: '2',
      SLURM_ARRAY_TASK_COUNT: '3',
    };
    expect(resolveShard('auto', undefined, step)).toEqual({ index: 2, count: 3 });
  });

  it('auto in a Kubernetes Indexed Job: JOB_COMPLETION_INDEX + 1 of --shard-count', () => {
    expect(resolveShard('auto', 3, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 3 });
    expect(resolveShard('auto', 3, { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 3, count: 3 });
  });

  it('auto with missing or inconsistent variables: usage errors saying what was found', () => {
    const cases: Array<[Record<string, string>, number | undefined, RegExp]> = [
      [{}, undefined, /no batch-scheduler index found \(SLURM_ARRAY_TASK_ID .* JOB_COMPLETION_INDEX/],
      [{ SLURM_ARRAY_TASK_ID: '1' }, undefined, /SLURM_ARRAY_TASK_COUNT is not/],
      [
        { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' },
        undefined,
        /SLURM_ARRAY_TASK_ID=x is not a whole number/,
      ],
      [
        { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' },
        undefined,
        /SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_MIN=1, .* do not describe task 4 of a contiguous array/,
      ],
      [
        { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' },
        undefined,
        /do not describe task 0/,
      ],
      [
        {
          SLURM_ARRAY_TASK_ID: '1',
          SLURM_ARRAY_TASK_MIN: '0',
          SLURM_ARRAY_TASK_STEP: '2',
          SLURM_ARRAY_TASK_COUNT: '3',
        },
        undefined,
        /do not describe task 1/,
      ],
      [
        { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' },
        4,
        /--shard-count 4 disagrees with SLURM_ARRAY_TASK_COUNT=3/,
      ],
      [
        // sbatch --array=1,3,7: every task refused, even the one whose id would fit a range
        {
          SLURM_ARRAY_TASK_ID: '3',
          SLURM_ARRAY_TASK_MIN: '1',
          SLURM_ARRAY_TASK_MAX: '7',
          SLURM_ARRAY_TASK_STEP: '1',
          SLURM_ARRAY_TASK_COUNT: '3',
        },
        undefined,
        /SLURM_ARRAY_TASK_MAX=7 and SLURM_ARRAY_TASK_COUNT=3 do not describe task 3 of a contiguous array/,
      ],
      [{ JOB_COMPLETION_INDEX: '0' }, undefined, /give the job's completions with --shard-count N/],
      [{ JOB_COMPLETION_INDEX: '3' }, 3, /JOB_COMPLETION_INDEX=3 is not below --shard-count 3/],
      [
        { JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '1' },
        1,
        /both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set/,
      ],
    ];
    for (const [env, count, message] of cases) {
      let error: unknown;
      try {
        resolveShard('auto', count, env);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(UsageError);
      expect((error as Error).message, JSON.stringify(env)).toMatch(message);
      expect((error as Error).message).toMatch(/^--shard/);
    }
  });
});
