import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

describe('README', () => {
  it('prints what the README says its example prints', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const command = /```sh\nnpx gclab (.*)\n```/.exec(readme)?.[1];
    const printed = /```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(command).toBe('experiment getrefcount --versions 3.11,3.14');
    const r = await runCli(command!.split(' '));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(printed);
  });
});
