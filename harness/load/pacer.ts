/**
 * Open-loop load on undici (DESIGN.md §3 "Open loop", issue 3): arrival times are planned per
 * step (arrivals.ts: uniform, or Poisson with a seed), and each request is sent at its planned
 * time whatever the earlier ones are doing, so a slow gateway cannot slow the offered load down
 * (coordinated omission). Not autocannon's `overallRate`: it sends each connection's quota in a
 * burst at the start of every second (75 % 502s at 100 req/s against a capacity of 400).
 *
 * A step is a warm-up at the same rate (`warmupMs`: sent, answered, not judged; it also absorbs a
 * cold pool's ~30 ms of send lag in its first half second), the judged window (`durationMs`), and
 * a tail that waits for every request still in flight, up to `clientTimeoutMs` + 1 s, after which
 * what is left is aborted and counted `unfinished`. The judged counts cover the arrivals PLANNED
 * in the window, whenever they are answered; `window` counts the answers that came while it was
 * open (arrival-tally.ts).
 *
 * Per request: the status (and whether the gateway generated it: `x-overload-cause`), or the
 * error code undici reports (`ECONNRESET`, `UND_ERR_SOCKET`, `ECONNREFUSED`,
 * `UND_ERR_HEADERS_TIMEOUT`, …). undici reports a connection closed before the response as
 * `UND_ERR_SOCKET`, so nothing is ever `lost` here. Latency is measured from the actual send
 * (undici's `onRequestStart`) into `ok` / `failed`, and from the planned time into `fromIntended`.
 * The send lag (actual − planned) of the window's arrivals gives `generator.sendLagP99Ms`, and
 * `late` counts those more than LATE_THRESHOLD_MS behind (arrival-tally.ts), including arrivals
 * that waited for a connection (connection-pool.ts: up to 5 ms for a busy one to free, then for a
 * new one's set-up, or for one to free when `maxConnections` are open).
 *
 * The pool is kept between steps (warm connections), and replaced only when the origin, the
 * connection cap or the client timeout changes, or after a step had to abort requests.
 */
import { DEFAULTS } from '../config/defaults.ts';
import type { LatencySummary } from '../report/schema.ts';
import { LatencyRecorder } from '../stats/histogram.ts';
import { firstAtOrAfter, planArrivals, planProfile } from './arrivals.ts';
import type { Driver, PinnedTlsOptions, StepObservation, StepRequest } from './driver.ts';
import { ConnectionPool, undiciConnection } from './connection-pool.ts';
import { PacedStep, type PacedStepPlan } from './paced-step.ts';
import { seededRandom } from '../../fixtures/common/random.ts';
import { pinnedTlsConnector } from './pinned-tls-connector.ts';
import { requestUrl } from './request-url.ts';
import { keepRequestGarbageYoung } from './young-garbage.ts';

/** Slack over the client timeout before the tail gives up on the requests in flight. */
const TAIL_SLACK_MS = 1000;

/** How well the step kept its schedule (beyond what `StepObservation` carries). */
export interface PacingDetail {
  /** Arrivals planned in the window (all sent unless the step was aborted). */
  planned: number;
  /** Requests of any phase written while the window was open: sends per window, from actual send times. */
  sentInWindow: number;
  /** Send lag (actual write − planned time) of the window's arrivals, ms. */
  sendLagMs: LatencySummary | null;
  /**
   * The send loop's own lag (handed to the pool − planned time), ms. A send lag far above it is
   * time spent waiting for a connection (connection-pool.ts).
   */
  dispatchLagMs: LatencySummary | null;
  /** Connections the pool had open when the step ended (connection-pool.ts says when it opens more). */
  connections: number;
}

/** An open-model observation, with the pacing detail the bench and tests read. */
export interface PacedObservation extends StepObservation {
  pacing: PacingDetail;
}

/** The open-loop driver: one connection pool kept warm between steps; `close()` releases it. */
export interface OpenDriver extends Driver {
  readonly model: 'open';
  runStep(request: StepRequest): Promise<PacedObservation>;
  close(): Promise<void>;
}

/** A new open-loop driver (its pool is created on its first step). */
export function createOpenDriver(): OpenDriver {
  keepRequestGarbageYoung();
  let pool: ConnectionPool | null = null;
  let poolKey = '';
  let poolTls: PinnedTlsOptions | undefined;
  let running = false;

  const poolFor = async (origin: string, connections: number, timeoutMs: number, tls: PinnedTlsOptions | undefined): Promise<ConnectionPool> => {
    const key = `${origin} ${connections} ${timeoutMs}`;
    if (pool !== null && key === poolKey && tls === poolTls) return pool;
    await pool?.close();
    poolKey = key;
    poolTls = tls;
    // One request per connection at a time, as a browser or a proxy's pool does; new connections
    // at a bounded pace (connection-pool.ts: undici's Pool opened hundreds at once after a stall).
    pool = new ConnectionPool({
      maxConnections: connections,
      connect: undiciConnection(origin, {
        // undici's timers tick every ~0.5 s (lib/util/timers.js): coarse, but the client timeout is
        // only there to end requests the gateway never answers, and sits well above its timeouts.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        // An https target: undici checks each connection's certificate with the run's trust and name.
        ...(tls === undefined ? {} : { connect: pinnedTlsConnector(tls) }),
      }),
    });
    return pool;
  };

  return {
    model: 'open',
    async runStep(request) {
      if (running) throw new Error('the open-loop driver runs one step at a time; await the previous runStep first');
      running = true;
      try {
        const target = requestUrl(request.url, request.path);
        const dispatcher = await poolFor(target.origin, request.maxConnections ?? DEFAULTS.caps.maxConnections, request.clientTimeoutMs, request.tls);
        const observation = await runPacedStep(dispatcher, target, request);
        if (observation.cutOff) {
          // Requests aborted mid-flight (or still queued in undici) are dropped with the pool.
          await dispatcher.destroy();
          pool = null;
        }
        return observation.result;
      } finally {
        running = false;
      }
    },
    async close() {
      const closing = pool;
      pool = null;
      await closing?.close();
    },
  };
}

/** The clients' give-up timer and retries (`load.retry`), when they have either. */
function retryPlan(request: StepRequest): Pick<PacedStepPlan, 'retry'> | null {
  const policy = request.retry;
  if (policy === undefined || (policy.attempts <= 1 && policy.timeoutMs === 0)) return null;
  // Their own stream of the seed: the backoffs never share draws with the arrival times.
  return { retry: { policy, giveUpMs: policy.timeoutMs === 0 ? request.clientTimeoutMs : policy.timeoutMs, random: seededRandom(request.seed ?? DEFAULTS.seed, 'client.retry') } };
}

async function runPacedStep(dispatcher: ConnectionPool, target: URL, request: StepRequest): Promise<{ result: PacedObservation; cutOff: boolean }> {
  const warmupMs = request.warmupMs ?? 0;
  const windowEndMs = warmupMs + request.durationMs;
  const shape = { durationMs: windowEndMs, arrivals: request.arrivals ?? 'uniform', seed: request.seed ?? DEFAULTS.seed, burst: request.burst ?? 1 };
  const times = request.rateChanges === undefined ? planArrivals({ ...shape, rateRps: request.offered }) : planProfile(request.rateChanges, shape);
  const sinks = {
    ok: new LatencyRecorder(),
    failed: new LatencyRecorder(),
    fromIntended: new LatencyRecorder(),
    sendLag: new LatencyRecorder(),
    dispatchLag: new LatencyRecorder(),
  };
  const step = new PacedStep(
    dispatcher,
    {
      times,
      windowStartMs: warmupMs,
      windowEndMs,
      tailLimitMs: request.clientTimeoutMs + TAIL_SLACK_MS,
      request: {
        method: request.method,
        path: `${target.pathname}${target.search}`,
        ...(request.headers === undefined ? {} : { headers: request.headers }),
        // A Buffer once, rather than a string undici would convert for every request.
        ...(request.body === undefined ? {} : { body: Buffer.from(request.body) }),
      },
      ...(retryPlan(request) ?? {}),
    },
    request.outcomes === undefined ? sinks : { ...sinks, outcomes: request.outcomes },
  );
  const ended = await step.run(request.signal);
  const { sentInWindow, ...totals } = step.tally.result();
  const sendLagMs = sinks.sendLag.summary();
  const result: PacedObservation = {
    durationMs: Math.max(0, Math.round(ended.windowClosedMs - warmupMs)),
    tailMs: Math.round(ended.endedMs - ended.windowClosedMs),
    ...totals,
    latencyMs: { ok: sinks.ok.summary(), failed: sinks.failed.summary(), fromIntended: sinks.fromIntended.summary() },
    generator: { ...ended.generator, sendLagP99Ms: sendLagMs?.p99 ?? null },
    pacing: {
      planned: firstAtOrAfter(times, windowEndMs) - firstAtOrAfter(times, warmupMs),
      sentInWindow,
      sendLagMs,
      dispatchLagMs: sinks.dispatchLag.summary(),
      connections: dispatcher.stats.connected,
    },
  };
  for (const sink of Object.values(sinks)) sink.destroy();
  return { result, cutOff: ended.cutOff };
}
