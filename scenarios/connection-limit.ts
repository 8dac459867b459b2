/**
 * The upstream caps its open connections (Node's `server.maxConnections`, a process's file
 * descriptor limit, a container's `ulimit -n`): the kernel still accepts the connection, and the
 * server closes it at once. The gateway needs one upstream connection per request in flight, so
 * the 502s begin at one connection above the cap, however much capacity the workers have left:
 * here 9 connections, where the queue alone would hold 20.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'connection-limit',
  description:
    'the upstream closes connections beyond 8 as soon as it accepts them: 502s from 9 connections, far below its C + Q = 20. In production: 502s that start at a round number of concurrent requests, while the upstream shows idle workers; look for its connection or file-descriptor limit',
  model: 'closed',
  upstream: { workers: 4, serviceMs: 10, serviceDistribution: 'fixed', queue: 16, shed: 'reset', connectionLimit: 8 },
  expect: [
    { onset: { between: [9, 9] } },
    { noFailuresBelow: 8 },
    { onsetMatchesTheory: true },
  ],
  behind: {
    haproxy: {
      note: 'HAProxy holds more server connections than requests in flight: under its default `http-reuse safe` the first request of every client session goes over a new server connection, and idle ones stay pooled from step to step (configuration.txt, http-reuse and pool-purge-delay). The upstream closes the ones beyond its limit at the start of a step, so the onset is not at limit + 1 (measured 5 and 9); the cause, SH (upstream_closed), is what holds.',
      expect: [{ dominantCause: 'upstream_closed' }],
    },
  },
});
