/**
 * The two ways a trial walks the offered load: the adaptive onset search (DESIGN.md §4) and the
 * stepped ramp. Both call `measure` one step at a time and return the onset they found.
 */
import type { Scenario } from '../config/scenario.ts';
import { formatLoad } from '../format.ts';
import { planRamp, shouldStopRamp } from '../load/plan.ts';
import { searchOnset } from '../load/search.ts';
import type { Onset, StepResult } from '../report/schema.ts';

/** What a walk found: the onset, and a sentence about it (why none, or how it is bracketed). */
export interface PlanOutcome {
  onset: Onset | null;
  note: string;
}

type Measure = (offered: number) => Promise<StepResult>;

/** The unit of offered load in a scenario's model. */
export function unitOf(scenario: Scenario): Onset['unit'] {
  return scenario.model === 'closed' ? 'connections' : 'rps';
}

/** The highest load the caps allow in the scenario's model. */
export function maxLoadOf(scenario: Scenario): number {
  return scenario.model === 'closed' ? scenario.caps.maxConnections : scenario.caps.maxRps;
}

/** The onset search: exponential probe, then bisection (adjacent counts, or `search.precision`). */
export async function runSearch(scenario: Scenario, measure: Measure, signal: AbortSignal): Promise<PlanOutcome> {
  const unit = unitOf(scenario);
  const outcome = await searchOnset(measure, {
    start: scenario.search.start,
    precision: scenario.search.precision,
    maxSteps: scenario.search.maxSteps,
    max: maxLoadOf(scenario),
    unit,
    signal,
  });
  return {
    onset: outcome.onset === null ? null : { ...outcome.onset, unit, criterion: scenario.criterion },
    note: outcome.note,
  };
}

/** The stepped ramp: the onset is the lowest failing load, `low` the highest passing one below it. */
export async function runRamp(scenario: Scenario, measure: Measure, signal: AbortSignal): Promise<PlanOutcome> {
  const unit = unitOf(scenario);
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
    return { onset: null, note: `no step of the ramp reached the criterion (up to ${formatLoad(scenario.ramp.to, unit)})` };
  }
  const low = Math.max(0, ...steps.filter((step) => step.valid && step.passed && step.offered < firstFail.offered).map((step) => step.offered));
  return {
    onset: { value: firstFail.offered, low, high: firstFail.offered, unit, criterion: scenario.criterion },
    note: `the ramp's steps are ${formatLoad(scenario.ramp.step, unit)} apart: the onset lies between ${formatLoad(low, unit)} and ${formatLoad(firstFail.offered, unit)}`,
  };
}

/** An upper bound of the steps a trial takes, for the progress display. */
export function plannedSteps(scenario: Scenario, plan: 'search' | 'ramp'): number {
  return plan === 'ramp' ? planRamp(scenario.ramp, scenario.model, scenario.caps).length : scenario.search.maxSteps;
}
