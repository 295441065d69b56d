import { describe, expect, it } from 'vitest';
import { Heap, MutatorError, noGc, parseTrace, replay } from '../../src/index.ts';

/** Replays `body` (after a version-2 header) under no-gc in checked mode; returns the output lines. */
function lines(body: string): string[] {
  return replay(new Heap(noGc, { checked: true }), parseTrace(`gclab-trace 2\n${body}`)).lines;
}

describe('trace format 2 under no-gc (nothing is ever freed)', () => {
  it('writes deref, gc call and refcount lines in order; finalizers and callbacks never run', () => {
    expect(
      lines(`
new g:a 1 object
finalizer g:a
weakref g:w g:a callback
refcount g:a
del g:a
gc.collect
deref r0 g:w
safepoint
gc.get_count
gc.garbage
gc.is_tracked r0
gc.is_finalized r0
gc.set_threshold 10
gc.freeze
`),
    ).toEqual([
      'null',
      'collected 0',
      'deref live',
      'count null',
      'garbage null',
      'tracked null',
      'finalized null',
    ]);
  });

  it('a version-1 trace writes exactly its refcount values', () => {
    const heap = new Heap(noGc);
    const result = replay(heap, parseTrace('gclab-trace 1\nnew r0 1\nrefcount r0\ngc\nrefcount r0\n'));
    expect(result.lines).toEqual(['null', 'null']);
    expect(heap.output).toEqual([]);
  });

  it('without a replay listening, lines go to heap.output', () => {
    const heap = new Heap(noGc);
    const a = heap.new(heap.global('a'), 0);
    const w = heap.weakref(heap.global('w'), heap.global('a'), false);
    expect(heap.weakRefs.referentOf(w)).toBe(a);
    expect(heap.deref(0, heap.global('w'))).toBe(a);
    expect(heap.output).toEqual(['deref live']);
  });

  it('immortal: held forever in a hidden global, counted like a root; the oracle sees it reachable', () => {
    const heap = new Heap(noGc, { checked: true });
    const r = replay(
      heap,
      parseTrace('gclab-trace 2\nnew g:s 1 object\nput g:s 0 g:s\nimmortal g:s\ndel g:s\n'),
    );
    expect(r.lines).toEqual([]);
    const reach = heap.oracle.traverse();
    expect(reach.garbageObjects).toBe(0);
    expect(heap.roots.globalNames).toEqual(['s', 'immortal 0']);
  });

  it.each([
    ['immortal r0', 'op 0 (immortal r0): null cannot be made immortal'],
    ['finalizer r0', 'op 0 (finalizer r0): null cannot have a finalizer'],
    ['new r0 0\nweakref r1 r2', 'op 1 (weakref r1 r2): cannot make a weak reference to null'],
    ['new r0 0\nderef r1 r0', 'op 1 (deref r1 r0): r0 is not a weak reference'],
    ['gc.is_tracked r3', 'op 0 (gc.is_tracked r3): gc.is_tracked of null'],
  ])('%j is a MutatorError naming the op', (body, message) => {
    let error: unknown;
    try {
      lines(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MutatorError);
    expect((error as Error).message).toBe(message);
  });

  it('checked mode accepts a global that a finalizer names before anything is stored in it', () => {
    const globals = Array.from({ length: 64 }, (_, i) => `new g:x${i} 0`).join('\n');
    expect(lines(`${globals}\nnew r0 0\nfinalizer r0 resurrect g:late\ngc\n`)).toEqual([]);
  });

  it('runFinalizer runs a finalizer once, resurrecting into its global', () => {
    const heap = new Heap(noGc, { checked: true });
    replay(heap, parseTrace('gclab-trace 2\nnew r0 0\nfinalizer r0 resurrect g:saved\n'));
    const addr = heap.peekRoot(0);
    expect(heap.runFinalizer(addr)).toBe(true);
    expect(heap.runFinalizer(addr)).toBe(false);
    expect(heap.output).toEqual(['finalize 1']);
    expect(heap.peekRoot(heap.global('saved'))).toBe(addr);
  });
});
