/**
 * Runs the `gclab` command as a user does (`node apps/compare-cli/bin/gclab.js ...` from the repo
 * root) and collects its exit code and output. Colours are off (NO_COLOR) so output can be matched.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Path of a test fixture, relative to the repository root. */
export function fixture(name: string): string {
  return `apps/compare-cli/test/fixtures/${name}`;
}

/** What a run of the command gave. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs `gclab ...args` from the repository root. */
export function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    execFile(
      process.execPath,
      ['apps/compare-cli/bin/gclab.js', ...args],
      { cwd: ROOT, env },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}
