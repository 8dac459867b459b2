/**
 * What a timeline measured (issue 5: "the 502 window, time to recover, requests lost"), from its
 * buckets and events. Pure functions, tested with exact values.
 *
 * A bucket *fails* when its failures reach the criterion's share of the requests that ended in it
 * (answers and errors), as a step does (DESIGN.md §4); a *failure window* is a run of failing
 * buckets. A *recovery* counts from an event that should end a fault (a start, a restart, the DNS
 * record back) to the end of the last failing bucket before the next fault.
 */
import { addCounts, largestFirst, totalCount } from './counts.ts';
import type { FailureWindow, Recovery, TimelineBucket, TimelineEventRecord, TimelineResult } from '../report/schema.ts';

/** Requests that ended in the bucket: every answer and every client-side failure. */
export function endedIn(bucket: TimelineBucket): number {
  return totalCount(bucket.status) + totalCount(bucket.errors);
}

/** Whether the bucket's failures reach `failureRatio` of the requests that ended in it. */
export function bucketFails(bucket: TimelineBucket, failureRatio: number): boolean {
  const ended = endedIn(bucket);
  return bucket.failures > 0 && ended > 0 && bucket.failures / ended >= failureRatio;
}

/** The runs of consecutive failing buckets, in order, each with its failures and dominant cause. */
export function failureWindows(buckets: readonly TimelineBucket[], bucketMs: number, failureRatio: number): FailureWindow[] {
  // The span of a window is exact (its first and last failure), whatever the buckets' width.
  const windows: FailureWindow[] = [];
  let run: TimelineBucket[] = [];
  const close = (): void => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first === undefined || last === undefined) return;
    const causes = addCounts(run.map((bucket) => bucket.causes));
    windows.push({
      start: first.firstFailureAt ?? first.t,
      end: last.lastFailureAt ?? last.t + bucketMs,
      failures: run.reduce((sum, bucket) => sum + bucket.failures, 0),
      dominantCause: largestFirst(causes)[0]?.[0] ?? null,
    });
    run = [];
  };
  for (const bucket of buckets) {
    if (bucketFails(bucket, failureRatio)) run.push(bucket);
    else close();
  }
  close();
  return windows;
}

/**
 * For each recovery event: the buckets from the one it falls in up to the last one that ends
 * before the next fault event (or the last bucket) are its; it recovered after
 * `last failure in its failing buckets − event time` (0 when none fails after the event), or
 * never (null) when its last bucket still fails, or when the next fault comes within the same bucket.
 * `events` must be in time order (`summarizeTimeline` sorts them): the next fault is the first after.
 */
export function recoveries(buckets: readonly TimelineBucket[], events: readonly TimelineEventRecord[], bucketMs: number, failureRatio: number): Recovery[] {
  const end = buckets.length * bucketMs;
  return events
    .filter((event) => event.effect === 'recovery')
    .map((event): Recovery => {
      const nextFault = events.find((other) => other.effect === 'fault' && other.t > event.t)?.t ?? end;
      const own = buckets.filter((bucket) => bucket.t + bucketMs > event.t && bucket.t + bucketMs <= nextFault);
      const last = own[own.length - 1];
      if (last === undefined || bucketFails(last, failureRatio)) return { what: event.what, t: event.t, recoveredAfterMs: null };
      const failing = own.filter((bucket) => bucketFails(bucket, failureRatio));
      const lastFailing = failing[failing.length - 1];
      const recoveredAt = lastFailing?.lastFailureAt ?? event.t;
      return { what: event.what, t: event.t, recoveredAfterMs: Math.max(0, Math.round(recoveredAt - event.t)) };
    });
}

/** The whole of a timeline's measurements, from its buckets, its events and the client's health. */
export function summarizeTimeline(
  input: {
    offered: number;
    durationMs: number;
    bucketMs: number;
    failureRatio: number;
    buckets: TimelineBucket[];
    events: TimelineEventRecord[];
  } & Pick<TimelineResult, 'latencyMs' | 'generator' | 'valid' | 'invalidReason'>,
): TimelineResult {
  const { buckets, bucketMs, failureRatio } = input;
  const events = [...input.events].sort((a, b) => a.t - b.t);
  return {
    offered: input.offered,
    durationMs: input.durationMs,
    bucketMs,
    buckets,
    events,
    windows: failureWindows(buckets, bucketMs, failureRatio),
    recoveries: recoveries(buckets, events, bucketMs, failureRatio),
    totals: {
      sent: buckets.reduce((sum, bucket) => sum + bucket.sent, 0),
      ok: buckets.reduce((sum, bucket) => sum + bucket.ok, 0),
      failures: buckets.reduce((sum, bucket) => sum + bucket.failures, 0),
    },
    latencyMs: input.latencyMs,
    generator: input.generator,
    valid: input.valid,
    invalidReason: input.invalidReason,
  };
}
