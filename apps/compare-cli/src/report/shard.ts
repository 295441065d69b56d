/**
 * `--shard I/N`: run the I-th of N slices of a matrix, so a large matrix can be spread over CI
 * matrix jobs or batch-scheduler tasks and merged back with `gclab merge`. Shards are 1-based (as
 * Playwright's and Jest's `--shard`); @gclab/bench's `selectShard` deals the planned cells (baseline
 * cells included) round robin, so shards get similar mixes of workloads and collectors and together
 * hold every cell exactly once.
 *
 * `--shard auto` takes I and N from the batch scheduler running the task (docs/batch-runs.md):
 * - a Slurm job array: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, and `SLURM_ARRAY_TASK_MIN`
 *   and `SLURM_ARRAY_TASK_STEP` for arrays that do not start at 0 or step by more than 1
 *   (`--array=1-8`, `--array=0-14:2`): I = (ID - MIN) / STEP + 1, N = COUNT; with
 *   `SLURM_ARRAY_TASK_MAX` set, a list of ids (`--array=1,3,7`: MAX is not MIN + (COUNT - 1) * STEP)
 *   is refused in every task, so no task runs a shard another one should have;
 * - a Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based) gives I; the job's completions are
 *   not in the environment, so N comes from `--shard-count`.
 * Missing or inconsistent variables are usage errors that say what was found.
 */
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.ts';

/** One shard of N. */
export interface Shard {
  /** 1 to count. */
  readonly index: number;
  /** Number of shards, at least 1. */
  readonly count: number;
}

/** What `--shard` says: a shard, or `auto` (from the batch scheduler's environment). */
export type ShardOption = Shard | 'auto';

/** Parses `I/N` (1 <= I <= N) or `auto`; throws commander's `InvalidArgumentError` (a usage error). */
export function parseShard(text: string): ShardOption {
  if (text.trim() === 'auto') return 'auto';
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null)
    throw new InvalidArgumentError('expected I/N, e.g. 1/4 (shard I of N, counting from 1), or auto.');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1)) throw new InvalidArgumentError('the number of shards N must be at least 1.');
  if (!(index >= 1 && index <= count)) throw new InvalidArgumentError(`shard I must be from 1 to ${count}.`);
  return { index, count };
}

/** `2/4`. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** The environment variables `--shard auto` reads. */
export type SchedulerEnvironment = Readonly<Record<string, string | undefined>>;

/** A variable's value as a whole number, or a `UsageError` naming it. */
function integer(env: SchedulerEnvironment, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(text)) throw new UsageError(`--shard auto: ${name}=${text} is not a whole number`);
  return Number(text);
}

function fromSlurm(env: SchedulerEnvironment, countOption: number | undefined): Shard {
  const id = integer(env, 'SLURM_ARRAY_TASK_ID')!;
  const count = integer(env, 'SLURM_ARRAY_TASK_COUNT');
  const min = integer(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const step = integer(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  const found =
    `SLURM_ARRAY_TASK_ID=${id}, SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_STEP=${step}` +
    `${env['SLURM_ARRAY_TASK_MAX'] === undefined ? '' : `, SLURM_ARRAY_TASK_MAX=${env['SLURM_ARRAY_TASK_MAX']}`}`;
  if (count === undefined || count < 1) {
    throw new UsageError(
      '--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (is this a Slurm job array, sbatch --array?)',
    );
  }
  if (countOption !== undefined && countOption !== count) {
    throw new UsageError(
      `--shard auto: --shard-count ${countOption} disagrees with SLURM_ARRAY_TASK_COUNT=${count}`,
    );
  }
  const max = integer(env, 'SLURM_ARRAY_TASK_MAX');
  const contiguous = max === undefined || max === min + (count - 1) * step;
  if (!contiguous || step < 1 || id < min || (id - min) % step !== 0 || (id - min) / step >= count) {
    throw new UsageError(
      `--shard auto: ${found} and SLURM_ARRAY_TASK_COUNT=${count} do not describe task ${id} of a ` +
        'contiguous array (use --array=FIRST-LAST or FIRST-LAST:STEP, not a list of task ids)',
    );
  }
  return { index: (id - min) / step + 1, count };
}

function fromKubernetes(env: SchedulerEnvironment, countOption: number | undefined): Shard {
  const index = integer(env, 'JOB_COMPLETION_INDEX')!;
  if (countOption === undefined) {
    throw new UsageError(
      "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job); give the job's completions with --shard-count N",
    );
  }
  if (index >= countOption) {
    throw new UsageError(
      `--shard auto: JOB_COMPLETION_INDEX=${index} is not below --shard-count ${countOption} (the job's completions)`,
    );
  }
  return { index: index + 1, count: countOption };
}

/**
 * The shard to run: the one given, the scheduler's for `auto` (see the file comment), or undefined
 * for the whole matrix. `countOption` is `--shard-count`. Throws `UsageError`.
 */
export function resolveShard(
  option: ShardOption | undefined,
  countOption: number | undefined,
  env: SchedulerEnvironment,
): Shard | undefined {
  if (option !== 'auto') {
    if (countOption !== undefined) throw new UsageError('--shard-count goes with --shard auto');
    return option;
  }
  const slurm = integer(env, 'SLURM_ARRAY_TASK_ID') !== undefined;
  const kubernetes = integer(env, 'JOB_COMPLETION_INDEX') !== undefined;
  if (slurm && kubernetes) {
    throw new UsageError(
      '--shard auto: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; give the shard as I/N',
    );
  }
  if (slurm) return fromSlurm(env, countOption);
  if (kubernetes) return fromKubernetes(env, countOption);
  throw new UsageError(
    '--shard auto: no batch-scheduler index found (SLURM_ARRAY_TASK_ID of a Slurm job array, or ' +
      'JOB_COMPLETION_INDEX of a Kubernetes Indexed Job); elsewhere give the shard as I/N',
  );
}
