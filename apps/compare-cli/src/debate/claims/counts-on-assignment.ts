/**
 * Claim 4: "The reference count increases on assignment, argument passing and appending", judged
 * on the article's getrefcount example: replayed under the counting collectors in the calling
 * conventions of CPython 3.10, 3.11 and 3.14, and run in each real CPython 3.11-3.15 beside that
 * version's model.
 */
import type { DebateData } from '../debate-data.ts';
import type { Claim, ClaimVerdict, ClaimWriting } from './claim.ts';
import { opening } from './claim.ts';

type GetrefcountRun = DebateData['getrefcount'][number];
type VersionRow = DebateData['getrefcountVersions'][number];

/** The figures of claim 4. */
export interface CountsOnAssignmentFigures {
  /** The example under each collector that is not a version's model. */
  runs: GetrefcountRun[];
  /** The example per CPython version: real interpreter and model. */
  versions: VersionRow[];
  /** The run under refcount. */
  rc: GetrefcountRun | undefined;
  /** Refcount printed 2, 3, 2 / 2, 4, 2 / 2, 2, 2 in the 3.11, 3.10 and 3.14 conventions. */
  conventionsHold: boolean;
  /** Versions whose model printed something other than the real interpreter (both ran). */
  mismatched: VersionRow[];
  /**
   * Versions where passing `a` into bar did not raise the count seen inside bar (real figures,
   * or the model's where the interpreter did not run).
   */
  passingFree: VersionRow[];
}

/** Counts as the example prints them (`2, 3, 2`; null where a collector keeps no count). */
const counts = (v: ReadonlyArray<number | null> | null): string =>
  v === null ? '—' : v.map((x) => (x === null ? 'null' : String(x))).join(', ');

/** What a version printed: the real interpreter's values, else its model's. */
const printed = (v: VersionRow): number[] | null => v.real ?? v.model;

/** Claim 4: the counts the article's example prints. */
export const countsOnAssignment: Claim<CountsOnAssignmentFigures> = {
  number: 4,
  claim: 'The reference count increases on assignment, argument passing and appending.',

  measure(data: DebateData): CountsOnAssignmentFigures {
    const models = new Set(data.getrefcountVersions.map((v) => v.collector));
    const rc = data.getrefcount.find((r) => r.collector === 'refcount');
    const versions = data.getrefcountVersions;
    return {
      runs: data.getrefcount.filter((r) => !models.has(r.collector)),
      versions,
      rc,
      conventionsHold:
        rc !== undefined &&
        counts(rc.cpython311) === '2, 3, 2' &&
        counts(rc.cpython310) === '2, 4, 2' &&
        counts(rc.cpython314) === '2, 2, 2',
      mismatched: versions.filter(
        (v) => v.real !== null && v.model !== null && counts(v.real) !== counts(v.model),
      ),
      passingFree: versions.filter((v) => {
        const p = printed(v);
        return p !== null && p[1]! <= p[0]!;
      }),
    };
  },

  decide(f: CountsOnAssignmentFigures): ClaimVerdict {
    if (f.rc === undefined && f.versions.length === 0) return 'not measured';
    return f.conventionsHold && f.mismatched.length === 0 && f.passingFree.length === 0
      ? 'supported'
      : 'partly supported';
  },

  write(f: CountsOnAssignmentFigures, verdict: ClaimVerdict): ClaimWriting {
    const { rc } = f;
    const column = { '3.10': 1, '3.11': 2, '3.14': 3 } as const;
    const versionRow = (
      name: string,
      convention: VersionRow['convention'],
      values: number[] | null,
    ): string[] => {
      const row = [name, '', '', '', ''];
      row[column[convention]] = counts(values);
      return row;
    };
    const rows: string[][] = [
      ...f.runs.map((r) => [
        r.collector,
        counts(r.cpython310),
        counts(r.cpython311),
        counts(r.cpython314),
        counts(r.append),
      ]),
      ...f.versions.flatMap((v) => [
        versionRow(`CPython ${v.version}, real (${v.release})`, v.convention, v.real),
        versionRow(`${v.collector}, its model`, v.convention, v.model),
      ]),
    ];
    const real = f.versions.filter((v) => v.real !== null);
    const notRun = f.versions.filter((v) => v.real === null);
    const byVersion = real.map((v) => `${v.version} ${counts(v.real)}`).join('; ');
    const free = f.passingFree.map((v) => v.version).join(', ');
    return {
      experiment:
        "The article's example replayed as a trace (examples/traces/getrefcount.trace; gclab experiment getrefcount): " +
        '`a = []`, `sys.getrefcount(a)` at module level, inside `def bar(a)`, and after bar returned; getrefcount is a ' +
        "call with one argument. Replayed in three calling conventions: 3.10's (the caller's evaluation stack keeps " +
        "its reference during the call), 3.11's (the callee takes over the argument; 3.12 and 3.13 too) and 3.14's (a " +
        'local is loaded as a borrowed reference, so getrefcount inside bar adds none; 3.15 too). The same program ' +
        'runs in each real CPython (3.11 native, 3.12-3.15 compiled to WebAssembly), beside the model of that version.',
      table: {
        head: ['run', '3.10 convention', '3.11 convention', '3.14 convention', 'append (before, after)'],
        rows,
      },
      paragraph:
        `${opening(verdict)}. Under refcount the example prints ${rc === undefined ? '—' : counts(rc.cpython311)} in 3.11's convention: ` +
        "at module level the global `a` plus getrefcount's argument make 2; inside bar the parameter adds one (3); when " +
        "bar returns its frame releases it (2). The article shows 2, 4, 2 because up to CPython 3.10 the caller's " +
        'evaluation stack kept its own reference to the argument for the whole call to bar; replayed in that ' +
        `convention refcount prints ${rc === undefined ? '—' : counts(rc.cpython310)}. ` +
        (real.length > 0 ? `The real interpreters print: ${byVersion}. ` : '') +
        (free.length > 0
          ? `In ${free} passing \`a\` to bar leaves the count seen inside bar where it was: from 3.14 a local variable is ` +
            'loaded as a borrowed reference, so the argument of getrefcount is not counted; the claim holds for ' +
            'assignment and appending, and for argument passing only up to 3.13. '
          : '') +
        (f.mismatched.length > 0
          ? `The models of ${f.mismatched.map((v) => v.version).join(', ')} print something else than the real interpreter. `
          : real.length > 0
            ? 'Each version’s model prints what its real interpreter prints. '
            : '') +
        (notRun.length > 0
          ? `Not run for real here: ${notRun.map((v) => `${v.version} (${v.unavailable})`).join('; ')}. `
          : '') +
        `Appending stores a reference in the list: the count goes ${rc === undefined ? '—' : counts(rc.append).replace(', ', ' to ')}. ` +
        'Tracing collectors keep no count (null).',
    };
  },
};
