#!/usr/bin/env node
// Launcher of the `gclab` command. The CLI runs from TypeScript source with no build step: this
// script starts Node with tsx's loader and the `@gclab/source` export condition, then passes on the
// arguments, the signals and the exit code.
//
// - Signals: SIGTERM and SIGHUP sent to this process (a batch scheduler's time limit, `npx` passing
//   one on, a closed terminal) are passed to the command, which stops its workers itself. Ctrl-C
//   reaches the command directly (same process group), so SIGINT is not passed on twice.
// - Exit: the command's own code; when a signal ended it, 128 + the signal's number, as shells
//   report it (137 after kill -9, 134 after an abort).
// - Orphans: the command is linked to this process by an IPC channel and ends when it closes
//   (src/launcher-link.ts); this process checks each second that the process that started it is
//   alive and otherwise sends the command SIGHUP. That is its parent, or, when the parent is a
//   `sh -c` (as `npx` and `npm exec` start a bin), the first ancestor above the shells: killing
//   `npx` leaves the shell and this process reparented, not dead. So no gclab process or worker
//   outlives the process that started it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const tsx = pathToFileURL(require.resolve('tsx')).href;
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--conditions=@gclab/source', '--import', tsx, main, ...process.argv.slice(2)],
  { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] },
);
const pass = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
process.on('SIGINT', () => {});
process.on('SIGTERM', () => pass('SIGTERM'));
process.on('SIGHUP', () => pass('SIGHUP'));

/** The parent of process `pid` (Linux /proc), or null when it cannot be read (gone, or no /proc). */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Whether process `pid` is a shell running a command line (`sh -c ...`). */
function isShellCommand(pid) {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return /(^|\/)(sh|bash|dash|zsh)$/.test(argv[0] ?? '') && argv.includes('-c');
  } catch {
    return false;
  }
}

// The chain to watch: [parent, its parent, ...] up to the first ancestor that is not `sh -c`.
const chain = [process.ppid];
while (chain.length < 5 && isShellCommand(chain.at(-1))) {
  const next = parentOf(chain.at(-1));
  if (next === null || next <= 1) break;
  chain.push(next);
}
const orphanCheck = setInterval(() => {
  const intact =
    process.ppid === chain[0] && chain.every((pid, i) => i === 0 || parentOf(chain[i - 1]) === pid);
  if (!intact) {
    clearInterval(orphanCheck);
    pass('SIGHUP');
  }
}, 1000);
orphanCheck.unref();
child.on('exit', (code, signal) => {
  if (signal !== null) process.exit(128 + (constants.signals[signal] ?? 0));
  process.exit(code ?? 1);
});
