import assert from 'node:assert/strict';
import type { TimelineEvent } from '../../harness/config/scenario.ts';
import type { FailureWindow, Recovery, TimelineBucket, TimelineEventRecord, TimelineResult } from '../../harness/report/schema.ts';
import { causePollMs, describePlanned, fixtureEffect, plannedEffect } from '../../harness/runner/run-timeline.ts';
import { bucketFails, endedIn, failureWindows, recoveries, summarizeTimeline } from '../../harness/stats/timeline.ts';
import { frozenReport } from '../helpers/frozen-reports.ts';

/** Buckets of 100 ms, judged at a 1 % criterion, in every hand-built case below. */
const MS = 100;
const RATIO = 0.01;

/**
 * The bucket starting at `t` with `ok` 200s and `failed` generated 502s, its failures spanning
 * `span` ([first, last], inside the bucket; by default its start and its end − 1).
 */
function b(t: number, ok: number, failed = 0, span?: [number, number], causes: Record<string, number> = {}): TimelineBucket {
  const status: Record<string, number> = {};
  if (ok > 0) status['200'] = ok;
  if (failed > 0) status['502'] = failed;
  const [first, last] = failed === 0 ? [null, null] : span ?? [t, t + MS - 1];
  return { t, sent: ok + failed, ok, failures: failed, firstFailureAt: first, lastFailureAt: last, status, errors: {}, causes };
}

/** `n` buckets from `t`, all ok (10 answers each) or all failing (10 failures each, from start to end − 1). */
function run(t: number, n: number, failing: boolean): TimelineBucket[] {
  return Array.from({ length: n }, (_, i) => (failing ? b(t + i * MS, 0, 10) : b(t + i * MS, 10)));
}

function event(t: number, what: string, effect: TimelineEventRecord['effect']): TimelineEventRecord {
  return { t, what, detail: '', planned: true, effect };
}
const stop = (t: number): TimelineEventRecord => event(t, 'stop-upstream', 'fault');
const start = (t: number): TimelineEventRecord => event(t, 'start-upstream', 'recovery');

describe('bucketFails', () => {
  const cases: { name: string; bucket: TimelineBucket; fails: boolean }[] = [
    { name: 'an empty bucket does not fail', bucket: b(0, 0), fails: false },
    { name: 'a bucket of answers without failures does not fail', bucket: b(0, 50), fails: false },
    { name: 'a bucket whose failures reach the ratio exactly fails (1 of 100 at 1 %)', bucket: b(0, 99, 1), fails: true },
    { name: 'a bucket just below the ratio does not fail (1 of 101 at 1 %)', bucket: b(0, 100, 1), fails: false },
    {
      name: 'client errors count among the requests that ended (1 failure of 100 answers + 1 error is below 1 %)',
      bucket: { ...b(0, 100), failures: 1, firstFailureAt: 5, lastFailureAt: 5, errors: { ECONNRESET: 1 } },
      fails: false,
    },
    {
      name: 'a bucket of lost requests only fails: they ended, with no answer',
      bucket: { ...b(0, 0), failures: 2, firstFailureAt: 5, lastFailureAt: 9, errors: { lost: 2 } },
      fails: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(bucketFails(c.bucket, RATIO), c.fails);
    });
  }

  it('counts every answer and every client error as ended', () => {
    assert.equal(endedIn({ ...b(0, 7, 3), status: { '200': 7, '502': 3, '503': 2 }, errors: { lost: 1, ETIMEDOUT: 4 } }), 17);
  });
});

describe('failureWindows', () => {
  const cases: { name: string; buckets: TimelineBucket[]; windows: FailureWindow[] }[] = [
    { name: 'no bucket, no window', buckets: [], windows: [] },
    { name: 'buckets without failures make no window', buckets: run(0, 4, false), windows: [] },
    {
      name: 'one run of failing buckets is one window, from its first failure to its last',
      buckets: [b(0, 10), b(100, 5, 5, [130, 190], { upstream_refused: 5 }), b(200, 0, 10, [200, 290], { upstream_refused: 10 }), b(300, 10)],
      windows: [{ start: 130, end: 290, failures: 15, dominantCause: 'upstream_refused' }],
    },
    {
      name: 'a bucket that does not fail between two runs makes two windows',
      buckets: [b(0, 0, 10, [0, 90]), b(100, 10), b(200, 0, 4, [210, 250]), b(300, 0, 6, [300, 340])],
      windows: [
        { start: 0, end: 90, failures: 10, dominantCause: null },
        { start: 210, end: 340, failures: 10, dominantCause: null },
      ],
    },
    {
      name: 'a bucket below the criterion splits a run, and its own failures are in no window',
      buckets: [b(0, 0, 10, [0, 90]), b(100, 199, 1, [150, 150]), b(200, 0, 10, [200, 290])],
      windows: [
        { start: 0, end: 90, failures: 10, dominantCause: null },
        { start: 200, end: 290, failures: 10, dominantCause: null },
      ],
    },
    {
      name: 'a run that reaches the last bucket is closed at the end',
      buckets: [b(0, 10), b(100, 0, 10, [100, 199])],
      windows: [{ start: 100, end: 199, failures: 10, dominantCause: null }],
    },
    {
      name: "the dominant cause is the largest over the whole window's buckets, not the first bucket's",
      buckets: [b(0, 0, 5, [0, 90], { upstream_closed: 5 }), b(100, 0, 4, [100, 190], { upstream_refused: 3, upstream_closed: 1 }), b(200, 0, 4, [200, 290], { upstream_refused: 4 })],
      windows: [{ start: 0, end: 290, failures: 13, dominantCause: 'upstream_refused' }],
    },
    {
      name: 'a tie between causes goes to the first by name',
      buckets: [b(0, 0, 4, [0, 90], { upstream_reset: 2, upstream_closed: 2 })],
      windows: [{ start: 0, end: 90, failures: 4, dominantCause: 'upstream_closed' }],
    },
    {
      name: 'causes counted in a bucket that does not fail are not the window’s',
      buckets: [b(0, 0, 4, [0, 90], { upstream_refused: 4 }), b(100, 10, 0, undefined, { upstream_closed: 9 })],
      windows: [{ start: 0, end: 90, failures: 4, dominantCause: 'upstream_refused' }],
    },
    {
      name: 'without failure times (a hand-edited report), a window spans its buckets',
      buckets: [{ ...b(200, 0, 10), firstFailureAt: null, lastFailureAt: null }, { ...b(300, 0, 10), firstFailureAt: null, lastFailureAt: null }],
      windows: [{ start: 200, end: 400, failures: 20, dominantCause: null }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(failureWindows(c.buckets, MS, RATIO), c.windows);
    });
  }

  it('applies the criterion ratio it is given: 5 failures of 10 fail at 50 % and not above', () => {
    const buckets = [b(0, 5, 5, [10, 20])];
    assert.equal(failureWindows(buckets, MS, 0.5).length, 1);
    assert.equal(failureWindows(buckets, MS, 0.51).length, 0);
  });
});

describe('recoveries', () => {
  /** 0–1000 ms: ok until the stop at 300, failing to 600, then as `after` says. */
  const outage = (after: TimelineBucket[]): TimelineBucket[] => [...run(0, 3, false), ...run(300, 3, true), ...after];
  const cases: { name: string; buckets: TimelineBucket[]; events: TimelineEventRecord[]; recoveries: Recovery[] }[] = [
    {
      name: 'is 0 when no failure comes after the event',
      buckets: outage(run(600, 4, false)),
      events: [stop(300), start(600)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: 0 }],
    },
    {
      name: 'is the time from the event to the last failure of its failing buckets',
      buckets: outage([b(600, 6, 4, [600, 603]), ...run(700, 3, false)]),
      events: [stop(300), start(600)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: 3 }],
    },
    {
      name: 'counts to the last failure even when a later failing bucket follows a clean one',
      buckets: outage([b(600, 6, 4, [600, 650]), b(700, 10), b(800, 5, 5, [810, 820]), b(900, 10)]),
      events: [stop(300), start(600)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: 220 }],
    },
    {
      name: "is 0 when the event's bucket failed only before the event",
      buckets: outage([b(600, 6, 4, [600, 640]), ...run(700, 3, false)]),
      events: [stop(300), start(650)],
      recoveries: [{ what: 'start-upstream', t: 650, recoveredAfterMs: 0 }],
    },
    {
      name: 'ignores failures in buckets below the criterion',
      buckets: outage([b(600, 6, 4, [600, 620]), b(700, 199, 1, [750, 750]), ...run(800, 2, false)]),
      events: [stop(300), start(600)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: 20 }],
    },
    {
      name: 'is null when the failures last to the end of the run',
      buckets: outage(run(600, 4, true)),
      events: [stop(300), start(600)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: null }],
    },
    {
      name: 'is null when the last bucket before the next fault still fails',
      buckets: outage(run(600, 4, true)),
      events: [stop(300), start(600), stop(800)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: null }],
    },
    {
      name: "stops at the next fault: that fault's failures are not this recovery's",
      buckets: outage([b(600, 6, 4, [600, 620]), b(700, 10), ...run(800, 2, true)]),
      events: [stop(300), start(600), stop(800)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: 20 }],
    },
    {
      name: 'keeps the bucket that ends exactly at the next fault',
      buckets: outage([b(600, 10), b(700, 6, 4, [700, 799]), b(800, 0, 10, [800, 899]), b(900, 10)]),
      events: [stop(300), start(600), stop(800)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: null }],
    },
    {
      name: 'leaves out the bucket the next fault falls in',
      buckets: outage([b(600, 6, 4, [600, 620]), b(700, 10), b(800, 0, 10, [800, 899]), b(900, 10)]),
      events: [stop(300), start(600), stop(850)],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: 20 }],
    },
    {
      name: 'is null when the next fault comes within the bucket of the recovery',
      buckets: outage(run(600, 4, false)),
      events: [stop(300), start(610), stop(650)],
      recoveries: [{ what: 'start-upstream', t: 610, recoveredAfterMs: null }],
    },
    {
      name: 'treats a fault at the same time as the recovery as before it, not as the next one',
      buckets: outage([b(600, 6, 4, [600, 605]), ...run(700, 3, false)]),
      events: [stop(300), start(600), event(600, 'upstream-crashed', 'fault')],
      recoveries: [{ what: 'start-upstream', t: 600, recoveredAfterMs: 5 }],
    },
    {
      name: 'gives one recovery per recovery event, each bounded by its own next fault',
      buckets: [
        ...run(0, 2, false), ...run(200, 2, true), b(400, 8, 2, [400, 430]), b(500, 10),
        ...run(600, 2, true), b(800, 10), b(900, 10),
      ],
      events: [
        event(200, 'upstream-crashed', 'fault'), event(400, 'upstream-restarted', 'recovery'),
        event(410, 'upstream-stopping', null),
        event(600, 'upstream-crashed', 'fault'), event(800, 'upstream-restarted', 'recovery'),
      ],
      recoveries: [
        { what: 'upstream-restarted', t: 400, recoveredAfterMs: 30 },
        { what: 'upstream-restarted', t: 800, recoveredAfterMs: 0 },
      ],
    },
    { name: 'is empty without a recovery event', buckets: outage(run(600, 4, false)), events: [stop(300)], recoveries: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(recoveries(c.buckets, c.events, MS, RATIO), c.recoveries);
    });
  }

  it('rounds a recovery to whole ms', () => {
    const buckets = outage([b(600, 6, 4, [600, 603]), ...run(700, 3, false)]);
    assert.deepEqual(recoveries(buckets, [stop(300), start(600.4)], MS, RATIO), [{ what: 'start-upstream', t: 600.4, recoveredAfterMs: 3 }]);
  });
});

describe('summarizeTimeline', () => {
  const health = {
    latencyMs: { ok: null, failed: null },
    generator: { cpu: 0.2, eventLoopDelayP99Ms: 3, eventLoopDelayMaxMs: 20, sendLagP99Ms: 5 },
    valid: true,
    invalidReason: null,
  } satisfies Pick<TimelineResult, 'latencyMs' | 'generator' | 'valid' | 'invalidReason'>;

  it('totals what was sent, answered ok and failed over every bucket', () => {
    const buckets = [b(0, 10), { ...b(100, 3, 5, [100, 150]), sent: 9, errors: { lost: 1 }, failures: 6 }, b(200, 7)];
    const result = summarizeTimeline({ offered: 100, durationMs: 300, bucketMs: MS, failureRatio: RATIO, buckets, events: [], ...health });
    assert.deepEqual(result.totals, { sent: 26, ok: 20, failures: 6 });
  });

  it('sorts the events by time, so a recovery ends at the nearest next fault whatever the given order', () => {
    // Stopped at 300, started at 600, stopped again at 700 (and at 900): the recovery at 600 is
    // judged on its bucket alone, which is clean; bounded by the stop at 900 instead it would not be.
    const buckets = [...run(0, 3, false), ...run(300, 3, true), b(600, 10), ...run(700, 2, true), b(900, 10)];
    const events = [start(600), stop(900), stop(700), stop(300)];
    const result = summarizeTimeline({ offered: 100, durationMs: 1000, bucketMs: MS, failureRatio: RATIO, buckets, events, ...health });
    assert.deepEqual(result.events.map((e) => e.t), [300, 600, 700, 900]);
    assert.deepEqual(result.windows, [
      { start: 300, end: 599, failures: 30, dominantCause: null },
      { start: 700, end: 899, failures: 20, dominantCause: null },
    ]);
    assert.deepEqual(result.recoveries, [{ what: 'start-upstream', t: 600, recoveredAfterMs: 0 }]);
  });

  it('leaves the events it was given in their order', () => {
    const events = [start(600), stop(300)];
    summarizeTimeline({ offered: 100, durationMs: 1000, bucketMs: MS, failureRatio: RATIO, buckets: [], events, ...health });
    assert.deepEqual(events.map((e) => e.t), [600, 300]);
  });

  it('carries the load, the duration, the buckets and the client health through', () => {
    const buckets = [b(0, 10)];
    const result = summarizeTimeline({ offered: 8, durationMs: 100, bucketMs: MS, failureRatio: RATIO, buckets, events: [], ...health, valid: false, invalidReason: 'the generator lagged' });
    assert.deepEqual(result, {
      offered: 8, durationMs: 100, bucketMs: MS, buckets, events: [], windows: [], recoveries: [],
      totals: { sent: 10, ok: 10, failures: 0 },
      ...health, valid: false, invalidReason: 'the generator lagged',
    });
  });

  for (const name of ['timeline-maintenance', 'timeline-crash']) {
    it(`measures the frozen ${name}.json again to the same windows, recoveries and totals`, () => {
      const report = frozenReport(name);
      const timeline = report.timeline;
      assert.ok(timeline !== undefined);
      const { windows, recoveries: recovered, totals, ...rest } = timeline;
      const again = summarizeTimeline({ ...rest, failureRatio: report.scenario.parameters.criterion.failureRatio });
      assert.deepEqual({ windows: again.windows, recoveries: again.recoveries, totals: again.totals }, { windows, recoveries: recovered, totals });
    });
  }
});

describe("the timeline runner's pure helpers", () => {
  const polls: [number, number][] = [[50, 20], [100, 20], [250, 50], [500, 100], [1000, 200], [60_000, 200]];
  for (const [bucketMs, pollMs] of polls) {
    it(`reads the gateway's causes every ${pollMs} ms with ${bucketMs} ms buckets (a fifth, within 20–200)`, () => {
      assert.equal(causePollMs(bucketMs), pollMs);
    });
  }

  const planned: { event: TimelineEvent; effect: TimelineEventRecord['effect']; words: string }[] = [
    { event: { atMs: 1, action: 'stop-upstream' }, effect: 'fault', words: 'for maintenance, the upstream takes no new connection and finishes what it holds' },
    { event: { atMs: 1, action: 'start-upstream' }, effect: 'recovery', words: 'the upstream starts again on its port' },
    { event: { atMs: 1, action: 'set-dns', address: '127.0.0.2' }, effect: 'fault', words: 'the record moves to 127.0.0.2, where nothing listens' },
    { event: { atMs: 1, action: 'set-dns', address: '127.0.0.1' }, effect: 'recovery', words: 'the record points back at the upstream (127.0.0.1)' },
    { event: { atMs: 1, action: 'set-dns', address: null }, effect: 'fault', words: 'the record is removed (NXDOMAIN)' },
  ];
  for (const { event: e, effect, words } of planned) {
    const name = e.action === 'set-dns' ? `set-dns to ${String(e.address)}` : e.action;
    it(`calls ${name} a ${String(effect)} and says "${words}" (upstream at 127.0.0.1)`, () => {
      assert.equal(plannedEffect(e, '127.0.0.1'), effect);
      assert.equal(describePlanned(e, '127.0.0.1'), words);
    });
  }

  it('calls a crash a fault, a restart a recovery and any other fixture event neither', () => {
    const effects = ['upstream-crashed', 'upstream-restarted', 'upstream-stopped', 'dns-answer'].map((what) => fixtureEffect({ what, detail: '' }));
    assert.deepEqual(effects, ['fault', 'recovery', null, null]);
  });
});
