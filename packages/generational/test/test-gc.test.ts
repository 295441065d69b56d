/**
 * The test_gc cases of trace format 2 (test/test-gc/*.trace: each names its test of CPython 3.11.7's
 * Lib/test/test_gc.py and gives its Python source) replay under `cpython`, checked, to exactly the
 * lines their `# expect:` comments list. Those lines are what CPython 3.11 prints for the same
 * program: packages/experiments/test/test-gc/ runs packages/experiments/scripts/test_gc_cases.py
 * and compares, line for line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Heap, parseTrace, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { cpython } from '../src/cpython.ts';

const folder = fileURLToPath(new URL('./test-gc/', import.meta.url));
const cases = readdirSync(folder)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

describe('cpython: the test_gc cases of trace format 2', () => {
  it('has the ported cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(13);
  });

  it.each(cases)('%s', (name) => {
    const text = readFileSync(`${folder}${name}.trace`, 'utf8');
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]!);
    const heap = new Heap(cpython, { checked: true });
    expect(replay(heap, parseTrace(text)).lines).toEqual(expected);
  });
});
