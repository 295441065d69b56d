/**
 * The final check of a threaded run, by the main thread once every mutator thread has stopped: the
 * reference against which a plan is judged, computed from the memory alone.
 *
 * It walks every chunk to find the objects and free cells, counts each object's incoming references
 * (registers of live frames, inboxes, globals, fields of every object), traces what is reachable from
 * the roots, and compares:
 * - a reachable free cell, or a reference to something that is not an object: freed while reachable;
 * - a count below the incoming references: increments lost (the object will be freed too early);
 *   a count above: decrements lost (it leaks);
 * - an object no root reaches, left allocated by a plan that frees all garbage: a leak;
 * - a biased count still QUEUED: a merge that never happened.
 */
import { NREFS_MASK } from '@gclab/core';
import { CONTROL, FREE_BIT, MAILBOX, REGISTERS, type SharedLayout } from './layout.ts';
import type { ThreadPlan } from './thread-plan.ts';

/** What the final check found. */
export interface GraphCheck {
  /** Objects and free cells in the heap; objects reachable from the roots. */
  objects: number;
  freeCells: number;
  reachable: number;
  /** References (from roots or fields) to a free cell or to no object at all. */
  danglingReferences: number;
  /** Reachable objects freed (their cell is free). */
  freedWhileReachable: number;
  /** Objects whose count is below / above their incoming references. */
  countsTooLow: number;
  countsTooHigh: number;
  /** Objects no root reaches that are still allocated (a plan that frees all garbage should leave none). */
  unreachable: number;
  /** Biased counting: objects still queued for a merge. */
  queued: number;
  /** Whether nothing above is wrong for this plan. */
  ok: boolean;
  /** The first few problems, each naming the object. */
  samples: string[];
}

const SAMPLES = 8;

/** Checks the heap in `words` after a run of `plan`'s kind (`plan` is the main thread's instance, used to read counts). */
export function checkGraph(words: Int32Array, layout: SharedLayout, plan: ThreadPlan): GraphCheck {
  const w = words;
  const L = layout;
  const granules = (L.heapEnd - L.heapStart) >> 3;
  // 0: not an object start, 1: free cell, 2: object.
  const state = new Uint8Array(granules);
  const incoming = new Int32Array(granules);
  const reached = new Uint8Array(granules);
  const result: GraphCheck = {
    objects: 0,
    freeCells: 0,
    reachable: 0,
    danglingReferences: 0,
    freedWhileReachable: 0,
    countsTooLow: 0,
    countsTooHigh: 0,
    unreachable: 0,
    queued: 0,
    ok: true,
    samples: [],
  };
  const note = (text: string): void => {
    if (result.samples.length < SAMPLES) result.samples.push(text);
  };
  const model = plan.heap.model;
  const used = Math.min(w[CONTROL.chunkCursor]!, L.chunks);
  const objects: number[] = [];
  for (let c = 0; c < used; c++) {
    const top = w[L.chunkTop(c)]!;
    if (top === 0) continue;
    for (let a = L.chunkStart(c); a < top; a += model.size(w, a)) {
      if ((w[a >> 2]! & FREE_BIT) !== 0) {
        state[(a - L.heapStart) >> 3] = 1;
        result.freeCells++;
      } else {
        state[(a - L.heapStart) >> 3] = 2;
        objects.push(a);
      }
    }
  }
  result.objects = objects.length;

  const roots: number[] = [];
  for (let t = 0; t < L.threads; t++) {
    const fp = w[L.framePointer(t)]!;
    for (let f = 0; f <= fp; f++) for (let r = 0; r < REGISTERS; r++) roots.push(w[L.register(t, f, r)]!);
    for (let k = w[L.inboxHead(t)]!; k < w[L.inboxTail(t)]!; k++) roots.push(w[L.inbox(t, k % MAILBOX)]!);
  }
  for (let g = 0; g < L.globalCount; g++) roots.push(w[L.global(g)]!);

  const target = (ref: number, from: string): number => {
    const g = L.inHeap(ref) ? (ref - L.heapStart) >> 3 : -1;
    if (g < 0 || state[g] !== 2) {
      result.danglingReferences++;
      note(`${from} refers to ${ref} which is ${g >= 0 && state[g] === 1 ? 'a free cell' : 'not an object'}`);
      return -1;
    }
    incoming[g]!++;
    return g;
  };
  const stack: number[] = [];
  for (const ref of roots) {
    if (ref === 0) continue;
    const g = target(ref, 'a root');
    if (g >= 0 && reached[g] === 0) {
      reached[g] = 1;
      stack.push(ref);
    }
    if (g < 0 && L.inHeap(ref) && state[(ref - L.heapStart) >> 3] === 1) result.freedWhileReachable++;
  }
  for (const a of objects) {
    const n = w[a >> 2]! & NREFS_MASK;
    for (let k = 0; k < n; k++) {
      const ref = model.getField(w, a, k);
      if (ref !== 0) target(ref, `field ${k} of object ${a}`);
    }
  }
  // Reachability: invariant: every address on the stack is reached and its fields not yet followed.
  while (stack.length > 0) {
    const a = stack.pop()!;
    result.reachable++;
    const n = w[a >> 2]! & NREFS_MASK;
    for (let k = 0; k < n; k++) {
      const ref = model.getField(w, a, k);
      if (ref === 0 || !L.inHeap(ref)) continue;
      const g = (ref - L.heapStart) >> 3;
      if (state[g] === 1) {
        result.freedWhileReachable++;
        note(`object ${ref} is reachable (field ${k} of ${a}) but was freed`);
      } else if (state[g] === 2 && reached[g] === 0) {
        reached[g] = 1;
        stack.push(ref);
      }
    }
  }
  for (const a of objects) {
    const g = (a - L.heapStart) >> 3;
    if (reached[g] === 0 && plan.freesAllGarbage) {
      result.unreachable++;
      note(`object ${a} is unreachable but was not freed`);
    }
    const count = plan.countOf(a);
    if (count === null) continue;
    if (count < incoming[g]!) {
      result.countsTooLow++;
      note(`object ${a} has count ${count} but ${incoming[g]} references`);
    } else if (count > incoming[g]!) {
      result.countsTooHigh++;
      note(`object ${a} has count ${count} but ${incoming[g]} references`);
    }
    if (plan.isQueued(a)) {
      result.queued++;
      note(`object ${a} is still queued for its owner's merge`);
    }
  }
  result.ok =
    result.danglingReferences === 0 &&
    result.freedWhileReachable === 0 &&
    result.countsTooLow === 0 &&
    result.countsTooHigh === 0 &&
    result.unreachable === 0 &&
    result.queued === 0;
  return result;
}
