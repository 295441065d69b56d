/**
 * fast-check arbitraries for trace operations: any operation the trace format can express, with
 * operands anywhere in their legal ranges (the round-trip property of the writer uses them).
 */
import fc from 'fast-check';
import {
  type GcCall,
  MAX_PAYLOAD,
  MAX_REFS,
  type TraceOp,
  type TraceRoot,
  type TraceSource,
} from '../../src/index.ts';

/** The largest register number, register count or generation the parser accepts. */
export const MAX_TRACE_INT = 0x7fff_fffe;

/** Integers in `[0, max]`, biased towards small values and the bounds. */
function count(max: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: Math.min(max, 8) }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max }) },
    { weight: 1, arbitrary: fc.constantFrom(0, max) },
  );
}

/** A global name: `[A-Za-z_][A-Za-z0-9_.]*`. */
export const globalNameArb: fc.Arbitrary<string> = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,12}$/);

/** Any root. */
export const rootArb: fc.Arbitrary<TraceRoot> = fc.oneof(
  count(MAX_TRACE_INT).map((index): TraceRoot => ({ kind: 'reg', index })),
  globalNameArb.map((name): TraceRoot => ({ kind: 'global', name })),
);

/** Any source: a root or null. */
export const sourceArb: fc.Arbitrary<TraceSource> = fc.oneof(
  { weight: 4, arbitrary: rootArb },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Any operation of version 1 of the trace format. */
export const traceOpV1Arb: fc.Arbitrary<TraceOp> = fc.oneof(
  fc.record({
    op: fc.constant('new' as const),
    dst: rootArb,
    refs: count(MAX_REFS),
    bytes: count(MAX_PAYLOAD),
  }),
  fc.record({ op: fc.constant('set' as const), dst: rootArb, src: sourceArb }),
  fc.record({ op: fc.constant('del' as const), dst: rootArb }),
  fc.record({ op: fc.constant('put' as const), obj: rootArb, index: count(MAX_REFS - 1), src: sourceArb }),
  fc.record({ op: fc.constant('get' as const), dst: rootArb, obj: rootArb, index: count(MAX_REFS - 1) }),
  fc
    .tuple(count(MAX_TRACE_INT), fc.array(sourceArb, { maxLength: 5 }))
    .map(([n, args]): TraceOp => ({ op: 'call', nregs: Math.max(n, args.length), args })),
  fc.constant({ op: 'ret' as const }),
  fc.record({ op: fc.constant('gc' as const), generation: fc.option(count(MAX_TRACE_INT), { nil: null }) }),
  fc.record({ op: fc.constant('refcount' as const), src: rootArb }),
);

/** A call of the `gc` module (trace format 2). */
const gcCallArb: fc.Arbitrary<GcCall> = fc.oneof(
  fc
    .option(fc.integer({ min: 0, max: 2 }), { nil: null })
    .map((generation): GcCall => ({ call: 'collect', generation })),
  fc
    .array(count(MAX_TRACE_INT), { minLength: 1, maxLength: 3 })
    .map((thresholds): GcCall => ({ call: 'set_threshold', thresholds })),
  count(MAX_TRACE_INT).map((flags): GcCall => ({ call: 'set_debug', flags })),
  rootArb.map((src): GcCall => ({ call: 'is_tracked', src })),
  rootArb.map((src): GcCall => ({ call: 'is_finalized', src })),
  fc.constantFrom<GcCall>(
    { call: 'get_count' },
    { call: 'enable' },
    { call: 'disable' },
    { call: 'freeze' },
    { call: 'unfreeze' },
    { call: 'garbage' },
    { call: 'garbage_clear' },
  ),
);

/** Any operation version 2 adds (and `new` with a kind). */
export const traceOpV2OnlyArb: fc.Arbitrary<TraceOp> = fc.oneof(
  fc.record({
    op: fc.constant('new' as const),
    dst: rootArb,
    refs: count(MAX_REFS),
    bytes: count(MAX_PAYLOAD),
    kind: fc.constantFrom(
      'object' as const,
      'list' as const,
      'dict' as const,
      'tuple' as const,
      'atomic' as const,
    ),
  }),
  fc.record({
    op: fc.constant('finalizer' as const),
    obj: rootArb,
    action: fc.oneof(
      fc.constant({ kind: 'legacy' as const }),
      fc.option(globalNameArb, { nil: null }).map((resurrect) => ({ kind: 'finalize' as const, resurrect })),
    ),
  }),
  fc.record({ op: fc.constant('weakref' as const), dst: rootArb, referent: rootArb, callback: fc.boolean() }),
  fc.record({ op: fc.constant('deref' as const), dst: rootArb, weakref: rootArb }),
  fc.constant({ op: 'safepoint' as const }),
  gcCallArb.map((gc): TraceOp => ({ op: 'gc-call', gc })),
);

/** Any operation of the trace format (versions 1 and 2). */
export const traceOpArb: fc.Arbitrary<TraceOp> = fc.oneof(
  { weight: 3, arbitrary: traceOpV1Arb },
  { weight: 1, arbitrary: traceOpV2OnlyArb },
);
