/**
 * `npm run perf` (at the repository root or in packages/experiments): the `perf` experiment
 * (src/perf/perf-run.ts, also `gclab experiment perf`), and the entry of its child processes.
 *
 * Run: `npm run perf [-- --runs N --only 1,4 --out DIR]`; a child: `perf.ts --child GROUP --runs N`.
 */
import {
  formatPerfRun,
  isPerfGroup,
  parseFigureList,
  perfResultLine,
  runPerf,
  runPerfGroup,
} from '../src/index.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(option('--runs') ?? 5);
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`--runs must be a positive integer, got ${runs}`);

const child = option('--child');
if (child !== undefined) {
  if (!isPerfGroup(child)) throw new Error(`unknown perf group ${child}`);
  process.stdout.write(perfResultLine(await runPerfGroup(child, runs)));
} else {
  const only = option('--only');
  const out = option('--out');
  const run = await runPerf({
    runs,
    ...(only === undefined ? {} : { only: parseFigureList(only) }),
    ...(out === undefined ? {} : { out }),
  });
  process.stdout.write(formatPerfRun(run));
}
