/**
 * Reach segments: the shapes a rigorous collector test suite reaches and short random programs
 * almost never do. Each segment runs in a frame of its own (a `call` with six registers, so its
 * registers are distinct whatever frame the program was in, then a `ret`), and leaves what it keeps
 * alive in globals:
 * - rings: cycles of 1 to 64 objects, garbage or live (held by a global) at a full collection;
 * - wide objects: 5 to 64 reference fields with the high fields set (before and after minor
 *   collections), read back after a full collection;
 * - boundary payloads: objects whose size is at, a word under or a word over a multiple of 512
 *   (every size-class boundary past the small classes, the 4 KiB page, the 8 KiB and 32 KiB
 *   large-object thresholds), a payload byte under or over, linked through their fields;
 * - large objects: over 32 KiB and over 1 MiB, with small objects in their high fields;
 * - memory growth: several objects of over 1 MiB live at once, so the memory array grows several
 *   times past several MiB;
 * - deep calls: 16 to 72 frames, each holding the only register reference to an object of its own;
 * - many globals: 9 to 64 globals, each the only reference to its object;
 * - size-class runs: hundreds of objects of one size (a cell size that divides a 4 KiB page, or
 *   one that leaves a remainder), enough to fill one or more whole pages or blocks so that the last
 *   cell of a page holds an object, dead or alive, at a full collection; then the run again, into
 *   the cells the sweep gave back;
 * - mutation while marking: a live list long enough that an incremental mark (or any collection an
 *   allocation starts) spans many mutator operations, walked, cut, held in registers, spliced back,
 *   grafted and given young objects between allocations (the patterns that need a collector's write
 *   and root barriers: a white object loaded from an unscanned one whose field is then cleared, a
 *   store into a scanned object).
 * - fan-in: one object referred to by 8 to 300 fields of other objects (past a narrow reference
 *   count's range), its count read, then the referrers dropped and collected.
 * Sizes are exact for the collector's header words (`headerWords`: object size = 8 + 8 * header
 * words + 8 * fields + payload). Boundary, large and growth segments, and the longest runs, need
 * room: `roomy` asks for the largest heap limit (none when the campaign has an unlimited one).
 */

import fc from 'fast-check';
import { GLOBAL_POOL, type Step } from './program.ts';
import { fullGc, g, neu, put, r, set } from './step-builders.ts';

/** A reach segment's steps and whether it needs the largest heap limit. */
export interface ReachSegment {
  /** The steps, wrapped in a frame of their own. */
  readonly steps: readonly Step[];
  /** Whether the program should run under the largest heap limit (large payloads). */
  readonly roomy: boolean;
}

/** Registers of the frame a reach segment runs in. */
const FRAME_REGISTERS = 6;

/** Steps in a fresh frame of `FRAME_REGISTERS` registers. */
function framed(steps: readonly Step[], roomy: boolean): ReachSegment {
  return {
    steps: [{ k: 'call', extra: FRAME_REGISTERS, args: [] }, ...steps, { k: 'ret' }],
    roomy,
  };
}

const minorGc: Step = { k: 'gc', generation: 0 };

/** The payload that makes an object with `refs` fields `size` bytes in all (0 when it cannot be that small). */
function payloadFor(size: number, refs: number, headerWords: number): number {
  return Math.max(0, size - 8 - 8 * headerWords - 8 * refs);
}
const setGlobal = (n: number, src: number | null): Step => ({
  k: 'set',
  dst: g(n),
  src: src === null ? null : r(src),
});

/** 1 to 64, with 64 (and the lengths past a mark stack's or search's small bound) well represented. */
const ringLength = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 2, arbitrary: fc.integer({ min: 9, max: 63 }) },
  { weight: 2, arbitrary: fc.constant(64) },
);

/**
 * A ring of `n` objects (node 0's field points at the last node, each later node at the one before),
 * garbage at a full collection or live through a global (then maybe dropped and collected again).
 */
const ringSegment = fc
  .record({
    n: ringLength,
    refs: fc.integer({ min: 1, max: 3 }),
    link: fc.nat({ max: 2 }),
    live: fc.boolean(),
    global: fc.nat({ max: 2 }),
    dropLater: fc.boolean(),
  })
  .map(({ n, refs, link, live, global, dropLater }) => {
    const index = link % refs;
    const steps: Step[] = [neu(0, refs), set(1, 0)];
    for (let i = 1; i < n; i++) steps.push(neu(2, refs), put(2, index, 1), set(1, 2));
    steps.push(put(0, index, 1));
    if (live) steps.push(setGlobal(global, 0));
    steps.push(set(0, null), set(1, null), set(2, null), fullGc);
    if (live && dropLater) steps.push(setGlobal(global, null), fullGc);
    return framed(steps, false);
  });

/** Field counts past the small shapes, with 64 and the powers of two (and one past them) common. */
const wideRefs = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(64, 63, 33, 32, 17, 16, 9, 8, 5) },
  { weight: 1, arbitrary: fc.integer({ min: 5, max: 64 }) },
);

/**
 * An object with many fields, its last field and a few other high ones set to fresh objects (maybe
 * after it was promoted by minor collections), then collected and its last field read back.
 */
const wideSegment = fc
  .record({
    refs: wideRefs,
    others: fc.array(fc.nat({ max: 63 }), { maxLength: 4 }),
    promote: fc.boolean(),
    self: fc.boolean(),
  })
  .map(({ refs, others, promote, self }) => {
    const steps: Step[] = [neu(0, refs, 8)];
    if (promote) steps.push(minorGc, minorGc);
    for (const index of [refs - 1, ...others.map((o) => refs - 1 - (o % refs))])
      steps.push(neu(1, 1), put(0, index, 1), set(1, null));
    if (self) steps.push(put(0, refs - 2 >= 0 ? refs - 2 : 0, 0));
    steps.push(minorGc, fullGc, { k: 'get', dst: r(2), obj: r(0), index: refs - 1 }, setGlobal(0, 0));
    return framed(steps, false);
  });

/** Object sizes at size-class and page boundaries: multiples of 512 up to 8 KiB, then 16 and 32 KiB. */
const boundarySize = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 16 }).map((k) => 512 * k) },
  { weight: 1, arbitrary: fc.constantFrom(4096, 8192, 16384, 32768) },
);

/**
 * Objects whose size is at, a word under or a word over a boundary (the payload a byte under or
 * over too), linked into a list through their fields, collected, then half dropped and collected.
 */
const boundarySegment = (headerWords: number) =>
  fc
    .array(
      fc.record({
        size: boundarySize,
        word: fc.constantFrom(-8, 0, 8),
        byte: fc.constantFrom(-1, 0, 1),
        refs: fc.integer({ min: 1, max: 4 }),
      }),
      { minLength: 1, maxLength: 5 },
    )
    .map((objects) => {
      const steps: Step[] = [];
      objects.forEach(({ size, word, byte, refs }, i) => {
        const bytes = Math.max(0, payloadFor(size + word, refs, headerWords) + byte);
        steps.push(neu(i, refs, bytes));
        if (i > 0) steps.push(put(i, refs - 1, i - 1));
      });
      steps.push(fullGc);
      for (let i = 0; i < objects.length - 1; i += 2) steps.push(set(i, null));
      steps.push(fullGc, setGlobal(1, objects.length - 1));
      return framed(steps, true);
    });

/** A large payload: over 32 KiB, or over 1 MiB. */
const largeBytes = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 32 << 10, max: 96 << 10 }).map((b) => b + 8) },
  { weight: 1, arbitrary: fc.integer({ min: 1 << 20, max: (1 << 20) + (256 << 10) }).map((b) => b + 8) },
);

/** Large objects with small objects in their high fields (and each other in their first), collected. */
const largeSegment = fc
  .record({
    objects: fc.array(fc.record({ bytes: largeBytes, refs: fc.integer({ min: 2, max: 16 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    keep: fc.boolean(),
  })
  .map(({ objects, keep }) => {
    const steps: Step[] = [];
    objects.forEach(({ bytes, refs }, i) => {
      steps.push(neu(i, refs, bytes), neu(4, 1), put(i, refs - 1, 4), set(4, null));
      if (i > 0) steps.push(put(i, 0, i - 1));
    });
    const last = objects.length - 1;
    steps.push(fullGc, { k: 'get', dst: r(5), obj: r(last), index: objects[last]!.refs - 1 });
    if (keep) steps.push(setGlobal(2, last));
    return framed(steps, true);
  });

/**
 * Three to six objects of over 1 MiB live at once, linked, with collections between, so the memory
 * array grows several times; then all but the last are dropped and collected.
 */
const growthSegment = fc
  .record({
    n: fc.integer({ min: 3, max: 6 }),
    extra: fc.nat({ max: 512 << 10 }),
    gcEach: fc.boolean(),
  })
  .map(({ n, extra, gcEach }) => {
    const steps: Step[] = [];
    for (let i = 0; i < n; i++) {
      steps.push(neu(i, 2, (1 << 20) + 8 * Math.floor(extra / 8) + 8));
      if (i > 0) steps.push(put(i, 1, i - 1));
      if (gcEach) steps.push(fullGc);
    }
    steps.push(fullGc);
    for (let i = 0; i < n - 1; i++) steps.push(set(i, null));
    steps.push(put(n - 1, 1, null), fullGc);
    return framed(steps, true);
  });

/** 16 to 72 frames deep, 64 and more in most. */
const callDepth = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: 16, max: 63 }) },
  { weight: 3, arbitrary: fc.integer({ min: 64, max: 72 }) },
);

/**
 * Calls `levels` deep, each frame holding the only register reference to a fresh object that points
 * at its caller's; collections at the deepest frame and once back above the 64th.
 */
const deepSegment = fc.record({ levels: callDepth, minor: fc.boolean() }).map(({ levels, minor }) => {
  const steps: Step[] = [neu(1, 1)];
  for (let i = 0; i < levels; i++) steps.push({ k: 'call', extra: 1, args: [r(1)] }, neu(1, 1), put(1, 0, 0));
  steps.push(...(minor ? [minorGc] : []), fullGc, neu(0, 2), fullGc);
  for (let i = 0; i < levels; i++) {
    steps.push({ k: 'ret' });
    if (i === 8) steps.push(fullGc);
  }
  steps.push(fullGc);
  return framed(steps, false);
});

/** 9 to 64 globals (past small root buffers), each the only reference to its object, some linked. */
const globalsSegment = (): fc.Arbitrary<ReachSegment> =>
  fc
    .record({
      n: fc.oneof(
        { weight: 1, arbitrary: fc.integer({ min: 9, max: 63 }) },
        { weight: 1, arbitrary: fc.constant(GLOBAL_POOL.length) },
      ),
      link: fc.boolean(),
      drop: fc.boolean(),
    })
    .map(({ n, link, drop }) => {
      const steps: Step[] = [];
      for (let i = 0; i < n; i++) {
        steps.push({ k: 'new', dst: g(i), refs: 1, bytes: 0 });
        if (link && i > 0 && i % 3 === 0)
          steps.push({ k: 'put', obj: g(i), index: 0, src: g(i - 1), mode: 'given' });
      }
      steps.push(fullGc, { k: 'refcount', src: g(n - 1) });
      if (drop) {
        for (let i = 0; i < n; i += 2) steps.push({ k: 'del', dst: g(i) });
        steps.push(fullGc);
      }
      return framed(steps, false);
    });

/** Object sizes of a size-class run: cell sizes that divide a 4 KiB page (most), and some that do not. */
const runSize = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(16, 32, 64, 128, 256, 512, 1024, 2048) },
  { weight: 1, arbitrary: fc.constantFrom(24, 48, 80, 96, 160, 192, 320, 384, 640, 768, 1536) },
);

/** Most objects one run allocates (a run of 16-byte objects fills two pages). */
const MAX_RUN = 520;

/**
 * A size-class run: `n` objects of one size into one register (each new one makes the one before it
 * garbage; with `keep`, every `keep`-th is kept on a chain), enough to fill `fill` bytes of whole
 * pages plus `extra` objects, so the last cell of a page holds an object at the full collection; then
 * a second run of the same size into the cells the sweep gave back, and another full collection.
 */
const runSegment = (roomy: boolean, headerWords: number) =>
  fc
    .record({
      size: runSize,
      under: fc.constantFrom(0, 0, 8),
      fill: roomy ? fc.constantFrom(4096, 8192, 32768, 65536) : fc.constantFrom(4096, 4096, 8192),
      extra: fc.nat({ max: 2 }),
      keep: fc.constantFrom(0, 0, 0, 2, 7),
      again: fc.integer({ min: 1, max: 64 }),
    })
    .map(({ size, under, fill, extra, keep, again }) => {
      const refs = keep > 0 ? 1 : 0;
      const bytes = payloadFor(size - under, refs, headerWords);
      const n = Math.min(MAX_RUN, Math.ceil(fill / size) + extra);
      const steps: Step[] = [];
      for (let i = 0; i < n; i++) {
        steps.push(neu(0, refs, bytes));
        if (keep > 0 && i % keep === 0) steps.push(put(0, 0, 1), set(1, 0));
      }
      steps.push(set(0, null), fullGc);
      for (let i = 0; i < Math.min(again, n); i++) steps.push(neu(0, refs, bytes));
      steps.push(fullGc, setGlobal(2, 1));
      return framed(steps, roomy && fill > 8192);
    });

/**
 * One episode of `mutationSegment`: walk the cursor `walk` nodes on, cut the list after it (or its
 * side field) and hold what was cut in a register only, allocate `hold` objects of `bytes` (maybe
 * moving the held object between registers, maybe storing a fresh object into the cursor's node),
 * then splice it back, graft it onto a node nearer the head, or drop it.
 */
const episode = fc.record({
  walk: fc.integer({ min: 0, max: 24 }),
  field: fc.constantFrom(0, 0, 0, 1),
  hold: fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) },
    { weight: 2, arbitrary: fc.integer({ min: 5, max: 80 }) },
  ),
  bytes: fc.constantFrom(0, 16, 64, 200),
  move: fc.boolean(),
  young: fc.boolean(),
  end: fc.constantFrom('splice', 'splice', 'graft', 'drop'),
});

/**
 * Mutation while marking: a live list of `n` two-field nodes (field 0 the next node, field 1 a side
 * object) in register 0 (and maybe a global), then episodes with allocations between their steps,
 * so that a collection an allocation starts (an incremental mark in small steps, a minor
 * collection) is in progress across many mutator operations. In each episode a cursor (register 1)
 * walks several nodes down the list (running ahead of a marker that scans one object per
 * allocation), the list is cut after it and the tail held by a register (2) only while objects are
 * allocated (the tail maybe moved to register 4 and back, a fresh object stored into the cursor's
 * node), then the tail is spliced back, grafted onto a side field nearer the head, or dropped. At the
 * end the list is collected while the last tail may still be held only by a register, then again
 * once it is spliced back.
 */
export const mutationSegment = fc
  .record({
    n: fc.integer({ min: 16, max: 64 }),
    global: fc.boolean(),
    episodes: fc.array(episode, { minLength: 2, maxLength: 8 }),
  })
  .map(({ n, global, episodes }) => {
    const steps: Step[] = [neu(0, 2), set(1, 0)];
    for (let i = 1; i < n; i++) steps.push(neu(5, 2), put(1, 0, 5), set(1, 5));
    steps.push(set(5, null), set(1, 0));
    if (global) steps.push(setGlobal(1, 0));
    const walk = (k: number) => {
      for (let i = 0; i < k; i++) steps.push({ k: 'get', dst: r(1), obj: r(1), index: 0 });
    };
    for (const e of episodes) {
      walk(e.walk);
      steps.push({ k: 'get', dst: r(2), obj: r(1), index: e.field }, put(1, e.field, null));
      if (e.move) steps.push(set(4, 2), set(2, null));
      for (let i = 0; i < e.hold; i++) {
        steps.push(neu(3, 1, e.bytes));
        if (e.young && i === e.hold >> 1) steps.push(neu(5, 1), put(1, 1, 5), set(5, null));
      }
      if (e.move) steps.push(set(2, 4), set(4, null));
      if (e.end === 'splice') steps.push(put(1, e.field, 2));
      else if (e.end === 'graft') steps.push(set(1, 0), put(1, 1, 2));
      if (e.end !== 'splice') steps.push(set(2, null), set(1, 0));
    }
    // Collected while the tail may still be held only by a register, then once it is spliced back.
    steps.push(fullGc, put(1, 0, 2), fullGc, { k: 'get', dst: r(1), obj: r(0), index: 0 });
    if (global) steps.push(setGlobal(1, null));
    return framed(steps, false);
  });

/** Referrers of a fan-in segment: around the ranges of narrow counts (3, 4, 8 bits) and far past. */
const fanIn = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(7, 8, 9, 15, 16, 17, 64) },
  { weight: 1, arbitrary: fc.integer({ min: 8, max: 300 }) },
);

/**
 * Fan-in: an object (register 0) that `n` objects refer to, each also referring to the one before
 * (a chain in register 2); its reference count read, the chain collected, then dropped and
 * collected, with the count read again.
 */
const fanInSegment = fc.record({ n: fanIn, self: fc.boolean() }).map(({ n, self }) => {
  const refcount: Step = { k: 'refcount', src: r(0) };
  const steps: Step[] = [neu(0, 1)];
  if (self) steps.push(put(0, 0, 0));
  for (let i = 0; i < n; i++) steps.push(neu(1, 2), put(1, 0, 0), put(1, 1, 2), set(2, 1));
  steps.push(set(1, null), refcount, fullGc, refcount, set(2, null), fullGc, refcount);
  return framed(steps, false);
});

/**
 * One reach segment, each kind in a fair share; without `roomy`, only the kinds that fit a small
 * heap limit (no boundary, large or growth segments, and shorter size-class runs). Sizes are exact
 * for a collector with `headerWords` extra header words.
 */
export const reachSegment = (roomy: boolean, headerWords = 0): fc.Arbitrary<ReachSegment> =>
  fc.oneof(
    { weight: 3, arbitrary: ringSegment },
    { weight: 2, arbitrary: wideSegment },
    { weight: roomy ? 2 : 0, arbitrary: boundarySegment(headerWords) },
    { weight: roomy ? 1 : 0, arbitrary: largeSegment },
    { weight: roomy ? 1 : 0, arbitrary: growthSegment },
    { weight: 2, arbitrary: deepSegment },
    { weight: 2, arbitrary: globalsSegment() },
    { weight: 2, arbitrary: runSegment(roomy, headerWords) },
    { weight: 3, arbitrary: mutationSegment },
    { weight: 1, arbitrary: fanInSegment },
  );
