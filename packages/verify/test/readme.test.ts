import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';

const README = join(import.meta.dirname, '../README.md');
const INDEX = join(import.meta.dirname, '../src/index.ts');
const CORE = join(import.meta.dirname, '../../core/src/index.ts');

describe('README', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gclab-verify-readme-'));
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
    writeFileSync(
      file,
      code!
        .replace("from '@gclab/verify'", `from ${JSON.stringify(INDEX)}`)
        .replace("from '@gclab/core'", `from ${JSON.stringify(CORE)}`),
    );
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    });
    await import(file);
    expect(`${lines.join('\n')}\n`).toBe(printed);
  });
});
