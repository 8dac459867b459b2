/**
 * The keep-alive race, made deterministic (research/gateway-502.md §5.4): the upstream closes an
 * idle connection after 1 s (Node closes it at keepAliveTimeout + 1 s = 2 s), the gateway keeps
 * idle pooled connections 60 s (nginx's `keepalive_timeout`) and ignores the `Keep-Alive:
 * timeout=1` hint, and a relay holds the upstream's FIN back 500 ms, so a connection reused between
 * 2.0 and 2.5 s idle meets a closed upstream. The load is low and bursty: 8 POSTs at once every
 * 2.25 s, so each burst reuses the 8 connections of the burst before it 2.25 s later, inside that
 * window. POSTs are not retried (nginx never repeats a non-idempotent request): 502s. A burst after
 * a failed one opens fresh connections and passes, so about half the bursts fail.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'keepalive-race',
  description:
    "the upstream closes idle connections after 2 s while the gateway keeps them 60 s: at a LOW, bursty load (8 POSTs every 2.25 s) a request sent on a pooled connection as the upstream closes it gets a 502 (keepalive_race). Not overload: the upstream is idle. In production: a few 502s at quiet times, on POSTs (nginx retries GETs once), \"upstream prematurely closed connection\" or \"recv() failed (104)\" in the gateway log; fix it by keeping the upstream's keep-alive timeout above the gateway's (keepalive-race-fixed)",
  model: 'open',
  upstream: { workers: 8, serviceMs: 5, queue: 32, keepAliveTimeoutMs: 1000, finDelayMs: 500 },
  gateway: { retries: 1 },
  load: { method: 'POST', burst: 8, clientTimeoutMs: 14_000 },
  timeline: { durationMs: 12_000, offered: 8 / 2.25 },
  expect: [
    { dominantCause: 'keepalive_race' },
    { failureWindows: { min: 2 } },
  ],
  behind: {
    nginx: {
      note: 'nginx loses the race as the fixture does (it never retries a POST: proxy_next_upstream without non_idempotent), but its error log cannot tell a race from any other premature close: it logs "upstream prematurely closed connection while reading response header", upstream_closed.',
      expect: [{ dominantCause: 'upstream_closed' }, { failureWindows: { min: 2 } }],
    },
    haproxy: {
      note: 'HAProxy does not lose this race: it passes the upstream’s `Keep-Alive: timeout=1` on to the client, whose next burst comes on new connections, and under its default `http-reuse safe` the first request of a client session always gets a new server connection, never an idle one the upstream is closing (configuration.txt, http-reuse). With `http-reuse always` it loses it like nginx.',
      expect: [{ failureWindows: { min: 0, max: 0 } }],
    },
  },
});
