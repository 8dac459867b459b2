/**
 * One step of load, measured whole: run the driver, wait until the fixtures have nothing in
 * flight, read what the fixtures counted meanwhile, and judge the step. Requests left over from
 * a step would otherwise add to the next one and fake an early onset (measured: 41 spurious 502s
 * at C + Q connections without a drain, where there must be none).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { Scenario } from '../config/scenario.ts';
import type { Driver, PinnedTlsOptions, StepObservation, StepRequest } from '../load/driver.ts';
import type { GatewayStats, UpstreamStats } from '../../fixtures/common/protocol.ts';
import type { StepResult } from '../report/schema.ts';
import { diffCounts } from '../stats/counts.ts';
import { generatorVerdict, judgeStep } from '../stats/criterion.ts';
import { OverloadError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';

/** Anything that can report a fixture's counters (a child process, or an in-process fixture). */
export interface StatsSource<S> {
  stats(): Promise<S>;
}

/**
 * What a step sends load to. For the fixtures, their counters; for an external target
 * (`--target`), none: the step is judged on what the client saw alone.
 */
export interface StepFixtures {
  gatewayUrl: string;
  gateway: StatsSource<GatewayStats> | null;
  upstream: StatsSource<UpstreamStats> | null;
  /** The Host header to send, where it differs from the URL's (a pinned external target). */
  hostHeader?: string;
  /** An https target's TLS options ({@link StepRequest.tls}). */
  tls?: PinnedTlsOptions;
  /**
   * The gateway marks none of its failures (a real nginx sends no `x-overload-cause`): the
   * criterion counts every response with one of its statuses, as for an external target.
   */
  unmarked?: boolean;
}

export interface MeasureContext {
  driver: Driver;
  fixtures: StepFixtures;
  scenario: Scenario;
  signal?: AbortSignal;
  /**
   * Predicted failure ratio at an offered load, where theory has one, given the mean service time
   * the upstream gave during the step (null when it served nothing).
   */
  predict?: (offered: number, serviceMs: number | null) => number | null;
}

/** How often the drain polls the fixtures' counters. */
const DRAIN_POLL_MS = 20;

/** A judged step, and the service the upstream gave during it (for the theory's S). */
export interface MeasuredStep {
  step: StepResult;
  /** Requests the upstream served during the step, and their total service time in ms. */
  service: { served: number; totalMs: number };
}

/** Runs one step at `offered` and returns its judged result. */
export async function measureStep(context: MeasureContext, index: number, offered: number, shape: Partial<StepRequest> = {}): Promise<MeasuredStep> {
  const { fixtures } = context;
  const noService = { served: 0, totalMs: 0 };
  if (fixtures.upstream === null) {
    // An external target: the driver's tail already waited for every answer; nothing to drain.
    if (fixtures.gateway === null) return { step: judge(context, index, offered, await runLoad(context, offered, shape), null), service: noService };
    // With its gateway's log (--gateway-log): the causes are what the log gained during the step.
    const before = await fixtures.gateway.stats();
    const observation = await runLoad(context, offered, shape);
    const settled = await settleLog(fixtures.gateway);
    const causes = diffCounts(settled.stats.causes, before.causes);
    return { step: judge(context, index, offered, observation, { causes, drainMs: settled.ms, counters: null }), service: noService };
  }
  // The fixtures always come as a pair; an upstream alone would be a launcher's bug.
  if (fixtures.gateway === null) throw new Error('measureStep: fixtures with an upstream and no gateway');
  const watched: WatchedFixtures = { gateway: fixtures.gateway, upstream: fixtures.upstream };
  // Reading the counters before the step also restarts their `peak*` fields.
  const [gatewayBefore, upstreamBefore] = await Promise.all([watched.gateway.stats(), watched.upstream.stats()]);
  const observation = await runLoad(context, offered, shape);
  const drain = await drainFixtures(watched, drainTimeoutMs(context.scenario));
  const service = serviceDuring(upstreamBefore, drain.upstream);
  const step = judge(context, index, offered, observation, {
    causes: diffCounts(drain.gateway.causes, gatewayBefore.causes),
    drainMs: drain.drainMs,
    counters: {
      upstreamServiceMs: service.served > 0 ? service.totalMs / service.served : null,
      upstreamShed: drain.upstream.shed - upstreamBefore.shed,
      upstreamPeakQueued: drain.peakUpstreamQueued,
      gatewayPeakQueued: drain.peakGatewayQueued,
    },
  });
  return { step, service };
}

function runLoad(context: MeasureContext, offered: number, shape: Partial<StepRequest>): Promise<StepObservation> {
  const { driver, fixtures, scenario } = context;
  return driver.runStep({
    url: fixtures.gatewayUrl,
    offered,
    durationMs: scenario.load.stepMs,
    method: scenario.load.method,
    path: scenario.load.path,
    ...(scenario.load.body === undefined ? {} : { body: scenario.load.body }),
    clientTimeoutMs: scenario.load.clientTimeoutMs,
    ...(fixtures.hostHeader === undefined ? {} : { headers: { host: fixtures.hostHeader } }),
    ...(fixtures.tls === undefined ? {} : { tls: fixtures.tls }),
    ...(context.signal === undefined ? {} : { signal: context.signal }),
    ...shape,
  });
}

/** The upstream's service over one step, from its cumulative count and mean before and after. */
export function serviceDuring(before: UpstreamStats, after: UpstreamStats): MeasuredStep['service'] {
  const total = (stats: UpstreamStats): number => (stats.serviceMsMeasured ?? 0) * stats.served;
  return { served: after.served - before.served, totalMs: Math.max(0, total(after) - total(before)) };
}

/** The longest a drain may take: every timer the gateway and the client could still be waiting on. */
export function drainTimeoutMs(scenario: Scenario): number {
  return scenario.gateway.connectTimeoutMs + scenario.gateway.upstreamTimeoutMs + 5000;
}

interface Drained {
  gateway: GatewayStats;
  upstream: UpstreamStats;
  peakGatewayQueued: number;
  peakUpstreamQueued: number;
  drainMs: number;
}

/** Fixtures whose counters can be read: the ones the harness started. */
export interface WatchedFixtures {
  gateway: StatsSource<GatewayStats>;
  upstream: StatsSource<UpstreamStats>;
}

/** Polls both fixtures until neither has a request in flight; fails after `timeoutMs`. */
export async function drainFixtures(fixtures: WatchedFixtures, timeoutMs: number): Promise<Drained> {
  const startedAt = performance.now();
  let peakGatewayQueued = 0;
  let peakUpstreamQueued = 0;
  for (;;) {
    const [gateway, upstream] = await Promise.all([fixtures.gateway.stats(), fixtures.upstream.stats()]);
    // Each read restarts the peaks, so keep the largest seen across the polls.
    peakGatewayQueued = Math.max(peakGatewayQueued, gateway.peakQueued);
    peakUpstreamQueued = Math.max(peakUpstreamQueued, upstream.peakQueued);
    const drainMs = performance.now() - startedAt;
    // `dispatched`: upstream attempts the gateway is still settling (a client that went away
    // leaves one being aborted); a hung request the upstream shed counts there, not upstream.
    if (gateway.inFlight === 0 && gateway.dispatched === 0 && upstream.inFlight === 0) {
      return { gateway, upstream, peakGatewayQueued, peakUpstreamQueued, drainMs: Math.round(drainMs) };
    }
    if (drainMs > timeoutMs) {
      throw new OverloadError(
        'DRAIN_TIMEOUT',
        `the fixtures still had requests in flight ${Math.round(drainMs)} ms after the step ended (gateway: ${gateway.inFlight}, upstream: ${upstream.inFlight})`,
        { exitCode: ExitCode.internal, hint: 'every in-flight request should end within the gateway timeouts; this is a bug in a fixture' },
      );
    }
    await sleep(DRAIN_POLL_MS);
  }
}

/** How often, and how long at most, a user's gateway log is read after a step until it stops growing. */
const LOG_SETTLE_POLL_MS = 50;
const LOG_SETTLE_MAX_MS = 1000;

/**
 * Reads a gateway's log until two reads a poll apart agree, at most {@link LOG_SETTLE_MAX_MS}:
 * nginx writes its error line before it answers the 502, but HAProxy logs a request when it
 * ends, and a syslog relay may lag behind both.
 */
async function settleLog(log: StatsSource<GatewayStats>): Promise<{ stats: GatewayStats; ms: number }> {
  const started = performance.now();
  let last = await log.stats();
  for (;;) {
    await sleep(LOG_SETTLE_POLL_MS);
    const next = await log.stats();
    const ms = Math.round(performance.now() - started);
    if (JSON.stringify(next.causes) === JSON.stringify(last.causes) || ms >= LOG_SETTLE_MAX_MS) return { stats: next, ms };
    last = next;
  }
}

/** What the fixtures (or a target's gateway log) said about a step. */
interface FixtureDeltas {
  causes: Record<string, number>;
  drainMs: number;
  /** The fixtures' own counters; null for a target whose gateway log is read (it has no upstream counters). */
  counters: {
    upstreamShed: number;
    upstreamServiceMs: number | null;
    upstreamPeakQueued: number;
    gatewayPeakQueued: number;
  } | null;
}

/** Judges a step; `deltas` is null for an external target without a gateway log, which has nothing to read. */
function judge(context: MeasureContext, index: number, offered: number, observation: StepObservation, deltas: FixtureDeltas | null): StepResult {
  const { scenario } = context;
  const counters = deltas?.counters ?? null;
  const verdict = judgeStep(observation, scenario.criterion, { countUnmarked: deltas === null || context.fixtures.unmarked === true });
  const health = generatorVerdict(observation.generator);
  // A step cut short by Ctrl-C or a cap measured a fraction of its window: never judge on it.
  const interrupted = context.signal?.aborted === true ? `interrupted after ${observation.durationMs} ms of its ${scenario.load.stepMs} ms window` : null;
  return {
    index,
    offered,
    durationMs: observation.durationMs,
    tailMs: observation.tailMs,
    sent: observation.sent,
    completed: observation.completed,
    errored: observation.errored,
    lost: observation.lost,
    unfinished: observation.unfinished,
    late: observation.late,
    achievedRps: verdict.achievedRps,
    goodputRps: verdict.goodputRps,
    failures: verdict.failures,
    failureRatio: verdict.failureRatio,
    passed: verdict.passed,
    predictedFailureRatio: counters === null ? null : (context.predict?.(offered, counters.upstreamServiceMs) ?? null),
    status: observation.status,
    errors: observation.errors,
    causes: deltas?.causes ?? {},
    latencyMs: observation.latencyMs,
    generator: observation.generator,
    fixtures: counters,
    drainMs: deltas?.drainMs ?? 0,
    valid: health.valid && interrupted === null,
    invalidReason: interrupted ?? health.invalidReason,
  };
}
