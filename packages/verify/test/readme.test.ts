import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';

const README = join(import.meta.dirname, '../README.md');

describe('README', () => {
  // Inside the package, so that '@gclab/verify' and '@gclab/core' resolve as they do for a user.
  const dir = mkdtempSync(join(import.meta.dirname, '.readme-'));
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints what the README says the verification example prints', async () => {
    const readme = readFileSync(README, 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const printed = /```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toContain('verifyCollector');
    expect(printed).toBeDefined();
    const file = join(dir, 'example.ts');
    writeFileSync(file, code!);
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    });
    await import(file);
    expect(`${lines.join('\n')}\n`).toBe(printed);
  });
});
