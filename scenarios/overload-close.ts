/**
 * As `overload`, but the upstream closes (FIN) the connections it cannot queue instead of resetting
 * them. The gateway sees "other side closed" before any response header: nginx's "upstream
 * prematurely closed connection", a 502 with cause `upstream_closed` (research/gateway-502.md §4).
 * The capacity is the same, so the onset is still C + Q + 1 = 21 connections.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'overload-close',
  description:
    'C = 4, S = 10 ms, Q = 16, shed by close: 502s (upstream_closed) start at 21 connections. In production: as overload, but nginx logs "upstream prematurely closed connection while reading response header"',
  model: 'closed',
  upstream: { workers: 4, serviceMs: 10, serviceDistribution: 'fixed', queue: 16, shed: 'close' },
  expect: [
    { onset: { between: [21, 21] } },
    { dominantCause: 'upstream_closed' },
    { noFailuresBelow: 20 },
  ],
  behind: {
    haproxy: {
      note: 'HAProxy logs a reset and a clean close of the upstream connection alike (SH: the server aborted before sending its full headers), so its cause is upstream_closed; and a failure on a reused client connection is closed without an answer or a log line (http_ana.c, abort_keep_alive), which the client counts as lost.',
    },
  },
});
