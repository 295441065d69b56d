/**
 * Claim 4: "The reference count increases on assignment, argument passing and appending", judged
 * on the article's getrefcount example replayed in CPython 3.11's and 3.10's calling conventions.
 */
import type { DebateData } from '../debate-data.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';

type GetrefcountRun = DebateData['getrefcount'][number];

/** The figures of claim 4. */
export interface CountsOnAssignmentFigures {
  /** The example under each collector. */
  runs: GetrefcountRun[];
  /** The run under refcount. */
  rc: GetrefcountRun | undefined;
  /** Refcount printed CPython 3.11's counts (2, 3, 2), and 3.10's (2, 4, 2) in that convention. */
  matches311: boolean;
  matches310: boolean;
}

/** Counts as the example prints them (`2, 3, 2`; null where a collector keeps no count). */
const counts = (v: Array<number | null>): string =>
  v.map((x) => (x === null ? 'null' : String(x))).join(', ');

/** Claim 4: the counts the article's example prints. */
export const countsOnAssignment: Claim<CountsOnAssignmentFigures> = {
  number: 4,
  claim: 'The reference count increases on assignment, argument passing and appending.',

  measure(data: DebateData): CountsOnAssignmentFigures {
    const rc = data.getrefcount.find((r) => r.collector === 'refcount');
    return {
      runs: data.getrefcount,
      rc,
      matches311: rc !== undefined && counts(rc.cpython311) === '2, 3, 2',
      matches310: rc !== undefined && counts(rc.cpython310) === '2, 4, 2',
    };
  },

  decide(f: CountsOnAssignmentFigures): ClaimVerdict {
    return f.matches311 && f.matches310 ? 'supported' : 'partly supported';
  },

  write(f: CountsOnAssignmentFigures, verdict: ClaimVerdict): ClaimWriting {
    const { rc } = f;
    return {
      experiment:
        "The article's example replayed as a trace (examples/traces/getrefcount.trace; gclab experiment getrefcount): " +
        '`a = []`, `sys.getrefcount(a)` at module level, inside `def bar(a)`, and after bar returned; getrefcount is a ' +
        "call with one argument. Run in CPython 3.11's calling convention (the callee takes over the argument) and in " +
        "3.10's (the caller's evaluation stack keeps its reference during the call).",
      table: {
        head: ['collector', 'CPython 3.11 convention', 'CPython 3.10 convention', 'append (before, after)'],
        rows: f.runs.map((r) => [r.collector, counts(r.cpython311), counts(r.cpython310), counts(r.append)]),
      },
      paragraph:
        `${opening(verdict)}. Under refcount the example prints ${rc === undefined ? '—' : counts(rc.cpython311)}, as CPython 3.11 does: ` +
        "at module level the global `a` plus getrefcount's argument make 2; inside bar the parameter adds one (3); when " +
        "bar returns its frame releases it (2). The article shows 2, 4, 2 because up to CPython 3.10 the caller's " +
        'evaluation stack kept its own reference to the argument for the whole call to bar; replayed in that ' +
        `convention refcount prints ${rc === undefined ? '—' : counts(rc.cpython310)}. Since 3.11 a call from Python to Python ` +
        'moves the arguments into the new frame, so that extra reference is gone. Appending stores a reference in the ' +
        `list: the count goes ${rc === undefined ? '—' : counts(rc.append).replace(', ', ' to ')}. Tracing collectors keep no count (null).`,
    };
  },
};
