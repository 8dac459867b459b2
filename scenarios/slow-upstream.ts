/**
 * CPU-bound work per request blocks the upstream's event loop: it serves one request at a time
 * and calls accept() only between requests, so under load its listen backlog (here 4) fills and
 * Linux drops further connection attempts (it never refuses them: the client retries the SYN a
 * second later). The gateway's connect timer (500 ms) fires first: 504s (upstream_timeout) from
 * a few connections on, long before the queue of C + Q = 101 overflows and the 502s begin.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'slow-upstream',
  description:
    'CPU-bound work blocks the upstream (backlog 4): 504s (upstream_timeout) from ~16 connections, 502s only past its queue of 101. In production: 504s first, "upstream timed out (110)" in the nginx log, with one upstream core at 100 % and idle others; 502s follow only when it starts refusing',
  model: 'closed',
  upstream: { workers: 1, serviceMs: 5, work: 'cpu', queue: 100, shed: 'reset', backlog: 4 },
  // Below the kernel's 1 s SYN retry, so a dropped connection attempt ends in the gateway's 504.
  gateway: { connectTimeoutMs: 500 },
  expect: [
    { causeBelowOnset: 'upstream_timeout' },
    // Not noFailuresBelow: a 504 is no failure by the nginx criterion (502), and "no failure"
    // beside hundreds of 504s would mislead (found in review).
    { onset: { between: [102, 400] } },
  ],
  behind: {
    nginx: {
      note: 'nginx’s `keepalive` is an idle cache (512 here), not a limit: the upstream connections it established survive from step to step, so its 502 onset depends on the steps before it (513 connections after the search had been to 1,024; none in a cold step at 513). Its proxy_connect_timeout gives 504 ("upstream timed out (110) while connecting"). What holds is the 504s below the 502s.',
      expect: [{ causeBelowOnset: 'upstream_timeout' }],
    },
    haproxy: {
      note: 'HAProxy answers 503 (sC), not 504, when `timeout connect` expires (configuration.txt §8.5), and its profile counts 503s, so its onset is the first connect timeout, far below C + Q (8 connections here) rather than a 502 past the queue.',
      expect: [{ dominantCause: 'upstream_timeout' }],
    },
  },
});
