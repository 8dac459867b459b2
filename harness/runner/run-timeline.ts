/**
 * Runs a timeline scenario (issue 5): one steady load for `timeline.durationMs`, the scenario's
 * events at their times (stop the upstream, start it, move its DNS record), and what the fixtures
 * do by themselves (a crash, a restart, the gateway's fresh DNS answer) marked as they happen.
 * Outcomes are bucketed by time as they come; the gateway's cause counters are read every few
 * tens of ms into the same buckets. Like the step runner it emits typed events and never prints.
 */
import { performance } from 'node:perf_hooks';
import type { Scenario, TimelineEvent } from '../config/scenario.ts';
import type { FixtureControl, FixtureEvent, GatewayStats } from '../../fixtures/common/protocol.ts';
import { createDriver } from '../load/drivers.ts';
import type { StepObservation } from '../load/driver.ts';
import { buildTimelineReport } from '../report/build-timeline.ts';
import { describeEnvironment } from '../report/build.ts';
import type { Report, TimelineEventRecord, TimelineResult } from '../report/schema.ts';
import { diffCounts } from '../stats/counts.ts';
import { generatorVerdict } from '../stats/criterion.ts';
import { summarizeTimeline } from '../stats/timeline.ts';
import { TimelineRecorder } from '../stats/timeline-recorder.ts';
import { TOOL_VERSION } from '../version.ts';
import { formatRate } from '../format.ts';
import { rateProfile } from '../config/rate-profile.ts';
import { OverloadError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { childProcessLauncher, type LaunchedFixtures } from './launch.ts';
import { drainFixtures, drainTimeoutMs } from './measure-step.ts';
import type { RunEventListener } from './events.ts';
import type { RunOptions } from './run-scenario.ts';
import { unitOf } from './plans.ts';

/** How often the gateway's cause counters are read into the buckets: a fifth of a bucket, 20–200 ms. */
export function causePollMs(bucketMs: number): number {
  return Math.min(200, Math.max(20, Math.round(bucketMs / 5)));
}

/**
 * Whether an event begins a failure, should end one, or neither (schema.ts
 * `TimelineEventRecord.effect`). A rate change is a fault when it raises the rate (`rateBefore`)
 * and a recovery when it lowers it: the drop after a spike is where the load should recover.
 */
export function plannedEffect(event: TimelineEvent, upstreamAddress: string, rateBefore = 0): TimelineEventRecord['effect'] {
  switch (event.action) {
    case 'set-load':
      return event.offered > rateBefore ? 'fault' : event.offered < rateBefore ? 'recovery' : null;
    case 'stop-upstream':
      return 'fault';
    case 'start-upstream':
      return 'recovery';
    case 'set-dns':
      return event.address === upstreamAddress ? 'recovery' : 'fault';
  }
}

/** The effect of what a fixture reported: a crash is a fault, a restart a recovery, the rest marks. */
export function fixtureEffect(event: FixtureEvent): TimelineEventRecord['effect'] {
  if (event.what === 'upstream-crashed') return 'fault';
  if (event.what === 'upstream-restarted') return 'recovery';
  return null;
}

/** A planned event in words, for the report and the chart. */
export function describePlanned(event: TimelineEvent, upstreamAddress: string): string {
  switch (event.action) {
    case 'stop-upstream':
      return 'for maintenance, the upstream takes no new connection and finishes what it holds';
    case 'start-upstream':
      return 'the upstream starts again on its port';
    case 'set-load':
      return `the arrival rate changes to ${formatRate(event.offered)} req/s`;
    case 'set-dns':
      if (event.address === null) return 'the record is removed (NXDOMAIN)';
      return event.address === upstreamAddress ? `the record points back at the upstream (${event.address})` : `the record moves to ${event.address}, where nothing listens`;
  }
}

/** Runs the timeline and returns its report (written through `save` as it goes). */
export async function runTimeline(options: RunOptions): Promise<Report> {
  const { scenario } = options;
  if (options.target !== undefined) {
    throw new OverloadError('USAGE', `the scenario "${scenario.name}" is a timeline: its events act on the fixtures, which an external target does not have`, {
      hint: 'run it without --target, or run a ramp or search scenario against the target',
    });
  }
  const emit: RunEventListener = options.onEvent ?? (() => undefined);
  const createdAt = (options.now ?? (() => new Date()))();
  const environment = describeEnvironment();
  const launcher = options.launcher ?? childProcessLauncher;
  const { timeline } = scenario;
  const seed = scenario.seed;
  let result: TimelineResult | null = null;
  let interrupted = false;
  const report = (): Report => buildTimelineReport({ scenario, toolVersion: TOOL_VERSION, createdAt, environment, timeline: result, interrupted });

  const fixtures = await launcher.start(scenario, { seed, ...(options.errorLogPath === undefined ? {} : { errorLogPath: options.errorLogPath }) });
  const driver = options.driver ?? createDriver(scenario.model);
  try {
    emit({ type: 'fixtures-ready', gatewayUrl: fixtures.gatewayUrl, upstreamUrl: fixtures.upstreamUrl });
    emit({ type: 'trial-start', trial: 0, trials: 1, plannedSteps: 1 });
    emit({ type: 'step-start', trial: 0, index: 0, offered: timeline.offered, unit: unitOf(scenario), durationMs: timeline.durationMs });
    result = await measureTimeline(scenario, fixtures, driver, emit, options.signal);
  } catch (error) {
    interrupted = true;
    await options.save?.(report()).catch(() => undefined);
    throw error;
  } finally {
    await driver.close?.();
    await fixtures.stop();
  }
  interrupted = options.signal?.aborted ?? false;
  const final = report();
  await options.save?.(final);
  emit({ type: 'report-written', report: final });
  return final;
}

/** How long the open model loads the fixtures at the steady rate before a timeline starts, unmeasured. */
export const TIMELINE_WARMUP_MS = 1000;

/**
 * Open model: {@link TIMELINE_WARMUP_MS} of the steady load before the timeline starts, not
 * measured and without retries, so the generator's connections to the gateway and the gateway's
 * to the upstream exist and every process's code is warm when the clock starts (at least one
 * burst of `load.burst`). Without it the first requests of a timeline waited 25–95 ms for their
 * connections (keepalive-race's first burst of 8), which the generator's health check called a
 * generator that fell behind, and retry-storm's clients, which give up after 300 ms, timed out
 * on the cold start and set off their storm before the spike. The closed model opens its
 * connections per run of autocannon, so there is nothing to keep warm.
 */
async function primeOpenDriver(scenario: Scenario, fixtures: LaunchedFixtures, driver: ReturnType<typeof createDriver>, signal: AbortSignal | undefined): Promise<void> {
  if (scenario.model !== 'open') return;
  const burst = scenario.load.burst;
  await driver.runStep({
    url: fixtures.gatewayUrl,
    offered: scenario.timeline.offered,
    durationMs: TIMELINE_WARMUP_MS,
    warmupMs: 0,
    arrivals: 'uniform',
    burst,
    seed: scenario.seed,
    maxConnections: scenario.caps.maxConnections,
    method: scenario.load.method,
    path: scenario.load.path,
    ...(scenario.load.body === undefined ? {} : { body: scenario.load.body }),
    clientTimeoutMs: scenario.load.clientTimeoutMs,
    ...(signal === undefined ? {} : { signal }),
  });
}

async function measureTimeline(
  scenario: Scenario,
  fixtures: LaunchedFixtures,
  driver: ReturnType<typeof createDriver>,
  emit: RunEventListener,
  signal: AbortSignal | undefined,
): Promise<TimelineResult> {
  const { timeline } = scenario;
  const { gateway, upstream } = fixtures;
  if (fixtures.control === undefined || fixtures.onEvent === undefined || gateway === null || upstream === null) {
    throw new OverloadError('INTERNAL', 'the fixtures of a timeline must take controls and report events', { exitCode: ExitCode.internal });
  }
  const control = (command: FixtureControl): Promise<void> => fixtures.control?.(command) ?? Promise.resolve();
  const upstreamAddress = new URL(fixtures.upstreamUrl).hostname;
  await primeOpenDriver(scenario, fixtures, driver, signal);
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  // A real nginx or HAProxy marks none of its answers: count them as a step does (measure-step.ts).
  const recorder = new TimelineRecorder(timeline.bucketMs, scenario.criterion.statuses, now, timeline.durationMs, fixtures.unmarked === true);
  const events: TimelineEventRecord[] = [];
  const record = (event: TimelineEventRecord): void => {
    events.push(event);
    emit({ type: 'notice', message: `${(event.t / 1000).toFixed(2)} s: ${event.what}: ${event.detail}` });
  };
  fixtures.onEvent((event) => record({ t: Math.round(now()), what: event.what, detail: event.detail, planned: false, effect: fixtureEffect(event) }));

  // The scenario's events at their times; a control that fails ends the run once the load stops.
  // A rate change is in the driver's plan already (rateProfile); only its time is marked here.
  const controlErrors: Error[] = [];
  const profile = rateProfile(timeline);
  const rateBefore = (atMs: number): number => profile.filter((change) => change.atMs < atMs).at(-1)?.rateRps ?? timeline.offered;
  const timers = [...timeline.events]
    .sort((a, b) => a.atMs - b.atMs)
    .map((event) =>
      setTimeout(() => {
        const effect = plannedEffect(event, upstreamAddress, rateBefore(event.atMs));
        record({ t: Math.round(now()), what: event.action, detail: describePlanned(event, upstreamAddress), planned: true, effect });
        if (event.action === 'set-load') return;
        const command: FixtureControl = event.action === 'set-dns' ? { action: 'set-dns', address: event.address } : { action: event.action };
        control(command).catch((error: unknown) => controlErrors.push(error instanceof Error ? error : new Error(String(error))));
      }, event.atMs),
    );

  // The gateway's causes, read into the bucket of the moment they grew.
  let causesBefore: GatewayStats['causes'] = (await gateway.stats()).causes;
  const readCauses = async (): Promise<void> => {
    const stats = await gateway.stats();
    recorder.addCauses(diffCounts(stats.causes, causesBefore));
    causesBefore = stats.causes;
  };
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await new Promise((resolve) => setTimeout(resolve, causePollMs(timeline.bucketMs)));
      if (polling) await readCauses();
    }
  })();

  let observation: StepObservation;
  try {
    observation = await driver.runStep({
      url: fixtures.gatewayUrl,
      offered: timeline.offered,
      durationMs: timeline.durationMs,
      method: scenario.load.method,
      path: scenario.load.path,
      ...(scenario.load.body === undefined ? {} : { body: scenario.load.body }),
      clientTimeoutMs: scenario.load.clientTimeoutMs,
      outcomes: recorder,
      ...(signal === undefined ? {} : { signal }),
      ...(scenario.model === 'open'
        ? { warmupMs: 0, arrivals: scenario.load.arrivals, burst: scenario.load.burst, seed: scenario.seed * 1000, maxConnections: scenario.caps.maxConnections, rateChanges: profile, retry: scenario.load.retry }
        : {}),
    });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    polling = false;
    await poller;
  }
  const [controlError] = controlErrors;
  if (controlError !== undefined) throw controlError;
  // What the gateway still settles after the load (a request in flight at the end) belongs to it too.
  await drainFixtures({ gateway, upstream }, drainTimeoutMs(scenario));
  await readCauses();

  const health = generatorVerdict(observation.generator);
  return summarizeTimeline({
    offered: timeline.offered,
    durationMs: timeline.durationMs,
    bucketMs: timeline.bucketMs,
    failureRatio: scenario.criterion.failureRatio,
    buckets: recorder.buckets(),
    events,
    latencyMs: { ok: observation.latencyMs.ok, failed: observation.latencyMs.failed },
    generator: observation.generator,
    valid: health.valid && signal?.aborted !== true,
    invalidReason: signal?.aborted === true ? 'interrupted' : health.invalidReason,
  });
}
