/**
 * Where results come from: the machine, Node, package versions, the git commit, and code
 * fingerprints (a package's version plus a hash of its source files) that key the minimum-heap
 * cache, so that changing a collector's code invalidates its cached minimum heaps.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CollectorRef } from './cell.ts';

/** The machine a run was made on. */
export interface MachineInfo {
  /** Logical CPUs available to the process. */
  cpus: number;
  /** CPU model name. */
  cpuModel: string;
  /** Total memory in bytes. */
  memoryBytes: number;
  /** `process.platform`. */
  platform: string;
  /** `process.arch`. */
  arch: string;
  /** OS release. */
  osRelease: string;
  /** Host name. */
  hostname: string;
}

/** The machine this process runs on. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    hostname: os.hostname(),
  };
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** The directory of package `name` as seen from this package (through node_modules), or null. */
export function packageDir(name: string): string | null {
  for (let dir = HERE; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return dirname(realpathSync(candidate));
    if (dirname(dir) === dir) return null;
  }
}

/** The directory of the package containing `file` (nearest package.json above it), or null. */
export function packageDirOfFile(file: string): string | null {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/** Name and version from a package directory's package.json. */
export function packageInfo(dir: string): { name: string; version: string } {
  const data = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name?: string;
    version?: string;
  };
  return { name: data.name ?? dir, version: data.version ?? '0.0.0' };
}

/** The package directory a collector reference loads from, or null. */
export function refPackageDir(ref: CollectorRef): string | null {
  return isAbsolute(ref.module) ? packageDirOfFile(ref.module) : packageDir(ref.module);
}

/** Versions of @gclab/core, @gclab/bench and the packages of `refs`. */
export function packageVersions(refs: readonly CollectorRef[]): Record<string, string> {
  const out: Record<string, string> = {};
  const dirs = [packageDir('@gclab/core'), packageDirOfFile(fileURLToPath(import.meta.url))];
  for (const ref of refs) dirs.push(refPackageDir(ref));
  for (const dir of dirs) {
    if (dir === null) continue;
    const info = packageInfo(dir);
    out[info.name] = info.version;
  }
  return out;
}

/** The git commit of the working tree, or null outside a repository. */
export function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: HERE,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

function hashTree(hash: ReturnType<typeof createHash>, root: string, dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) hashTree(hash, root, path);
    else if (stat.isFile()) {
      hash.update(relative(root, path));
      hash.update('\0');
      hash.update(readFileSync(path));
      hash.update('\0');
    }
  }
}

/** A short hash of a package's version and its `src` files. */
export function packageFingerprint(dir: string): string {
  const hash = createHash('sha256');
  const info = packageInfo(dir);
  hash.update(`${info.name}@${info.version}\0`);
  hashTree(hash, dir, join(dir, 'src'));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The fingerprint of everything a measurement of `ref` depends on: core, this package (its
 * workloads) and the collector's package (or, for a file outside any package, the file itself).
 */
export function collectorFingerprint(ref: CollectorRef): string {
  const hash = createHash('sha256');
  const core = packageDir('@gclab/core');
  if (core !== null) hash.update(packageFingerprint(core));
  const bench = packageDirOfFile(fileURLToPath(import.meta.url));
  if (bench !== null) hash.update(packageFingerprint(bench));
  const dir = refPackageDir(ref);
  if (dir !== null) hash.update(packageFingerprint(dir));
  if (isAbsolute(ref.module) && existsSync(ref.module)) hash.update(readFileSync(ref.module));
  hash.update(`${ref.module}#${ref.exportName}`);
  return hash.digest('hex').slice(0, 16);
}
