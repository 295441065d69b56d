/**
 * The layering of docs/architecture.md, checked against the code's own imports: dependencies point
 * one way, every workspace package declares exactly the packages it imports (no unused and no
 * missing dependency), nothing reaches into another package's files by a relative path or a deep
 * import (the repository's examples/ are not a package: tests may use them), and no collector plan
 * imports another plan (what plans share lives in a mechanism folder).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.ts';

/** Which workspace packages each package may depend on at run time (its `dependencies`). */
const LAYERS: Record<string, readonly string[]> = {
  '@gclab/core': [],
  '@gclab/allocator': ['@gclab/core'],
  '@gclab/refcount': ['@gclab/core', '@gclab/allocator'],
  '@gclab/generational': ['@gclab/core', '@gclab/allocator', '@gclab/refcount'],
  '@gclab/tracing-gc': ['@gclab/core', '@gclab/allocator'],
  '@gclab/verify': ['@gclab/core'],
  '@gclab/bench': ['@gclab/core'],
  '@gclab/threads': ['@gclab/core'],
};
/** Packages above the libraries: they may use every library (experiments, then the command on top). */
const ABOVE = new Set(['@gclab/experiments', '@gclab/compare-cli']);
/** What a library's tests, benchmarks and scripts may use besides its own dependencies. */
const TEST_ONLY = new Set(['@gclab/verify']);

interface Workspace {
  name: string;
  dir: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  /** Optional peer dependencies: what src may import on a path a user opts into (threads' tsx loader from source). */
  optionalPeers: string[];
}

function workspaces(): Workspace[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(ROOT, group)).map((name) => {
      const dir = join(ROOT, group, name);
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Partial<Workspace> & {
        peerDependencies?: Record<string, string>;
        peerDependenciesMeta?: Record<string, { optional?: boolean }>;
      };
      return {
        name: json.name!,
        dir,
        dependencies: json.dependencies ?? {},
        devDependencies: json.devDependencies ?? {},
        optionalPeers: Object.keys(json.peerDependenciesMeta ?? {}).filter(
          (p) =>
            json.peerDependenciesMeta?.[p]?.optional === true && json.peerDependencies?.[p] !== undefined,
        ),
      };
    }),
  );
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry === 'node_modules' || entry === 'dist') return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry) ? [path] : [];
  });
}

/** Module specifiers a file imports (static, dynamic and re-exports). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g))
    found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

/** The package a bare specifier names (`@scope/name` or `name`), or null for relative and node: ones. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

const all = workspaces();
const names = new Set(all.map((w) => w.name));

describe('the architecture', () => {
  it('knows every workspace package', () => {
    for (const w of all) expect(LAYERS[w.name] !== undefined || ABOVE.has(w.name), w.name).toBe(true);
  });

  it.each(all.map((w) => [w.name, w] as const))('%s: dependencies point one way', (_, w) => {
    const allowed = LAYERS[w.name];
    const deps = Object.keys(w.dependencies).filter((d) => names.has(d));
    for (const d of deps) {
      if (allowed !== undefined) expect(allowed, `${w.name} may not depend on ${d}`).toContain(d);
      expect(d, 'nothing depends on the command').not.toBe('@gclab/compare-cli');
    }
    for (const d of Object.keys(w.devDependencies).filter((n) => names.has(n))) {
      if (allowed !== undefined) {
        expect(allowed.includes(d) || TEST_ONLY.has(d), `${w.name} may not dev-depend on ${d}`).toBe(true);
      }
    }
  });

  it.each(all.map((w) => [w.name, w] as const))(
    '%s: declares exactly what it imports; no relative or deep import into another package',
    (_, w) => {
      const used = { run: new Set<string>(), dev: new Set<string>() };
      const problems: string[] = [];
      for (const kind of ['src', 'bin', 'test', 'bench', 'scripts'] as const) {
        for (const file of sourceFiles(join(w.dir, kind))) {
          for (const spec of imports(file)) {
            const where = relative(ROOT, file);
            if (spec.startsWith('.')) {
              const target = join(file, '..', spec);
              const other = all.find((o) => o !== w && !relative(o.dir, target).startsWith('..'));
              if (other !== undefined) problems.push(`${where}: relative import into ${other.name}: ${spec}`);
              continue;
            }
            const pkg = packageOf(spec);
            if (pkg === null) continue;
            if (names.has(pkg) && spec !== pkg) problems.push(`${where}: deep import ${spec}`);
            (kind === 'src' || kind === 'bin' ? used.run : used.dev).add(pkg);
          }
        }
      }
      const declared = new Set([...Object.keys(w.dependencies), ...w.optionalPeers]);
      const declaredDev = new Set(Object.keys(w.devDependencies));
      for (const pkg of used.run) {
        if (pkg !== w.name && !declared.has(pkg)) problems.push(`src imports ${pkg}, not in dependencies`);
      }
      for (const pkg of used.dev) {
        if (pkg !== w.name && !declared.has(pkg) && !declaredDev.has(pkg) && !ROOT_DEV.has(pkg)) {
          problems.push(`tests import ${pkg}, declared nowhere`);
        }
      }
      for (const pkg of declared) {
        if (!used.run.has(pkg) && !RUNTIME_ONLY.has(pkg))
          problems.push(`dependency ${pkg} is never imported by src`);
      }
      for (const pkg of declaredDev) {
        if (!used.dev.has(pkg) && !used.run.has(pkg) && !pkg.startsWith('@types/')) {
          problems.push(`devDependency ${pkg} is never imported`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it('no collector plan imports another plan', () => {
    const problems: string[] = [];
    for (const w of all) {
      const plans = join(w.dir, 'src', 'plans');
      for (const file of sourceFiles(plans)) {
        for (const spec of imports(file)) {
          if (spec.startsWith('./')) problems.push(`${relative(ROOT, file)} imports the plan ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/** Tools the root package.json provides to every workspace's tests and benchmarks. */
const ROOT_DEV = new Set(
  Object.keys(
    (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies,
  ),
);
/**
 * Dependencies used by running them rather than importing them: the command's bin runs tsx, and
 * scripts/run-pyodide.mjs loads the real CPython 3.12-3.15 by a computed name (`pyodide-VERSION`).
 */
const RUNTIME_ONLY = new Set(['tsx', 'pyodide-3.12', 'pyodide-3.13', 'pyodide-3.14', 'pyodide-3.15']);
