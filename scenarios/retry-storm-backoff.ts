/**
 * `retry-storm` with well-behaved clients: exponential backoff with full jitter (up to 100 ms ·
 * 2^(k−1)) and a retry budget of 10 % of first attempts. The same spike fills the same queue,
 * but the retries stay near a tenth of the load, so after the spike the arrivals (~69 req/s)
 * are below the upstream's 100 req/s, the queue drains within a couple of seconds, and goodput
 * returns to the offered 62.5 req/s.
 */
import { defineScenario } from '../harness/config/scenario.ts';
import storm from './retry-storm.ts';

export default defineScenario({
  ...storm,
  name: 'retry-storm-backoff',
  description:
    'retry-storm with exponential backoff, full jitter and a 10 % retry budget: the same spike, and goodput back above 90 % of the offered 62.5 req/s soon after the load drops',
  load: { retry: { ...storm.load.retry, backoff: 'exponential', baseMs: 100, maxMs: 2000, budget: 0.1 } },
  expect: [
    { noFailuresBeforeMs: 3000 },
    // Above 90 % of the offered 62.5 req/s once the queue has drained.
    { goodputAfter: { fromMs: 7000, minRps: 56.25 } },
  ],
});
