/**
 * The command starts fast: the modules every command loads (program.ts and, through static
 * imports, every command file) do not load the HTML renderer's heavy dependencies (jsdom and
 * Observable Plot, about a second); the commands that need them import them when they run.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Static (not type-only, not dynamic) imports of a source file. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1]!);
}

/** Every module reached from `entry` through static imports (relative files followed, packages listed). */
function reached(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec));
      else seen.add(spec);
    }
  }
  return seen;
}

describe('startup', () => {
  it('program.ts does not statically reach jsdom or Observable Plot', () => {
    const modules = reached(resolve(SRC, 'program.ts'));
    expect(modules.has(resolve(SRC, 'commands/run.ts'))).toBe(true); // the walk follows the commands
    expect(modules.has('commander')).toBe(true);
    expect(modules.has('jsdom')).toBe(false);
    expect(modules.has('@observablehq/plot')).toBe(false);
  });

  it('the walk does find them behind the report modules', () => {
    const modules = reached(resolve(SRC, 'report/html-report.ts'));
    expect(modules.has('jsdom')).toBe(true);
    expect(modules.has('@observablehq/plot')).toBe(true);
  });
});
