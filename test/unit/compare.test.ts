import assert from 'node:assert/strict';
import { assertComparable, compare, formatChange, formatInterval, overallVerdict, parseTolerance } from '../../harness/report/compare.ts';
import type { Report } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';
import { metric, run } from '../helpers/comparison.ts';
import { thrown } from '../helpers/rejection.ts';

const closedOnset = fixture('closed-onset');
const closedTrials = fixture('closed-trials');
const closedWorkers3 = fixture('closed-trials-workers3');
const openOnset = fixture('open-onset');
const openWorkers3 = fixture('open-workers3');
/** no-onset-503.json's run under the default scenario's name: no onset up to 64 connections. */
const closedShed503 = fixture('closed-shed503');
const empty = fixture('empty');
const otherScenario = fixture('other-scenario');
/** The default scenario run with --target against an upstream fixture alone. */
const target = fixture('target-upstream');

const FIVE_PERCENT = { tolerance: 0.05 };


describe('compare', () => {
  const measured = { closedOnset, closedTrials, closedWorkers3, openOnset, openWorkers3, closedShed503 };

  for (const [name, report] of Object.entries(measured)) {
    it(`finds ${name} unchanged against itself on every metric, with no warning`, () => {
      const comparison = compare(report, report, FIVE_PERCENT);
      assert.deepEqual(comparison.metrics.map((m) => m.verdict), ['unchanged', 'unchanged', 'unchanged']);
      assert.equal(comparison.regressed, false);
      assert.deepEqual(comparison.warnings, []);
      for (const m of comparison.metrics) assert.ok(m.change === null || m.change === 0, `${m.label}: change ${m.change}`);
    });
  }

  it('keeps low ≤ median ≤ high in every interval it builds', () => {
    const reports = [closedOnset, closedTrials, closedWorkers3, closedShed503, empty];
    for (const baseline of reports) {
      for (const current of reports) {
        for (const m of compare(baseline, current, FIVE_PERCENT).metrics) {
          for (const interval of [m.baseline, m.current]) {
            if (interval !== null) assert.ok(interval.low <= interval.median && interval.median <= interval.high, `${m.label}: ${JSON.stringify(interval)}`);
          }
        }
      }
    }
  });

  describe('three trials of C = 4 against three of C = 3 (closed model)', () => {
    const comparison = run(closedTrials, closedWorkers3);

    it('calls the onset 21 → 20 unchanged: 4.8 % apart is within the 5 % tolerance', () => {
      assert.deepEqual(metric(comparison, 'onset'), {
        metric: 'onset',
        label: 'onset',
        unit: 'connections',
        higherIsBetter: true,
        baseline: { low: 21, median: 21, high: 21, trials: 3 },
        current: { low: 20, median: 20, high: 20, trials: 3 },
        change: -1 / 21,
        verdict: 'unchanged',
        reason: 'onset 21 → 20 connections (−4.8 %): below the baseline by 4.8 %, within the 5 % tolerance.',
      });
    });

    it('calls max goodput regressed by about −25 %: the trials’ ranges are 24.7 % apart', () => {
      const goodput = metric(comparison, 'maxGoodput');
      assert.equal(goodput.verdict, 'regressed');
      // Per trial the best valid step: 394.2, 395.8, 398.2 req/s against 296.8, 296.4, 296.8.
      assert.deepEqual(goodput.baseline, { low: 394.24031777557104, median: 395.8125623130609, high: 398.20359281437123, trials: 3 });
      assert.deepEqual(goodput.current, { low: 296.4071856287425, median: 296.81274900398404, high: 296.81274900398404, trials: 3 });
      assert.equal(goodput.change, (296.81274900398404 - 395.8125623130609) / 395.8125623130609);
      assert.equal(goodput.reason, 'max goodput 396 → 297 req/s (−25.0 %): below the baseline’s range (394–398) by 24.7 %, more than the 5 % tolerance.');
    });

    it('compares p99 latency at 20 connections with the current run’s nearest passing load, 19 (5 % away)', () => {
      const latency = metric(comparison, 'p99Latency');
      assert.equal(latency.label, 'p99 latency at 20 connections');
      assert.equal(latency.higherIsBetter, false);
      assert.deepEqual(latency.baseline, { low: 58.079, median: 59.967, high: 61.759, trials: 3 });
      assert.deepEqual(latency.current, { low: 72.511, median: 76.479, high: 77.823, trials: 3 });
      assert.equal(latency.verdict, 'regressed');
      assert.equal(
        latency.reason,
        'p99 latency at 20 connections 60.0 → 76.5 ms (+27.5 %): above the baseline’s range (58.1–61.8) by 17.4 %, more than the 5 % tolerance (current run at 19 connections, the nearest passing load).',
      );
    });

    it('is regressed as a whole, names both runs and warns that a parameter differs', () => {
      assert.equal(comparison.regressed, true);
      assert.equal(overallVerdict(comparison), 'regressed');
      assert.equal(comparison.tolerance, 0.05);
      assert.deepEqual(comparison.baseline, {
        source: 'baseline.json',
        scenario: 'overload',
        model: 'closed',
        unit: 'connections',
        createdAt: closedTrials.createdAt,
        toolVersion: '0.1.0',
        environment: closedTrials.environment,
        trials: 3,
        interrupted: false,
      });
      assert.deepEqual(comparison.warnings, ['The scenario’s parameters differ: upstream.workers 4 → 3.']);
    });

    it('reads the reverse direction as an improvement of max goodput, the onset +5.0 % still within the tolerance', () => {
      const reverse = run(closedWorkers3, closedTrials);
      assert.deepEqual(reverse.metrics.map((m) => m.verdict), ['unchanged', 'improved', 'insufficient-data']);
      assert.equal(reverse.regressed, false);
      assert.equal(metric(reverse, 'onset').reason, 'onset 20 → 21 connections (+5.0 %): above the baseline by 5.0 %, within the 5 % tolerance.');
      // The baseline's highest passing load is now 19; C = 4 measured 16 and 20 there, both more than 5 % away.
      assert.equal(
        metric(reverse, 'p99Latency').reason,
        'p99 latency at 19 connections: the current run passed no load within 5 % of 19 connections (nearest passing: 20 connections), so it has no latency at a comparable load.',
      );
    });

    it('follows the tolerance: 30 % hides the goodput drop, 0 % shows the onset’s', () => {
      assert.deepEqual(run(closedTrials, closedWorkers3, 0.3).metrics.map((m) => m.verdict), ['unchanged', 'unchanged', 'unchanged']);
      assert.deepEqual(run(closedTrials, closedWorkers3, 0).metrics.map((m) => m.verdict), ['regressed', 'regressed', 'regressed']);
    });
  });

  describe('one run of C = 4 against one of C = 3 (open model, req/s)', () => {
    const comparison = run(openOnset, openWorkers3);

    it('calls the onset regressed: the brackets 405–410 and 305–310 are 23.5 % apart', () => {
      const onset = metric(comparison, 'onset');
      assert.deepEqual([onset.baseline, onset.current], [
        { low: 405, median: 410, high: 410, trials: 1 },
        { low: 305, median: 310, high: 310, trials: 1 },
      ]);
      assert.equal(onset.verdict, 'regressed');
      assert.equal(onset.reason, 'onset 410 → 310 req/s (−24.4 %): below the baseline’s range (405–410) by 23.5 %, more than the 5 % tolerance.');
    });

    it('calls max goodput regressed, 401 → 300 req/s', () => {
      const goodput = metric(comparison, 'maxGoodput');
      assert.equal(goodput.verdict, 'regressed');
      assert.equal(goodput.reason, 'max goodput 401 → 300 req/s (−25.3 %): below the baseline by 25.3 %, more than the 5 % tolerance.');
    });

    it('has no latency to compare at 405 req/s: the current run passed nothing above 305', () => {
      const latency = metric(comparison, 'p99Latency');
      assert.equal(latency.verdict, 'insufficient-data');
      assert.deepEqual([latency.baseline, latency.current, latency.change], [{ low: 49.727, median: 49.727, high: 49.727, trials: 1 }, null, null]);
      assert.equal(
        latency.reason,
        'p99 latency at 405 req/s: the current run passed no load within 5 % of 405 req/s (nearest passing: 305 req/s), so it has no latency at a comparable load.',
      );
      assert.equal(comparison.regressed, true);
    });

    it('reads the reverse direction as improved, but leaves one run’s p99 to trials', () => {
      const reverse = run(openWorkers3, openOnset);
      assert.deepEqual(reverse.metrics.map((m) => m.verdict), ['improved', 'improved', 'insufficient-data']);
      assert.equal(reverse.regressed, false);
      assert.equal(overallVerdict(reverse), 'improved');
      assert.equal(
        metric(reverse, 'p99Latency').reason,
        'p99 latency at 305 req/s 64.3 → 21.5 ms (−66.6 %): below the baseline by 66.6 %, more than the 5 % tolerance (current run at 320 req/s, the nearest passing load); but the baseline and the current run had one trial, and one run’s p99 here varies by more than that: run both with --repeat 3 to judge it.',
      );
    });
  });

  describe('a run without an onset', () => {
    it('improved when it passed, without an onset, loads far above the baseline’s onset', () => {
      const onset = metric(run(closedOnset, closedShed503), 'onset');
      assert.equal(onset.verdict, 'improved');
      assert.deepEqual([onset.current, onset.change], [null, null]);
      assert.equal(
        onset.reason,
        'onset 21 connections → none up to 64 connections: the current run passed every load it measured up to 64 connections, 204.8 % above the baseline’s onset, more than the 5 % tolerance.',
      );
    });

    it('regressed when the current run fails below loads the baseline passed without an onset', () => {
      const comparison = run(closedShed503, closedOnset);
      const onset = metric(comparison, 'onset');
      assert.equal(onset.verdict, 'regressed');
      assert.equal(
        onset.reason,
        'onset none up to 64 connections → 21 connections: the current run fails at 21 connections, 67.2 % below the 64 connections the baseline passed, more than the 5 % tolerance.',
      );
      assert.equal(comparison.regressed, true);
    });

    it('unchanged when neither run found one and the current run held as far', () => {
      const onset = metric(run(closedShed503, closedShed503), 'onset');
      assert.equal(onset.verdict, 'unchanged');
      assert.equal(
        onset.reason,
        'onset none up to 64 connections → none up to 64 connections: neither run reached the criterion, and the current one held at least as far, so there is no sign of a change.',
      );
    });
  });

  describe('an interrupted run with no step', () => {
    it('leaves every metric insufficient-data, not regressed, and warns that the run was interrupted', () => {
      const comparison = run(closedOnset, empty);
      assert.deepEqual(comparison.metrics.map((m) => m.verdict), ['insufficient-data', 'insufficient-data', 'insufficient-data']);
      assert.deepEqual(comparison.metrics.map((m) => m.reason), [
        'onset: the current run found no onset and passed no valid step.',
        'max goodput: the current run measured no valid step.',
        'p99 latency at 20 connections: the current run passed no valid step at all.',
      ]);
      assert.equal(comparison.regressed, false);
      assert.deepEqual(comparison.warnings, ['The current run was interrupted: it holds no step.']);
    });

    it('as the baseline, gives no load to compare latency at', () => {
      const comparison = run(empty, closedOnset);
      assert.deepEqual(comparison.metrics.map((m) => m.verdict), ['insufficient-data', 'insufficient-data', 'insufficient-data']);
      assert.equal(metric(comparison, 'p99Latency').reason, 'p99 latency: the baseline passed no valid step, so there is no load to compare latency at.');
    });

    it('against itself, has an overall verdict of insufficient-data and never divides by zero', () => {
      const comparison = run(empty, empty);
      assert.equal(overallVerdict(comparison), 'insufficient-data');
      assert.deepEqual(comparison.metrics.map((m) => m.change), [null, null, null]);
      assert.equal(comparison.baseline.trials, 1);
      assert.equal(comparison.warnings.length, 2);
    });
  });

  it('warns about another machine and other settings without changing a verdict', () => {
    const comparison = run(closedOnset, closedTrials);
    assert.deepEqual(comparison.warnings, [
      'The runs were measured on different machines (baseline: AMD EPYC 7B13, 8 CPUs; current: AMD EPYC, 2 CPUs): a difference may come from the machine, not the change.',
      'The scenario’s parameters differ: load.stepMs 2000 → 1000.',
    ]);
    assert.equal(metric(comparison, 'onset').reason, 'onset 21 → 21 connections (0 %): the runs’ ranges overlap (baseline 20–21, current 21).');
  });
});

describe('assertComparable', () => {
  it('refuses another scenario, naming both names and the fix, with exit code 2', () => {
    const error = thrown(() => assertComparable(closedOnset, otherScenario, { baseline: 'baseline.json', current: 'other.json' }));
    assert.equal(error.code, 'REPORTS_INCOMPATIBLE');
    assert.equal(error.exitCode, 2);
    assert.equal(error.message, 'baseline.json and other.json cannot be compared: they differ in scenario.name.');
    assert.deepEqual(error.problems, [{ path: 'scenario.name', message: 'the scenario differs: baseline.json has "overload", other.json has "overload-hang"' }]);
    assert.match(error.hint ?? '', /^Compare runs of the same scenario and model/);
  });

  it('refuses to compare the fixtures with an external target: their capacities have different owners', () => {
    const error = thrown(() => assertComparable(closedOnset, target, { baseline: 'baseline.json', current: 'target.json' }));
    assert.equal(error.message, 'baseline.json and target.json cannot be compared: they differ in target.');
    assert.deepEqual(error.problems, [{ path: 'target', message: 'the system under load differs: baseline.json has "the fixtures", target.json has "an external target"' }]);
    assert.doesNotThrow(() => assertComparable(target, target));
  });

  it('refuses another model, with its unit, as one error listing both', () => {
    const error = thrown(() => assertComparable(closedOnset, openOnset));
    assert.equal(error.message, 'the baseline and the current report cannot be compared: they differ in model, unit.');
    assert.deepEqual(error.problems.map((p) => p.message), [
      'the load model differs: the baseline has "closed", the current report has "open"',
      'the load unit differs: the baseline has "connections", the current report has "rps"',
    ]);
  });

  it('refuses another schema version even when the types say it cannot happen', () => {
    const future = { ...closedOnset, schemaVersion: 2 } as unknown as Report;
    const error = thrown(() => compare(closedOnset, future, { tolerance: 0.05, currentSource: 'future.json' }));
    assert.equal(error.code, 'REPORTS_INCOMPATIBLE');
    assert.deepEqual(error.problems, [{ path: 'schemaVersion', message: 'the report schema version differs: the baseline has 1, future.json has 2' }]);
  });

  it('accepts another machine and an interrupted run (warnings, not errors)', () => {
    assert.doesNotThrow(() => assertComparable(closedOnset, closedTrials));
    assert.doesNotThrow(() => assertComparable(closedOnset, empty));
  });
});

describe('parseTolerance', () => {
  it('reads --tolerance as a percentage, with or without the sign', () => {
    const cases: [string, number][] = [
      ['5%', 0.05],
      ['5 %', 0.05],
      ['5', 0.05],
      [' 10% ', 0.1],
      ['2.5%', 0.025],
      ['0.5%', 0.005],
      ['.5%', 0.005],
      ['1', 0.01],
      ['0', 0],
      ['0%', 0],
      ['100%', 1],
    ];
    assert.deepEqual(cases.map(([text]) => parseTolerance(text)), cases.map(([, value]) => value));
  });

  it('refuses bad values, naming the value and the fix', () => {
    const cases: [string, string, RegExp][] = [
      ['0.05', '--tolerance 0.05 is ambiguous: it could mean 0.05 % or 5 %.', /--tolerance 5% or --tolerance 0\.05%/],
      ['0.5', '--tolerance 0.5 is ambiguous: it could mean 0.5 % or 50 %.', /--tolerance 50% or --tolerance 0\.5%/],
      ['five', '--tolerance "five" is not a percentage.', /e\.g\. --tolerance 5%/],
      ['', '--tolerance "" is not a percentage.', /from 0 to 100/],
      ['-5%', '--tolerance "-5%" is not a percentage.', /from 0 to 100/],
      ['5%%', '--tolerance "5%%" is not a percentage.', /from 0 to 100/],
      ['101%', '--tolerance 101% is above 100 %.', /from 0 to 100/],
    ];
    for (const [text, message, hint] of cases) {
      const error = thrown(() => parseTolerance(text));
      assert.deepEqual([error.code, error.exitCode, error.message], ['USAGE', 2, message]);
      assert.match(error.hint ?? '', hint);
    }
  });
});

describe('comparison formatting', () => {
  it('signs a change with + or − (U+2212), and prints — for none', () => {
    assert.deepEqual([0.275, -0.25, 0, null].map(formatChange), ['+27.5 %', '−25.0 %', '0 %', '—']);
  });

  it('prints an interval as its median and, when it is one, its range', () => {
    assert.deepEqual(
      [
        formatInterval('maxGoodput', { low: 394.2, median: 395.8, high: 398.2, trials: 3 }, 'connections'),
        formatInterval('onset', { low: 20, median: 21, high: 21, trials: 1 }, 'connections'),
        formatInterval('onset', { low: 402.5, median: 405, high: 405, trials: 1 }, 'rps'),
        formatInterval('p99Latency', { low: 52.31, median: 52.31, high: 52.31, trials: 1 }, 'connections'),
        formatInterval('p99Latency', null, 'connections'),
      ],
      ['396 (394–398)', '21 (20–21)', '405 (402.5–405)', '52.3', '—'],
    );
  });
});

describe('compare: two external targets', () => {
  const target = fixture('target-upstream');
  const elsewhere = (url: string): Report => ({ ...target, target: { url, pinnedAddress: '127.0.0.1', authorizedBy: 'loopback' } });

  it('says nothing when only the port changed (a service started on port 0)', () => {
    assert.deepEqual(compare(target, elsewhere('http://127.0.0.1:39999/'), FIVE_PERCENT).warnings, []);
  });

  it('warns when the URL names another service', () => {
    const warnings = compare(target, elsewhere('http://127.0.0.1:39999/api/orders'), FIVE_PERCENT).warnings;
    assert.ok(warnings.some((warning) => warning.startsWith('The runs loaded different targets (baseline: http://127.0.0.1:40223/; current: http://127.0.0.1:39999/api/orders)')), warnings.join('\n'));
  });
});
