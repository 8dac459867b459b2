/**
 * The watchdog of a real gateway (nginx, HAProxy), which cannot watch its parent: a tiny Node
 * child of the harness that holds an IPC channel and, when the channel closes (the harness
 * exited, crashed or was killed with -9), stops the gateway's process group: SIGTERM, then
 * SIGKILL a second later. Started by harness/gateways/process-gateway.ts with the group's id as
 * its argument.
 */
const group = Number(process.argv[2]);
if (!Number.isInteger(group) || group <= 1) {
  console.error(`watchdog: expected the gateway's process group id as the first argument (got ${process.argv[2] ?? 'nothing'})`);
  process.exit(2);
}

const stop = (): void => {
  try {
    process.kill(-group, 'SIGTERM');
  } catch {
    // Already gone (the harness stopped it first): nothing to wait for.
    process.exit(0);
  }
  // Not unref'd: with the IPC channel closed this timer is all that keeps the watchdog alive to
  // send the SIGKILL (an unref'd one let it exit at once, and a group that ignored SIGTERM lived on).
  setTimeout(() => {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Gone after the SIGTERM.
    }
    process.exit(0);
  }, 1000);
};

process.on('disconnect', stop);
// The harness's Ctrl-C reaches only the harness's own group; the watchdog has its own.
process.on('SIGINT', () => undefined);
process.send?.({ type: 'watching', group });
