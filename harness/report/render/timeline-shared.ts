/**
 * What the renderers of a timeline report share (issue 5, "per second against time"): the
 * buckets summed per second for tables, events and windows in words, and the plan as a line.
 * Pure. Examples: test/unit/render-timeline.test.ts.
 */
import { formatCount, formatLoad, formatSeconds } from '../../format.ts';
import { addCounts, topCount } from '../../stats/counts.ts';
import type { Report, TimelineBucket, TimelineEventRecord, TimelineResult } from '../schema.ts';

/** One second of a timeline, its buckets added up. */
export interface SecondRow {
  /** Start of the second, ms from the start of the load. */
  t: number;
  sent: number;
  ok: number;
  failures: number;
  status: Record<string, number>;
  errors: Record<string, number>;
  causes: Record<string, number>;
  /** Events in this second, in order. */
  events: TimelineEventRecord[];
}

/**
 * The buckets added up per second (a bucket belongs to the second its start falls in), each with
 * the events that happened in it; seconds with no bucket are left out.
 */
export function perSecond(timeline: Pick<TimelineResult, 'buckets' | 'events'>): SecondRow[] {
  const seconds = new Map<number, TimelineBucket[]>();
  for (const bucket of timeline.buckets) {
    const second = Math.floor(bucket.t / 1000) * 1000;
    seconds.set(second, [...(seconds.get(second) ?? []), bucket]);
  }
  return [...seconds.entries()].map(([t, buckets]) => ({
    t,
    sent: buckets.reduce((sum, b) => sum + b.sent, 0),
    ok: buckets.reduce((sum, b) => sum + b.ok, 0),
    failures: buckets.reduce((sum, b) => sum + b.failures, 0),
    status: addCounts(buckets.map((b) => b.status)),
    errors: addCounts(buckets.map((b) => b.errors)),
    causes: addCounts(buckets.map((b) => b.causes)),
    events: timeline.events.filter((event) => event.t >= t && event.t < t + 1000),
  }));
}

/** `3.00 s stop-upstream (planned): maintenance: …`. */
export function describeEvent(event: TimelineEventRecord): string {
  return `${formatSeconds(event.t)} ${event.what}${event.planned ? '' : ' (reported by the fixture)'}: ${event.detail}`;
}

/** The top cause of a second or a window, `upstream_refused ×50`, or a dash. */
export function topCauseText(causes: Readonly<Record<string, number>>): string {
  const top = topCount(causes);
  return top === null ? '—' : `${top.key} ×${formatCount(top.count)}`;
}

/** A recovery in words: `last failure 1,548 ms after set-dns at 4.50 s`. */
export function describeRecovery(recovery: TimelineResult['recoveries'][number]): string {
  const when = `${recovery.what} at ${formatSeconds(recovery.t)}`;
  if (recovery.recoveredAfterMs === null) return `still failing after ${when}`;
  return recovery.recoveredAfterMs === 0 ? `no failure after ${when}` : `last failure ${formatCount(recovery.recoveredAfterMs)} ms after ${when}`;
}

/** The plan as one line: `a steady 200 req/s for 9.00 s in 250 ms buckets, 2 scheduled events`. */
export function describeTimelinePlan(report: Report): string {
  const { timeline } = report.scenario.parameters;
  const events = timeline.events.length;
  const scheduled = events === 0 ? 'no scheduled event' : `${formatCount(events)} scheduled ${events === 1 ? 'event' : 'events'}`;
  return `a steady ${formatLoad(timeline.offered, report.unit)} for ${formatSeconds(timeline.durationMs)} in ${formatCount(timeline.bucketMs)} ms buckets, ${scheduled}`;
}
