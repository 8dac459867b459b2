/**
 * The default upstream under open-loop load with Poisson arrivals and exponential service: an
 * M/M/c/K queue with c = C = 4 and K = C + Q = 20. Its blocking probability π_K (DESIGN.md §4;
 * research/gateway-502.md §8.2) is the share of arrivals the upstream resets, and it reaches the
 * 1 % criterion at 345.6 req/s, well below the capacity C / S = 400 req/s: random bursts fill the
 * queue long before the average rate does. The report sets each step's measured 502 ratio beside
 * π_K at that rate.
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'overload-poisson',
  description:
    'open loop, Poisson arrivals, exponential service (M/M/4/20): 502s from ~346 req/s, below C / S = 400. In production: with bursty arrivals a few 502s start before the average load reaches capacity',
  model: 'open',
  upstream: { workers: 4, serviceMs: 10, serviceDistribution: 'exponential', queue: 16, shed: 'reset' },
  load: { arrivals: 'poisson' },
  search: { start: 80 },
});
