/**
 * As `overload`, but the upstream keeps the requests it cannot queue and never answers. No socket
 * breaks, so the gateway never answers 502: its timer fires and it answers 504 `upstream_timeout`
 * (research/gateway-502.md §0: "a 504 means a timer fired"). The criterion keeps nginx's [502] on
 * purpose, so no step fails and there is no onset: the report shows 504s where `overload` shows 502s.
 * A 500 ms upstream timeout makes each hung connection time out (and retry) several times per
 * step, instead of once in the step's tail after the default 5 s; a cap of 64 connections ends
 * the search (1, 2, 4, ..., 64) in seconds.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'overload-hang',
  description:
    'C = 4, S = 10 ms, Q = 16, shed by hanging: 504s (upstream_timeout) above 20 connections, never a 502. In production: 504s, not 502s, when the upstream queues without limit; nginx logs "upstream timed out (110)" after proxy_read_timeout',
  model: 'closed',
  upstream: { workers: 4, serviceMs: 10, serviceDistribution: 'fixed', queue: 16, shed: 'hang' },
  gateway: { upstreamTimeoutMs: 500 },
  criterion: { statuses: [502] },
  caps: { maxConnections: 64 },
  expect: [
    { dominantCause: 'upstream_timeout' },
    // Every step of the search (at most 64 connections) passes a criterion that counts only 502s.
    { noFailuresBelow: 64 },
  ],
});
