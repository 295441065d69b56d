/**
 * Reading results files given on the command line (`compare`, `merge`, `report`): a missing file,
 * text that is not JSON, JSON from something else, a schema version this gclab does not read and
 * malformed fields (checked against @gclab/bench's zod schema of the file) are all a user's mistake,
 * reported in one line naming the file and the field (exit 2).
 */
import { readFileSync } from 'node:fs';
import { checkResultsSchema, type MatrixResults, RESULTS_SCHEMA, RESULTS_SCHEMA_VERSION } from '@gclab/bench';
import { UsageError } from '../errors.ts';

/** A results file that cannot be used. */
export class ResultsInputError extends UsageError {
  override name = 'ResultsInputError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** Reads and checks the results file `file`; throws `ResultsInputError`. */
export function readResultsInput(file: string): MatrixResults {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResultsInputError(
      file,
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`,
    );
  }
  return parseResultsText(file, text);
}

/** Parses and checks results JSON read from `file`. */
export function parseResultsText(file: string, text: string): MatrixResults {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ResultsInputError(file, `not JSON (${(error as Error).message})`);
  }
  const problem = resultsProblem(data);
  if (problem !== null) throw new ResultsInputError(file, problem);
  return data as MatrixResults;
}

/** What makes `data` unusable as a results file, or null. */
export function resultsProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return `not a gclab results file (expected an object with "schema": "${RESULTS_SCHEMA}")`;
  }
  const d = data as Record<string, unknown>;
  if (d.schema !== RESULTS_SCHEMA) {
    return `not a gclab results file (no "schema": "${RESULTS_SCHEMA}"; write one with gclab run --format json --out FILE)`;
  }
  if (d.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    return `results schema version ${JSON.stringify(d.schemaVersion)}; this gclab reads version ${RESULTS_SCHEMA_VERSION}`;
  }
  const checked = checkResultsSchema(data);
  return checked.ok ? null : `malformed results: ${checked.problems.join('; ')}`;
}
