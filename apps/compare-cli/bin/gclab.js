#!/usr/bin/env node
// Launcher of the `gclab` command. The CLI runs from TypeScript source with no build step: this
// script starts Node with tsx's loader and the `@gclab/source` export condition, then passes on the
// arguments, the exit code and the signal. Ctrl-C reaches the child directly (same process group),
// so the parent only waits for it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const tsx = pathToFileURL(require.resolve('tsx')).href;
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--conditions=@gclab/source', '--import', tsx, main, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // The child got the terminal's signal too; forward only signals sent to this process alone.
    if (signal !== 'SIGINT') child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  if (signal) {
    const numbers = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
    process.exit(128 + (numbers[signal] ?? 1));
  }
  process.exit(code ?? 1);
});
