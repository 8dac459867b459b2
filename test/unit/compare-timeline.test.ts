import assert from 'node:assert/strict';
import { assertComparable, comparisonPasses } from '../../harness/report/compare.ts';
import { failureShare, worstRecoveryMs } from '../../harness/report/compare-timeline.ts';
import type { MetricComparison } from '../../harness/report/comparison.ts';
import type { Recovery, Report, TimelineResult } from '../../harness/report/schema.ts';
import { frozenReport } from '../helpers/frozen-reports.ts';
import { metric, run } from '../helpers/comparison.ts';
import { thrown } from '../helpers/rejection.ts';

/** 601 of 1,800 requests failed in 37 buckets of 250 ms; one recovery, 3 ms after start-upstream. */
const maintenance = frozenReport('timeline-maintenance');
/** Three crashes, each recovered with no failure after the restart. */
const crash = frozenReport('timeline-crash');
const closedOnset = frozenReport('closed-onset');

/** The maintenance timeline, with some fields replaced. */
function timeline(changes: Partial<TimelineResult> = {}): TimelineResult {
  assert.ok(maintenance.timeline !== undefined, 'the frozen report has a timeline');
  return { ...structuredClone(maintenance.timeline), ...changes };
}

/** The maintenance report with some of its timeline replaced. */
function withTimeline(changes: Partial<TimelineResult>): Report {
  return { ...structuredClone(maintenance), timeline: timeline(changes) };
}

/** The maintenance report with `failures` of its 1,800 requests failed. */
function failing(failures: number): Report {
  return withTimeline({ totals: { sent: 1800, ok: 1800 - failures, failures } });
}

/** The maintenance report whose only recovery took `ms` (null: never). */
function recovering(ms: number | null): Report {
  return withTimeline({ recoveries: [recovery(6000, ms)] });
}

const recovery = (t: number, recoveredAfterMs: number | null): Recovery => ({ what: 'start-upstream', t, recoveredAfterMs });


describe('failureShare', () => {
  const cases: [string, TimelineResult | undefined, number | null][] = [
    ['is failed ÷ sent over the whole timeline (the frozen maintenance run: 601 of 1,800)', maintenance.timeline, 601 / 1800],
    ['is 0 when nothing failed', timeline({ totals: { sent: 1800, ok: 1800, failures: 0 } }), 0],
    ['is at most 1, even when more failures than requests were counted', timeline({ totals: { sent: 10, ok: 0, failures: 12 } }), 1],
    ['is null when nothing was sent, rather than dividing by 0', timeline({ totals: { sent: 0, ok: 0, failures: 0 } }), null],
    ['is null without a timeline', undefined, null],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.equal(failureShare(input), expected);
    });
  }
});

describe('worstRecoveryMs', () => {
  const cases: [string, TimelineResult | undefined, number | null][] = [
    ['is the one recovery of the frozen maintenance run, 3 ms', maintenance.timeline, 3],
    ['is the largest of several recoveries', timeline({ recoveries: [recovery(2000, 0), recovery(4000, 1548), recovery(6000, 3)] }), 1548],
    ['is 0 when no request failed after any recovery (the frozen crash run)', crash.timeline, 0],
    ['is +∞ when one recovery never came, whatever the others took', timeline({ recoveries: [recovery(2000, 10), recovery(6000, null)] }), Number.POSITIVE_INFINITY],
    ['is null without a recovery event to measure from', timeline({ recoveries: [] }), null],
    ['is null without a timeline', undefined, null],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.equal(worstRecoveryMs(input), expected);
    });
  }
});

describe('compare on timelines', () => {
  for (const [name, report] of [['maintenance', maintenance], ['crash', crash]] as const) {
    it(`finds the frozen ${name} run unchanged against itself, on the share failed and the slowest recovery, with no warning`, () => {
      const comparison = run(report, report);
      assert.deepEqual(comparison.metrics.map((m) => [m.metric, m.verdict]), [['failureShare', 'unchanged'], ['recoveryMs', 'unchanged']]);
      assert.equal(comparison.regressed, false);
      assert.deepEqual(comparison.warnings, []);
      assert.ok(comparisonPasses(comparison));
    });
  }

  it('says why the maintenance run is unchanged against itself', () => {
    const comparison = run(maintenance, maintenance);
    assert.deepEqual(comparison.metrics.map((m) => m.reason), [
      'requests failed 33.4 % → 33.4 % of sent (0 %): the same in both runs.',
      'slowest recovery 3 ms → 3 ms (0 %): within 250 ms (the 5 % tolerance, at least one 250 ms bucket).',
    ]);
  });

  describe('the slowest recovery', () => {
    // A change is called beyond max(tolerance × baseline, one bucket): 250 ms here, or 5 % of a slow baseline.
    const cases: [baseline: number, current: number, verdict: MetricComparison['verdict'], why: string][] = [
      [3, 200, 'unchanged', 'within one 250 ms bucket, however large the share (+6,566.7 %)'],
      [3, 253, 'unchanged', 'exactly one bucket later'],
      [3, 254, 'regressed', 'just beyond one bucket'],
      [3, 400, 'regressed', 'beyond one bucket'],
      [400, 3, 'improved', 'beyond one bucket, the other way'],
      [200, 3, 'unchanged', 'within one bucket, the other way'],
      [0, 300, 'regressed', 'from no failure after the event to one beyond a bucket'],
      [10_000, 10_400, 'unchanged', 'beyond a bucket but within 5 % of a slow baseline (500 ms)'],
      [10_000, 10_600, 'regressed', 'beyond 5 % of a slow baseline'],
      [10_000, 9_400, 'improved', 'beyond 5 % of a slow baseline, the other way'],
    ];
    for (const [b, c, verdict, why] of cases) {
      it(`calls ${b} → ${c} ms ${verdict}: ${why}`, () => {
        const comparison = run(recovering(b), recovering(c));
        const recoveryMetric = metric(comparison, 'recoveryMs');
        assert.equal(recoveryMetric.verdict, verdict, recoveryMetric.reason);
        assert.deepEqual([recoveryMetric.baseline?.median, recoveryMetric.current?.median], [b, c]);
        assert.equal(comparison.regressed, verdict === 'regressed');
        assert.equal(metric(comparison, 'failureShare').verdict, 'unchanged');
      });
    }

    it('says the numbers, the change and the slack it used', () => {
      assert.equal(metric(run(maintenance, recovering(400)), 'recoveryMs').reason, 'slowest recovery 3 ms → 400 ms (+13,233.3 %): more than 250 ms apart (the 5 % tolerance, at least one 250 ms bucket).');
      assert.equal(metric(run(maintenance, recovering(200)), 'recoveryMs').reason, 'slowest recovery 3 ms → 200 ms (+6,566.7 %): within 250 ms (the 5 % tolerance, at least one 250 ms bucket).');
      assert.equal(metric(run(recovering(10_000), recovering(10_600)), 'recoveryMs').reason, 'slowest recovery 10,000 ms → 10,600 ms (+6.0 %): more than 500 ms apart (the 5 % tolerance, at least one 250 ms bucket).');
    });

    it('gives an improvement a negative change in its reason, not "< 0.01 %"', () => {
      const improved = metric(run(recovering(400), maintenance), 'recoveryMs');
      assert.equal(improved.change, -0.9925);
      assert.equal(improved.reason, 'slowest recovery 400 ms → 3 ms (−99.3 %): more than 250 ms apart (the 5 % tolerance, at least one 250 ms bucket).');
    });

    it('gives no change against a baseline of 0 ms, rather than dividing by 0', () => {
      const m = metric(run(recovering(0), recovering(300)), 'recoveryMs');
      assert.equal(m.change, null);
      assert.equal(m.reason, 'slowest recovery 0 ms → 300 ms: more than 250 ms apart (the 5 % tolerance, at least one 250 ms bucket).');
    });

    it('calls a current run that never recovered regressed against a baseline that did', () => {
      const comparison = run(maintenance, recovering(null));
      assert.deepEqual(metric(comparison, 'recoveryMs'), {
        metric: 'recoveryMs', label: 'slowest recovery', unit: 'ms', higherIsBetter: false,
        baseline: { low: 3, median: 3, high: 3, trials: 1 }, current: null, change: null,
        verdict: 'regressed', reason: 'slowest recovery 3 ms → never: the current run never recovered.',
      });
      assert.equal(comparison.regressed, true);
      assert.ok(!comparisonPasses(comparison));
    });

    it('calls a current run that recovered improved against a baseline that never did, and two that never did unchanged', () => {
      const improved = metric(run(recovering(null), maintenance), 'recoveryMs');
      assert.deepEqual([improved.verdict, improved.reason], ['improved', 'slowest recovery never → 3 ms: the current run recovered, the baseline never did.']);
      const neither = metric(run(recovering(null), recovering(null)), 'recoveryMs');
      assert.deepEqual([neither.verdict, neither.reason], ['unchanged', 'slowest recovery never → never: neither run recovered.']);
    });

    it('cannot tell without a recovery event in either run', () => {
      const none = withTimeline({ recoveries: [] });
      assert.deepEqual([metric(run(maintenance, none), 'recoveryMs').verdict, metric(run(maintenance, none), 'recoveryMs').reason], ['insufficient-data', 'slowest recovery: the current run has no recovery event to measure from.']);
      assert.equal(metric(run(none, maintenance), 'recoveryMs').reason, 'slowest recovery: the baseline has no recovery event to measure from.');
    });
  });

  describe('the share of requests failed', () => {
    // Baseline 601 of 1,800 (33.4 %) in 37 buckets: one bucket's share is 1/37 = 2.7 % of the requests.
    const cases: [failures: number, verdict: MetricComparison['verdict'], why: string][] = [
      [630, 'unchanged', '35.0 %: within the 5 % tolerance'],
      [639, 'unchanged', '35.5 %: beyond the tolerance (+6.3 %) but within one bucket (+2.1 points)'],
      [700, 'regressed', '38.9 %: beyond the tolerance and beyond one bucket'],
      [560, 'unchanged', '31.1 %: beyond the tolerance (−6.8 %) but within one bucket, the other way'],
      [500, 'improved', '27.8 %: beyond the tolerance and beyond one bucket, the other way'],
    ];
    for (const [failures, verdict, why] of cases) {
      it(`calls ${failures} of 1,800 failed ${verdict}: ${why}`, () => {
        const comparison = run(maintenance, failing(failures));
        const share = metric(comparison, 'failureShare');
        assert.equal(share.verdict, verdict, share.reason);
        assert.equal(share.current?.median, failures / 1800);
        assert.equal(comparison.regressed, verdict === 'regressed');
        assert.equal(metric(comparison, 'recoveryMs').verdict, 'unchanged');
      });
    }

    it('says when a change beyond the tolerance is within one bucket of requests', () => {
      assert.equal(
        metric(run(maintenance, failing(639)), 'failureShare').reason,
        "requests failed 33.4 % → 35.5 % of sent (+6.3 %): above the baseline by 6.3 %, more than the 5 % tolerance; but that is within one bucket's worth of requests (2.7 %), the timers' own noise.",
      );
      assert.equal(metric(run(maintenance, failing(630)), 'failureShare').reason, 'requests failed 33.4 % → 35.0 % of sent (+4.8 %): above the baseline by 4.8 %, within the 5 % tolerance.');
      assert.equal(metric(run(maintenance, failing(700)), 'failureShare').reason, 'requests failed 33.4 % → 38.9 % of sent (+16.5 %): above the baseline by 16.5 %, more than the 5 % tolerance.');
    });

    it('cannot tell when a run sent nothing', () => {
      const silent = withTimeline({ totals: { sent: 0, ok: 0, failures: 0 } });
      const m = metric(run(maintenance, silent), 'failureShare');
      assert.deepEqual([m.verdict, m.reason, m.current], ['insufficient-data', 'requests failed: the current run sent no request.', null]);
      assert.equal(metric(run(silent, maintenance), 'failureShare').reason, 'requests failed: the baseline sent no request.');
    });
  });

  describe('against a report of another kind', () => {
    const KIND = 'the kind of run differs: baseline.json has "a timeline", current.json has "an onset search or ramp"';

    it('refuses a ramp report (closed-onset.json) with a problem at path plan, among the other differences', () => {
      const error = thrown(() => assertComparable(maintenance, closedOnset, { baseline: 'baseline.json', current: 'current.json' }));
      assert.equal(error.code, 'REPORTS_INCOMPATIBLE');
      assert.deepEqual(error.problems.find((p) => p.path === 'plan'), { path: 'plan', message: KIND });
    });

    it('refuses it on the plan alone when the scenario, the model and the unit agree', () => {
      const ramp = structuredClone(closedOnset);
      ramp.scenario.name = maintenance.scenario.name;
      ramp.model = maintenance.model;
      ramp.unit = maintenance.unit;
      const error = thrown(() => run(maintenance, ramp));
      assert.equal(error.code, 'REPORTS_INCOMPATIBLE');
      assert.deepEqual(error.problems, [{ path: 'plan', message: KIND }]);
      assert.equal(error.message, 'baseline.json and current.json cannot be compared: they differ in plan.');
    });
  });
});
