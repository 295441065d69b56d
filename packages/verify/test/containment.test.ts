import { type CollectorDescriptor, type Heap, NoGC, noGc, parseTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { descriptor as tinyMarkSweep } from '../../../examples/collectors/tiny-mark-sweep.ts';
import { verifyCollector, verifyTrace } from '../src/index.ts';
import { brokenCorpus } from './fixtures/broken/index.ts';
import { brokenCollectors } from './fixtures/broken-collectors.ts';

const seed = Number(process.env.GCLAB_SEED ?? 42);
const trace = (text: string) => parseTrace(`gclab-trace 1\n${text}`);
const broken = (name: string): CollectorDescriptor =>
  [...brokenCollectors, ...brokenCorpus].find((c) => c.descriptor.name === name)!.descriptor;

/** no-gc whose `collect` reports the same move back and forth forever: a loop that calls the heap. */
class MovesForever extends NoGC {
  private first = 0;
  override allocate(size: number): number {
    const addr = super.allocate(size);
    if (this.first === 0) this.first = addr;
    return addr;
  }
  override collect(): number {
    for (;;) this.heap.recordMove(this.first, this.first);
  }
}
const movesForever: CollectorDescriptor = {
  ...noGc,
  name: 'moves-forever',
  constraints: { ...noGc.constraints, movesObjects: true },
  create: (heap: Heap) => new MovesForever(heap),
};

describe('containment of a collector that throws or loops', () => {
  it('reports a throwing hook as a crash naming the hook and the operation', () => {
    const { violation } = verifyTrace(broken('crashes'), trace('new r0 0\ngc\ngc'));
    expect(violation?.property).toBe('crash');
    expect(violation?.opIndex).toBe(2);
    expect(violation?.reason).toBe(
      'the collector threw TypeError: cannot read properties of undefined out of its collect hook',
    );
  });

  it('reports a create that throws as a crash, in a campaign too', () => {
    const failsToStart: CollectorDescriptor = {
      ...tinyMarkSweep,
      name: 'fails-to-start',
      create: () => {
        throw new RangeError('fixture: no memory for the collector');
      },
    };
    expect(verifyTrace(failsToStart, trace('gc')).violation?.reason).toBe(
      "the collector's create threw RangeError: fixture: no memory for the collector",
    );
    const result = verifyCollector(failsToStart, { seed, runs: 5 });
    expect(result.failure?.property).toBe('crash');
    expect(result.failure?.ops).toEqual([]);
  });

  it('stops a collector that loops while calling back into the heap at the time limit', () => {
    // The loop never ends: the limit only bounds the test's time, and leaves the first ops room.
    const { violation } = verifyTrace(movesForever, trace('new r0 0\nnew r1 0\ngc'), { timeLimitMs: 1000 });
    expect(violation?.property).toBe('time-limit');
    expect(violation?.opIndex).toBe(2);
    expect(violation?.reason).toBe(
      "the program ran past its time limit of 1000 ms (when the collector reported a move), during 'gc'",
    );
  });
});

/** Crashes still to come, shared by every heap (a flaky collector: it fails, then stops failing). */
let crashesLeft = 0;
/** no-gc whose `collect` throws while `crashesLeft` lasts. */
class CrashesForAWhile extends NoGC {
  override collect(): number {
    if (crashesLeft > 0) {
      crashesLeft--;
      throw new Error('fixture: flaky collect');
    }
    return 0;
  }
}

describe('a nondeterministic collector is a clean determinism failure', () => {
  it('reports the last counterexample that failed when the shrunk one passes again', () => {
    crashesLeft = 3;
    const flaky: CollectorDescriptor = {
      ...noGc,
      name: 'crashes-for-a-while',
      create: (heap: Heap) => new CrashesForAWhile(heap),
    };
    const result = verifyCollector(flaky, { seed, runs: 100, heapLimits: [null], corpus: [] });
    expect(crashesLeft).toBe(0);
    expect(result.failure?.property).toBe('crash');
    expect(result.failure?.reason).toBe(
      'the collector threw Error: fixture: flaky collect out of its collect hook (nondeterministic: the same program passed when run again)',
    );
    expect(result.failure?.ops.at(-1)?.op).toBe('gc');
  });

  it.each(['process-wide-allocation-counter', 'nondeterministic'])(
    '%s: a failure with a counterexample that fails, never an exception',
    (name) => {
      const result = verifyCollector(broken(name), { seed, runs: 300 });
      expect(result.failure?.property).toBe('determinism');
      expect(result.failure?.ops.length).toBeGreaterThan(0);
    },
  );

  it('names the first operation where two runs diverge, with its address', () => {
    const ops = trace('new r0 0\n'.repeat(100));
    const { violation } = verifyTrace(broken('process-wide-allocation-counter'), ops);
    expect(violation?.property).toBe('determinism');
    expect(violation?.reason).toMatch(/^the same operations diverged at op \d+ \(new r0 0\): result \d+/);
  });
});
