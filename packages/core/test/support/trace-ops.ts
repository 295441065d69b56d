/**
 * fast-check arbitraries for trace operations: any operation the trace format can express, with
 * operands anywhere in their legal ranges (the round-trip property of the writer uses them).
 */
import fc from 'fast-check';
import { MAX_PAYLOAD, MAX_REFS, type TraceOp, type TraceRoot, type TraceSource } from '../../src/index.ts';

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

/** Any operation of the trace format. */
export const traceOpArb: fc.Arbitrary<TraceOp> = fc.oneof(
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
