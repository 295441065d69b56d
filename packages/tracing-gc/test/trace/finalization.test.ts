import { type CollectorDescriptor, Heap, parseTrace, replay } from '@gclab/core';
import { defaultSeed } from '@gclab/verify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { genCopy } from '../../src/plans/gen-copy.ts';
import { type Incremental, IncrementalState, incremental } from '../../src/plans/incremental.ts';
import { markCompact } from '../../src/plans/mark-compact.ts';
import { markSweep } from '../../src/plans/mark-sweep.ts';
import { semispace } from '../../src/plans/semispace.ts';

const plans: CollectorDescriptor[] = [markSweep, markCompact, semispace, incremental, genCopy];

/** Replays a format-2 trace in checked mode; returns the heap and every output line. */
function run(plan: CollectorDescriptor, text: string): { heap: Heap; lines: string[] } {
  const heap = new Heap(plan, { checked: true });
  const { lines } = replay(heap, parseTrace(`gclab-trace 2\n${text}`));
  return { heap, lines };
}

describe.each(plans.map((p) => [p.name, p] as const))('%s: weak references and finalizers', (_name, plan) => {
  it('clears weak references at the collection after their referent dies; a callback runs only for a live weak reference', () => {
    const { heap, lines } = run(
      plan,
      `new r0 0
       weakref g:w1 r0 callback
       weakref g:w2 r0
       weakref r1 r0 callback
       deref r2 g:w1
       del r2
       gc.collect
       deref r2 g:w1
       del r2
       del r0
       del r1
       deref r2 g:w2
       del r2
       gc.collect
       deref r2 g:w1
       deref r2 g:w2
       gc.collect`,
    );
    // Op 3's weak reference object died with the referent: its callback does not run.
    expect(lines).toEqual([
      'deref live',
      'collected 0',
      'deref live',
      'deref live',
      'callback 1',
      'collected 2',
      'deref null',
      'deref null',
      'collected 0',
    ]);
    expect(heap.weakRefs.size).toBe(2);
    expect(heap.oracle.traverse().garbageObjects).toBe(0);
  });

  it('runs a finalizer after the collection that finds its object unreachable, and frees it (and what it reaches) at the next one', () => {
    const { heap, lines } = run(
      plan,
      `new g:a 1
       new r0 0 16
       put g:a 0 r0
       del r0
       finalizer g:a
       del g:a
       gc.collect
       gc.collect
       gc.collect`,
    );
    expect(lines).toEqual(['finalize 4', 'collected 0', 'collected 2', 'collected 0']);
    expect(heap.finalizers.size).toBe(0);
    expect(heap.stats().unfreedObjects).toBe(0);
  });

  it('resurrection: the object and all it reaches stay intact, its weak references are cleared, and it is not finalized again', () => {
    const { heap, lines } = run(
      plan,
      `new g:a 1
       new r0 1 16
       put g:a 0 r0
       new r1 0 8
       put r0 0 r1
       del r0
       del r1
       finalizer g:a resurrect g:saved
       weakref g:w g:a callback
       del g:a
       gc.collect
       deref r0 g:w
       get r0 g:saved 0
       get r1 r0 0
       del r0
       del r1
       gc.collect
       del g:saved
       gc.collect
       gc.collect`,
    );
    expect(lines).toEqual([
      'callback 8',
      'finalize 7',
      'collected 0',
      'deref null',
      'collected 0',
      'collected 3',
      'collected 0',
    ]);
    expect(heap.stats().unfreedObjects).toBe(1);
  });

  it('clears weak references to objects reachable only from a finalizable object', () => {
    const { lines } = run(
      plan,
      `new g:f 1
       new r0 0
       put g:f 0 r0
       weakref g:w r0 callback
       weakref g:w2 g:f
       del r0
       finalizer g:f
       del g:f
       gc.collect
       deref r0 g:w
       deref r0 g:w2
       gc.collect`,
    );
    expect(lines).toEqual([
      'callback 3',
      'finalize 6',
      'collected 0',
      'deref null',
      'deref null',
      'collected 2',
    ]);
  });

  it('a weak reference follows its referent when objects move; deref returns the object at its new address', () => {
    const a = plan.constraints.movesObjects;
    const { heap, lines } = run(
      plan,
      `new r0 0 64
       new g:a 1 8
       new g:b 0 24
       put g:a 0 g:b
       weakref g:wa g:a
       weakref g:wb g:b callback
       del r0
       gc.collect
       deref r0 g:wa
       get r1 r0 0
       deref r2 g:wb
       gc.collect
       deref r3 g:wb
       gc.collect
       finalizer g:b
       gc.collect
       del r1
       del r2
       del r3
       set g:b null
       put g:a 0 null
       gc.collect
       deref r1 g:wb
       deref r2 g:wa
       del r1
       del r2
       gc.collect`,
    );
    // The finalizer entry of b moved with b: it runs once b is unreachable (its weak reference is
    // cleared first), and a is untouched.
    expect(lines).toEqual([
      'collected 1',
      'deref live',
      'deref live',
      'collected 0',
      'deref live',
      'collected 0',
      'collected 0',
      'callback 5',
      'finalize 14',
      'collected 0',
      'deref null',
      'deref live',
      'collected 1',
    ]);
    const root = (name: string) => heap.peekRoot(heap.global(name));
    expect(heap.peekRoot(0)).toBe(root('a'));
    expect(heap.weakRefs.referentOf(root('wa'))).toBe(root('a'));
    expect(heap.weakRefs.referentOf(root('wb'))).toBe(0);
    expect(heap.counters.objectsMoved > 0).toBe(a);
  });

  it('a trace without finalizers or weak references allocates no queue', () => {
    const heap = new Heap(plan, { checked: true });
    const { lines } = replay(heap, parseTrace('gclab-trace 2\nnew g:a 1\nnew r0 0\ndel r0\ngc.collect\n'));
    expect(lines).toEqual(['collected 1']);
    const references = (heap.collector as unknown as { references: { queued: readonly number[] } })
      .references;
    expect(references.queued.length).toBe(0);
    expect(Object.isFrozen(references.queued)).toBe(true);
  });
});

describe('gen-copy minor collections', () => {
  it('clear weak references to dead nursery objects, keep old referents, and move both ends', () => {
    const { heap, lines } = run(
      genCopy,
      `new g:old 0 8
       gc.collect 0
       weakref g:wo g:old callback
       new r0 0
       weakref g:wy r0 callback
       new g:y 0 16
       weakref g:wl g:y
       del r0
       del g:old
       gc.collect 0
       deref r0 g:wo
       deref r1 g:wy
       deref r2 g:wl
       del r0
       gc.collect
       deref r0 g:wo`,
    );
    // The minor collection treats the dead old object as live (its weak reference stays); the full
    // collection clears it and runs the callback.
    expect(lines).toEqual([
      'collected 0',
      'callback 4',
      'collected 1',
      'deref live',
      'deref null',
      'deref live',
      'callback 2',
      'collected 1',
      'deref null',
    ]);
    const y = heap.peekRoot(heap.global('y'));
    expect(heap.peekRoot(2)).toBe(y);
    expect(heap.weakRefs.referentOf(heap.peekRoot(heap.global('wl')))).toBe(y);
  });

  it('finalize young objects after the minor collection, promoted; a full collection frees them', () => {
    const { heap, lines } = run(
      genCopy,
      `new g:a 1
       new r0 0
       put g:a 0 r0
       del r0
       finalizer g:a
       del g:a
       gc.collect 0
       gc.collect 0
       gc.collect`,
    );
    expect(lines).toEqual(['finalize 4', 'collected 0', 'collected 0', 'collected 2']);
    expect(heap.stats().unfreedObjects).toBe(0);
  });

  it('resurrect a young object with everything it reaches', () => {
    const { heap, lines } = run(
      genCopy,
      `new g:a 1 8
       new r0 0 24
       put g:a 0 r0
       del r0
       finalizer g:a resurrect g:saved
       del g:a
       gc.collect 0
       get r0 g:saved 0
       gc.collect 0
       del r0
       del g:saved
       gc.collect`,
    );
    expect(lines).toEqual(['finalize 4', 'collected 0', 'collected 0', 'collected 2']);
    expect(heap.stats().unfreedObjects).toBe(0);
  });
});

describe('incremental: weak references read while marking', () => {
  /**
   * A heap with a weak reference (global w, op 5) to an object X (op 0) that has a finalizer (op 6)
   * and reaches a child; a marking cycle has begun and X's only strong reference is gone, so X is
   * white and the root scan will not find it. `ops` replays more of the trace; `lines` is the output.
   */
  function markingHeap(): { gc: Incremental; ops: (text: string) => void; lines: string[] } {
    const heap = new Heap(incremental, {
      checked: true,
      collectorOptions: { minHeapBytes: 1 << 30, budget: 1, stepBytes: 1 << 30, sweepBudgetBytes: 1 },
    });
    const gc = heap.collector as Incremental;
    const lines: string[] = [];
    heap.onOutput = (line) => lines.push(line); // lines written by steps outside a replay
    const ops = (text: string): void => {
      lines.push(...replay(heap, parseTrace(`gclab-trace 2\n${text}`)).lines);
    };
    ops('new r0 1 8\nnew r1 0 16\nput r0 0 r1\ndel r1\nnew g:keep 0\nweakref g:w r0 callback\nfinalizer r0');
    gc.startCycle();
    ops('del r0');
    expect(gc.state).toBe(IncrementalState.marking);
    return { gc, ops, lines };
  }

  function finishMarking(gc: Incremental): void {
    while (gc.state === IncrementalState.marking) gc.step(1);
  }

  it('a deref during marking shades the referent: it is marked, not cleared, not finalized', () => {
    const { gc, ops, lines } = markingHeap();
    // Past the registers: the root scan will not see r1 again, only the barrier can shade X.
    for (let i = 0; i < 4; i++) gc.step(1);
    expect(gc.state).toBe(IncrementalState.marking);
    ops('deref r1 g:w');
    finishMarking(gc);
    ops('deref r2 g:w');
    while (gc.inCycle) gc.step(1);
    // r3 = X's child: intact (checked mode compares every object with its shadow after each op).
    ops('get r3 r1 0\ngc.collect\nderef r2 g:w');
    expect(lines).toEqual(['deref live', 'deref live', 'collected 0', 'deref live']);
  });

  it('without a deref the white referent is cleared at the end of marking and finalized', () => {
    const { gc, ops, lines } = markingHeap();
    finishMarking(gc);
    expect(lines).toEqual(['callback 5', 'finalize 6']);
    ops('deref r1 g:w');
    while (gc.inCycle) gc.step(1);
    ops('gc.collect');
    expect(lines).toEqual(['callback 5', 'finalize 6', 'deref null', 'collected 2']);
  });

  it('a referent read and dropped again during marking is floating garbage: cleared by the next cycle', () => {
    const { gc, ops, lines } = markingHeap();
    ops('deref r1 g:w\ndel r1');
    finishMarking(gc);
    ops('deref r1 g:w\ndel r1\ngc.collect\ngc.collect');
    expect(lines).toEqual([
      'deref live',
      'deref live',
      'callback 5',
      'finalize 6',
      'collected 0',
      'collected 2',
    ]);
  });
});

describe('every plan agrees on random format-2 programs', () => {
  const roots = ['r0', 'r1', 'r2', 'r3', 'g:a', 'g:b'];
  /** One step's choices: the operation, two roots, a number. */
  const step = fc.tuple(fc.nat(11), fc.nat(5), fc.nat(5), fc.nat(40));

  /**
   * Builds a valid program from the choices by running it under mark-sweep as it goes (an operation
   * whose operands do not fit the heap becomes a `new`); returns its text and mark-sweep's output.
   */
  function build(steps: Array<[number, number, number, number]>): { text: string; lines: string[] } {
    const heap = new Heap(markSweep, { checked: true });
    const defined = new Set(['g:a', 'g:b']); // a deleted global is undefined until assigned again
    const ok = (r: string) => r.startsWith('r') || defined.has(r);
    const code = (r: string) => (r.startsWith('r') ? Number(r.slice(1)) : heap.global(r.slice(2)));
    const addr = (r: string) => (ok(r) ? heap.peekRoot(code(r)) : 0);
    const fields = (r: string) => (addr(r) === 0 ? 0 : heap.fieldCount(addr(r)));
    const ops = ['new g:a 1', 'new g:b 0'];
    const lines = replay(heap, parseTrace(`gclab-trace 2\n${ops.join('\n')}`)).lines;
    for (const [kind, i, j, n] of steps) {
      const r = roots[i]!;
      const s = roots[j]!;
      let line = `new ${r} ${n % 3} ${n}`;
      if (kind === 1 && fields(r) > 0)
        line = `put ${r} ${n % fields(r)} ${n % 4 === 0 || !ok(s) ? 'null' : s}`;
      else if (kind === 2 && ok(s)) line = `set ${r} ${n % 5 === 0 ? 'null' : s}`;
      else if (kind === 3 && ok(r)) line = `del ${r}`;
      else if (kind === 4 && fields(s) > 0) line = `get ${r} ${s} ${n % fields(s)}`;
      else if (kind === 5 && addr(r) !== 0) line = `finalizer ${r}${n % 3 === 0 ? ' resurrect g:saved' : ''}`;
      else if (kind === 6 && addr(s) !== 0) line = `weakref ${r} ${s}${n % 2 === 0 ? ' callback' : ''}`;
      else if (kind === 7 || kind === 8) {
        // The first root from `s` on that holds a weak reference object, if any.
        const w = [...roots.slice(j), ...roots.slice(0, j)].find((x) =>
          heap.weakRefs.isWeakReference(addr(x)),
        );
        if (w !== undefined) line = `deref ${r} ${w}`;
      } else if (kind >= 9) line = 'gc.collect';
      if (line.startsWith('del')) defined.delete(r);
      else if (!line.startsWith('put') && !line.startsWith('finalizer') && !line.startsWith('gc'))
        defined.add(r);
      ops.push(line);
      lines.push(...replay(heap, parseTrace(`gclab-trace 2\n${line}`)).lines);
    }
    return { text: ops.join('\n'), lines };
  }

  it('the same output lines under all five plans (explicit collections only), in checked mode', () => {
    let finalized = 0;
    let callbacks = 0;
    let live = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 80, size: 'max' }), (steps) => {
        const { text, lines } = build(steps);
        finalized += lines.filter((l) => l.startsWith('finalize')).length;
        callbacks += lines.filter((l) => l.startsWith('callback')).length;
        live += lines.filter((l) => l === 'deref live').length;
        for (const plan of plans.slice(1)) {
          const heap = new Heap(plan, { checked: true });
          expect(replay(heap, parseTrace(`gclab-trace 2\n${text}`)).lines, plan.name).toEqual(lines);
        }
      }),
      { seed: defaultSeed(), numRuns: 100 },
    );
    // The programs exercise what they are meant to (about 140 finalizers, 30 callbacks and 160 live
    // derefs at the default seed).
    expect(Math.min(finalized, callbacks, live)).toBeGreaterThan(10);
  });
});
