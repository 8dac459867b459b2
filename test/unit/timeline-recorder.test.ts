import assert from 'node:assert/strict';
import type { TimelineBucket } from '../../harness/report/schema.ts';
import { TimelineRecorder } from '../../harness/stats/timeline-recorder.ts';

/** A recorder of 250 ms buckets judged on [502], on a clock the test sets by hand; with `durationMs`, a load that long. */
function recorder(statuses: readonly number[] = [502], durationMs?: number): { timeline: TimelineRecorder; at: (ms: number) => void } {
  let now = 0;
  const timeline = durationMs === undefined ? new TimelineRecorder(250, statuses, () => now) : new TimelineRecorder(250, statuses, () => now, durationMs);
  return { timeline, at: (ms) => { now = ms; } };
}

/** An empty bucket starting at `t`, with `changes` on top. */
function bucket(t: number, changes: Partial<TimelineBucket> = {}): TimelineBucket {
  return { t, sent: 0, ok: 0, failures: 0, firstFailureAt: null, lastFailureAt: null, status: {}, errors: {}, causes: {}, ...changes };
}

describe('TimelineRecorder', () => {
  it('has no bucket before anything happened', () => {
    assert.deepEqual(recorder().timeline.buckets(), []);
  });

  const placements: { at: number; index: number }[] = [
    { at: 0, index: 0 },
    { at: 249.9, index: 0 },
    { at: 250, index: 1 },
    { at: 1000, index: 4 },
    { at: 1249, index: 4 },
    // A clock read a hair before the load started still counts in the first bucket.
    { at: -3, index: 0 },
  ];
  for (const { at: ms, index } of placements) {
    it(`puts a request sent at ${ms} ms into bucket ${index} (floor(t / 250), never below 0)`, () => {
      const { timeline, at } = recorder();
      at(ms);
      timeline.sent();
      const buckets = timeline.buckets();
      assert.equal(buckets.length, index + 1);
      assert.deepEqual(buckets.map((b) => b.sent), [...Array<number>(index).fill(0), 1]);
    });
  }

  it('creates the empty buckets between two outcomes, each starting at its index × bucketMs', () => {
    const { timeline, at } = recorder();
    at(10);
    timeline.sent();
    at(800);
    timeline.answered(200, 'unmarked');
    assert.deepEqual(timeline.buckets(), [
      bucket(0, { sent: 1 }),
      bucket(250),
      bucket(500),
      bucket(750, { ok: 1, status: { '200': 1 } }),
    ]);
  });

  it('counts every 2xx as ok and every answer by its status', () => {
    const { timeline } = recorder();
    for (const status of [200, 204, 299, 300, 404, 200]) timeline.answered(status, 'unmarked');
    assert.deepEqual(timeline.buckets(), [bucket(0, { ok: 4, status: { '200': 2, '204': 1, '299': 1, '300': 1, '404': 1 } })]);
  });

  it('fails a gateway-generated criterion status, and not the same status passed through from the upstream', () => {
    const { timeline, at } = recorder([502]);
    at(100);
    timeline.answered(502, 'unmarked');
    assert.equal(timeline.buckets()[0]?.failures, 0);
    at(120);
    timeline.answered(502, 'gateway');
    assert.deepEqual(timeline.buckets(), [bucket(0, { failures: 1, firstFailureAt: 120, lastFailureAt: 120, status: { '502': 2 } })]);
  });

  it('behind a gateway that marks nothing, fails its unmarked criterion statuses and not the upstream’s own (countUnmarked)', () => {
    const timeline = new TimelineRecorder(250, [502, 503], () => 10, Number.POSITIVE_INFINITY, true);
    timeline.answered(502, 'unmarked');
    timeline.answered(503, 'unmarked');
    timeline.answered(503, 'upstream');
    timeline.answered(200, 'unmarked');
    assert.deepEqual(timeline.buckets(), [bucket(0, { sent: 0, ok: 1, failures: 2, firstFailureAt: 10, lastFailureAt: 10, status: { '502': 1, '503': 2, '200': 1 } })]);
  });

  it('does not fail a generated status the criterion does not name (a 503 when statuses is [502])', () => {
    const { timeline } = recorder([502]);
    timeline.answered(503, 'gateway');
    timeline.answered(503, 'unmarked');
    assert.deepEqual(timeline.buckets(), [bucket(0, { status: { '503': 2 } })]);
  });

  it('fails a generated 503 when the criterion names it (HAProxy and Envoy profiles)', () => {
    const { timeline } = recorder([502, 503]);
    timeline.answered(503, 'gateway');
    assert.equal(timeline.buckets()[0]?.failures, 1);
  });

  it('counts every client-side error as a failure, by its code', () => {
    const { timeline, at } = recorder();
    at(30);
    timeline.failed('ECONNRESET');
    at(40);
    timeline.failed('lost');
    at(50);
    timeline.failed('ECONNRESET');
    assert.deepEqual(timeline.buckets(), [bucket(0, { failures: 3, firstFailureAt: 30, lastFailureAt: 50, errors: { ECONNRESET: 2, lost: 1 } })]);
  });

  it('keeps the first and the last failure of each bucket, rounded to whole ms', () => {
    const { timeline, at } = recorder();
    for (const ms of [260.4, 270, 499.4, 510.5]) {
      at(ms);
      timeline.answered(502, 'gateway');
    }
    const [first, second, third] = timeline.buckets();
    assert.deepEqual(first, bucket(0));
    assert.deepEqual([second?.firstFailureAt, second?.lastFailureAt, second?.failures], [260, 499, 3]);
    assert.deepEqual([third?.firstFailureAt, third?.lastFailureAt, third?.failures], [511, 511, 1]);
  });

  it('retracts a failure from the current bucket: the error and the failure both go', () => {
    const { timeline, at } = recorder();
    at(10);
    timeline.failed('lost');
    timeline.failed('lost');
    timeline.retract('lost');
    assert.deepEqual(timeline.buckets(), [bucket(0, { failures: 1, firstFailureAt: 10, lastFailureAt: 10, errors: { lost: 1 } })]);
    timeline.retract('lost');
    // The code is removed, not left at 0: a bucket's errors list only what happened.
    assert.deepEqual(timeline.buckets()[0]?.errors, {});
    assert.equal(timeline.buckets()[0]?.failures, 0);
  });

  it('retracts from the latest bucket that has the code, not from the current one', () => {
    const { timeline, at } = recorder();
    at(100);
    timeline.failed('lost');
    at(400);
    timeline.failed('lost');
    at(900);
    timeline.failed('ETIMEDOUT');
    timeline.retract('lost');
    const buckets = timeline.buckets();
    assert.deepEqual(buckets.map((b) => b.errors), [{ lost: 1 }, {}, {}, { ETIMEDOUT: 1 }]);
    assert.deepEqual(buckets.map((b) => b.failures), [1, 0, 0, 1]);
  });

  it('does nothing when no bucket has the code to retract', () => {
    const { timeline, at } = recorder();
    at(300);
    timeline.failed('ECONNRESET');
    const before = timeline.buckets();
    timeline.retract('lost');
    assert.deepEqual(timeline.buckets(), before);
  });

  it('adds the gateway causes to the bucket of now, summing what each poll brought', () => {
    const { timeline, at } = recorder();
    at(100);
    timeline.addCauses({ upstream_refused: 3 });
    at(600);
    timeline.addCauses({ upstream_refused: 2, upstream_closed: 1 });
    at(700);
    timeline.addCauses({ upstream_refused: 4 });
    assert.deepEqual(timeline.buckets().map((b) => b.causes), [{ upstream_refused: 3 }, {}, { upstream_refused: 6, upstream_closed: 1 }]);
  });

  describe('with the duration of the load', () => {
    const tail: { durationMs: number; at: number; index: number }[] = [
      { durationMs: 1000, at: 999, index: 3 },
      // At the end and after it: the answers in the tail count in the last bucket, 750–1000 ms.
      { durationMs: 1000, at: 1000, index: 3 },
      { durationMs: 1000, at: 6000, index: 3 },
      // A duration that is not a whole number of buckets: the last bucket, 1000–1100 ms, is short.
      { durationMs: 1100, at: 1000, index: 4 },
      { durationMs: 1100, at: 1400, index: 4 },
      // No bucket is made for a duration shorter than one bucket but the first.
      { durationMs: 100, at: 700, index: 0 },
    ];
    for (const { durationMs, at: ms, index } of tail) {
      it(`puts a request sent at ${ms} ms of a ${durationMs} ms load into bucket ${index}`, () => {
        const { timeline, at } = recorder([502], durationMs);
        at(ms);
        timeline.sent();
        assert.deepEqual(timeline.buckets().map((b) => b.sent), [...Array<number>(index).fill(0), 1]);
      });
    }

    it('counts every outcome after the end in the last bucket, keeping the true time of its failures', () => {
      const { timeline, at } = recorder([502], 1000);
      at(800);
      timeline.sent();
      at(1020);
      timeline.answered(200, 'unmarked');
      at(1300);
      timeline.answered(502, 'gateway');
      at(2500);
      timeline.failed('lost');
      timeline.addCauses({ upstream_refused: 1 });
      assert.deepEqual(timeline.buckets(), [
        bucket(0),
        bucket(250),
        bucket(500),
        bucket(750, { sent: 1, ok: 1, failures: 2, firstFailureAt: 1300, lastFailureAt: 2500, status: { '200': 1, '502': 1 }, errors: { lost: 1 }, causes: { upstream_refused: 1 } }),
      ]);
    });

    it('retracts a failure from after the end out of the last bucket', () => {
      const { timeline, at } = recorder([502], 500);
      at(3000);
      timeline.failed('lost');
      timeline.retract('lost');
      assert.deepEqual(timeline.buckets().map((b) => [b.t, b.failures, b.errors]), [[0, 0, {}], [250, 0, {}]]);
    });

    it('makes a bucket of its own after the end without the duration', () => {
      const { timeline, at } = recorder();
      at(1000);
      timeline.sent();
      assert.equal(timeline.buckets().length, 5);
    });
  });

  it('returns copies: changing what buckets() gave changes nothing recorded', () => {
    const { timeline } = recorder();
    timeline.answered(502, 'gateway');
    timeline.failed('lost');
    timeline.addCauses({ upstream_refused: 1 });
    const given = timeline.buckets();
    const copy = given[0];
    assert.ok(copy !== undefined);
    copy.sent = 99;
    copy.failures = 99;
    copy.status['502'] = 99;
    copy.errors.lost = 99;
    copy.causes.upstream_refused = 99;
    given.push(bucket(250));
    assert.deepEqual(timeline.buckets(), [
      bucket(0, { failures: 2, firstFailureAt: 0, lastFailureAt: 0, status: { '502': 1 }, errors: { lost: 1 }, causes: { upstream_refused: 1 } }),
    ]);
  });
});
