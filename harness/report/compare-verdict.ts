/**
 * The verdict of `overload compare` on one metric (DESIGN.md §6): from the two runs' intervals
 * (compare-metrics.ts) to `regressed`, `improved`, `unchanged` or `insufficient-data`, with the
 * sentence that justifies it. A change is called only when the intervals are apart by more than
 * the tolerance, so identical code on a noisy machine stays `unchanged` (hyperfine's rule: a
 * comparison that cannot tell says so rather than guess).
 *
 * Regressed, for a metric where higher is better: (baseline.low − current.high) / baseline.low >
 * tolerance; improved: (current.low − baseline.high) / baseline.high > tolerance; mirrored where
 * lower is better (latency). The gap is relative to the baseline's edge nearest the current run.
 * `change` compares the medians.
 *
 * Worked examples on frozen reports: test/unit/compare.test.ts.
 */
import { formatLoad, formatPercent, formatSetting, type LoadUnit } from '../format.ts';
import { formatChange, formatMetricValue, formatRange } from './compare-format.ts';
import type { MetricComparison, MetricInterval, MetricName, MetricVerdict } from './comparison.ts';

/** What a verdict needs to know of its metric: its name and label, its unit and which way is better. */
export interface MetricSpec {
  metric: MetricName;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  loadUnit: LoadUnit;
}

/** `gap` relative to `base`; 0 when the intervals touch or overlap; infinite above a zero baseline. */
function relativeGap(gap: number, base: number): number {
  if (gap <= 0) return 0;
  return base > 0 ? gap / base : Number.POSITIVE_INFINITY;
}

/** The verdict on two intervals, with the sentence that justifies it; `note` ends the sentence. */
export function judge(spec: MetricSpec, b: MetricInterval, c: MetricInterval, tolerance: number, note = ''): MetricComparison {
  const change = b.median === 0 ? null : (c.median - b.median) / b.median;
  const below = relativeGap(b.low - c.high, b.low);
  const above = relativeGap(c.low - b.high, b.high);
  const worse = spec.higherIsBetter ? below : above;
  const better = spec.higherIsBetter ? above : below;
  const verdict: MetricVerdict = worse > tolerance ? 'regressed' : better > tolerance ? 'improved' : 'unchanged';

  const value = (interval: MetricInterval): string => formatMetricValue(spec.metric, interval.median, spec.loadUnit);
  const head = `${spec.label} ${value(b)} → ${value(c)} ${spec.unit}${change === null ? '' : ` (${formatChange(change)})`}`;
  const tol = `the ${formatSetting(tolerance)} tolerance`;
  const theBaseline = b.low === b.high ? 'the baseline' : `the baseline’s range (${formatRange(spec.metric, b, spec.loadUnit)})`;
  const gap = Math.max(below, above);
  let why: string;
  if (gap === 0) {
    why = b.low === b.high && c.low === c.high ? 'the same in both runs' : `the runs’ ranges overlap (baseline ${formatRange(spec.metric, b, spec.loadUnit)}, current ${formatRange(spec.metric, c, spec.loadUnit)})`;
  } else {
    const side = below > 0 ? 'below' : 'above';
    const amount = Number.isFinite(gap) ? ` by ${formatPercent(gap)}` : '';
    why = `${side} ${theBaseline}${amount}, ${verdict === 'unchanged' ? 'within' : 'more than'} ${tol}`;
  }
  return result(spec, b, c, change, verdict, `${head}: ${why}${note}.`);
}

function result(spec: MetricSpec, b: MetricInterval | null, c: MetricInterval | null, change: number | null, verdict: MetricVerdict, reason: string): MetricComparison {
  return { metric: spec.metric, label: spec.label, unit: spec.unit, higherIsBetter: spec.higherIsBetter, baseline: b, current: c, change, verdict, reason };
}

/** The `insufficient-data` verdict, with what is missing (`why`) as its reason. */
export function insufficient(spec: MetricSpec, b: MetricInterval | null, c: MetricInterval | null, why: string): MetricComparison {
  return result(spec, b, c, null, 'insufficient-data', `${spec.label}: ${why}.`);
}

/** One run's onset, or, when it found none, the load it passed up to (its onset is above it). */
export interface OnsetSide {
  interval: MetricInterval | null;
  upTo: number | null;
}

/**
 * The onset when a run found none: its onset is above the load it passed up to, so only a bound
 * can be compared. The current run improved when it passed, without an onset, loads above the
 * baseline's onset; it regressed when it fails below loads the baseline passed; each by more than
 * the tolerance. When neither found one, the current run holding at least as far as the baseline
 * is no sign of a change. Anything else (a run that stopped short) cannot tell.
 */
export function withoutOnset(spec: MetricSpec, b: OnsetSide, c: OnsetSide, tolerance: number): MetricComparison {
  const load = (value: number): string => formatLoad(value, spec.loadUnit);
  const tol = `the ${formatSetting(tolerance)} tolerance`;
  const none = (run: string, up: number | null): string =>
    up === null ? `the ${run} run found no onset and passed no valid step` : `the ${run} run found no onset up to ${load(up)}`;
  const judged = (verdict: MetricVerdict, gap: number, text: string): MetricComparison =>
    result(spec, b.interval, c.interval, null, verdict, `${text}, ${gap > tolerance ? 'more than' : 'within'} ${tol}.`);

  if (b.interval === null && c.interval === null) {
    const both = b.upTo === null && c.upTo === null ? 'neither run passed a valid step' : `${none('baseline', b.upTo)}, and ${none('current', c.upTo)}`;
    if (b.upTo === null || c.upTo === null || c.upTo < b.upTo) return insufficient(spec, null, null, both);
    const text = `onset none up to ${load(b.upTo)} → none up to ${load(c.upTo)}: neither run reached the criterion, and the current one held at least as far, so there is no sign of a change.`;
    return result(spec, null, null, null, 'unchanged', text);
  }
  if (b.interval !== null) {
    const onset = b.interval;
    if (c.upTo === null || c.upTo < onset.high) {
      const short = c.upTo === null ? '' : `, below the baseline’s onset of ${load(onset.median)}, so it cannot tell whether the onset moved`;
      return insufficient(spec, onset, null, `${none('current', c.upTo)}${short}`);
    }
    const gap = relativeGap(c.upTo - onset.high, onset.high);
    const text = `onset ${load(onset.median)} → none up to ${load(c.upTo)}: the current run passed every load it measured up to ${load(c.upTo)}, ${formatPercent(gap)} above the baseline’s onset`;
    return judged(gap > tolerance ? 'improved' : 'unchanged', gap, text);
  }
  const onset = c.interval; // not null: both-null was handled above
  if (onset === null || b.upTo === null || onset.high > b.upTo) {
    const short = b.upTo === null || onset === null ? '' : `, below the current onset of ${load(onset.median)}, so it cannot tell whether the onset moved`;
    return insufficient(spec, null, onset, `${none('baseline', b.upTo)}${short}`);
  }
  const gap = relativeGap(b.upTo - onset.high, b.upTo);
  const text = `onset none up to ${load(b.upTo)} → ${load(onset.median)}: the current run fails at ${load(onset.high)}, ${formatPercent(gap)} below the ${load(b.upTo)} the baseline passed`;
  return judged(gap > tolerance ? 'regressed' : 'unchanged', gap, text);
}
