/**
 * Consuming single packages from the registry, as a user does: `npm pack` the named workspace
 * packages (packing builds `dist/` through each package's `prepack`), install the tarballs into a
 * fresh project with no TypeScript tooling, and run a package's README example there with plain
 * `node`. The example and its expected output are read from the README (the first ```ts block and
 * the untagged block after "prints"), so the README stays true. Used by the packages' pack tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the packed example did: the tarballs made, what got installed, what it printed and should have. */
export interface PackedExample {
  tarballs: string[];
  installed: string[];
  printed: string;
  expected: string;
}

/** Packs `packages` (folder names under packages/), installs them into a fresh project and runs `readme`'s example. */
export function runPackedReadmeExample(packages: readonly string[], readme: URL): PackedExample {
  const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));
  const text = readFileSync(readme, 'utf8');
  const match = /```ts\n([\s\S]*?)```\s*\n\s*prints\s*\n\s*```\n([\s\S]*?)```/.exec(text);
  if (match === null)
    throw new Error(`${fileURLToPath(readme)} has no \`\`\`ts example followed by "prints" and its output`);
  const work = mkdtempSync(join(tmpdir(), 'gclab-pack-'));
  try {
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const name of packages) {
      execFileSync('npm', ['pack', '--silent', '--pack-destination', tarballs], {
        cwd: join(packagesDir, name),
        stdio: 'pipe',
      });
    }
    const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', ...files.map((f) => join(tarballs, f))],
      { cwd: app, stdio: 'pipe' },
    );
    writeFileSync(join(app, 'example.js'), match[1]!);
    const printed = execFileSync(process.execPath, ['example.js'], { cwd: app, encoding: 'utf8' });
    return {
      tarballs: files.sort(),
      installed: readdirSync(join(app, 'node_modules')).filter((f) => !f.startsWith('.')),
      printed,
      expected: match[2]!,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
