/**
 * `--shard I/N`: run the I-th of N slices of a matrix, so a large matrix can be spread over CI
 * matrix jobs or batch-scheduler tasks and merged back with `gclab merge`. Shards are 1-based (as
 * Playwright's and Jest's `--shard`); @gclab/bench's `selectShard` deals the planned cells (baseline
 * cells included) round robin, so shards get similar mixes of workloads and collectors and together
 * hold every cell exactly once.
 */
import { InvalidArgumentError } from 'commander';

/** One shard of N. */
export interface Shard {
  /** 1 to count. */
  readonly index: number;
  /** Number of shards, at least 1. */
  readonly count: number;
}

/** Parses `I/N` (1 <= I <= N); throws commander's `InvalidArgumentError` (a usage error). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new InvalidArgumentError('expected I/N, e.g. 1/4 (shard I of N, counting from 1).');
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
