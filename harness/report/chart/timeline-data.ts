/**
 * What the timeline chart draws, as plain data from a report: each bucket's outcomes and the
 * gateway's causes as rates per second, the failure windows and the events to mark. Pure and
 * free of Vega, like `chart/data.ts` for ramps. Examples: test/unit/timeline-chart.test.ts.
 */
import type { TimelineResult } from '../schema.ts';
import { OUTCOMES, outcomeOf, type Outcome } from './data.ts';

/** One outcome's rate in one bucket. */
export interface RateRow {
  /** Start of the bucket, in seconds from the start of the load. */
  t: number;
  series: string;
  /** Per second: count ÷ bucket length. */
  rps: number;
  /** Position in the stack, from the bottom. */
  order: number;
}

/**
 * Each bucket's outcomes as rates, stacked in {@link OUTCOMES} order (502 on the zero line); only
 * the outcomes that occurred, plus 2xx and 502 always. Client errors and lost requests are one
 * outcome, as in the ramp's status mix. A last point repeats the last bucket at its end, so a
 * step-shaped area covers it whole.
 */
export function outcomeRates(timeline: Pick<TimelineResult, 'buckets' | 'bucketMs'>): { rows: RateRow[]; outcomes: Outcome[] } {
  const { buckets, bucketMs } = timeline;
  const perBucket = buckets.map((bucket) => {
    const counts = new Map<Outcome, number>();
    const add = (o: Outcome, n: number): void => void counts.set(o, (counts.get(o) ?? 0) + n);
    for (const [status, n] of Object.entries(bucket.status)) add(outcomeOf(status), n);
    for (const n of Object.values(bucket.errors)) add('client error', n);
    return { t: bucket.t, counts };
  });
  const seen = new Set<Outcome>(['2xx', '502']);
  for (const { counts } of perBucket) for (const [o, n] of counts) if (n > 0) seen.add(o);
  const outcomes = OUTCOMES.filter((o) => seen.has(o));
  const rows = withEnd(perBucket, bucketMs).flatMap(({ t, counts }) =>
    outcomes.map((outcome) => ({ t: t / 1000, series: outcome, rps: ((counts.get(outcome) ?? 0) * 1000) / bucketMs, order: OUTCOMES.indexOf(outcome) })),
  );
  return { rows, outcomes };
}

/** The gateway's failures by cause per bucket, as rates, the largest cause overall at the bottom. */
export function causeRates(timeline: Pick<TimelineResult, 'buckets' | 'bucketMs'>): { rows: RateRow[]; causes: string[] } {
  const { buckets, bucketMs } = timeline;
  const totals = new Map<string, number>();
  for (const bucket of buckets) for (const [cause, n] of Object.entries(bucket.causes)) totals.set(cause, (totals.get(cause) ?? 0) + n);
  const causes = [...totals.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([cause]) => cause);
  const entries = buckets.map((bucket) => ({ t: bucket.t, counts: new Map(Object.entries(bucket.causes)) }));
  const rows = withEnd(entries, bucketMs).flatMap(({ t, counts }) =>
    causes.map((cause, order) => ({ t: t / 1000, series: cause, rps: ((counts.get(cause) ?? 0) * 1000) / bucketMs, order })),
  );
  return { rows, causes };
}

/** The entries and a copy of the last one at its bucket's end. */
function withEnd<T extends { t: number }>(entries: readonly T[], bucketMs: number): T[] {
  const last = entries.at(-1);
  return last === undefined ? [] : [...entries, { ...last, t: last.t + bucketMs }];
}

/** An event as the chart marks it: a rule at `t` seconds; labelled when it is planned or changes the upstream's state. */
export interface EventMark {
  t: number;
  label: string | null;
  planned: boolean;
  /** Label rows from the top, so labels of events close together do not overlap. */
  row: number;
}

/**
 * The events to mark. Every event gets a rule; labels go to the scenario's own events and to the
 * fixtures' faults and recoveries (a crash, a restart), each on the first label row where it
 * does not run into the previous label (estimated at 6 px a character on a plot of `plotWidth` px).
 */
export function eventMarks(timeline: Pick<TimelineResult, 'events' | 'durationMs' | 'buckets' | 'bucketMs'>, plotWidth: number): EventMark[] {
  const endS = Math.max(timeline.durationMs, timeline.buckets.length * timeline.bucketMs) / 1000;
  const pxPerS = endS > 0 ? plotWidth / endS : 0;
  const rowEnds: number[] = [];
  return timeline.events.map((event) => {
    const t = event.t / 1000;
    const labelled = event.planned || event.effect !== null;
    if (!labelled) return { t, label: null, planned: event.planned, row: 0 };
    const label = event.what;
    const x = t * pxPerS;
    let row = rowEnds.findIndex((end) => end < x);
    if (row === -1) row = rowEnds.length;
    rowEnds[row] = x + label.length * 6 + 8;
    return { t, label, planned: event.planned, row };
  });
}
