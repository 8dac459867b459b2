/**
 * A firewall in front of the upstream resets new connections beyond 150 per second, and the
 * upstream answers `Connection: close`, so every request needs a new connection: in the open
 * model the 502s (upstream_reset) begin at 150 / (1 − 1 %) ≈ 152 req/s, far below the upstream's
 * capacity of C / S = 400 req/s. Nothing about the upstream explains them.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'firewall',
  description:
    'a firewall resets new connections beyond 150/s and the upstream closes each one: 502s (upstream_reset) from ~152 req/s, far below its capacity of 400 req/s. In production: resets at a request rate unrelated to the upstream, whose CPU and queue look idle; look for a connection-rate rule (iptables hashlimit, a cloud security group, conntrack limits) or enable keep-alive',
  model: 'open',
  upstream: { workers: 4, serviceMs: 10, serviceDistribution: 'fixed', queue: 16, shed: 'reset', connection: 'close', acceptRate: 150 },
  expect: [
    { onset: { between: [145, 170] } },
    { dominantCause: 'upstream_reset' },
    { onsetMatchesTheory: true },
  ],
  behind: {
    haproxy: {
      note: 'HAProxy logs the firewall’s reset of a fresh connection as SH (502, upstream_closed) or, when it comes before HAProxy has confirmed the connect, as SC (503, upstream_refused), by timing alone; and it closes some client connections without an answer or a log line (http_ana.c, abort_keep_alive). The onset holds; which cause dominates does not (measured 69 % upstream_closed in one run, 100 % upstream_refused in the next).',
      expect: [{ onset: { between: [145, 170] } }, { onsetMatchesTheory: true }],
    },
  },
});
