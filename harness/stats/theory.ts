/**
 * What queueing theory predicts for the upstream + gateway (DESIGN.md §4 "Theory"), computed with
 * the upstream's MEASURED mean service time S. Each formula cites its source; section numbers
 * refer to research/gateway-502.md.
 *
 * Notation: C workers, Q queue (the upstream sheds beyond K = C + Q in flight), S mean service
 * time, P the gateway's pool connections, queueLimit the gateway's own bounded queue.
 */
import type { Arrivals, ServiceDistribution, ShedMode, UpstreamConnection, UpstreamWork } from '../config/scenario.ts';
import type { Theory } from '../report/schema.ts';

/** The fixtures' capacity model, with the measured S. */
export interface CapacityModel {
  workers: number;
  queue: number;
  /** Mean service time the upstream measured, in ms; null when not measured yet. */
  serviceMsMeasured: number | null;
  poolConnections: number;
  queueLimit: number;
  shed: ShedMode;
  /** The upstream's cap on open connections (`upstream.connectionLimit`); 0 or absent: none. */
  connectionLimit?: number;
  /** Every N-th response is malformed (`upstream.invalidEvery`); 0 or absent: none. */
  invalidEvery?: number;
  /** The criterion's failure ratio (default 0.01), against which a constant fault share is judged. */
  failureRatio?: number;
  /** How the upstream spends its service time (`upstream.work`); `cpu` blocks its event loop. */
  work?: UpstreamWork;
  /** New connections per second a firewall lets through (`upstream.acceptRate`); 0 or absent: no limit. */
  acceptRate?: number;
  /** `close`: every request opens a new connection, so the firewall's rate limits requests too. */
  connection?: UpstreamConnection;
}

/**
 * The request rate a firewall lets through, when every request needs a new connection
 * (`connection: close`) and a rate is set; null otherwise (pooled connections are opened rarely,
 * so the rule then limits almost nothing).
 */
function firewallRps(model: Pick<CapacityModel, 'acceptRate' | 'connection'>): number | null {
  const rate = model.acceptRate ?? 0;
  return rate > 0 && model.connection === 'close' ? rate : null;
}

export interface ClosedLoopInput extends CapacityModel {
  /** The highest load the run may offer (caps.maxConnections): a predicted onset above it becomes null. */
  maxConnections?: number;
}

/**
 * Capacity X_max = C / S (Little's law, §8.1), in req/s, with C capped by the gateway's pool
 * when the pool is smaller; null when S is null or 0 (no finite capacity to predict).
 */
export function capacityRps(model: Pick<CapacityModel, 'workers' | 'poolConnections' | 'serviceMsMeasured' | 'work' | 'acceptRate' | 'connection'>): number | null {
  const s = model.serviceMsMeasured;
  if (s === null || !(s > 0)) return null;
  // A CPU-bound upstream computes on one event loop: one request at a time, whatever C says.
  const servers = model.work === 'cpu' ? 1 : Math.min(model.workers, model.poolConnections);
  // A firewall that passes r new connections per second passes r requests when each needs one.
  return Math.min(servers / (s / 1000), firewallRps(model) ?? Infinity);
}

interface Limit {
  /** Lowest number of connections predicted to see 502s, or null when none are (or no prediction is made). */
  onset: number | null;
  /** Null: no prediction (see Theory.limitedBy). */
  limitedBy: 'upstream' | 'gateway' | null;
  basis: string;
}

/**
 * The closed-loop limit (§8.3): with zero think time at most N requests are outstanding, so the
 * upstream never sheds while N ≤ C + Q. When P > C + Q it sheds at N = C + Q + 1 (`reset` and
 * `close` give 502; `503` is passed through; `hang` gives 504 after the gateway's timeout). When
 * P ≤ C + Q the upstream never holds more than P and never sheds; the gateway's own queue
 * overflows (gateway_overflow → 502) beyond N = P + queueLimit. With `503` or `hang`, the only
 * 502s come from that gateway limit, whatever P is.
 */
function closedLoopLimit(model: CapacityModel): Limit {
  const { workers: c, queue: q, poolConnections: p, queueLimit } = model;
  const k = c + q;
  const gatewayOnset = p + queueLimit + 1;
  const outstanding = 'Closed loop, zero think time: at most N requests are outstanding (research/gateway-502.md §8.3)';
  const invalidEvery = model.invalidEvery ?? 0;
  const criterion = model.failureRatio ?? 0.01;
  if (invalidEvery > 0 && 1 / invalidEvery >= criterion) {
    // A fault that hits a fixed share of requests does not depend on load (§4, "upstream sent invalid header").
    return {
      onset: 1,
      limitedBy: 'upstream',
      basis: `Every ${invalidEvery}th response is malformed (upstream_invalid → 502): ${formatShare(1 / invalidEvery)} of the requests fail at any load, at or above the criterion (${formatShare(criterion)}), so the onset is the lowest load, 1 connection, whatever the capacity.`,
    };
  }
  if (firewallRps(model) !== null) {
    return {
      onset: null,
      limitedBy: null,
      basis: `A firewall resets new connections beyond ${model.acceptRate ?? 0} per second and every request opens one (connection: close); in a closed loop the request rate, and so when the firewall bites, depends on the response time: the model makes no prediction (the open model's is (rate) / (1 − criterion)).`,
    };
  }
  if (model.work === 'cpu') {
    return {
      onset: null,
      limitedBy: null,
      basis: `A CPU-bound upstream (work: cpu) blocks its own event loop for S per request, so it serves one request at a time and accepts new connections only between requests: those beyond its listen backlog wait for the kernel's SYN retry (1 s), and the gateway's connect timer fires first (504, upstream_timeout). How many requests then reach its queue of C + Q = ${k}, and so where the 502s begin, depends on that timing: the model makes no prediction.`,
    };
  }
  const limit = model.connectionLimit ?? 0;
  if (limit > 0 && limit < k && limit < p) {
    // N requests in flight need min(N, P) upstream connections; the upstream closes those beyond its limit on accept.
    return {
      onset: limit + 1,
      limitedBy: 'upstream',
      basis: `${outstanding}, and the gateway opens one upstream connection per request in flight (up to its pool, P = ${p}); the upstream closes connections beyond its limit of ${limit} as soon as it accepts them (→ 502), before its queue (C + Q = ${k}) is full, so the onset is ${limit} + 1 = ${limit + 1}.`,
    };
  }
  const viaGateway = `the gateway's own queue overflows (gateway_overflow → 502) when N > P + queueLimit = ${p} + ${queueLimit} = ${p + queueLimit}, so the onset is ${gatewayOnset}`;
  if (p <= k) {
    return {
      onset: gatewayOnset,
      limitedBy: 'gateway',
      basis: `${outstanding}; the gateway's pool (P = ${p}) is not larger than C + Q = ${c} + ${q} = ${k}, so the upstream never holds more than ${p} and never sheds; ${viaGateway}.`,
    };
  }
  switch (model.shed) {
    case 'reset':
    case 'close':
      return {
        onset: k + 1,
        limitedBy: 'upstream',
        basis: `${outstanding}, so the upstream sheds (${model.shed} → 502) only when N > C + Q = ${c} + ${q} = ${k}; the gateway's pool (P = ${p}) is larger, so the onset is C + Q + 1 = ${k + 1}.`,
      };
    case '503':
      return {
        onset: gatewayOnset,
        limitedBy: 'gateway',
        basis: `${outstanding}; beyond C + Q = ${k} the upstream answers 503 itself and the gateway passes it through, which is no 502; the only 502s come from the gateway: ${viaGateway}.`,
      };
    case 'hang':
      return {
        onset: gatewayOnset,
        limitedBy: 'gateway',
        basis: `${outstanding}; beyond C + Q = ${k} the upstream keeps requests without answering, so the gateway answers 504 (upstream_timeout) after its timeout, which is no 502; the only 502s come from the gateway: ${viaGateway}.`,
      };
  }
}

/**
 * The closed-loop theory for the report: capacity C / S, and the predicted onset in connections
 * (C + Q + 1 when the upstream limits, P + queueLimit + 1 when the gateway does; see
 * {@link closedLoopLimit}). The onset is null when it lies above `maxConnections`.
 * Examples (test/unit/theory.test.ts): C = 4, Q = 16, P = 512 → 21 (upstream);
 * P = 8, queueLimit = 4, C + Q = 20 → 13 (gateway).
 */
export function closedLoopTheory(input: ClosedLoopInput): Theory {
  const limit = closedLoopLimit(input);
  let { onset, basis } = limit;
  if (onset !== null && input.maxConnections !== undefined && onset > input.maxConnections) {
    basis = `${basis} That is above the cap of ${input.maxConnections} connections, so no 502 is predicted in this run.`;
    onset = null;
  }
  return { serviceMsMeasured: input.serviceMsMeasured, capacityRps: capacityRps(input), onset, basis, limitedBy: limit.limitedBy };
}

/**
 * The predicted 502 failure ratio of a closed-loop step at N connections: 0 below the limit
 * ({@link closedLoopLimit}), and null from the limit on, where the ratio is not predictable:
 * the N − K excess clients cycle through millisecond-fast failures, so the ratio depends on how
 * fast those failures spin (§8.3: 94.8 % at N = C + Q + 1 in one run). Takes the capacity model,
 * or the {@link closedLoopTheory} already computed from it (its null onset means "above the
 * cap", so 0 for every load the run may offer).
 */
export function predictedClosedFailure(connections: number, source: CapacityModel | Pick<Theory, 'onset' | 'limitedBy'>): number | null {
  const limit = 'workers' in source ? closedLoopLimit(source) : source;
  if (limit.onset === null && limit.limitedBy === null) return null; // no prediction at all
  return limit.onset === null || connections < limit.onset ? 0 : null;
}

export interface OpenLoopInput extends CapacityModel {
  arrivals: Arrivals;
  /** Arrivals at once in each burst (`load.burst`); the formulas hold for 1 only. */
  burst?: number;
  serviceDistribution: ServiceDistribution;
  /** The criterion's failure ratio (default 0.01): the onset is where the prediction reaches it. */
  failureRatio: number;
}

type OpenModel =
  | { kind: 'fluid'; servers: number; capacity: number; basis: string; firewall?: number }
  | { kind: 'mmck'; servers: number; capacity: number; basis: string }
  | { kind: 'none'; basis: string };

/**
 * Which open-loop formula applies. The system holds at most K = C + Q when P > C + Q (the
 * upstream sheds), or P + queueLimit when P ≤ C + Q (the gateway overflows), with
 * c = min(C, P) servers either way.
 */
function openModel(input: OpenLoopInput): OpenModel {
  const k = input.workers + input.queue;
  const servers = Math.min(input.workers, input.poolConnections);
  const gatewayLimits = input.poolConnections <= k;
  const capacity = gatewayLimits ? input.poolConnections + input.queueLimit : k;
  if (!gatewayLimits && (input.shed === '503' || input.shed === 'hang')) {
    return { kind: 'none', basis: `The upstream sheds with ${input.shed}, which is no 502 (503 is passed through; hang ends in 504), and the gateway's overflow under open load is not modelled: no 502 onset is predicted.` };
  }
  const where = gatewayLimits ? `K = P + queueLimit = ${capacity} (the gateway's pool is not larger than C + Q)` : `K = C + Q = ${capacity}`;
  // The faults the closed-loop limit knows, which the open formulas below do not model.
  if (input.work === 'cpu') {
    return { kind: 'none', basis: 'A CPU-bound upstream (work: cpu) blocks its own accept(); under open load, when connection attempts overflow its listen backlog depends on timing: the model makes no prediction.' };
  }
  if ((input.invalidEvery ?? 0) > 0 && 1 / (input.invalidEvery ?? 1) >= input.failureRatio) {
    return { kind: 'none', basis: `Every ${input.invalidEvery ?? 0}th response is malformed (upstream_invalid → 502): ${formatShare(1 / (input.invalidEvery ?? 1))} of the requests fail at every rate, at or above the criterion, so the onset is the lowest rate tried, whatever the capacity; no rate is predicted.` };
  }
  if ((input.connectionLimit ?? 0) > 0 && (input.connectionLimit ?? 0) < capacity) {
    return { kind: 'none', basis: `The upstream closes connections beyond ${input.connectionLimit ?? 0}, fewer than K = ${capacity}; the open-loop formulas do not model that limit: no onset is predicted.` };
  }
  if ((input.burst ?? 1) > 1) {
    return { kind: 'none', basis: `Arrivals come in bursts of ${input.burst ?? 1}: a batch-arrival queue, which the open-loop formulas here do not model; no onset is predicted.` };
  }
  const firewall = firewallRps(input);
  if (firewall !== null) {
    if (input.arrivals !== 'uniform') {
      return { kind: 'none', basis: `A firewall resets new connections beyond ${firewall} per second, and its token bucket under ${input.arrivals} arrivals is not modelled: no onset is predicted.` };
    }
    // Every request opens a connection (connection: close): the firewall passes at most r of them per second.
    return {
      kind: 'fluid',
      servers,
      capacity,
      firewall,
      basis: `Open loop, uniform arrivals, and every request opens a new connection (connection: close) through a firewall that resets those beyond r = ${firewall} per second: the throughput is at most min(c / S, r) (Little's law, research/gateway-502.md §8.1), above it the failure ratio is 1 − min(c / S, r) / λ, so the onset is min(c / S, r) / (1 − criterion), with c = ${servers} and ${where}.`,
    };
  }
  if (input.arrivals === 'uniform' && input.serviceDistribution === 'fixed') {
    return { kind: 'fluid', servers, capacity, basis: `Open loop, uniform arrivals and fixed service: capacity μ = c / S (Little's law, research/gateway-502.md §8.1); above μ the steady-state failure ratio is 1 − μ/λ, so the onset is μ / (1 − criterion) (DESIGN.md §4), with c = ${servers} and ${where}.` };
  }
  if (input.arrivals === 'poisson' && (input.serviceDistribution === 'exponential' || capacity === servers)) {
    // Erlang B (K = c) is insensitive to the service distribution (research/gateway-502.md §8.2).
    return { kind: 'mmck', servers, capacity, basis: `Open loop, Poisson arrivals: the M/M/c/K blocking probability π_K (research/gateway-502.md §8.2) with c = ${servers} and ${where}; the onset is the rate at which π_K reaches the criterion.` };
  }
  return { kind: 'none', basis: `Open loop, ${input.arrivals} arrivals and ${input.serviceDistribution} service: M/G/c/K has no closed form (research/gateway-502.md §8.2), so no onset is predicted.` };
}

/**
 * M/M/c/K blocking probability π_K (PASTA: the share of arrivals that find the system full),
 * from π_n ∝ a^n / n! for n ≤ c and (a^c / c!) · (a/c)^(n−c) for c < n ≤ K, a = λS
 * (research/gateway-502.md §8.2; Octave `queueing` qsmmmk.m). Computed term by term, rescaled so
 * that large K does not overflow.
 */
export function mmckBlocking(params: { arrivalRps: number; serviceMs: number; servers: number; capacity: number }): number {
  const a = params.arrivalRps * (params.serviceMs / 1000);
  if (!(a > 0)) return 0;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= params.capacity; n += 1) {
    term *= a / Math.min(n, params.servers);
    sum += term;
    if (sum > 1e250) {
      term /= 1e250;
      sum /= 1e250;
    }
  }
  return term / sum;
}

/** The predicted failure ratio of an open-loop step at `arrivalRps`, or null where no formula applies. */
export function predictedOpenFailure(arrivalRps: number, input: OpenLoopInput): number | null {
  const model = openModel(input);
  const s = input.serviceMsMeasured;
  if (model.kind === 'none' || s === null || !(s > 0)) return null;
  if (model.kind === 'fluid') {
    const mu = Math.min(model.servers / (s / 1000), model.firewall ?? Infinity);
    return arrivalRps <= mu ? 0 : 1 - mu / arrivalRps;
  }
  return mmckBlocking({ arrivalRps, serviceMs: s, servers: model.servers, capacity: model.capacity });
}

/**
 * The open-loop theory for the report: capacity, and the predicted onset in req/s (rounded to
 * 0.1): μ / (1 − criterion) for uniform arrivals and fixed service (404.0 for C = 4, S = 10 ms),
 * the rate at which π_K reaches the criterion for Poisson arrivals and exponential service
 * (found by bisection, π_K being increasing in λ; 345.6 for C = 4, S = 10 ms, Q = 16).
 */
export function openLoopTheory(input: OpenLoopInput): Theory {
  const model = openModel(input);
  const limitedBy = input.poolConnections <= input.workers + input.queue ? 'gateway' : 'upstream';
  const base = { serviceMsMeasured: input.serviceMsMeasured, capacityRps: capacityRps(input) };
  const s = input.serviceMsMeasured;
  if (model.kind === 'none' || s === null || !(s > 0)) {
    const basis = model.kind === 'none' ? model.basis : `${model.basis} The service time was not measured, so no onset is predicted.`;
    return { ...base, onset: null, basis, limitedBy: model.kind === 'none' ? null : limitedBy };
  }
  const mu = Math.min(model.servers / (s / 1000), model.kind === 'fluid' ? (model.firewall ?? Infinity) : Infinity);
  if (!(input.failureRatio > 0 && input.failureRatio < 1)) {
    return { ...base, onset: null, basis: `${model.basis} A criterion of ${input.failureRatio} is never reached, so no onset is predicted.`, limitedBy };
  }
  let onset: number;
  if (model.kind === 'fluid') {
    onset = mu / (1 - input.failureRatio);
  } else {
    const blocking = (rate: number): number => mmckBlocking({ arrivalRps: rate, serviceMs: s, servers: model.servers, capacity: model.capacity });
    let low = 0;
    let high = mu;
    // π_K → 1 as λ grows, so doubling reaches any criterion below 1.
    while (blocking(high) < input.failureRatio) high *= 2;
    for (let i = 0; i < 200 && high - low > 1e-9 * high; i += 1) {
      const mid = (low + high) / 2;
      if (blocking(mid) < input.failureRatio) low = mid;
      else high = mid;
    }
    onset = high;
  }
  return { ...base, onset: Math.round(onset * 10) / 10, basis: model.basis, limitedBy };
}

/** `2 %`, `0.5 %`: a share for a basis sentence (theory stays free of the report's formatters). */
function formatShare(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`;
}
