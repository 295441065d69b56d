import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MatrixResults, spread, writeResults } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { parseResultsText, ResultsInputError, readResultsInput } from '../../src/report/results-input.ts';
import { loadResultsFixture, RESULTS_FIXTURE } from './fixture.ts';

describe('readResultsInput', () => {
  it('reads a real results file', () => {
    expect(readResultsInput(RESULTS_FIXTURE.pathname).cells.length).toBe(loadResultsFixture().cells.length);
  });

  it('reads an older file without intervals: each interval is the range, its samples unknown', () => {
    const raw = JSON.parse(readFileSync(RESULTS_FIXTURE, 'utf8')) as MatrixResults;
    expect(raw.cells[0]!.summary!.wallMs).not.toHaveProperty('lo');
    const read = readResultsInput(RESULTS_FIXTURE.pathname);
    const wall = read.cells[0]!.summary!.wallMs;
    expect(wall.n).toBe(3);
    expect([wall.lo, wall.hi]).toEqual([wall.min, wall.max]);
    expect(wall.confidence).toBe(0.75);
    expect(wall.samples).toEqual([]);
    expect(read.options).not.toHaveProperty('minTimedMs');
  });

  it('keeps the samples, intervals and timing options of a current file through a round trip', () => {
    const results = loadResultsFixture();
    const samples = [12, 11, 13, 12.5, 11.5, 12.2, 30, 12.1, 11.9, 12.3];
    results.cells[0]!.summary!.wallMs = spread(samples);
    results.options.minTimedMs = 200;
    results.options.maxInvocations = 30;
    const dir = mkdtempSync(join(tmpdir(), 'gclab-results-'));
    const file = join(dir, 'r.json');
    writeResults(file, results);
    const read = readResultsInput(file);
    expect(read.cells[0]!.summary!.wallMs).toEqual(spread(samples));
    expect(read.cells[0]!.summary!.wallMs).toMatchObject({ lo: 11.5, hi: 13, samples });
    expect(read.options).toMatchObject({ minTimedMs: 200, maxInvocations: 30 });
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
