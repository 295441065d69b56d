/**
 * The link between the command and its launcher (`bin/gclab.js`), which starts it with an IPC
 * channel for this alone. When the launcher dies without passing a signal on (kill -9 of it, or of
 * `npx` above it), the channel closes; the command then acts as if it got SIGHUP (its terminal went
 * away): `gclab run` stops its workers and keeps the completed cells, any other command ends. So the
 * command and its workers never go on running under PID 1 and write their files much later.
 */

/** Watches the launcher's channel, when there is one; it does not keep the process alive. */
export function watchLauncher(): void {
  const channel = process.channel;
  if (channel === undefined) return;
  process.on('disconnect', () => process.kill(process.pid, 'SIGHUP'));
  // Adding a 'disconnect' listener refs the channel on the next tick; unref it after that.
  setImmediate(() => channel.unref());
}
