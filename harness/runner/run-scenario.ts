/**
 * Runs a scenario: fixtures, then the onset search or the stepped ramp, one measured step at a
 * time, the report rebuilt and saved after every step. It emits typed events and never prints
 * (STYLE.md, example 2); the CLI decides what the user sees.
 */
import type { Scenario } from '../config/scenario.ts';
import type { Driver, StepRequest } from '../load/driver.ts';
import { createDriver } from '../load/drivers.ts';
import { warmupMs } from '../load/warmup.ts';
import { formatLoad } from '../format.ts';
import { buildReport, capacity, describeEnvironment, judgedAgainstTarget, type ReportInput } from '../report/build.ts';
import type { Report, StepResult, Theory, Trial } from '../report/schema.ts';
import type { RunEventListener } from './events.ts';
import { childProcessLauncher, type FixtureLauncher } from './launch.ts';
import { measureStep } from './measure-step.ts';
import { RunBudget } from './budget.ts';
import { plannedSteps, runRamp, runSearch, unitOf } from './plans.ts';
import { TheoryTracker } from './theory-tracker.ts';
import { TOOL_VERSION } from '../version.ts';
import { OverloadError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { isLoopback, type PinnedTarget } from '../safety/target-guard.ts';
import { armTripwire, type Endpoint, type EndpointAllowed } from '../safety/tripwire.ts';
import { CircuitBreaker } from '../safety/circuit-breaker.ts';
import { scenarioForTarget, targetLauncher, type GatewayLogOption } from './target.ts';
import { runTimeline } from './run-timeline.ts';

export interface RunOptions {
  scenario: Scenario;
  plan: 'search' | 'ramp';
  /** Independent trials, each on fresh fixtures with its own seed (scenario seed + trial index). */
  repeat: number;
  /** Aborting stops the load between (or inside) steps; the report is kept, marked interrupted. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** Saves the report; called after every step. */
  save?: (report: Report) => Promise<void>;
  /** Where the gateway writes its nginx-style error log. */
  errorLogPath?: string;
  /**
   * Send the load to this external target (checked and pinned by the target guard) instead of
   * starting the fixtures: no counters, no causes, no theory; steps are judged on what the client saw.
   */
  target?: PinnedTarget;
  /** With `target`: the user's gateway log, whose failures become each step's causes (`--gateway-log`). */
  gatewayLog?: GatewayLogOption;
  driver?: Driver;
  launcher?: FixtureLauncher;
  now?: () => Date;
}

/**
 * Runs the scenario and returns its final report; a timeline scenario runs its timeline instead
 * of a plan. Every client socket of the run is watched (safety/tripwire.ts): one that connects
 * beyond what the run may reach (the pinned target; loopback for the fixtures) is destroyed, the
 * run stops with its partial report saved, and this throws.
 * @throws OverloadError `CONNECTION_NOT_ALLOWED` (exit 1: a bug of overload's) after a tripped run.
 */
export async function runScenario(options: RunOptions): Promise<Report> {
  const { target } = options;
  const allowed: EndpointAllowed = target === undefined ? ({ address }) => isLoopback(address) : ({ address, port }) => address === target.address && port === target.port;
  const tripped = new AbortController();
  let violation: Endpoint | null = null;
  const disarm = armTripwire(allowed, (endpoint) => {
    violation ??= endpoint;
    tripped.abort();
  });
  const signal = options.signal === undefined ? tripped.signal : AbortSignal.any([options.signal, tripped.signal]);
  try {
    const report = options.scenario.timeline.durationMs > 0 ? await runTimeline({ ...options, signal }) : await runPlanned({ ...options, signal });
    if (violation !== null) throw tripwireError(violation, target);
    return report;
  } finally {
    disarm();
  }
}

function tripwireError(endpoint: Endpoint, target: PinnedTarget | undefined): OverloadError {
  const allowed = target === undefined ? 'loopback (the fixtures)' : `the pinned target ${target.address}:${target.port}`;
  return new OverloadError('CONNECTION_NOT_ALLOWED', `A socket of this run connected to ${endpoint.address}:${endpoint.port}, beyond ${allowed}: it was closed at once and the run stopped (the partial report is saved).`, {
    exitCode: ExitCode.internal,
    hint: 'this is a bug of overload’s, never of your input: please report it with the command line',
  });
}

/** A search or ramp, as planned. */
async function runPlanned(options: RunOptions): Promise<Report> {
  const { target } = options;
  const scenario = target === undefined ? options.scenario : scenarioForTarget(options.scenario, target);
  const unit = unitOf(scenario);
  const targetRun = target === undefined ? undefined : targetLauncher(target, options.gatewayLog);
  const launcher = targetRun ?? options.launcher ?? childProcessLauncher;
  const targetInfo =
    target === undefined ? undefined : { url: target.url, pinnedAddress: target.address, authorizedBy: target.authorizedBy, ...(target.tls === undefined ? {} : { tls: target.tls.peer }) };
  const gatewayLog = options.gatewayLog;
  // The format is known once the log's first lines told it: read it when the report is built.
  const reportTarget = (): ReportInput['target'] =>
    targetInfo === undefined ? undefined : { ...targetInfo, ...(gatewayLog === undefined ? {} : { gatewayLog: { path: gatewayLog.path, format: targetRun?.logFormat() ?? null } }) };
  const emit: RunEventListener = options.onEvent ?? (() => undefined);
  const createdAt = (options.now ?? (() => new Date()))();
  const environment = describeEnvironment();
  const budget = new RunBudget(scenario.caps, options.signal);
  // A target that answers nothing ends the run: the load generators reconnect at once after every error.
  // A holder, not a `let`: set from the breaker's callback, which flow analysis does not follow.
  const down: { reason: string | null } = { reason: null };
  const breaker =
    target === undefined
      ? undefined
      : new CircuitBreaker(
          () => performance.now(),
          (reason) => {
            down.reason = reason;
            budget.stop(`the run stopped: ${reason}; the target looks down, and the load generators reconnect at once after every error`);
          },
        );

  const trials: Trial[] = [];
  /** Each trial's note on its onset (why none was found, or how the ramp brackets it). */
  const notes: (string | null)[] = [];
  const tracker = new TheoryTracker(scenario);
  // The theory models the fixtures' parameters; an external target has its own, unknown ones.
  let theory: Theory | null = target === undefined ? tracker.theory() : null;
  let interrupted = false;
  // The report's note: that of the first trial without an onset (the onset is null only when
  // most trials found none, and then such a trial exists).
  const onsetNote = (): string | null => notes.find((_note, index) => trials[index]?.onset === null) ?? null;

  const report = (): Report =>
    buildReport({
      scenario,
      toolVersion: TOOL_VERSION,
      createdAt,
      environment,
      plan: options.plan,
      trials,
      onsetNote: onsetNote(),
      theory,
      interrupted,
      ...(targetInfo === undefined ? {} : { target: reportTarget() }),
    });
  const save = async (): Promise<void> => {
    const current = report();
    await options.save?.(current);
    emit({ type: 'report-written', report: current });
  };

  try {
    for (let index = 0; index < options.repeat && !budget.signal.aborted; index++) {
      const trial: Trial = { index, seed: scenario.seed + index, onset: null, steps: [] };
      trials.push(trial);
      const fixtures = await launcher.start(scenario, {
        seed: trial.seed,
        ...(options.errorLogPath === undefined ? {} : { errorLogPath: options.errorLogPath }),
      });
      // One driver per trial: the open model's connection pool belongs to one gateway.
      const driver = options.driver ?? createDriver(scenario.model);
      try {
        if (targetInfo === undefined) emit({ type: 'fixtures-ready', gatewayUrl: fixtures.gatewayUrl, upstreamUrl: fixtures.upstreamUrl });
        else emit({ type: 'target-ready', ...targetInfo });
        if (target !== undefined && index === 0) {
          const { caps } = scenario;
          emit({ type: 'notice', message: `an external target's caps: ${caps.maxConnections} connections, ${caps.maxRps} req/s, ${caps.maxDurationS} s, ${caps.maxRequests} requests` });
        }
        const unjudged = target === undefined || index > 0 ? [] : scenario.expect.filter((expectation) => !judgedAgainstTarget(expectation));
        if (unjudged.length > 0) {
          emit({ type: 'notice', message: `not judged against an external target (they read the fixtures' counters or model): ${unjudged.map((e) => Object.keys(e).join('')).join(', ')}` });
        }
        emit({ type: 'trial-start', trial: index, trials: options.repeat, plannedSteps: plannedSteps(scenario, options.plan) });
        const measure = async (offered: number): Promise<StepResult> => {
          const stepIndex = trial.steps.length;
          breaker?.reset();
          const shape = { ...stepShape(scenario, offered, trial, theory), ...(breaker === undefined ? {} : { outcomes: breaker }) };
          emit({ type: 'step-start', trial: index, index: stepIndex, offered, unit, durationMs: scenario.load.stepMs + (shape.warmupMs ?? 0) });
          const predict = target === undefined ? { predict: (load: number, serviceMs: number | null) => tracker.predict(load, serviceMs) } : {};
          const context = { driver, fixtures, scenario, signal: budget.signal, ...predict };
          const measured = await measureStep(context, stepIndex, offered, shape);
          tracker.add(measured);
          if (target === undefined) theory = tracker.theory();
          trial.steps.push(measured.step);
          if (!measured.step.valid && !budget.signal.aborted) {
            emit({ type: 'notice', message: `the step at ${formatLoad(offered, unit)} is not judged: ${measured.step.invalidReason ?? 'invalid'}` });
          }
          budget.spend(measured.step);
          emit({ type: 'step-end', trial: index, step: measured.step });
          await save();
          return measured.step;
        };
        const outcome = options.plan === 'search' ? await runSearch(scenario, measure, budget.signal) : await runRamp(scenario, measure, budget.signal);
        trial.onset = outcome.onset;
        notes[index] = budget.reason ?? outcome.note;
      } finally {
        await driver.close?.();
        await fixtures.stop();
      }
    }
  } catch (error) {
    interrupted = true;
    await save().catch(() => undefined);
    throw error;
  } finally {
    budget.dispose();
  }
  interrupted = options.signal?.aborted ?? false;
  await save();
  if (down.reason !== null && target !== undefined) {
    throw new OverloadError('TARGET_DOWN', `${target.url} looks down: ${down.reason}.`, {
      hint: 'start the service (or check the URL and port) and run again; the partial report is saved',
    });
  }
  return report();
}

/**
 * What a step adds to the scenario's load settings. Open model: the arrival process, a seed of
 * its own for each step (Poisson times differ from step to step and trial to trial, reproducibly)
 * and the warm-up that lets the window see the steady state ({@link warmupMs}: capacity from the
 * theory's C / S, or the best goodput measured so far; buffer Q; at most 1.5 windows).
 */
function stepShape(scenario: Scenario, offered: number, trial: Trial, theory: Theory | null): Partial<Pick<StepRequest, 'warmupMs' | 'arrivals' | 'burst' | 'seed' | 'maxConnections'>> {
  if (scenario.model === 'closed') return {};
  const capacityRps = theory?.capacityRps ?? capacity(trial.steps)?.maxGoodputRps ?? null;
  return {
    warmupMs: warmupMs({ rateRps: offered, capacityRps, buffer: scenario.upstream.queue, maxMs: 1.5 * scenario.load.stepMs }),
    arrivals: scenario.load.arrivals,
    burst: scenario.load.burst,
    seed: trial.seed * 1000 + trial.steps.length,
    maxConnections: scenario.caps.maxConnections,
  };
}
