/**
 * A bug in the upstream writes a malformed status line on some requests (here every 50th): the
 * gateway cannot parse it, logs `upstream sent invalid header` (nginx) and answers 502. The share
 * of 502s is the share of broken responses at every load, so the onset is the lowest load tried:
 * nothing to do with capacity.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'bad-response',
  description:
    'the upstream writes a malformed status line on every 50th request: 2 % of requests get 502 (upstream_invalid) at every load, from 1 connection on. In production: a steady trickle of 502s that does not grow with load; the gateway log says "upstream sent invalid header"',
  model: 'closed',
  upstream: { workers: 4, serviceMs: 10, serviceDistribution: 'fixed', queue: 16, shed: 'reset', invalidEvery: 50 },
  // Start the search at 16: every step on the way down (16, 8, 4, 2, 1) fails by the same 2 %,
  // which is the point: the share does not grow with load.
  search: { start: 16 },
  expect: [
    { onset: { between: [1, 1] } },
    { dominantCause: 'upstream_invalid' },
    { onsetMatchesTheory: true },
  ],
  behind: {
    nginx: {
      note: 'nginx 1.22 does not answer 502 for a malformed status line: ngx_http_proxy_process_status_line logs "upstream sent no valid HTTP/1.0 header" and passes the bytes on as an HTTP/0.9 answer (its 502 path is under #if 0), then keeps the client connection open for keepalive_timeout (75 s). The client cannot read the answer and gives up after load.clientTimeoutMs: the failures are client timeouts, not 502s, and the run takes about a minute.',
    },
  },
});
