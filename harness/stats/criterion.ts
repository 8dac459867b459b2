/**
 * Judging a step (DESIGN.md §4 "Failure ratio") and checking that the load generator was not the
 * bottleneck (DESIGN.md §3 "Generator self-check"). Pure: numbers in, verdict out.
 */
import type { CriterionConfig } from '../config/scenario.ts';
import type { StepObservation } from '../load/driver.ts';
import type { GeneratorHealth } from '../report/schema.ts';

/** What a step's observation means against the criterion. */
export interface StepVerdict {
  /** Gateway-generated responses with a criterion status, plus errored and lost requests. */
  failures: number;
  /** failures / (sent − unfinished); 0 when nothing finished. */
  failureRatio: number;
  /** failureRatio < criterion.failureRatio. */
  passed: boolean;
  /** 2xx responses per second of the window (answers in the tail do not count). */
  goodputRps: number;
  /** Responses (any status) per second of the window. */
  achievedRps: number;
}

/**
 * Judges one step. Failures count only responses the GATEWAY generated with a criterion status
 * (`observation.gatewayGenerated`): an upstream's own 503 passed through is not a gateway
 * failure (`observation.upstreamAnswered` says which those are where the gateway marks nothing). Errored and lost requests count too, because the client got no answer at all.
 * The denominator leaves out requests still in flight when the step ended; a step in which
 * nothing finished has a ratio of 0 (no evidence of failure, rather than a division by zero),
 * and rates over a 0 ms step are 0.
 */
export function judgeStep(
  observation: StepObservation,
  criterion: Pick<CriterionConfig, 'failureRatio' | 'statuses'>,
  options: { countUnmarked?: boolean } = {},
): StepVerdict {
  // A real gateway or an external target marks nothing (`countUnmarked`): every response with a
  // criterion status counts, but for those the upstream fixture marked as its own (its 503s,
  // passed through), which are no gateway's failure.
  const countOf = (status: number): number => {
    const key = String(status);
    if (options.countUnmarked !== true) return observation.gatewayGenerated[key] ?? 0;
    return (observation.status[key] ?? 0) - (observation.upstreamAnswered[key] ?? 0);
  };
  const gatewayFailures = criterion.statuses.reduce((sum, status) => sum + countOf(status), 0);
  const failures = gatewayFailures + observation.errored + observation.lost;
  const finished = observation.sent - observation.unfinished;
  const failureRatio = finished > 0 ? failures / finished : 0;
  const seconds = observation.durationMs / 1000;
  return {
    failures,
    failureRatio,
    passed: failureRatio < criterion.failureRatio,
    goodputRps: seconds > 0 ? observation.window.ok / seconds : 0,
    achievedRps: seconds > 0 ? observation.window.completed / seconds : 0,
  };
}

/** Above this share of one CPU core, the generator itself limits the load. */
export const GENERATOR_CPU_LIMIT = 0.9;
/** Above this event-loop delay at p99, the generator's timings and sends lag behind. */
export const GENERATOR_EVENT_LOOP_DELAY_P99_LIMIT_MS = 50;
/**
 * Above this single stall the generator stopped sending and timing for a noticeable part of the
 * step (a 300 ms block of a 2 s step is one sample among ~200, invisible at p99). GC pauses of a
 * generator's small heap stay far below it.
 */
export const GENERATOR_EVENT_LOOP_STALL_LIMIT_MS = 150;
/** Open model: above this send lag at p99, arrivals did not leave at their planned times. */
export const GENERATOR_SEND_LAG_P99_LIMIT_MS = 50;

/** The limits a step's generator health is checked against. */
export interface GeneratorLimits {
  cpu: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  sendLagP99Ms: number;
}

export const DEFAULT_GENERATOR_LIMITS: Readonly<GeneratorLimits> = {
  cpu: GENERATOR_CPU_LIMIT,
  eventLoopDelayP99Ms: GENERATOR_EVENT_LOOP_DELAY_P99_LIMIT_MS,
  eventLoopDelayMaxMs: GENERATOR_EVENT_LOOP_STALL_LIMIT_MS,
  sendLagP99Ms: GENERATOR_SEND_LAG_P99_LIMIT_MS,
};

/**
 * Whether a step's measurements can be trusted: invalid when a measure is strictly above its
 * limit (equal is fine). The reason names every exceeded measure with its value and limit, e.g.
 * "the load generator's event loop was delayed 120.0 ms at p99 (limit 50 ms): it was the
 * bottleneck, not the gateway". A null send lag (closed model) is not checked.
 */
export function generatorVerdict(health: GeneratorHealth, limits: Partial<GeneratorLimits> = {}): { valid: boolean; invalidReason: string | null } {
  const { cpu, eventLoopDelayP99Ms, eventLoopDelayMaxMs, sendLagP99Ms } = { ...DEFAULT_GENERATOR_LIMITS, ...limits };
  const exceeded: string[] = [];
  if (health.cpu > cpu) {
    exceeded.push(`the load generator used ${(health.cpu * 100).toFixed(1)} % of a CPU core (limit ${trim(cpu * 100)} %)`);
  }
  if (health.eventLoopDelayP99Ms > eventLoopDelayP99Ms) {
    exceeded.push(`the load generator's event loop was delayed ${health.eventLoopDelayP99Ms.toFixed(1)} ms at p99 (limit ${trim(eventLoopDelayP99Ms)} ms)`);
  }
  if (health.eventLoopDelayMaxMs > eventLoopDelayMaxMs) {
    exceeded.push(`the load generator's event loop stalled for ${health.eventLoopDelayMaxMs.toFixed(1)} ms at once (limit ${trim(eventLoopDelayMaxMs)} ms)`);
  }
  if (health.sendLagP99Ms !== null && health.sendLagP99Ms > sendLagP99Ms) {
    exceeded.push(`the load generator sent requests ${health.sendLagP99Ms.toFixed(1)} ms late at p99 (limit ${trim(sendLagP99Ms)} ms)`);
  }
  if (exceeded.length === 0) return { valid: true, invalidReason: null };
  const last = exceeded.pop();
  const all = exceeded.length === 0 ? last : `${exceeded.join(', ')} and ${last}`;
  return { valid: false, invalidReason: `${all}: it was the bottleneck, not the gateway` };
}

/** A limit without trailing zeros: 90, 50, 12.5. */
function trim(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
