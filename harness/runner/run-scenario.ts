/**
 * Runs a scenario: fixtures, then the onset search or the stepped ramp, one measured step at a
 * time, the report rebuilt and saved after every step. It emits typed events and never prints
 * (STYLE.md, example 2); the CLI decides what the user sees.
 */
import type { Scenario } from '../config/scenario.ts';
import type { Driver } from '../load/driver.ts';
import { createClosedDriver } from '../load/closed-driver.ts';
import { planRamp, shouldStopRamp } from '../load/plan.ts';
import { searchOnset } from '../load/search.ts';
import { buildReport, describeEnvironment } from '../report/build.ts';
import type { Onset, Report, StepResult, Theory, Trial } from '../report/schema.ts';
import { closedLoopTheory, predictedClosedFailure } from '../stats/theory.ts';
import { OverloadError } from '../errors.ts';
import type { RunEventListener } from './events.ts';
import { childProcessLauncher, type FixtureLauncher, type LaunchedFixtures } from './launch.ts';
import { measureStep, type MeasuredStep } from './measure-step.ts';
import { TOOL_VERSION } from '../version.ts';

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
  driver?: Driver;
  launcher?: FixtureLauncher;
  now?: () => Date;
}

/** Runs the scenario and returns its final report. */
export async function runScenario(options: RunOptions): Promise<Report> {
  const { scenario } = options;
  if (scenario.model !== 'closed') {
    throw new OverloadError('USAGE', `model "${scenario.model}" is not available in this version`, {
      hint: 'run the closed model (connections): --model closed, or model: "closed" in the scenario',
    });
  }
  const driver = options.driver ?? createClosedDriver();
  const launcher = options.launcher ?? childProcessLauncher;
  const emit: RunEventListener = options.onEvent ?? (() => undefined);
  const createdAt = (options.now ?? (() => new Date()))();
  const environment = describeEnvironment();
  const budget = new RunBudget(scenario, options.signal);

  const trials: Trial[] = [];
  /** Each trial's note on its onset (why none was found, or how the ramp brackets it). */
  const notes: (string | null)[] = [];
  const service = new ServiceTime(scenario);
  let theory: Theory = service.theory();
  let interrupted = false;
  // The report's note: that of the first trial without an onset (the onset is null only when
  // most trials found none, and then such a trial exists).
  const onsetNote = (): string | null => notes.find((_note, index) => trials[index]?.onset === null) ?? null;

  const report = (): Report =>
    buildReport({ scenario, toolVersion: TOOL_VERSION, createdAt, environment, plan: options.plan, trials, onsetNote: onsetNote(), theory, interrupted });
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
      try {
        emit({ type: 'fixtures-ready', gatewayUrl: fixtures.gatewayUrl, upstreamUrl: fixtures.upstreamUrl });
        emit({ type: 'trial-start', trial: index, trials: options.repeat, plannedSteps: plannedSteps(scenario, options.plan) });
        const measure = async (offered: number): Promise<StepResult> => {
          const stepIndex = trial.steps.length;
          emit({ type: 'step-start', trial: index, index: stepIndex, offered, unit: 'connections', durationMs: scenario.load.stepMs });
          const measured = await measureStep(stepContext(fixtures, driver, scenario, budget.signal, () => theory), stepIndex, offered);
          service.add(measured);
          theory = service.theory();
          trial.steps.push(measured.step);
          if (!measured.step.valid && !budget.signal.aborted) {
            emit({ type: 'notice', message: `the step at ${offered} connections is not judged: ${measured.step.invalidReason ?? 'invalid'}` });
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
        await fixtures.stop();
      }
    }
  } catch (error) {
    interrupted = true;
    await save().catch(() => undefined);
    throw error;
  }
  interrupted = options.signal?.aborted ?? false;
  await save();
  return report();
}

/**
 * The theory's S: the upstream's mean service time over the steps where it shed nothing. Under
 * shedding the fixtures share the CPU with thousands of failures per second, which delays their
 * timers: measured, S rose to 12.6 ms with shed = 503 at 64 connections and would have put the
 * predicted capacity 20 % under the measured one. Before the first step S is unknown (null);
 * the closed-loop onset does not depend on it.
 */
class ServiceTime {
  private calm = { served: 0, totalMs: 0 };
  private all = { served: 0, totalMs: 0 };

  constructor(private readonly scenario: Scenario) {}

  add(measured: MeasuredStep): void {
    const { served, totalMs } = measured.service;
    this.all = { served: this.all.served + served, totalMs: this.all.totalMs + totalMs };
    if (measured.step.valid && (measured.step.fixtures?.upstreamShed ?? 0) === 0) {
      this.calm = { served: this.calm.served + served, totalMs: this.calm.totalMs + totalMs };
    }
  }

  theory(): Theory {
    const { upstream, gateway, caps } = this.scenario;
    const basis = this.calm.served > 0 ? this.calm : this.all;
    const serviceMsMeasured = basis.served > 0 ? basis.totalMs / basis.served : null;
    return closedLoopTheory({ ...upstream, ...gateway, serviceMsMeasured, maxConnections: caps.maxConnections });
  }
}

function stepContext(fixtures: LaunchedFixtures, driver: Driver, scenario: Scenario, signal: AbortSignal, theory: () => Theory | null) {
  return {
    driver,
    fixtures,
    scenario,
    signal,
    predict: (offered: number) => {
      const current = theory();
      return current === null ? null : predictedClosedFailure(offered, current);
    },
  };
}

interface PlanOutcome {
  onset: Onset | null;
  note: string;
}

async function runSearch(scenario: Scenario, measure: (offered: number) => Promise<StepResult>, signal: AbortSignal): Promise<PlanOutcome> {
  const outcome = await searchOnset(measure, {
    start: scenario.search.start,
    precision: scenario.search.precision,
    maxSteps: scenario.search.maxSteps,
    max: scenario.caps.maxConnections,
    unit: 'connections',
    signal,
  });
  return {
    onset: outcome.onset === null ? null : { ...outcome.onset, unit: 'connections', criterion: scenario.criterion },
    note: outcome.note,
  };
}

/** The stepped ramp: the onset is the lowest failing load, `low` the highest passing one below it. */
async function runRamp(scenario: Scenario, measure: (offered: number) => Promise<StepResult>, signal: AbortSignal): Promise<PlanOutcome> {
  const history: boolean[] = [];
  const steps: StepResult[] = [];
  for (const offered of planRamp(scenario.ramp, scenario.model, scenario.caps)) {
    if (signal.aborted) break;
    const step = await measure(offered);
    steps.push(step);
    if (!step.valid) continue;
    history.push(step.passed);
    if (shouldStopRamp(history, scenario.ramp.stopAfterFailures)) break;
  }
  const firstFail = steps.find((step) => step.valid && !step.passed);
  if (firstFail === undefined) {
    return { onset: null, note: `no step of the ramp reached the criterion (up to ${scenario.ramp.to} connections)` };
  }
  const low = Math.max(0, ...steps.filter((step) => step.valid && step.passed && step.offered < firstFail.offered).map((step) => step.offered));
  return {
    onset: { value: firstFail.offered, low, high: firstFail.offered, unit: 'connections', criterion: scenario.criterion },
    note: `the ramp's steps are ${scenario.ramp.step} apart: the onset lies between ${low} and ${firstFail.offered}`,
  };
}

function plannedSteps(scenario: Scenario, plan: 'search' | 'ramp'): number {
  return plan === 'ramp' ? planRamp(scenario.ramp, scenario.model, scenario.caps).length : scenario.search.maxSteps;
}

/**
 * The run's hard limits (DESIGN.md §5 `caps`): total duration and requests. Exceeding one stops
 * the run between steps, like an interrupt, with the reason kept for the report.
 */
class RunBudget {
  private readonly controller = new AbortController();
  private readonly startedAt = Date.now();
  private requests = 0;
  reason: string | null = null;

  constructor(
    private readonly scenario: Scenario,
    external: AbortSignal | undefined,
  ) {
    if (external?.aborted) this.controller.abort();
    external?.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  spend(step: StepResult): void {
    this.requests += step.sent;
    const { maxRequests, maxDurationS } = this.scenario.caps;
    const elapsedS = (Date.now() - this.startedAt) / 1000;
    if (this.requests >= maxRequests) this.stop(`the run stopped at caps.maxRequests (${maxRequests} requests sent)`);
    else if (elapsedS >= maxDurationS) this.stop(`the run stopped at caps.maxDurationS (${maxDurationS} s)`);
  }

  private stop(reason: string): void {
    this.reason ??= reason;
    this.controller.abort();
  }
}

