import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { parseResultsText, ResultsInputError, readResultsInput } from '../../src/report/results-input.ts';
import { loadResultsFixture, RESULTS_FIXTURE } from './fixture.ts';

describe('readResultsInput', () => {
  it('reads a real results file', () => {
    expect(readResultsInput(RESULTS_FIXTURE.pathname).cells.length).toBe(loadResultsFixture().cells.length);
  });

  it('names the file and the problem for each kind of bad input (a usage error)', () => {
    const fixture = loadResultsFixture();
    const cases: Array<[string, RegExp]> = [
      ['{"schema": "gclab-results", ', /^f\.json: not JSON \(/],
      ['[1, 2, 3]', /^f\.json: not a gclab results file \(expected an object/],
      ['null', /^f\.json: not a gclab results file/],
      [
        JSON.stringify({ name: 'some-package', version: '1.0.0' }),
        /^f\.json: not a gclab results file \(no "schema"/,
      ],
      [
        JSON.stringify({ ...fixture, schemaVersion: 99 }),
        /^f\.json: results schema version 99; this gclab reads version 1$/,
      ],
      [
        JSON.stringify({ ...fixture, options: undefined }),
        /^f\.json: malformed results: options: Invalid input: expected object, received undefined$/,
      ],
      [
        JSON.stringify({ ...fixture, cells: {} }),
        /^f\.json: malformed results: cells: Invalid input: expected array, received object$/,
      ],
      [
        JSON.stringify({ ...fixture, cells: [{ cell: { workload: 'x' } }] }),
        /^f\.json: malformed results: cells\[0\]\.cell\.size: Invalid option: expected one of "small"\|"medium"\|"large"; cells\[0\]\.cell\.seed: .*; and \d+ more problems$/,
      ],
      [
        JSON.stringify({ ...fixture, cells: [{ ...fixture.cells[0], summary: null }] }),
        /^f\.json: malformed results: cells\[0\]: an ok cell has a summary and a measurement$/,
      ],
      [
        // The corrupted cell of issue 15: a wall time that is not a number.
        JSON.stringify(fixture, null, 2).replace(/"wallMs": \[[^\]]*\]/, '"wallMs":"fast"'),
        /^f\.json: malformed results: cells\[0\]\.wallMs: Invalid input: expected array, received string$/,
      ],
      [
        JSON.stringify({
          ...fixture,
          cells: [{ ...fixture.cells[0], summary: { ...fixture.cells[0]!.summary, wallMs: 'fast' } }],
        }),
        /^f\.json: malformed results: cells\[0\]\.summary\.wallMs: Invalid input: expected object, received string$/,
      ],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        parseResultsText('f.json', text);
      } catch (e) {
        error = e;
      }
      expect(error, text.slice(0, 40)).toBeInstanceOf(ResultsInputError);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message, text.slice(0, 40)).toMatch(message);
    }
  });

  it('reports a missing file and a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-input-'));
    expect(() => readResultsInput(join(dir, 'none.json'))).toThrow(/none\.json: no such file$/);
    expect(() => readResultsInput(dir)).toThrow(/: is a directory$/);
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(loadResultsFixture()));
    expect(readResultsInput(join(dir, 'ok.json')).schema).toBe('gclab-results');
  });
});
