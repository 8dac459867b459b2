/**
 * The upstream is stopped for maintenance under a steady 200 req/s (a quarter of its capacity)
 * and started again two and a half seconds later: while it is down nothing listens on its port, every
 * connection the gateway attempts is refused, and every request in that window gets a 502
 * (upstream_refused). The timeline measures the window, the requests lost and the recovery.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'maintenance',
  description:
    'the upstream is stopped for 2.5 s under a steady 200 req/s and started again: 502s (upstream_refused) exactly while it is down, none before, none once it is back. In production: a burst of 502s at a deploy or restart, with "connect() failed (111: Connection refused)" in the gateway log and no load spike; drain the upstream first (health checks, a second instance, a graceful reload)',
  model: 'open',
  upstream: { workers: 8, serviceMs: 10, queue: 32 },
  timeline: {
    durationMs: 7000,
    offered: 200,
    events: [
      { atMs: 2000, action: 'stop-upstream' },
      { atMs: 4500, action: 'start-upstream' },
    ],
  },
  expect: [
    { dominantCause: 'upstream_refused' },
    { noFailuresBeforeMs: 2000 },
    { failureWindows: { min: 1, max: 1 } },
    { recoveryWithinMs: 500 },
  ],
  behind: {
    haproxy: {
      note: 'HAProxy answers 503 (SC: the connection was refused), not 502, while the upstream is down; its profile counts 503s as failures (configuration.txt §8.5).',
    },
  },
});
