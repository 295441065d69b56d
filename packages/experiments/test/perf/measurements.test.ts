import {
  type Collector,
  CollectorBase,
  type CollectorDescriptor,
  type Heap,
  NREFS_MASK,
  noGc,
} from '@gclab/core';
import { markSweep } from '@gclab/tracing-gc';
import { describe, expect, it } from 'vitest';
import {
  cascadeFigure,
  fullCollectionFigures,
  LineProcess,
  measureCascade,
  measureFullCollection,
  measureHostMemory,
  measureOperationMix,
  measureTraceReplay,
  traceReplayFigure,
} from '../../src/index.ts';

/** Minimal immediate reference counting (count in header word 0), with a recursive-free cascade. */
class TinyRc extends CollectorBase {
  readonly name = 'tiny-rc';
  private next = 0;
  private end = 0;
  allocate(size: number): number {
    if (this.next + size > this.end) {
      this.next = this.heap.os.map(1 << 20);
      this.end = this.next + (1 << 20);
    }
    const a = this.next;
    this.next += size;
    return a;
  }
  override rootWritten(old: number, value: number): void {
    this.change(old, value);
  }
  override writeBarrierPost(_o: number, _s: number, old: number, value: number): void {
    this.change(old, value);
  }
  private change(old: number, value: number): void {
    const words = this.heap.memory.words;
    if (value !== 0) words[(value >> 2) + 2]!++;
    if (old === 0 || --words[(old >> 2) + 2]! !== 0) return;
    const stack = [old];
    while (stack.length > 0) {
      const obj = stack.pop()!;
      const n = words[obj >> 2]! & NREFS_MASK;
      for (let k = 0; k < n; k++) {
        const ref = words[(obj >> 2) + 4 + 2 * k]!;
        if (ref !== 0 && --words[(ref >> 2) + 2]! === 0) stack.push(ref);
      }
      this.heap.recordFree(obj, this.heap.model.size(words, obj));
    }
  }
}
const tinyRc: CollectorDescriptor = {
  name: 'tiny-rc',
  family: 'reference-counting',
  summary: 'test',
  constraints: { ...noGc.constraints, countsReferences: true, headerWords: 1 },
  create(heap: Heap): Collector {
    return new TinyRc(heap);
  },
};

describe('perf measurements', () => {
  it('times full collections, V8 gc and the bare loop alternately, and pairs scaling with the smallest heap', async () => {
    let v8Calls = 0;
    const result = await measureFullCollection({
      settleMs: 0,
      descriptor: markSweep,
      sizes: [500, 2000],
      runs: 3,
      markPauseKind: 'mark',
      v8Gc: () => {
        v8Calls++;
      },
    });
    expect(result.sizes.map((s) => s.nodes)).toEqual([500, 2000]);
    for (const s of result.sizes) {
      for (const runs of [s.gclabMs, s.markMs, s.v8Ms, s.bareMs]) expect(runs).toHaveLength(3);
    }
    expect(result.scalingBase?.markMs).toHaveLength(3);
    expect(v8Calls).toBe(2 * (1 + 4)); // per size: one after building, one per round (warm-up included)
    const figures = fullCollectionFigures('mark-sweep', result);
    expect(figures.map((f) => f.id)).toEqual([1, 1, 4, 4, 6]);
    expect(figures[0]!.key).toBe('full-collection-500');
  });

  it('refuses a collection without the named mark pause', async () => {
    await expect(
      measureFullCollection({
        descriptor: markSweep,
        sizes: [10],
        runs: 1,
        markPauseKind: 'evacuate',
        settleMs: 0,
        v8Gc() {},
      }),
    ).rejects.toThrow(/no mark pause/);
  });

  it('times the cascade of del r0 beside the anchor, and refuses a collector that does not cascade', async () => {
    const asked: number[] = [];
    const anchor = async (nodes: number) => {
      asked.push(nodes);
      return 10;
    };
    const result = await measureCascade({ descriptor: tinyRc, nodes: 300, runs: 2, anchor });
    expect(result.gclabMs).toHaveLength(2);
    expect(result.anchorMs).toEqual([10, 10]);
    expect(asked).toEqual([300, 300, 300]);
    expect(cascadeFigure('tiny-rc', 'anchor', result).judged?.summary.runs).toHaveLength(2);
    await expect(measureCascade({ descriptor: noGc, nodes: 30, runs: 1, anchor })).rejects.toThrow(
      /no cascade/,
    );
  });

  it('times a trace file replay beside the heap API driven with the same operations', () => {
    const result = measureTraceReplay({ ops: 5000, runs: 2 });
    expect(result.ops).toBe(5000);
    expect(result.replayMs).toHaveLength(2);
    expect(result.directMs).toHaveLength(2);
    expect(result.replayCpuMs).toHaveLength(2);
    expect(result.directCpuMs).toHaveLength(2);
    expect(result.bytes).toBeGreaterThan(5000 * 8);
    const f = traceReplayFigure('no-gc', result);
    expect([f.id, f.key, f.judged?.summary.runs.length]).toEqual([9, 'trace-replay', 2]);
    expect(f.note).toMatch(/M operations\/s.*CPU time \(median\): replay .* ms, heap API .* ms, ratio /);
  });

  it('runs the program and the anchor alternately and checks their outputs', async () => {
    const run = (heap: Heap, round: number) => {
      for (let i = 0; i < round; i++) heap.new(0, 1);
      return heap.counters.ops;
    };
    const anchor = async (round: number) => ({ ms: 5, output: String(round) });
    const check = (heap: Heap, output: string) =>
      String(heap.counters.objectsAllocated) === output ? null : 'differ';
    const result = await measureOperationMix({ descriptor: noGc, runs: 2, run, anchor, check });
    expect(result.gclabMs).toHaveLength(2);
    expect(result.ops).toBe(2); // the last round is round 2 (round 0 is the warm-up)
    await expect(
      measureOperationMix({ descriptor: noGc, runs: 1, run, anchor, check: () => 'differ' }),
    ).rejects.toThrow(/round 0: differ/);
  });

  it('reads host memory before and after building', () => {
    const r = measureHostMemory({ descriptor: noGc, nodes: 20_000, v8Gc: () => {} });
    expect(r.simulatedBytes).toBe(20_000 * 24);
    expect(r.perObject).toBeCloseTo(r.bytesAfter / 20_000);
    expect(r.bytesAfter).toBeGreaterThan(0);
  });

  it('speaks to a child line by line and reports its exit', async () => {
    const echo = new LineProcess(process.execPath, [
      '-e',
      "require('readline').createInterface({input: process.stdin}).on('line', (l) => { if (l === 'quit') process.exit(4); console.log(l + '!'); })",
    ]);
    expect(await echo.request('a')).toBe('a!');
    expect(await echo.request('b')).toBe('b!');
    await expect(echo.request('quit')).rejects.toThrow(/code 4/);
    await echo.close();
  });
});
