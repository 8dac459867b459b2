/**
 * The upstream crashes whenever more than 12 requests are in flight at once, as a process killed
 * for its memory would, and its supervisor restarts it a second later. Poisson arrivals at 150
 * req/s (75 % of its capacity of 200 req/s) pile up past 12 now and then, so the crash repeats.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'crash-restart',
  description:
    'the upstream crashes when more than 12 requests are in flight and restarts 1 s later, under Poisson arrivals at 150 req/s: bursts of 502s that repeat, upstream_closed for the requests in flight at the crash, upstream_refused while it is down. In production: 502 bursts that recur under load, "upstream prematurely closed connection" then "Connection refused" in the gateway log, restarts (or OOM kills) in the upstream\'s own log; find what grows with load (memory, file descriptors) and cap it',
  model: 'open',
  upstream: { workers: 4, serviceMs: 20, queue: 64, crashAboveInFlight: 12, restartDelayMs: 1000 },
  load: { arrivals: 'poisson' },
  timeline: { durationMs: 12_000, offered: 150 },
  expect: [
    { dominantCause: 'upstream_refused' },
    { failureWindows: { min: 2 } },
  ],
  behind: {
    haproxy: {
      note: 'HAProxy answers 503 (SC: connection refused), not 502, while the upstream is down, and a crash that cuts a request on a reused client connection closes it without an answer or a log line (http_ana.c, abort_keep_alive): the client counts those as lost.',
    },
  },
});
