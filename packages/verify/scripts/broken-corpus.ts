/**
 * Runs the default verification campaign (`verifyCollector` with default options) at several seeds
 * against every collector of the broken-collector corpus (`test/fixtures/broken/`) and prints which
 * ones it catches, by which property, after how many programs, and how long it took. Not part of
 * `npm test`: it measures what the verifier reaches today.
 *
 *   npx tsx --conditions=@gclab/source packages/verify/scripts/broken-corpus.ts \
 *     [--seeds 1,2,3] [--runs N] [--collector NAME]... [--no-corpus]
 *
 * `--runs` overrides the campaign's programs per seed (default: verifyCollector's). `--no-corpus`
 * leaves out the regression corpus (`corpus/`, seeded from these very collectors), so the table
 * shows what the random programs alone catch. A campaign that
 * throws (the verifier's own errors, e.g. a shrunk counterexample that does not fail again) is
 * reported as `error` with the message.
 */
import { parseArgs } from 'node:util';
import { FORMAT_2_SHARE, verifyCollector } from '../src/index.ts';
import { brokenCorpus } from '../test/fixtures/broken/index.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    runs: { type: 'string' },
    collector: { type: 'string', multiple: true },
    'no-corpus': { type: 'boolean', default: false },
  },
});
const seeds = values.seeds.split(',').map(Number);
const runs = values.runs === undefined ? undefined : Number(values.runs);
const only = values.collector ?? [];

/** One campaign's outcome, as a table cell. */
function campaign(entry: (typeof brokenCorpus)[number], seed: number): { cell: string; programs: number } {
  try {
    const result = verifyCollector(entry.descriptor, {
      seed,
      ...(runs === undefined ? {} : { runs }),
      ...(values['no-corpus'] ? { corpus: [] } : {}),
      // A bug in finalization or weak references shows only in format-2 programs.
      ...(entry.format2 === true ? { format2: FORMAT_2_SHARE } : {}),
    });
    const programs = result.figures.programs;
    if (result.failure === null) return { cell: 'missed', programs };
    const at = result.failure.corpusTrace === null ? `@${programs}` : `corpus ${result.failure.corpusTrace}`;
    return { cell: `${result.failure.property} ${at} (${result.failure.ops.length} ops)`, programs };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { cell: `error: ${message.slice(0, 60)}`, programs: 0 };
  }
}

const rows: string[][] = [];
const header = ['collector', 'expected', ...seeds.map((s) => `seed ${s}`), 'programs', 'seconds'];
let caughtEverywhere = 0;
let total = 0;
for (const entry of brokenCorpus) {
  if (only.length > 0 && !only.includes(entry.descriptor.name)) continue;
  total++;
  const started = performance.now();
  const cells: string[] = [];
  let programs = 0;
  let caught = 0;
  for (const seed of seeds) {
    const outcome = campaign(entry, seed);
    cells.push(outcome.cell);
    programs += outcome.programs;
    if (outcome.cell !== 'missed' && !outcome.cell.startsWith('error')) caught++;
  }
  if (caught === seeds.length) caughtEverywhere++;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const row = [entry.descriptor.name, entry.expected, ...cells, String(programs), seconds];
  rows.push(row);
  process.stderr.write(`${row.join(' | ')}\n`);
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
console.log(`\ncaught at every seed: ${caughtEverywhere} of ${total}`);
