import assert from 'node:assert/strict';
import type { Expectation } from '../../harness/config/scenario.ts';
import { evaluateExpectations, type ExpectationInput } from '../../harness/report/expectations.ts';
import type { FailureWindow, Recovery, Report, TimelineBucket } from '../../harness/report/schema.ts';
import { frozenReport } from '../helpers/frozen-reports.ts';

/** The expectations' input from a report, as the runner builds it for a timeline. */
function inputOf(report: Report): ExpectationInput {
  assert.ok(report.timeline !== undefined, 'a timeline report');
  return { onset: null, causes: report.causes, steps: [], unit: report.unit, timeline: report.timeline };
}

const maintenance = inputOf(frozenReport('timeline-maintenance'));
const crash = inputOf(frozenReport('timeline-crash'));

/** The maintenance run with some of its timeline replaced. */
function timeline(changes: Partial<NonNullable<ExpectationInput['timeline']>>): ExpectationInput {
  const base = maintenance.timeline;
  assert.ok(base !== undefined);
  return { ...maintenance, timeline: { ...base, ...changes } };
}

const window = (start: number, end: number): FailureWindow => ({ start, end, failures: 10, dominantCause: 'upstream_refused' });
const recovery = (t: number, recoveredAfterMs: number | null, what = 'start-upstream'): Recovery => ({ what, t, recoveredAfterMs });
const bucket = (t: number, failures = 0): TimelineBucket => ({
  t, sent: 200, ok: 200 - failures, failures, firstFailureAt: failures > 0 ? t + 1 : null, lastFailureAt: failures > 0 ? t + 2 : null,
  status: failures > 0 ? { '200': 200 - failures, '502': failures } : { '200': 200 }, errors: {}, causes: {},
});

/** The one result of one expectation. */
function judge(expectation: Expectation, input: ExpectationInput): ReturnType<typeof evaluateExpectations>[number] {
  const [result] = evaluateExpectations([expectation], input);
  assert.ok(result !== undefined);
  return result;
}

describe('evaluateExpectations on a timeline', () => {
  describe('recoveryWithinMs', () => {
    it('passes when the failures stopped within the limit after every recovery (the frozen maintenance run)', () => {
      assert.deepEqual(judge({ recoveryWithinMs: 500 }, maintenance), {
        description: 'failures stop within 500 ms of each recovery', passed: true, actual: 'last failure 3 ms after start-upstream at 6.00 s',
      });
    });

    it('fails when a recovery took longer than the limit', () => {
      assert.deepEqual(judge({ recoveryWithinMs: 2 }, maintenance), {
        description: 'failures stop within 2.00 ms of each recovery', passed: false, actual: 'last failure 3 ms after start-upstream at 6.00 s',
      });
    });

    it('passes at the limit itself', () => {
      assert.equal(judge({ recoveryWithinMs: 3 }, maintenance).passed, true);
    });

    it('says "no failure after" each recovery that had none (the frozen crash run)', () => {
      assert.deepEqual(judge({ recoveryWithinMs: 0 }, crash), {
        description: 'failures stop within 0.00 ms of each recovery',
        passed: true,
        actual: 'no failure after upstream-restarted at 1.95 s; no failure after upstream-restarted at 3.65 s; no failure after upstream-restarted at 7.45 s',
      });
    });

    it('fails when any recovery never stopped failing, however generous the limit', () => {
      const input = timeline({ recoveries: [recovery(2000, 1234), recovery(6000, null)] });
      assert.deepEqual(judge({ recoveryWithinMs: 60_000 }, input), {
        description: 'failures stop within 60,000 ms of each recovery',
        passed: false,
        actual: 'last failure 1,234 ms after start-upstream at 2.00 s; still failing after start-upstream at 6.00 s',
      });
    });

    it('fails when one recovery of several took too long', () => {
      const input = timeline({ recoveries: [recovery(2000, 100), recovery(6000, 900)] });
      assert.equal(judge({ recoveryWithinMs: 500 }, input).passed, false);
    });

    it('fails without a recovery event: there is nothing to have recovered from', () => {
      assert.deepEqual(judge({ recoveryWithinMs: 500 }, timeline({ recoveries: [] })), {
        description: 'failures stop within 500 ms of each recovery', passed: false, actual: 'no recovery event in the run',
      });
    });
  });

  describe('failureWindows', () => {
    it('passes exactly one window with its span (the frozen maintenance run)', () => {
      assert.deepEqual(judge({ failureWindows: { min: 1, max: 1 } }, maintenance), {
        description: 'exactly 1 failure window', passed: true, actual: '1: 3.01 s–6.00 s',
      });
    });

    it('passes at least two windows, listing each span (the frozen crash run)', () => {
      assert.deepEqual(judge({ failureWindows: { min: 2 } }, crash), {
        description: 'at least 2 failure windows', passed: true, actual: '3: 0.95 s–1.95 s, 2.66 s–3.64 s, 6.45 s–7.42 s',
      });
    });

    it('fails more windows than the range allows', () => {
      assert.deepEqual(judge({ failureWindows: { min: 1, max: 2 } }, crash), {
        description: '1 to 2 failure windows', passed: false, actual: '3: 0.95 s–1.95 s, 2.66 s–3.64 s, 6.45 s–7.42 s',
      });
    });

    it('fails fewer windows than the minimum, in the singular for one', () => {
      assert.deepEqual(judge({ failureWindows: { min: 1 } }, timeline({ windows: [] })), {
        description: 'at least 1 failure window', passed: false, actual: 'no failure window',
      });
    });

    it('passes no window when none is expected', () => {
      assert.deepEqual(judge({ failureWindows: { min: 0, max: 0 } }, timeline({ windows: [] })), {
        description: 'exactly 0 failure windows', passed: true, actual: 'no failure window',
      });
    });

    it('lists the first five spans and counts the rest', () => {
      const windows = Array.from({ length: 7 }, (_, i) => window(i * 1000, i * 1000 + 500));
      assert.deepEqual(judge({ failureWindows: { min: 7, max: 7 } }, timeline({ windows })), {
        description: 'exactly 7 failure windows',
        passed: true,
        actual: '7: 0.00 s–0.50 s, 1.00 s–1.50 s, 2.00 s–2.50 s, 3.00 s–3.50 s, 4.00 s–4.50 s, and 2 more',
      });
    });
  });

  describe('noFailuresBeforeMs', () => {
    it('passes when no bucket that begins before then had a failure before then (the frozen maintenance run)', () => {
      assert.deepEqual(judge({ noFailuresBeforeMs: 3000 }, maintenance), {
        description: 'no failure before 3.00 s', passed: true, actual: 'none in 12 buckets',
      });
    });

    it('fails naming the time of the first failure, even inside a bucket that has not ended by then', () => {
      assert.deepEqual(judge({ noFailuresBeforeMs: 3250 }, maintenance), {
        description: 'no failure before 3.25 s', passed: false, actual: 'the first at 3.01 s',
      });
    });

    // The bucket from 3.00 s has its first failure at 3014 ms: the judgement is to the millisecond,
    // not by whole buckets, and a failure exactly at the time is not before it.
    for (const [before, expected] of [
      [3014, { description: 'no failure before 3.01 s', passed: true, actual: 'none in 13 buckets' }],
      [3015, { description: 'no failure before 3.02 s', passed: false, actual: 'the first at 3.01 s' }],
    ] as const) {
      it(`${expected.passed ? 'passes' : 'fails'} at ${before} ms when the first failure of a bucket came at 3014 ms`, () => {
        assert.deepEqual(judge({ noFailuresBeforeMs: before }, maintenance), expected);
      });
    }

    it('fails on a single failure, even in a bucket below the criterion', () => {
      const input = timeline({ buckets: [bucket(0), bucket(250, 1), bucket(500)] });
      assert.deepEqual(judge({ noFailuresBeforeMs: 750 }, input), {
        description: 'no failure before 0.75 s', passed: false, actual: 'the first at 0.25 s',
      });
    });

    it('says "1 bucket" in the singular, judging a bucket that began before then and had no failure', () => {
      assert.deepEqual(judge({ noFailuresBeforeMs: 250 }, timeline({ buckets: [bucket(0), bucket(250, 5)] })), {
        description: 'no failure before 0.25 s', passed: true, actual: 'none in 1 bucket',
      });
      assert.deepEqual(judge({ noFailuresBeforeMs: 100 }, maintenance), {
        description: 'no failure before 0.10 s', passed: true, actual: 'none in 1 bucket',
      });
    });

    it('fails when no bucket began before then: no evidence is not a pass', () => {
      assert.deepEqual(judge({ noFailuresBeforeMs: 3000 }, timeline({ buckets: [] })), {
        description: 'no failure before 3.00 s', passed: false, actual: 'no bucket began before 3.00 s',
      });
      assert.deepEqual(judge({ noFailuresBeforeMs: 0 }, maintenance), {
        description: 'no failure before 0.00 s', passed: false, actual: 'no bucket began before 0.00 s',
      });
    });
  });

  it('fails each timeline expectation outside a timeline run, with the same description', () => {
    const notTimeline: ExpectationInput = { onset: null, causes: {}, steps: [], unit: 'rps' };
    const expect: Expectation[] = [{ recoveryWithinMs: 500 }, { failureWindows: { min: 1, max: 1 } }, { noFailuresBeforeMs: 3000 }];
    assert.deepEqual(evaluateExpectations(expect, notTimeline), [
      { description: 'failures stop within 500 ms of each recovery', passed: false, actual: 'not a timeline run' },
      { description: 'exactly 1 failure window', passed: false, actual: 'not a timeline run' },
      { description: 'no failure before 3.00 s', passed: false, actual: 'not a timeline run' },
    ]);
  });

  it('gives the same results the frozen reports recorded', () => {
    for (const name of ['timeline-maintenance', 'timeline-crash']) {
      const report = frozenReport(name);
      assert.deepEqual(evaluateExpectations(report.scenario.parameters.expect, inputOf(report)), report.expectations, name);
    }
  });
});
