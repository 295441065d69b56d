/**
 * The worked examples of trace format 2 in docs/trace-format.md: each ```trace block followed by a
 * `| collector | output |` table is replayed under every collector of its table (checked mode), and
 * the lines it writes must be those documented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Heap, parseTrace, replay } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { findCollector } from '../src/registry.ts';

const DOC = join(import.meta.dirname, '../../../docs/trace-format.md');

/** Each example: its trace text and, per collector, the documented lines. */
function examples(): Array<{ trace: string; outputs: Array<[string, string[]]> }> {
  const doc = readFileSync(DOC, 'utf8');
  const found = [
    ...doc.matchAll(
      /```trace\n((?:(?!```)[\s\S])*)```\n\n\| collector \| output \|\n\|---\|---\|\n((?:\|.*\|\n)+)/g,
    ),
  ];
  return found.map((m) => ({
    trace: m[1]!,
    outputs: m[2]!
      .trim()
      .split('\n')
      .map((row): [string, string[]] => {
        const [, name, lines] = /^\| `([^`]+)` \| (.*) \|$/.exec(row)!;
        return [name!, [...lines!.matchAll(/`([^`]+)`/g)].map((l) => l[1]!)];
      }),
  }));
}

describe('the worked examples of trace format 2 in docs/trace-format.md', () => {
  const all = examples();

  it('are there, each with an output table', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });

  it.each(all.map((e, i) => [i + 1, e] as const))('example %i writes the documented lines', (_n, e) => {
    for (const [name, lines] of e.outputs) {
      const heap = new Heap(findCollector(name), { checked: true });
      expect([name, replay(heap, parseTrace(e.trace, 'docs/trace-format.md')).lines]).toEqual([name, lines]);
    }
  });
});
