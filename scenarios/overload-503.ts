/**
 * As `overload`, but the upstream answers 503 itself when it cannot queue. nginx passes an
 * upstream's 503 through (research/gateway-502.md §4): it is the upstream refusing work, not a
 * gateway failure, so no 502 and no cause is ever recorded and no step fails the criterion.
 * A cap of 64 connections ends the search (1, 2, 4, ..., 64) in seconds.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'overload-503',
  description:
    'C = 4, S = 10 ms, Q = 16, shed by answering 503: nginx passes the 503s through, no 502 at all. In production: 503s from the app itself (with Retry-After), which the gateway passes through; a 503 is the upstream shedding politely, not a gateway failure',
  model: 'closed',
  upstream: { workers: 4, serviceMs: 10, serviceDistribution: 'fixed', queue: 16, shed: '503' },
  caps: { maxConnections: 64 },
  expect: [
    // Every step of the search (at most 64 connections) passes: a passed-through 503 is not a 502.
    { noFailuresBelow: 64 },
  ],
});
