/**
 * The differential test of the test_gc cases against the real CPython 3.11: each trace of
 * packages/generational/test/test-gc/ (a test of Lib/test/test_gc.py written as a format-2 trace)
 * replays under `cpython`, and scripts/test_gc_cases.py runs the same program in Python; the output
 * lines (finalizers, callbacks, `collected N` as gc.collect() returns it, gc.garbage lengths,
 * is_tracked, is_finalized, deref) must be identical, line for line.
 *
 * It fails, never skips, when CI=true and no CPython 3.11 is found; elsewhere it is skipped then.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Heap, parseTrace, replay } from '@gclab/core';
import { cpython } from '@gclab/generational';
import { describe, expect, it } from 'vitest';
import { findPython311, runPythonScript } from '../../src/interpreters/python.ts';

const python = findPython311();
const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const available = python.command !== null;

const folder = fileURLToPath(new URL('../../../generational/test/test-gc/', import.meta.url));
const cases = readdirSync(folder)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

describe.skipIf(!available && !inCI)('test_gc cases against CPython 3.11', () => {
  const command = (): string => {
    if (python.command === null)
      throw new Error(`CI=true and the test_gc differential cannot run: ${python.reason}`);
    return python.command;
  };

  it('covers every ported case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(13);
  });

  it.each(cases)('%s: the same lines as CPython', (name) => {
    const py = runPythonScript(command(), 'test_gc_cases.py', [name], { timeoutMs: 60_000 });
    const pythonLines = py.stdout.trimEnd().split('\n');
    const heap = new Heap(cpython, { checked: true });
    const text = readFileSync(`${folder}${name}.trace`, 'utf8');
    expect(replay(heap, parseTrace(text)).lines).toEqual(pythonLines);
  });
});
