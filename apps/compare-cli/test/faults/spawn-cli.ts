/**
 * Starting the real `gclab` command for the fault-injection tests and watching it: its output so
 * far, its exit, the process tree under it, and polling for a condition (never a fixed sleep, so
 * the tests hold on a loaded 2-core machine).
 */
import { type ChildProcess, execFileSync, type StdioOptions, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../run-cli.ts';

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gclab-faults-'));
}

/**
 * Time limit of a test that spawns the command: generous, for a busy 2-core machine (a test passes
 * or fails on what the command did, never on how long it took).
 */
export const SPAWN_TIMEOUT = 180_000;

/** Flags of a quick matrix: one invocation, no warm-up, no sampling. */
export const QUICK = ['--invocations', '1', '--min-time', '0', '--warmup', '0', '--sample', 'off'];

/**
 * A `gclab run` that takes a while (12 cells, one process each, one at a time) and logs a line per
 * cell on stderr, so a test can act once some cells have completed.
 */
export const LONG_RUN = [
  'run',
  '--workloads',
  'jupyter-globals,rings,big-del,churn,gcbench,binary-trees',
  '--strategies',
  'no-gc,refcount',
  '--isolation',
  'cell',
  '--concurrency',
  '1',
  '--verbose',
  ...QUICK,
];

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running command. */
export interface Running {
  child: ChildProcess;
  /** Its pid. */
  pid: number;
  /** Standard output so far ('' when not piped). */
  stdout(): string;
  /** Standard error so far. */
  stderr(): string;
  /** Resolves when it exits. */
  exited: Promise<Exit>;
}

/** Options of `startCli`. */
export interface StartOptions {
  /** Run `npx gclab` instead of `node apps/compare-cli/bin/gclab.js`. */
  npx?: boolean;
  /** Its own process group (so a test can signal the whole group as a terminal or scheduler does). */
  detached?: boolean;
  /** Standard streams (default: ignore, pipe, pipe). */
  stdio?: StdioOptions;
  /** Extra environment variables. */
  env?: NodeJS.ProcessEnv;
}

/** Starts `gclab ...args` from the repository root. */
export function startCli(args: readonly string[], options: StartOptions = {}): Running {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.FORCE_COLOR;
  const [command, prefix] =
    options.npx === true ? ['npx', ['gclab']] : [process.execPath, ['apps/compare-cli/bin/gclab.js']];
  const child = spawn(command, [...prefix, ...args], {
    cwd: ROOT,
    env,
    detached: options.detached ?? false,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, pid: child.pid!, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls `condition` every 50 ms until it holds; rejects after `timeoutMs` with `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many `cell N/M ok` lines a `--verbose` run has logged. */
export function cellsDone(stderr: string): number {
  return (stderr.match(/^cell \d+\/\d+ ok /gm) ?? []).length;
}

/** The pids of the children of `pid`. */
export function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** `pid` and every process under it. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...childrenOf(out[i]!));
  return out;
}

/** Whether process `pid` exists (and is not a zombie waiting to be reaped). */
export function isAlive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}
