/**
 * The interface every load driver implements: run one step of load against a URL and return
 * what the client saw. Drivers never print and never decide pass/fail; the runner does.
 */
import type { ConnectionOptions } from 'node:tls';
import type { Arrivals, HttpMethod, RetryConfig } from '../config/scenario.ts';
import type { GeneratorHealth, LatencySummary } from '../report/schema.ts';

export interface StepRequest {
  /** The gateway's base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Connections (closed model) or req/s (open model). */
  offered: number;
  /** The judged window, in ms. */
  durationMs: number;
  /**
   * Open model: load at the same rate before the window, not judged, so the window sees the
   * system's steady state (DESIGN.md §4). 0 in the closed model.
   */
  warmupMs?: number;
  /** Open model: how arrivals are spaced (`load.arrivals`). */
  arrivals?: Arrivals;
  /** Open model: arrivals at once in each burst (`load.burst`); 1 by default. */
  burst?: number;
  /**
   * Open model: the arrival rate changes at these times (ms from the start, the first at 0), in
   * place of `offered` (a timeline's spike); absent: `offered` throughout.
   */
  rateChanges?: { atMs: number; rateRps: number }[];
  /** Open model: whether and how a client tries a failed request again (`load.retry`); absent: never. */
  retry?: RetryConfig;
  /** Open model: seed of the Poisson arrival times of this step. */
  seed?: number;
  /** Open model: the most connections the generator may open (`caps.maxConnections`). */
  maxConnections?: number;
  method: HttpMethod;
  path: string;
  body?: string;
  /** Extra request headers: the `Host` of an external target whose address was pinned. */
  headers?: Record<string, string>;
  /**
   * An https target: the TLS options of every connection (safety/tls-check.ts `pinnedTlsOptions`:
   * the server name, the trusted CAs, the identity check against the name the user wrote).
   */
  tls?: PinnedTlsOptions;
  /** The client's own timeout; above the gateway's so its 504s reach the client. */
  clientTimeoutMs: number;
  /** Aborts the step early (Ctrl-C); the driver returns what it measured so far. */
  signal?: AbortSignal;
  /** Hears each request's outcome as it happens: a timeline buckets them by time. */
  outcomes?: OutcomeObserver;
}

/** The TLS options a driver passes to every connection of an https target. */
export type PinnedTlsOptions = Pick<ConnectionOptions, 'servername' | 'ca' | 'rejectUnauthorized' | 'checkServerIdentity'>;

/**
 * Who wrote an answer, by its marks: `gateway` (the Node gateway fixture's `x-overload-cause`),
 * `upstream` (the upstream fixture's own non-2xx answer, passed through: `x-overload-upstream`),
 * or `unmarked` (a real nginx or HAProxy, or a user's service, which mark nothing).
 */
export type AnswerOrigin = 'gateway' | 'upstream' | 'unmarked';

/** The origin of an answer from whether it carries each mark; the gateway's mark wins. */
export function answerOrigin(hasCauseHeader: boolean, hasUpstreamHeader: boolean): AnswerOrigin {
  return hasCauseHeader ? 'gateway' : hasUpstreamHeader ? 'upstream' : 'unmarked';
}

/**
 * Hears each request's outcome as it happens, from the drivers' tallies (every request of every
 * phase). A timeline scenario buckets these by the time they come (`TimelineRecorder`).
 */
export interface OutcomeObserver {
  sent(): void;
  /** A whole response, and who says they wrote it ({@link AnswerOrigin}). */
  answered(status: number, origin: AnswerOrigin): void;
  /** A client-side error (`ECONNRESET`, `ETIMEDOUT`, …), or `lost`: the connection closed with no answer. */
  failed(code: string): void;
  /**
   * The latest `failed(code)` was wrong and is taken back: autocannon reports a timed-out request
   * as lost first, then as a timeout (client-tally.ts `onTimeout`).
   */
  retract(code: string): void;
}

/** What the client saw during one step. Counts follow `StepResult` in `report/schema.ts`. */
export interface StepObservation {
  /** The sending window, in ms. */
  durationMs: number;
  /** The wait for in-flight answers after the window, in ms. */
  tailMs: number;
  /**
   * Responses (any status, and 2xx) that arrived within the window. Rates use these: answers
   * that came in the tail arrived while the load was winding down (a hung upstream's queue
   * draining through the gateway made "goodput" read 609 req/s against a capacity of 400).
   */
  window: { completed: number; ok: number };
  sent: number;
  completed: number;
  errored: number;
  lost: number;
  unfinished: number;
  late: number;
  /** Responses by status code. */
  status: Record<string, number>;
  /** Responses the gateway generated (they carry `x-overload-cause`), by status. */
  gatewayGenerated: Record<string, number>;
  /** Non-2xx responses the upstream wrote itself and a gateway passed through (`x-overload-upstream`), by status. */
  upstreamAnswered: Record<string, number>;
  /** Client-side errors by code. */
  errors: Record<string, number>;
  /** Latency by outcome from the actual send; open model: also of every answer from its planned time. */
  latencyMs: { ok: LatencySummary | null; failed: LatencySummary | null; fromIntended: LatencySummary | null };
  generator: GeneratorHealth;
}

export interface Driver {
  readonly model: 'closed' | 'open';
  runStep(request: StepRequest): Promise<StepObservation>;
  /** Releases what the driver keeps between steps (the open model's connection pool). */
  close?(): Promise<void>;
}
