/**
 * The shape of a scenario: what a scenario file declares (`ScenarioInput`, every field optional
 * but `name`) and what the harness runs (`Scenario`, fully defaulted and validated).
 * Fields and defaults follow DESIGN.md §5; the defaults live in `defaults.ts` only.
 */

/** Closed loop: offered load is a number of connections. Open loop: an arrival rate (issue 3). */
export type Model = 'closed' | 'open';
/** What the upstream does to a request it can neither serve nor queue (DESIGN.md §2). */
export type ShedMode = 'reset' | 'close' | 'hang' | '503';
/** How the upstream draws each request's service time around the mean `serviceMs`. */
export type ServiceDistribution = 'fixed' | 'exponential' | 'lognormal';
/** Which gateway runs in front of the upstream: the Node fixture, or a real nginx or HAProxy (issue 6). */
export type GatewayKind = 'node' | 'nginx' | 'haproxy';
/** Which real gateway's error → status table the gateway fixture follows. */
export type GatewayProfile = 'nginx' | 'haproxy' | 'envoy' | 'alb';
/** Open model: how arrivals are spaced, evenly or as a Poisson process. */
export type Arrivals = 'uniform' | 'poisson';
/** The method of every request the load generator sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The upstream fixture: C workers, a queue of Q, mean service time S (DESIGN.md §2). */
export interface UpstreamConfig {
  /** C: requests served at once. */
  workers: number;
  /** Q: requests waiting for a worker; beyond C + Q in flight the upstream sheds. */
  queue: number;
  /** S: mean service time in milliseconds (0 answers at once). */
  serviceMs: number;
  serviceDistribution: ServiceDistribution;
  shed: ShedMode;
  /** How long an idle keep-alive connection stays open (Node's `server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /**
   * Most connections open at once (Node's `server.maxConnections`); the kernel accepts more and
   * Node closes them at once. 0: no cap. Scenario `connection-limit`.
   */
  connectionLimit: number;
  /**
   * Every N-th request is answered with a malformed status line, as a bug writing a broken
   * response would (the gateway's `upstream sent invalid header`). 0: never. Scenario `bad-response`.
   */
  invalidEvery: number;
  /**
   * How a request spends its service time: `timer` waits S ms without using the CPU (an upstream
   * waiting on a database); `cpu` computes for S ms on the event loop, which blocks it: nothing
   * else runs, not even accept(), so new connections wait in the listen backlog. Scenario `slow-upstream`.
   */
  work: UpstreamWork;
  /** The listen backlog (`listen(2)`): connections the kernel completes before the server accepts them; Node's default is 511. */
  backlog: number;
  /**
   * The `Connection` header of every response: `keep-alive` lets the gateway reuse connections;
   * `close` makes it open a new connection for every request (an upstream, or a balancer in front
   * of it, that does not keep connections alive).
   */
  connection: UpstreamConnection;
  /**
   * New connections per second let through; those beyond are reset at once, as a firewall rule
   * in front of the upstream would (iptables `hashlimit … -j REJECT --reject-with tcp-reset`).
   * A token bucket holding 50 ms of them. 0: no limit. Scenario `firewall`.
   */
  acceptRate: number;
  /**
   * The upstream crashes when a request arrives with this many already in flight (as an
   * out-of-memory kill ends a process whose memory grows with its requests): every connection
   * closes, and connections are refused until it restarts. 0: never. Scenario `crash-restart`.
   */
  crashAboveInFlight: number;
  /** How long the supervisor takes to restart a crashed upstream (systemd `RestartSec=`). */
  restartDelayMs: number;
  /**
   * The network between the gateway and the upstream delays the upstream's FIN by this many ms
   * (a relay in front of it): a pooled connection the upstream closed stays usable-looking for
   * that long, which is the keep-alive race's window, made wide on purpose (research/gateway-502.md
   * §5.4, recipe 1). 0: no relay. Scenario `keepalive-race`.
   */
  finDelayMs: number;
  /**
   * What the upstream does with a request whose client went away: `cancel` frees its place at
   * once; `serve` goes on with it (the handler never notices, as most do), so the work is wasted.
   * Scenario `retry-storm`.
   */
  abandoned: AbandonedWork;
}

/** What the upstream does with a request whose client went away (`upstream.abandoned`). */
export type AbandonedWork = 'cancel' | 'serve';

/** How a client waits between its attempts (`load.retry.backoff`). */
export type Backoff = 'none' | 'exponential';

/**
 * Open model: what each client does when a request fails (a 5xx, an error, or no answer within
 * `timeoutMs`): try again, up to `attempts` in all, at once (`backoff: none`, "reload the page")
 * or after a random wait of up to `baseMs` · 2^(k−1), at most `maxMs` (full jitter), with retries
 * at most `budget` of first attempts (a retry budget). `attempts: 1`: never retry.
 */
export interface RetryConfig {
  attempts: number;
  /** How long a client waits for an answer before it gives up on an attempt; 0: `load.clientTimeoutMs`. */
  timeoutMs: number;
  backoff: Backoff;
  baseMs: number;
  maxMs: number;
  /** Retries allowed per first attempt (0.1: one retry for every ten requests); 0: no budget. */
  budget: number;
}

/** The `Connection` header the upstream answers with (`upstream.connection`). */
export type UpstreamConnection = 'keep-alive' | 'close';

/** How the upstream spends a request's service time (`upstream.work`). */
export type UpstreamWork = 'timer' | 'cpu';

/** The gateway fixture: its pool, queue, timeouts and retry (DESIGN.md §2). */
export interface GatewayConfig {
  kind: GatewayKind;
  profile: GatewayProfile;
  /** Most connections the gateway opens to the upstream at once (undici `Pool.connections`). */
  poolConnections: number;
  /** Most requests waiting for a pool connection; beyond it the gateway answers `gateway_overflow`. */
  queueLimit: number;
  /** No connection to the upstream within this time: 504 `upstream_timeout` (nginx `proxy_connect_timeout`). */
  connectTimeoutMs: number;
  /** No response headers within this time: 504 `upstream_timeout`. */
  upstreamTimeoutMs: number;
  /** 0: never retry. 1: the nginx-style retry (once, only on a reused socket, never POST/PATCH). */
  retries: number;
  /**
   * A name (under `.test`, RFC 6761) the gateway resolves to reach the upstream, through a zone
   * the scenario controls and a cache that keeps each answer for `dnsTtlMs`; the record starts
   * at the upstream's address and timeline events move it. Empty: connect to the address.
   * Scenario `dns-change`.
   */
  upstreamName: string;
  /** How long the gateway keeps a resolved address before it asks again (the record's TTL). */
  dnsTtlMs: number;
}

/** The requests the load generator sends, and for how long each step lasts. */
export interface LoadConfig {
  arrivals: Arrivals;
  /**
   * Open model: arrivals come in bursts of this many at once (a page that loads several resources),
   * the bursts spaced by `arrivals` at the offered rate ÷ burst. 1: one at a time.
   */
  burst: number;
  method: HttpMethod;
  path: string;
  body?: string;
  /** Length of one step of load. */
  stepMs: number;
  /** The load generator's own timeout; kept above the gateway's timeouts so 504s are seen. */
  clientTimeoutMs: number;
  /** Open model: whether and how clients try a failed request again. */
  retry: RetryConfig;
}

/** The adaptive onset search (DESIGN.md §4). */
export interface SearchConfig {
  /** First offered load of the exponential probe (connections, or req/s in the open model). */
  start: number;
  /** Relative precision at which bisection stops (the closed model stops at adjacent counts). */
  precision: number;
  /** Most steps the search measures before it stops with the bracket it has. */
  maxSteps: number;
}

/** The stepped ramp, the plan other than the search: from, to and by, in the model's unit. */
export interface RampConfig {
  from: number;
  to: number;
  step: number;
  /** Stop after the criterion failed on this many consecutive steps. */
  stopAfterFailures: number;
}

/** When a step fails (DESIGN.md §4). */
export interface CriterionConfig {
  /** A step fails when its failure ratio reaches this value (DESIGN.md §4). */
  failureRatio: number;
  /** Statuses generated by the gateway that count as failures; the profile's by default. */
  statuses: number[];
}

/** Hard ceilings on the load a run may offer; the defaults are the most allowed. */
export interface CapsConfig {
  maxConnections: number;
  maxRps: number;
  maxDurationS: number;
  maxRequests: number;
}

/** What a timeline event does, at its time (`timeline.events`). */
export type TimelineEvent =
  /** A maintenance stop: no new connections, the requests held are served, then it is down. */
  | { atMs: number; action: 'stop-upstream' }
  /** Starts the stopped upstream again on its port. */
  | { atMs: number; action: 'start-upstream' }
  /** Points the gateway's upstream name at `address` (in 127.0.0.0/8), or removes its record (null). */
  | { atMs: number; action: 'set-dns'; address: string | null }
  /** Open model: the arrival rate changes to `offered` req/s (a spike, and the drop after it). */
  | { atMs: number; action: 'set-load'; offered: number };

/**
 * A timeline scenario: one steady load for `durationMs`, with events at set times, measured in
 * buckets of `bucketMs` (DESIGN.md §6 `timeline[]`). `durationMs` 0: not a timeline scenario.
 */
export interface TimelineConfig {
  durationMs: number;
  /** The steady load: connections (closed model) or req/s (open model). */
  offered: number;
  bucketMs: number;
  events: TimelineEvent[];
}

/** Typed checks evaluated against the report; any failing one makes `run` exit 3. */
export type Expectation =
  | { onset: { between: [number, number] } }
  | { dominantCause: string }
  | { noFailuresBelow: number }
  /** The measured onset equals theory's (both none counts as agreement). */
  | { onsetMatchesTheory: true }
  /** This cause showed up at a load below the onset (or anywhere, when there is no onset): e.g. 504s before any 502. */
  | { causeBelowOnset: string }
  /** Timeline: failures ended within this many ms of the last event that should end them (a start, a DNS record back). */
  | { recoveryWithinMs: number }
  /** Timeline: the number of separate failure windows (bursts) lies in this range. */
  | { failureWindows: { min: number; max?: number | undefined } }
  /** Timeline: no failure before this time (ms from the start): the steady state before the fault is clean. */
  | { noFailuresBeforeMs: number }
  /** Timeline: from `fromMs` to the end, the 2xx answers per second lie within the bounds. */
  | { goodputAfter: { fromMs: number; minRps?: number | undefined; maxRps?: number | undefined } };

/** A validated scenario with every default applied. */
export interface Scenario {
  name: string;
  description: string;
  model: Model;
  upstream: UpstreamConfig;
  gateway: GatewayConfig;
  load: LoadConfig;
  search: SearchConfig;
  ramp: RampConfig;
  criterion: CriterionConfig;
  caps: CapsConfig;
  timeline: TimelineConfig;
  seed: number;
  expect: Expectation[];
  /** Where a real gateway reads the scenario differently from the Node fixture (`--gateway nginx|haproxy`). */
  behind: GatewayVariants;
}

/**
 * The scenario behind one real gateway, where that gateway answers, logs or pools differently from
 * the Node fixture (issue 6): what it checks there instead, or that it means nothing there.
 */
export interface GatewayVariant {
  /** How and why the gateway differs here, citing its documentation or source; the report quotes it. */
  note: string;
  /** What the scenario checks behind this gateway, in place of `expect` (a `--set expect=…` still wins). */
  expect?: Expectation[] | undefined;
  /** The scenario means nothing behind this gateway (the note says why): `run` refuses it, `run --all` skips it. */
  unsupported?: boolean | undefined;
}

/** The variants by real gateway; the Node fixture is what the scenario itself describes. */
export type GatewayVariants = Partial<Record<Exclude<GatewayKind, 'node'>, GatewayVariant | undefined>>;

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** What a scenario file may write: a name, and any subset of the fields. */
export type ScenarioInput = DeepPartial<Omit<Scenario, 'name'>> & { name: string };

/**
 * Declares a scenario in `scenarios/<name>.ts` (`export default defineScenario({...})`).
 * It only types the object; validation and defaults happen when the scenario is loaded, so a
 * mistake is reported with every other one, with its path and fix.
 */
export function defineScenario<const T extends ScenarioInput>(input: T): T {
  return input;
}
