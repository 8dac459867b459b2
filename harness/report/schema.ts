/**
 * The report (`report.json`), field by field (DESIGN.md §6). `schemaVersion` 1 grows only by
 * adding optional fields; readers ignore fields they do not know. Any change here goes into
 * CHANGELOG.md. `report-schema.ts` mirrors these types as a zod schema (the compiler refuses any
 * drift) for readers, and gives the published JSON Schema (`reportJsonSchema`).
 */
import type { Model, Scenario } from '../config/scenario.ts';

/** The version of the report's shape; it changes only when a field is removed or changes meaning. */
export const SCHEMA_VERSION = 1;

/** Percentiles of one latency histogram, in milliseconds (HDR histogram definition). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The load generator's own health during a step (DESIGN.md §3, generator self-check). */
export interface GeneratorHealth {
  /** Share of one core the generator's process used during the step (0–1+). */
  cpu: number;
  eventLoopDelayP99Ms: number;
  /** The longest single stall of the generator's event loop: one stall hides in a p99. */
  eventLoopDelayMaxMs: number;
  /** Open model only: p99 of how late requests left after their planned time. */
  sendLagP99Ms: number | null;
}

/** One step of load: what was offered, what came back, and whether it counts. */
export interface StepResult {
  /** Order in which the step ran, from 0. */
  index: number;
  /** Offered load: connections (closed model) or req/s (open model). */
  offered: number;
  /**
   * The sending window, in ms, as measured: from the start of the step until no new request was
   * sent (`load.stepMs` plus timer lateness). `achievedRps` and `goodputRps` are per this window;
   * the tail after it (`tailMs`) is not part of it.
   */
  durationMs: number;
  /**
   * After the window, how long the step waited for the requests still in flight to be answered
   * (or to time out), so that every request sent has an outcome: a hung upstream's 504s arrive
   * only after the gateway's timeout, which may be longer than the window.
   */
  tailMs: number;
  /** Requests written by the generator. */
  sent: number;
  /** Requests answered with any HTTP status. */
  completed: number;
  /** Requests that ended in a client-side error (reset, refused, timeout); by code in `errors`. */
  errored: number;
  /** Requests whose connection closed with no response and no error (autocannon counts them nowhere). */
  lost: number;
  /** Requests still in flight when the step ended (window and tail); neither failed nor succeeded. */
  unfinished: number;
  /** Open model only: arrivals the generator could not send on time. */
  late: number;
  /** Completed responses (any status) per second of the window (`completed` / `durationMs`). */
  achievedRps: number;
  /** 2xx responses per second of the window. */
  goodputRps: number;
  /** Gateway-generated responses with a criterion status, plus errored and lost requests. */
  failures: number;
  /**
   * failures / (sent − unfinished): the share of the requests that finished in the step (window
   * and tail) that failed; 0 when none finished. DESIGN.md §4 divides by the requests sent; we
   * leave out the unfinished ones because a request still in flight when the step ends has no
   * outcome yet, and counting it as a success would dilute the ratio.
   */
  failureRatio: number;
  /** Whether the failure ratio stayed under the criterion. */
  passed: boolean;
  /** What theory predicts for this load, where a model applies. */
  predictedFailureRatio: number | null;
  /** Responses by status code, as the client saw them. */
  status: Record<string, number>;
  /** Client-side errors by code (`ECONNRESET`, `ETIMEDOUT`, …). */
  errors: Record<string, number>;
  /** Gateway failures by cause code during the step (and its drain). */
  causes: Record<string, number>;
  /**
   * Latency of 2xx and of other answers, from the actual send; in the open model also of every
   * answer from its planned send time (`fromIntended`: free of coordinated omission; null in the
   * closed model).
   */
  latencyMs: { ok: LatencySummary | null; failed: LatencySummary | null; fromIntended: LatencySummary | null };
  generator: GeneratorHealth;
  /** Deepest queues seen at the fixtures during the step. */
  fixtures: {
    upstreamPeakQueued: number;
    gatewayPeakQueued: number;
    upstreamShed: number;
    /** Mean service time the upstream gave the requests it served during the step (and its drain), ms. */
    upstreamServiceMs: number | null;
  } | null;
  /** Time it took the fixtures to report nothing in flight after the step. */
  drainMs: number;
  /** False when the generator was the bottleneck; such a step is never taken as the onset. */
  valid: boolean;
  invalidReason: string | null;
}

/** The onset: the lowest offered load whose failure ratio reached the criterion (DESIGN.md §4). */
export interface Onset {
  /** The onset itself (= high). */
  value: number;
  /** Highest load measured to pass. */
  low: number;
  /** Lowest load measured to fail. */
  high: number;
  unit: 'connections' | 'rps';
  criterion: { failureRatio: number; statuses: number[] };
}

/** What the queueing models predict for the scenario (DESIGN.md §4, `stats/theory.ts`). */
export interface Theory {
  /** Mean service time the upstream measured, used by every formula. */
  serviceMsMeasured: number | null;
  /** C / S (Little's law), req/s. */
  capacityRps: number | null;
  /** Predicted onset in the report's unit, or null where no prediction applies. */
  onset: number | null;
  /** Which formula gave the onset, in words, with its source. */
  basis: string;
  /**
   * What limits the system first: the upstream's C + Q, or the gateway's pool and queue. Null
   * when the model makes no prediction for this upstream (`onset` is then null too, and `basis`
   * says why), as opposed to predicting no 502 at all (`onset` null, `limitedBy` set).
   */
  limitedBy: 'upstream' | 'gateway' | null;
}

/** One search or ramp from scratch on fresh fixtures; `--repeat N` runs N of them. */
export interface Trial {
  index: number;
  seed: number;
  onset: Onset | null;
  steps: StepResult[];
}

/** One of the scenario's `expect` checks, judged against the run. */
export interface ExpectationResult {
  /** The check in words, e.g. `onset between 19 and 23 connections`. */
  description: string;
  passed: boolean;
  /** What was measured, e.g. `21 connections`. */
  actual: string;
}

/** One bucket of a timeline: what happened in [t, t + bucketMs). */
export interface TimelineBucket {
  /** Start of the bucket, in ms from the start of the load. */
  t: number;
  /** Requests written. */
  sent: number;
  /** 2xx answers that arrived. */
  ok: number;
  /** Failures that ended in it: gateway-generated criterion statuses, client errors, lost requests. */
  failures: number;
  /** When its first and its last failure ended, in ms from the start of the load; null without failures. */
  firstFailureAt: number | null;
  lastFailureAt: number | null;
  /** Answers by status. */
  status: Record<string, number>;
  /** Client-side errors by code; `lost` counts connections closed with no answer. */
  errors: Record<string, number>;
  /** Gateway failures by cause, as its counters grew during the bucket. */
  causes: Record<string, number>;
}

/** Something that happened during a timeline: a planned event, or one a fixture reported. */
export interface TimelineEventRecord {
  /** When, in ms from the start of the load. */
  t: number;
  /** `stop-upstream`, `set-dns`, `upstream-crashed`, `upstream-restarted`, … */
  what: string;
  /** In words: `record → 127.0.0.2`, `31 requests in flight, above the limit of 24`. */
  detail: string;
  /** True for the scenario's own events; false for what a fixture did (a crash, a restart). */
  planned: boolean;
  /**
   * `fault`: it begins a failure (a stop, a crash, a record moved away); `recovery`: it should end
   * one (a start, a restart, the record back), and the recovery time counts from it; null: neither.
   */
  effect: 'fault' | 'recovery' | null;
}

/** A run of consecutive buckets whose failure ratio reached the criterion. */
export interface FailureWindow {
  /** When its first failure and its last one ended, in ms from the start of the load. */
  start: number;
  end: number;
  failures: number;
  /** The cause with the most gateway failures in it; null when the gateway counted none. */
  dominantCause: string | null;
}

/** After an event that ends a fault, how long until the failures stopped. */
export interface Recovery {
  /** The event (`start-upstream`, `set-dns`, `upstream-restarted`) and its time. */
  what: string;
  t: number;
  /**
   * From the event to the last failure before the next fault (or the end); 0 when none came
   * after it; null when they never stopped (the last bucket before the next fault still failed).
   */
  recoveredAfterMs: number | null;
}

/** A timeline scenario's measurements (DESIGN.md §6 `timeline[]`, `events[]`). */
export interface TimelineResult {
  /** The steady load: connections or req/s (the report's `unit`). */
  offered: number;
  durationMs: number;
  bucketMs: number;
  buckets: TimelineBucket[];
  events: TimelineEventRecord[];
  windows: FailureWindow[];
  recoveries: Recovery[];
  /** Over the whole timeline; `failures` are the requests lost to the faults. */
  totals: { sent: number; ok: number; failures: number };
  /** Latency of 2xx and of other answers over the whole timeline, from the actual send. */
  latencyMs: { ok: LatencySummary | null; failed: LatencySummary | null };
  /** The load generator's health over the whole timeline. */
  generator: GeneratorHealth;
  /** False when the generator was the bottleneck: the timeline then shows the generator, not the gateway. */
  valid: boolean;
  invalidReason: string | null;
}

/** The whole report, `report.json` (DESIGN.md §6). */
/** An https target's certificate, as checked before any load (safety/tls-check.ts). */
export interface TargetTls {
  /** The name sent in SNI and checked against the certificate; null for an IP literal (checked against the address). */
  serverName: string | null;
  /** The protocol negotiated, e.g. `TLSv1.3`. */
  protocol: string;
  subject: string;
  issuer: string;
  /** The certificate's notAfter, as OpenSSL prints it. */
  validTo: string;
  fingerprint256: string;
  /** The file given with `--ca`, or null. */
  caFile: string | null;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'overload'; version: string };
  createdAt: string;
  /** True when the run stopped early (Ctrl-C, SIGTERM, an error): the steps are what was measured. */
  interrupted: boolean;
  scenario: { name: string; description: string; parameters: Scenario };
  environment: { node: string; platform: string; cpuModel: string; cpus: number };
  gateway: { kind: string; profile: string };
  /**
   * External targets only (`--target`, absent when the harness ran its own fixtures): the URL as
   * given, the address checked and pinned for every connection of the run, and what authorized it
   * (`loopback`, or an allow-list entry). Added in schema version 1 (optional).
   */
  target?: {
    url: string;
    pinnedAddress: string;
    authorizedBy: string;
    /**
     * With `--gateway-log` only: the user's gateway log the steps' causes were read from, and its
     * format (given, or detected from its first lines; null when no line told it). Added in
     * schema version 1 (optional).
     */
    gatewayLog?: { path: string; format: 'nginx' | 'haproxy' | null };
    /**
     * https targets only: the certificate checked before any load (safety/tls-check.ts), the
     * name sent for it and the extra CA trusted. Added in schema version 1 (optional).
     */
    tls?: TargetTls;
  };
  model: Model;
  unit: 'connections' | 'rps';
  /** 'search' (adaptive onset search), 'ramp' (stepped) or 'timeline' (steady load with events). */
  plan: 'search' | 'ramp' | 'timeline';
  /** Timeline scenarios only: per bucket against time, the events, the failure windows, the recoveries. Added in schema version 1 (optional). */
  timeline?: TimelineResult;
  /** Steps of the first trial, in the order they ran. */
  steps: StepResult[];
  /** The onset (median over trials with --repeat), or null when none was found. */
  onset: Onset | null;
  /** Why no onset was found, when `onset` is null. */
  onsetNote: string | null;
  /** With --repeat: spread of the trials' onsets. */
  onsetSpread: { min: number; max: number; trials: number } | null;
  capacity: { maxGoodputRps: number; atOffered: number } | null;
  theory: Theory | null;
  /** Failures by cause over the whole run, largest first. */
  causes: Record<string, number>;
  /** Sentences built from the measured causes, never from the scenario's settings. */
  explanation: string[];
  trials: Trial[];
  expectations: ExpectationResult[];
}
