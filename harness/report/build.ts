/**
 * Assembles the report from what a run measured (pure: no clock, no disk). The runner calls it
 * after every step, so an interrupted run still leaves a complete, readable report.
 */
import { variantOf } from '../config/gateway-variant.ts';
import os from 'node:os';
import type { Scenario } from '../config/scenario.ts';
import { addCounts } from '../stats/counts.ts';
import { causeTotals, explain } from './explain.ts';
import { evaluateExpectations } from './expectations.ts';
import { SCHEMA_VERSION, type Onset, type Report, type StepResult, type Theory, type Trial } from './schema.ts';

/** What the runner has measured so far, and the context the report records with it. */
export interface ReportInput {
  scenario: Scenario;
  toolVersion: string;
  createdAt: Date;
  environment: Report['environment'];
  plan: Report['plan'];
  /** Every trial so far, the first one first; the last may be unfinished. */
  trials: Trial[];
  /** Why the (first) trial found no onset, when it found none. */
  onsetNote: string | null;
  theory: Theory | null;
  interrupted: boolean;
  /** The external target the load went to, instead of the fixtures (`--target`). */
  target?: Report['target'];
}

/**
 * Expectations that read the fixtures (the gateway's cause counters, the queueing model of the
 * upstream's parameters); against an external target there are neither, so they are not judged.
 */
export function judgedAgainstTarget(expectation: Scenario['expect'][number]): boolean {
  return !('dominantCause' in expectation) && !('onsetMatchesTheory' in expectation) && !('causeBelowOnset' in expectation);
}

/** Builds the whole report from the trials measured so far. */
export function buildReport(input: ReportInput): Report {
  const { scenario } = input;
  const unit = scenario.model === 'closed' ? 'connections' : 'rps';
  const allSteps = input.trials.flatMap((trial) => trial.steps);
  const steps = input.trials[0]?.steps ?? [];
  const onset = medianOnset(input.trials);
  const causes = causeTotals(allSteps);
  const status = addCounts(allSteps.map((step) => step.status));
  const onsetNote = onset === null ? input.onsetNote : null;
  const base = {
    onset,
    onsetNote,
    unit,
    causes,
    status,
    steps,
    theory: input.theory,
    criterion: scenario.criterion,
    target: input.target !== undefined,
    ...(input.target?.gatewayLog === undefined ? {} : { gatewayLog: input.target.gatewayLog }),
  } as const;
  return {
    ...reportHead(input),
    gateway: input.target === undefined ? { kind: scenario.gateway.kind, profile: scenario.gateway.profile } : { kind: 'external', profile: 'unknown' },
    ...(input.target === undefined ? {} : { target: input.target }),
    model: scenario.model,
    unit,
    plan: input.plan,
    steps,
    onset,
    onsetNote,
    onsetSpread: onsetSpread(input.trials),
    capacity: capacity(allSteps),
    theory: input.theory,
    causes,
    explanation: [...explain(base), ...(input.target === undefined ? gatewayNote(scenario) : [])],
    trials: input.trials.length > 1 ? input.trials : [],
    expectations: evaluateExpectations(input.target === undefined ? scenario.expect : scenario.expect.filter(judgedAgainstTarget), { onset, causes, steps: allSteps, unit, theoryOnset: input.theory?.onset ?? null }),
  };
}

/**
 * The scenario's note on the real gateway it ran behind (`behind.<gateway>.note`), as the last
 * sentence of the explanation: where that gateway answers or logs differently, and why.
 */
export function gatewayNote(scenario: Scenario): string[] {
  const variant = variantOf(scenario);
  return variant === null ? [] : [`Behind ${scenario.gateway.kind}: ${variant.note}`];
}

/** The fields every report starts with, whatever its plan: version, tool, time, the scenario run and where. */
export function reportHead(input: Pick<ReportInput, 'scenario' | 'toolVersion' | 'createdAt' | 'environment' | 'interrupted'>): Pick<Report, 'schemaVersion' | 'tool' | 'createdAt' | 'interrupted' | 'scenario' | 'environment'> {
  const { scenario } = input;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'overload', version: input.toolVersion },
    createdAt: input.createdAt.toISOString(),
    interrupted: input.interrupted,
    scenario: { name: scenario.name, description: scenario.description, parameters: scenario },
    environment: input.environment,
  };
}

/** The machine the run measured (DESIGN.md §6 `environment`). */
export function describeEnvironment(): Report['environment'] {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
  };
}

/**
 * The onset over trials: the trial whose onset is the median (the lower median for an even
 * count), so value, low and high come from one measurement. Null when most trials found none.
 */
export function medianOnset(trials: readonly Trial[]): Onset | null {
  const found = trials.map((trial) => trial.onset).filter((onset): onset is Onset => onset !== null);
  if (found.length === 0 || found.length * 2 < trials.length) return null;
  const sorted = [...found].sort((a, b) => a.value - b.value);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

function onsetSpread(trials: readonly Trial[]): Report['onsetSpread'] {
  if (trials.length < 2) return null;
  const values = trials.flatMap((trial) => (trial.onset === null ? [] : [trial.onset.value]));
  if (values.length === 0) return null;
  return { min: Math.min(...values), max: Math.max(...values), trials: trials.length };
}

/** The highest goodput of any valid step, and the offered load that gave it. */
export function capacity(steps: readonly StepResult[]): Report['capacity'] {
  let best: StepResult | undefined;
  for (const step of steps) {
    if (step.valid && (best === undefined || step.goodputRps > best.goodputRps)) best = step;
  }
  return best === undefined ? null : { maxGoodputRps: best.goodputRps, atOffered: best.offered };
}
