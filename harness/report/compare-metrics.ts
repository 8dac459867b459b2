/**
 * The values `overload compare` judges (DESIGN.md §6): for each metric, the interval one report
 * gives it — onset, max goodput, and p99 latency of 2xx at the baseline's highest passing load.
 * Pure reads of a report; the verdict on two intervals is in compare-verdict.ts.
 *
 * Interval of a run: with trials (`--repeat`), [min, max] of the trials' values; a single run's
 * onset is its bracket [highest passing, lowest failing]; any other single value is [v, v]. Its
 * median is the report's onset with trials (the median trial), the median of the trials' values
 * otherwise.
 *
 * Worked examples on frozen reports: test/unit/compare.test.ts.
 */
import { formatLoad, formatSetting } from '../format.ts';
import { capacity } from './build.ts';
import type { MetricInterval } from './comparison.ts';
import type { LatencySummary, Report, StepResult } from './schema.ts';

/**
 * How far the current run's load may be from the baseline's for their p99 latencies to be
 * compared: an onset search rarely measures the same loads twice (open model: 405 vs 400 req/s).
 */
export const LATENCY_LOAD_MATCH = 0.05;

/** The run's trials; a single run (no `--repeat`) is one trial made of the report's steps. */
export function trialsOf(report: Report): { onset: Report['onset']; steps: StepResult[] }[] {
  return report.trials.length > 0 ? report.trials : [{ onset: report.onset, steps: report.steps }];
}

/** The median of a non-empty list (mean of the two middle values for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

/** [min, max] of the values with their median (or `mid`); null when there are none. */
export function intervalOf(values: readonly number[], mid = median(values)): MetricInterval | null {
  if (values.length === 0) return null;
  return { low: Math.min(...values), median: mid, high: Math.max(...values), trials: values.length };
}

/** Onset interval: the trials' onsets ([min, max], median = the report's onset), else the single run's bracket. */
export function onsetInterval(report: Report): MetricInterval | null {
  if (report.onset === null) return null;
  if (report.trials.length === 0) return { low: report.onset.low, median: report.onset.value, high: report.onset.high, trials: 1 };
  const values = report.trials.flatMap((trial) => (trial.onset === null ? [] : [trial.onset.value]));
  return intervalOf(values, report.onset.value);
}

/**
 * For a run without an onset: the load every trial without one passed up to, counting only
 * passes below its lowest valid failure (an interrupted search may have failed once without
 * finishing its bracket); null when a trial passed no valid step.
 */
export function passedUpTo(report: Report): number | null {
  let bound = Number.POSITIVE_INFINITY;
  for (const trial of trialsOf(report)) {
    if (trial.onset !== null) continue;
    const lowestFail = Math.min(...trial.steps.filter((s) => s.valid && !s.passed).map((s) => s.offered));
    const passes = trial.steps.filter((s) => s.valid && s.passed && s.offered < lowestFail).map((s) => s.offered);
    if (passes.length === 0) return null;
    bound = Math.min(bound, Math.max(...passes));
  }
  return Number.isFinite(bound) ? bound : null;
}

/** Max goodput: per trial the highest 2xx/s of any valid step (`capacity`, as the report computes it). */
export function goodputInterval(report: Report): MetricInterval | null {
  if (report.trials.length === 0) return report.capacity === null ? null : intervalOf([report.capacity.maxGoodputRps]);
  return intervalOf(report.trials.flatMap((trial) => capacity(trial.steps)?.maxGoodputRps ?? []));
}

/** A step with 2xx latencies. */
type WithOkLatency = StepResult & { latencyMs: { ok: LatencySummary } };

/** Steps whose 2xx latency describes the system while it copes: valid, passing, with 2xx answers. */
function passing(steps: readonly StepResult[]): WithOkLatency[] {
  return steps.filter((s): s is WithOkLatency => s.valid && s.passed && s.latencyMs.ok !== null);
}

/**
 * The load L at which p99 latencies are compared: the baseline's highest passing valid load,
 * taken from its first trial (report.steps); null when that trial passed no valid step.
 */
export function latencyLoad(baseline: Report): number | null {
  const loads = passing(baseline.steps).map((s) => s.offered);
  return loads.length === 0 ? null : Math.max(...loads);
}

/**
 * Per trial, the p99 of the passing step nearest to `load` within {@link LATENCY_LOAD_MATCH}
 * (the lower load on a tie), and the loads used. A failing step at `load` is not used: its 2xx
 * are the requests that got through while others were refused, not the same population.
 */
export function latencyAt(report: Report, load: number): { values: number[]; loads: number[] } {
  const values: number[] = [];
  const loads: number[] = [];
  for (const trial of trialsOf(report)) {
    const near = passing(trial.steps)
      .filter((s) => Math.abs(s.offered - load) <= LATENCY_LOAD_MATCH * load)
      .sort((x, y) => Math.abs(x.offered - load) - Math.abs(y.offered - load) || x.offered - y.offered)[0];
    if (near === undefined) continue;
    values.push(near.latencyMs.ok.p99);
    loads.push(near.offered);
  }
  return { values, loads };
}

/** Why the current run has no latency to compare at `load`, with the loads it did pass nearest to it. */
export function whyNoLatency(current: Report, load: number): string {
  const steps = trialsOf(current).flatMap((trial) => trial.steps);
  const ok = passing(steps).map((s) => s.offered);
  const within = `within ${formatSetting(LATENCY_LOAD_MATCH)} of ${formatLoad(load, current.unit)}`;
  if (ok.length === 0) return 'the current run passed no valid step at all';
  const failedThere = steps.some((s) => s.valid && !s.passed && Math.abs(s.offered - load) <= LATENCY_LOAD_MATCH * load);
  const nearest = ok.reduce((best, l) => (Math.abs(l - load) < Math.abs(best - load) ? l : best));
  const fail = failedThere ? 'failed there and ' : '';
  return `the current run ${fail}passed no load ${within} (nearest passing: ${formatLoad(nearest, current.unit)}), so it has no latency at a comparable load`;
}
