import type { GatewayProfile, Scenario } from './scenario.ts';

/**
 * The one source of defaults (DESIGN.md §5). The loader and the CLI both read these; `--quick`
 * changes only the durations ({@link QUICK_STEP_MS}).
 */
export const DEFAULTS: Omit<Scenario, 'name' | 'criterion'> & { criterion: { failureRatio: number } } = {
  description: '',
  model: 'closed',
  upstream: {
    workers: 4,
    queue: 16,
    serviceMs: 10,
    serviceDistribution: 'fixed',
    shed: 'reset',
    keepAliveTimeoutMs: 5000,
    connectionLimit: 0,
    invalidEvery: 0,
    work: 'timer',
    backlog: 511,
    connection: 'keep-alive',
    acceptRate: 0,
    crashAboveInFlight: 0,
    restartDelayMs: 1000,
    finDelayMs: 0,
    abandoned: 'cancel',
  },
  gateway: {
    kind: 'node',
    profile: 'nginx',
    poolConnections: 512,
    queueLimit: 1024,
    connectTimeoutMs: 1000,
    upstreamTimeoutMs: 5000,
    retries: 0,
    upstreamName: '',
    dnsTtlMs: 5000,
  },
  load: {
    arrivals: 'uniform',
    burst: 1,
    method: 'GET',
    path: '/',
    stepMs: 2000,
    clientTimeoutMs: 10_000,
    retry: { attempts: 1, timeoutMs: 0, backoff: 'none', baseMs: 100, maxMs: 2000, budget: 0 },
  },
  search: { start: 1, precision: 0.02, maxSteps: 30 },
  ramp: { from: 4, to: 64, step: 4, stopAfterFailures: 3 },
  criterion: { failureRatio: 0.01 },
  caps: { maxConnections: 1024, maxRps: 50_000, maxDurationS: 600, maxRequests: 5_000_000 },
  timeline: { durationMs: 0, offered: 0, bucketMs: 250, events: [] },
  seed: 1,
  expect: [],
  behind: {},
};

/** Step length under `--quick`. */
export const QUICK_STEP_MS = 1000;

/** Search start in the open model (req/s), where `search.start` is not given. */
export const OPEN_SEARCH_START_RPS = 10;

/**
 * The statuses a profile's gateway uses for "bad gateway" failures (DESIGN.md §4): nginx and ALB
 * answer 502; HAProxy and Envoy answer 503 for connection failures too (research/gateway-502.md §4).
 */
export function profileFailureStatuses(profile: GatewayProfile): number[] {
  switch (profile) {
    case 'nginx':
    case 'alb':
      return [502];
    case 'haproxy':
    case 'envoy':
      return [502, 503];
  }
}
