/**
 * The gateway reaches the upstream by name (upstream.overload.test), through a zone the scenario
 * controls, and keeps each answer for the record's TTL of 2 s. At 2.5 s the record moves to
 * 127.0.0.2, where nothing listens; at 4.5 s it points back. The gateway keeps using its cached
 * answer until the TTL passes, each time: failures begin up to 2 s after the move and go on up to
 * 2 s after the fix. The upstream closes every connection, so every request connects anew and
 * follows the current answer.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'dns-change',
  description:
    "the upstream's DNS record moves to an address where nothing listens and back, with a 2 s TTL: 502s (upstream_refused) from up to 2 s after the move until up to 2 s after the fix, while the gateway's cached answer lives. In production: 502s that start some time after a DNS change and outlive its rollback by the TTL, \"Connection refused\" to an address you did not expect in the gateway log (or \"could not be resolved\" for a deleted record); check what the gateway resolved and when (nginx resolves at start-up unless told to with `resolver`)",
  model: 'open',
  upstream: { workers: 8, serviceMs: 10, queue: 32, connection: 'close' },
  gateway: { upstreamName: 'upstream.overload.test', dnsTtlMs: 2000 },
  timeline: {
    durationMs: 8000,
    offered: 200,
    events: [
      { atMs: 2500, action: 'set-dns', address: '127.0.0.2' },
      { atMs: 4500, action: 'set-dns', address: '127.0.0.1' },
    ],
  },
  expect: [
    { dominantCause: 'upstream_refused' },
    { noFailuresBeforeMs: 2500 },
    { failureWindows: { min: 1, max: 1 } },
    { recoveryWithinMs: 2500 },
  ],
  behind: {
    nginx: {
      note: 'nginx resolves the host of a literal proxy_pass once, at start-up; re-resolving needs a `resolver` and a variable in proxy_pass (or `server … resolve`, open source from 1.27.3) and a DNS server to ask. The name here lives in the Node gateway fixture’s own one-record zone, which no real gateway can query.',
      unsupported: true,
    },
    haproxy: {
      note: 'HAProxy resolves server addresses with libc at start-up and keeps them for the life of the process unless a `resolvers` section names a DNS server (configuration.txt §5.3). The name here lives in the Node gateway fixture’s own one-record zone, which no real gateway can query.',
      unsupported: true,
    },
  },
});
