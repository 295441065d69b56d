/**
 * The article's claims, each judged on the debate's measurements by its own module: the figures it
 * measures, the verdict decided from them, and the experiment, table, chart and paragraph written
 * from the figures and the verdict (every number in the prose is read from `DebateData`, none is
 * typed in). Published figures, which gclab cannot measure (claim 10), are quoted with their sources.
 */
import type { DebateData } from '../debate-data.ts';
import { cascade } from './cascade.ts';
import { type ClaimResult, judge } from './claim.ts';
import { countsOnAssignment } from './counts-on-assignment.ts';
import { cycles } from './cycles.ts';
import { efficient } from './efficient.ts';
import { finalization } from './finalization.ts';
import { functionEnd } from './function-end.ts';
import { gil } from './gil.ts';
import { globals } from './globals.ts';
import { memoryRelease } from './memory-release.ts';
import { modernGc } from './modern-gc.ts';
import { overhead } from './overhead.ts';

/** Judges every claim on `data`, in the article's order. */
export function evaluateClaims(data: DebateData): ClaimResult[] {
  return [
    judge(memoryRelease, data),
    judge(efficient, data),
    judge(cycles, data),
    judge(countsOnAssignment, data),
    judge(globals, data),
    judge(functionEnd, data),
    judge(overhead, data),
    judge(cascade, data),
    judge(modernGc, data),
    judge(gil, data),
    judge(finalization, data),
  ];
}
