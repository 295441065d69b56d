/**
 * The workloads' random numbers: mulberry32 (Tommy Ettinger's 32-bit generator), seeded, with no
 * allocation per draw. Every workload that makes random choices draws them from one `Prng` seeded
 * from the run's seed, so a workload is the same sequence of heap operations for the same seed and
 * size on every machine. `Math.random` is never used.
 */

/** A seeded 32-bit pseudo-random generator (mulberry32). */
export class Prng {
  private state: number;

  /** A generator for `seed` (any number; its low 32 bits are used). */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float uniformly in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer uniformly in [0, n) for 1 <= n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }
}
