/**
 * Capturing a CPython heap snapshot with native python3 (`scripts/heap_snapshot.py`), read back by
 * @gclab/bench's reader. It fails, never skips, when CI=true and no python3 is found.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSnapshot, rootCount } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { captureFileName, captureSnapshot } from '../../src/census/capture.ts';
import { cycleFigures, typeCounts } from '../../src/census/census.ts';
import { findCPython } from '../../src/interpreters/python.ts';

const python = findCPython(['python3'], (major) => major === 3, 'CPython 3');
const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';

describe.skipIf(python.command === null && !inCI)('capturing a CPython heap snapshot', () => {
  it('json-loads: every object the program built is in the graph, its dicts and strings, with roots', () => {
    if (python.command === null) throw new Error(`CI=true and the capture cannot run: ${python.reason}`);
    const dir = mkdtempSync(join(tmpdir(), 'gclab-capture-'));
    const small = captureSnapshot('json-loads', { dir, scale: 100, python: python.command });
    expect(small).toBe(join(dir, captureFileName('json-loads')));
    const g100 = readSnapshot(small);
    const large = captureSnapshot('json-loads', {
      dir: join(dir, 'large'),
      scale: 1100,
      python: python.command,
    });
    const g1100 = readSnapshot(large);
    expect(g100.format).toBe('cpython');
    expect(g100.source).toMatch(/^program: json-loads; python: cpython 3\./);
    const count = (g: typeof g100, type: string): number =>
      typeCounts(g).find((t) => t.type === type)?.objects ?? 0;
    // Each record is a dict with a nested dict ("parent") and a list of two tags: 1000 more records,
    // 2000 more dicts and 1000 more lists exactly.
    expect(count(g1100, 'dict') - count(g100, 'dict')).toBe(2000);
    expect(count(g1100, 'list') - count(g100, 'list')).toBe(1000);
    expect(rootCount(g100)).toBeGreaterThan(0);
    expect(rootCount(g100)).toBeLessThan(g100.objects / 2);
    // The interpreter's own heap has cycles (modules, classes, functions); the records have none.
    expect(cycleFigures(g1100).objects).toBeGreaterThan(0);
  });
});
