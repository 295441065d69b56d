/**
 * Consuming single packages from the registry, as a user does: `npm pack` core, allocator and
 * refcount (packing builds `dist/` through each package's `prepack`), install the tarballs into a
 * fresh project with no TypeScript tooling, and run this package's README example there with plain
 * `node`. The example and its expected output are read from README.md, so the README stays true.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'gclab-pack-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The first `ts` block of the README and the untagged block it says the example prints. */
function readmeExample(): { code: string; output: string } {
  const match = /```ts\n([\s\S]*?)```\s*\n\s*prints\s*\n\s*```\n([\s\S]*?)```/.exec(readme);
  if (match === null) throw new Error('README.md has no ```ts example followed by "prints" and its output');
  return { code: match[1]!, output: match[2]! };
}

describe('the packed packages', () => {
  it('install into a project without TypeScript and run the README example with plain node', () => {
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const name of ['core', 'allocator', 'refcount']) {
      execFileSync('npm', ['pack', '--silent', '--pack-destination', tarballs], {
        cwd: join(packagesDir, name),
        stdio: 'pipe',
      });
    }
    const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
    expect(files.sort()).toEqual([
      'gclab-allocator-0.1.0.tgz',
      'gclab-core-0.1.0.tgz',
      'gclab-refcount-0.1.0.tgz',
    ]);

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', ...files.map((f) => join(tarballs, f))],
      { cwd: app, stdio: 'pipe' },
    );
    // Nothing that runs TypeScript is installed: the example runs from the packages' dist/.
    expect(readdirSync(join(app, 'node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['@gclab']);

    const { code, output } = readmeExample();
    writeFileSync(join(app, 'example.js'), code);
    const printed = execFileSync(process.execPath, ['example.js'], { cwd: app, encoding: 'utf8' });
    expect(printed).toBe(output);
  }, 240_000);
});
