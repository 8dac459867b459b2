/**
 * `overload compare` for timeline reports (issue 5): a timeline has no onset and no capacity; what
 * a change to the code or the setup can make worse is the share of requests lost to the faults
 * and how long the failures outlast the event that should end them. Pure; the verdicts follow
 * compare-verdict.ts (a change is called only beyond the tolerance), with one addition for the
 * recovery: it is measured to the millisecond but its noise is a bucket's worth (the event's timer
 * and the last failure's arrival each wobble), so a change smaller than one bucket is never called.
 */
import { formatCount, formatPercent, formatSetting } from '../format.ts';
import { formatChange } from './compare-format.ts';
import { judge, insufficient, type MetricSpec } from './compare-verdict.ts';
import type { MetricComparison, MetricInterval } from './comparison.ts';
import type { Report, TimelineResult } from './schema.ts';

/** Both reports' timelines, compared metric by metric. */
export function compareTimelines(baseline: Report, current: Report, tolerance: number): MetricComparison[] {
  return [compareFailureShare(baseline, current, tolerance), compareRecovery(baseline, current, tolerance)];
}

/** One value as an interval of one trial. */
function single(value: number): MetricInterval {
  return { low: value, median: value, high: value, trials: 1 };
}

/** Requests failed ÷ sent over the whole timeline; null when nothing was sent or the timeline is missing. */
export function failureShare(timeline: TimelineResult | undefined): number | null {
  if (timeline === undefined || timeline.totals.sent === 0) return null;
  return Math.min(1, timeline.totals.failures / timeline.totals.sent);
}

/**
 * The slowest recovery in ms: the largest `recoveredAfterMs`; +∞ when one never recovered; null
 * when the timeline has no recovery event to measure from.
 */
export function worstRecoveryMs(timeline: TimelineResult | undefined): number | null {
  if (timeline === undefined || timeline.recoveries.length === 0) return null;
  return Math.max(...timeline.recoveries.map((r) => r.recoveredAfterMs ?? Number.POSITIVE_INFINITY));
}

/**
 * The share of requests failed. A timeline's events are timers on a shared machine, so a share
 * may move by one bucket's worth of requests with no change at all: a change is called only
 * beyond both the tolerance and that (one bucket of the baseline's load, as a share of its requests).
 */
function compareFailureShare(baseline: Report, current: Report, tolerance: number): MetricComparison {
  const spec: MetricSpec = { metric: 'failureShare', label: 'requests failed', unit: 'of sent', higherIsBetter: false, loadUnit: baseline.unit };
  const b = failureShare(baseline.timeline);
  const c = failureShare(current.timeline);
  if (b === null || c === null || baseline.timeline === undefined) return insufficient(spec, b === null ? null : single(b), c === null ? null : single(c), `${b === null ? 'the baseline' : 'the current run'} sent no request`);
  const judged = judge(spec, single(b), single(c), tolerance);
  const { totals, buckets } = baseline.timeline;
  const bucketShare = totals.sent / Math.max(1, buckets.length) / totals.sent;
  if (judged.verdict !== 'unchanged' && Math.abs(c - b) <= bucketShare) {
    return { ...judged, verdict: 'unchanged', reason: `${judged.reason.replace(/\.$/, '')}; but that is within one bucket's worth of requests (${formatPercent(bucketShare)}), the timers' own noise.` };
  }
  return judged;
}

function compareRecovery(baseline: Report, current: Report, tolerance: number): MetricComparison {
  const spec: MetricSpec = { metric: 'recoveryMs', label: 'slowest recovery', unit: 'ms', higherIsBetter: false, loadUnit: baseline.unit };
  const b = worstRecoveryMs(baseline.timeline);
  const c = worstRecoveryMs(current.timeline);
  if (b === null || c === null) return insufficient(spec, null, null, `${b === null ? 'the baseline' : 'the current run'} has no recovery event to measure from`);
  const bucketMs = Math.max(baseline.timeline?.bucketMs ?? 0, current.timeline?.bucketMs ?? 0);
  const shown = (ms: number): string => (Number.isFinite(ms) ? `${formatCount(ms)} ms` : 'never');
  const head = `slowest recovery ${shown(b)} → ${shown(c)}`;
  const base = { metric: spec.metric, label: spec.label, unit: spec.unit, higherIsBetter: false } as const;
  const interval = (ms: number): MetricInterval | null => (Number.isFinite(ms) ? single(ms) : null);
  if (!Number.isFinite(b) || !Number.isFinite(c)) {
    if (!Number.isFinite(b) && !Number.isFinite(c)) return { ...base, baseline: null, current: null, change: null, verdict: 'unchanged', reason: `${head}: neither run recovered.` };
    const verdict = Number.isFinite(b) ? 'regressed' : 'improved';
    return { ...base, baseline: interval(b), current: interval(c), change: null, verdict, reason: `${head}: ${verdict === 'regressed' ? 'the current run never recovered' : 'the current run recovered, the baseline never did'}.` };
  }
  // The smallest change called: the tolerance's share of the baseline, but never less than a bucket.
  const slack = Math.max(tolerance * b, bucketMs);
  const change = b === 0 ? null : (c - b) / b;
  const verdict = c - b > slack ? 'regressed' : b - c > slack ? 'improved' : 'unchanged';
  const why = verdict === 'unchanged' ? `within ${formatCount(slack)} ms (the ${formatSetting(tolerance)} tolerance, at least one ${formatCount(bucketMs)} ms bucket)` : `more than ${formatCount(slack)} ms apart (the ${formatSetting(tolerance)} tolerance, at least one ${formatCount(bucketMs)} ms bucket)`;
  return { ...base, baseline: single(b), current: single(c), change, verdict, reason: `${head}${change === null ? '' : ` (${formatChange(change)})`}: ${why}.` };
}
