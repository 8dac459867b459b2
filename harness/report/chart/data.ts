/**
 * What the capacity chart draws, as plain data computed from a report: the steps as rows, the
 * status mix per offered load, the x scale, and the onset and theory marks with their labels.
 * Pure and free of Vega: `chart/spec.ts` turns these into layers, `chart/title.ts` into words.
 * Examples: test/unit/chart-spec.test.ts.
 */
import { formatLoad } from '../../format.ts';
import type { Report } from '../schema.ts';
import { sortByOffered } from '../render/shared.ts';

/**
 * What a finished request became, in stacking order from the bottom: the criterion's failures
 * (502 and client errors, DESIGN.md §4) sit on the zero line, so the height of their stack reads
 * as the failure ratio against the theory's dashed prediction; 2xx is on top.
 */
export const OUTCOMES = ['502', 'client error', '504', '503', 'other status', '2xx'] as const;
/** One category of the status mix. */
export type Outcome = (typeof OUTCOMES)[number];

/** One step as the chart draws it, sorted by offered load. */
export interface ChartRow {
  /** Order the step ran in, from 0. */
  index: number;
  offered: number;
  valid: boolean;
  goodputRps: number;
  achievedRps: number;
  /** 2xx latency percentiles, ms; null when no request succeeded. */
  p50Ms: number | null;
  p99Ms: number | null;
  predictedFailureRatio: number | null;
}

/** The steps as chart rows, by offered load (ties in run order, as in the markdown table). */
export function chartRows(report: Report): ChartRow[] {
  return sortByOffered(report.steps).map((step) => ({
    index: step.index,
    offered: step.offered,
    valid: step.valid,
    goodputRps: step.goodputRps,
    achievedRps: step.achievedRps,
    p50Ms: step.latencyMs.ok?.p50 ?? null,
    p99Ms: step.latencyMs.ok?.p99 ?? null,
    predictedFailureRatio: step.predictedFailureRatio,
  }));
}

/** The share of one outcome at one offered load. */
export interface MixRow {
  offered: number;
  outcome: Outcome;
  /** Share of the requests that finished (answered, errored or lost); the outcomes of a load sum to 1. */
  share: number;
  /** Position in the stack, from the bottom (index in {@link OUTCOMES}). */
  order: number;
  valid: boolean;
}

/** Which outcome an HTTP status counts as. */
export function outcomeOf(status: string): Outcome {
  if (status === '502' || status === '503' || status === '504') return status;
  const code = Number(status);
  return code >= 200 && code < 300 ? '2xx' : 'other status';
}

/**
 * The outcomes the legend shows: 2xx and 502 always (a 502 entry with no red in the chart says
 * "no 502" at a glance), the others only where some step had them.
 */
export function presentOutcomes(report: Report): Outcome[] {
  const seen = new Set<Outcome>(['2xx', '502']);
  for (const step of report.steps) {
    for (const [status, n] of Object.entries(step.status)) if (n > 0) seen.add(outcomeOf(status));
    if (step.errored + step.lost > 0) seen.add('client error');
  }
  return OUTCOMES.filter((o) => seen.has(o));
}

/**
 * The status mix per offered load: one row per present outcome, shares of the requests that
 * finished. Steps at the same load are pooled (their counts added), so a stack never sums to more
 * than 1; a load where nothing finished has no rows (there is no mix to show). Unfinished requests
 * are left out, as in the failure ratio (schema.ts, `failureRatio`).
 */
export function mixRows(report: Report): MixRow[] {
  const outcomes = presentOutcomes(report);
  const byLoad = new Map<number, { counts: Map<Outcome, number>; valid: boolean }>();
  for (const step of sortByOffered(report.steps)) {
    const entry = byLoad.get(step.offered) ?? { counts: new Map<Outcome, number>(), valid: true };
    const add = (o: Outcome, n: number): void => void entry.counts.set(o, (entry.counts.get(o) ?? 0) + n);
    for (const [status, n] of Object.entries(step.status)) add(outcomeOf(status), n);
    add('client error', step.errored + step.lost);
    entry.valid &&= step.valid;
    byLoad.set(step.offered, entry);
  }
  const rows: MixRow[] = [];
  for (const [offered, { counts, valid }] of byLoad) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    for (const outcome of outcomes) {
      rows.push({ offered, outcome, share: (counts.get(outcome) ?? 0) / total, order: OUTCOMES.indexOf(outcome), valid });
    }
  }
  return rows;
}

/** The x scale: its type, its domain, and the ticks a log scale gets. */
export interface XScale {
  type: 'log' | 'linear';
  domain: [number, number];
  /** Powers of two inside the domain for a log scale; null lets Vega choose (linear). */
  ticks: number[] | null;
}

/**
 * Log base 2 when the loads span a factor of 8 or more, linear otherwise. An onset search doubles
 * (1, 2, 4, …, 32) then bisects (24, 20, 22, 21): on a linear axis the doubling steps crowd into
 * the left fifth and 1 and 2 overlap, while on a log₂ axis each doubling is one equal stride and
 * the bisection steps still sit apart near the onset. A narrow span (a ramp of 380–420 req/s)
 * reads better linear, where equal steps are equal distances. Zero or negative loads have no
 * logarithm, so they force linear. The domain also covers the measured onset's band (with
 * --repeat it is the trials' median and may lie off the first trial's steps).
 */
export function xScale(report: Report): XScale {
  const loads = report.steps.map((s) => s.offered);
  if (report.onset !== null) loads.push(report.onset.low, report.onset.high);
  if (loads.length === 0) return { type: 'linear', domain: [0, 1], ticks: null };
  const min = Math.min(...loads);
  const max = Math.max(...loads);
  // One load only: give the axis some width around it rather than a zero-length domain.
  if (min === max) return { type: 'linear', domain: min > 0 ? [0, 2 * min] : [min - 1, max + 1], ticks: null };
  if (min <= 0 || max / min < 8) return { type: 'linear', domain: [min, max], ticks: null };
  const ticks: number[] = [];
  for (let p = 2 ** Math.ceil(Math.log2(min)); p <= max; p *= 2) ticks.push(p);
  return { type: 'log', domain: [min, max], ticks };
}

/** Where a load falls along the plot, 0 (left end) to 1 (right end). */
export function xFraction(scale: XScale, value: number): number {
  const [a, b] = scale.domain;
  const f = scale.type === 'log' ? Math.log2(value / a) / Math.log2(b / a) : (value - a) / (b - a);
  return Math.min(1, Math.max(0, f));
}

/** The vertical marks every panel carries. */
export interface Annotations {
  /** The measured onset: rule at `value`, band from `low` (passed) to `high` (failed). */
  onset: { value: number; low: number; high: number; label: string } | null;
  /** The theory's onset, when it predicts one inside the measured loads. */
  theory: { value: number; label: string } | null;
  /** Side of the rules the labels go on: left of them near the right end, so they stay inside the plot. */
  labelSide: 'left' | 'right';
}

/** The onset and theory rules with their labels (`502s begin: 21 connections`, `theory: 21 connections`). */
export function annotations(report: Report): Annotations {
  const scale = xScale(report);
  const { onset, unit } = report;
  const statuses = onset?.criterion.statuses ?? [];
  const what = statuses.length === 1 ? `${statuses[0]}s` : 'failures';
  const measured = onset === null ? null : { value: onset.value, low: onset.low, high: onset.high, label: `${what} begin: ${formatLoad(onset.value, unit)}` };
  const predicted = report.theory?.onset ?? null;
  const [min, max] = scale.domain;
  const theory = predicted === null || predicted < min || predicted > max ? null : { value: predicted, label: `theory: ${formatLoad(predicted, unit)}` };
  const at = measured?.value ?? theory?.value ?? min;
  return { onset: measured, theory, labelSide: xFraction(scale, at) > 0.6 ? 'left' : 'right' };
}
