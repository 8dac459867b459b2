/**
 * A retry storm, and the metastable failure it leaves behind (Bronson et al., "Metastable
 * Failures in Distributed Systems", HotOS 2021). The upstream serves 100 req/s (C = 2, S = 20 ms)
 * with a deep queue (Q = 50, half a second of waiting) and never notices a client that left: it
 * serves abandoned requests to the end (wasted work). Clients give up after 300 ms and try again
 * at once, up to 3 attempts. A steady 62.5 req/s is served in 20 ms; a spike to 150 req/s for 2 s
 * fills the queue, every answer then comes after 500 ms, too late for its client, which retries;
 * when the load drops back to 62.5 req/s, the retries (up to 3 × 62.5 = 187.5 req/s) keep the
 * queue full of requests nobody waits for, and goodput stays near zero though the load is below
 * capacity. (Rates this low keep the 2 cores for the fixtures: every client that gives up drops
 * its connection, as a browser does, and the churn at 4× these rates stalled the generator.)
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'retry-storm',
  description:
    'clients give up after 300 ms and retry at once while the upstream serves what they abandoned: after a 2 s spike above capacity, goodput collapses and stays near zero even when the load drops back to 62.5 % of capacity (a metastable failure). In production: an outage that outlives its trigger, request rates well above the user traffic, latency pinned at the queue\'s depth and a busy upstream answering nobody; add backoff with jitter and a retry budget (retry-storm-backoff), and make the upstream drop work whose client is gone',
  model: 'open',
  upstream: { workers: 2, serviceMs: 20, queue: 50, shed: 'reset', abandoned: 'serve' },
  load: { retry: { attempts: 3, timeoutMs: 300, backoff: 'none' } },
  timeline: {
    durationMs: 10_000,
    offered: 62.5,
    events: [
      { atMs: 3000, action: 'set-load', offered: 150 },
      { atMs: 5000, action: 'set-load', offered: 62.5 },
    ],
  },
  expect: [
    { noFailuresBeforeMs: 3000 },
    // Under half of the capacity of C / S = 100 req/s, long after the load dropped back.
    { goodputAfter: { fromMs: 7000, maxRps: 50 } },
  ],
});
