/**
 * MT19937 seeded exactly as CPython's `random.Random(seed)` for an integer seed
 * (Modules/_randommodule.c: `random_seed` takes |seed| as 32-bit little-endian key words and calls
 * `init_by_array`), so `nextUint32()` returns the same words as Python's `genrand_uint32`, and
 * `Random(seed).randbytes(4 * n)` read as little-endian uint32 gives the first n of them. The
 * differential test uses it so that Python and gclab derive the same operation mix from one seed;
 * the pyperformance workloads use `getrandbits`, `randbelow`, `random` and `shuffle`, which draw
 * their words as Modules/_randommodule.c and Lib/random.py do, to make the same choices as the
 * benchmarks' `random` calls.
 */

const N = 624;
const M = 397;
/** The twist matrix's constant, as a signed 32-bit value (so the twist stays in 32-bit integer arithmetic). */
const MATRIX_A = 0x9908_b0df | 0;

/** The Mersenne Twister MT19937 (Matsumoto and Nishimura 1998), CPython's seeding. */
export class MersenneTwister {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** Seeds like `random.Random(seed)` for a non-negative or negative integer seed (|seed| is used). */
  constructor(seed: number | bigint) {
    let n = typeof seed === 'bigint' ? seed : BigInt(seed);
    if (n < 0n) n = -n;
    const key: number[] = [];
    while (n > 0n) {
      key.push(Number(n & 0xffff_ffffn));
      n >>= 32n;
    }
    if (key.length === 0) key.push(0);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x8000_0000;
  }

  /** The next 32-bit output (`genrand_uint32`), as an unsigned number. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      // mag01[y & 1] without a branch: -(y & 1) is all ones when the low bit is set.
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & 0x8000_0000) | (mt[kk + 1]! & 0x7fff_ffff);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & 0x8000_0000) | (mt[kk + 1]! & 0x7fff_ffff);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
      }
      const y = (mt[N - 1]! & 0x8000_0000) | (mt[0]! & 0x7fff_ffff);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c_5680;
    y ^= (y << 15) & 0xefc6_0000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `getrandbits(k)` for 0 < k <= 32: the top k bits of the next word. */
  getrandbits(k: number): number {
    return this.nextUint32() >>> (32 - k);
  }

  /** `_randbelow(n)` for 0 < n <= 2^31 (Lib/random.py, `_randbelow_with_getrandbits`): rejection sampling. */
  randbelow(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `randint(a, b)`: `a + _randbelow(b - a + 1)`. */
  randint(a: number, b: number): number {
    return a + this.randbelow(b - a + 1);
  }

  /** `random()` (`random_random`): 53 bits from two words, `(a >> 5) * 2^26 + (b >> 6)`, over 2^53. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `shuffle(x)` (Lib/random.py): for i from len - 1 down to 1, swap x[i] with x[_randbelow(i + 1)]. */
  shuffle(x: Int32Array): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i]!;
      x[i] = x[j]!;
      x[j] = t;
    }
  }
}
