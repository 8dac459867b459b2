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
});
