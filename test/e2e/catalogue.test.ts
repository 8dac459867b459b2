import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '../../harness/report/schema.ts';
import { runMain } from '../helpers/run-main.ts';

/**
 * One `overload run --all --quick`, as a user or a CI job would run the catalogue, then each
 * scenario's defining claim checked on its own report. One run for all keeps `npm test` short.
 */
describe('the catalogue of causes: overload run --all --quick', function () {
  this.timeout(300_000);
  const reports = new Map<string, Report>();
  let run: { code: number; stdout: string; stderr: string };
  let root = '';

  before(async () => {
    root = path.join(await mkdtemp(path.join(tmpdir(), 'overload-all-')), 'all');
    run = await runMain(['run', '--all', '--quick', '--out', root, '--format', 'json']);
    for (const name of await readdir(root)) {
      if (name.endsWith('.md')) continue;
      reports.set(name, JSON.parse(await readFile(path.join(root, name, 'report.json'), 'utf8')) as Report);
    }
  });

  const report = (name: string): Report => {
    const found = reports.get(name);
    assert.ok(found, `${name} ran (folders: ${[...reports.keys()].join(', ')})`);
    return found;
  };

  it('runs every named scenario, each holds its expectations, and ends with one summary table (exit 0)', async () => {
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    assert.ok(reports.size >= 7, [...reports.keys()].join(', '));
    assert.match(run.stdout, /^scenario +onset +theory +dominant cause +expectations +baseline +time$/m);
    assert.match(run.stdout, /All \d+ scenarios held their expectations\./);
    for (const [name, each] of reports) {
      assert.ok(each.expectations.every((expectation) => expectation.passed), `${name}: ${JSON.stringify(each.expectations)}`);
    }
    assert.match(await readFile(path.join(root, 'summary.md'), 'utf8'), /^\| connection-limit \| 9 connections \| 9 connections \|/m);
  });

  it('connection-limit: 502s from one connection above the upstream’s limit of 8, far below C + Q + 1 = 21', () => {
    const limited = report('connection-limit');
    assert.equal(limited.onset?.value, 9);
    assert.equal(limited.onset?.low, 8);
    assert.equal(limited.theory?.onset, 9);
    const causes = Object.keys(limited.causes);
    assert.ok(causes.length > 0 && causes.every((cause) => cause === 'upstream_closed' || cause === 'upstream_reset'), JSON.stringify(limited.causes));
  });

  it('bad-response: the same ~2 % of 502s (upstream_invalid) at every load, so the onset is the lowest load', () => {
    const bad = report('bad-response');
    assert.equal(bad.onset?.value, 1);
    assert.deepEqual(Object.keys(bad.causes), ['upstream_invalid']);
    // Every 50th request: 2 % whatever the load (16 down to 1 connection); a 1 s step at 1 connection has ~70.
    assert.ok(bad.steps.length >= 4, `a search down from 16 (${bad.steps.map((step) => step.offered).join(', ')})`);
    for (const step of bad.steps) assert.ok(step.failureRatio >= 0.01 && step.failureRatio <= 0.04, `${step.offered} connections: ${step.failureRatio}`);
    assert.match(bad.explanation.join(' '), /upstream sent invalid header/);
  });

  it('slow-upstream: 504s (upstream_timeout) well below the 502 onset, which comes only past the queue of C + Q = 101', () => {
    const slow = report('slow-upstream');
    const onset = slow.onset?.value ?? 0;
    assert.ok(onset >= 102, `502 onset ${onset}`);
    const timedOut = slow.steps.filter((step) => step.valid && (step.causes.upstream_timeout ?? 0) > 0).map((step) => step.offered);
    assert.ok(timedOut.length > 0 && Math.min(...timedOut) < onset / 2, `first 504 at ${Math.min(...timedOut)}, onset ${onset}`);
    assert.equal(slow.theory?.limitedBy, null, 'no onset prediction for a CPU-bound upstream');
    assert.match(slow.explanation.join(' '), /The first 504s \(upstream_timeout\) came at \d+ connections, below the 502 onset/);
  });

  it('firewall: 502s (upstream_reset) at the firewall’s rate, ~152 req/s, far below the upstream’s 400', () => {
    const firewall = report('firewall');
    const onset = firewall.onset?.value ?? 0;
    assert.ok(onset >= 145 && onset <= 170, `onset ${onset} req/s`);
    assert.equal(firewall.theory?.onset, 151.5);
    assert.ok(onset < 0.5 * 400, 'far below C / S');
    assert.deepEqual(Object.keys(firewall.causes), ['upstream_reset']);
  });

  it('overload and overload-close: the onset at C + Q + 1 = 21, by reset and by close, and no 502 at or below C + Q', () => {
    const overload = report('overload');
    assert.deepEqual(overload.onset && [overload.onset.value, overload.onset.low, overload.onset.high], [21, 20, 21]);
    assert.equal(overload.theory?.onset, 21);
    assert.deepEqual(Object.keys(overload.causes)[0], 'upstream_reset');
    const below = overload.steps.filter((step) => step.offered <= 20);
    assert.ok(below.length > 0);
    for (const step of below) assert.equal(step.status['502'] ?? 0, 0, `no 502 at ${step.offered} connections`);
    assert.match(overload.explanation.join(' '), /began returning 502s at 21 connections/);
    assert.equal(report('overload-close').onset?.value, 21);
    assert.deepEqual(Object.keys(report('overload-close').causes)[0], 'upstream_closed');
    assert.match(report('overload-close').explanation.join(' '), /upstream_closed: the upstream closed the connection \(FIN\) before a full response header/);
  });

  /** Every 502 the client saw, over all steps. */
  const total502 = (each: Report): number => each.steps.reduce((sum, step) => sum + (step.status['502'] ?? 0), 0);

  it('overload-hang and overload-503: no 502 at all, 504s and passed-through 503s instead', () => {
    const hang = report('overload-hang');
    assert.equal(hang.onset, null);
    assert.equal(total502(hang), 0);
    assert.ok((hang.causes.upstream_timeout ?? 0) > 0);
    assert.match(hang.explanation.join(' '), /No 502 up to 64 connections/);
    assert.match(hang.explanation.join(' '), /504 \(upstream_timeout\)/);
    const polite = report('overload-503');
    assert.equal(polite.onset, null);
    assert.equal(total502(polite), 0);
    assert.deepEqual(polite.causes, {}, 'a 503 the upstream wrote is no gateway failure');
    assert.ok(polite.steps.some((step) => (step.status['503'] ?? 0) > 0));
    assert.match(polite.explanation.join(' '), /answered 503 itself .* passed them through/);
  });

  it('overload-poisson: fails about as often as the M/M/c/K blocking probability predicts, summed over the steps below 2 × capacity', () => {
    const poisson = report('overload-poisson');
    // Blocking under Poisson load comes in clusters (a full queue turns away several arrivals in a
    // row), so one short step's ratio is far noisier than binomial: compare the failures summed
    // over the steps below 2 × capacity with the sum of π_K × n that the M/M/c/K model predicts.
    const capacity = poisson.theory?.capacityRps ?? 400;
    const judged = poisson.steps.filter((step) => step.valid && step.offered < 2 * capacity && step.predictedFailureRatio !== null);
    assert.ok(judged.length >= 4, `${judged.length} judged steps`);
    const measured = judged.reduce((sum, step) => sum + step.failures, 0);
    const expected = judged.reduce((sum, step) => sum + (step.predictedFailureRatio ?? 0) * (step.sent - step.unfinished), 0);
    assert.ok(Math.abs(measured - expected) <= 0.3 * expected, `${measured} failures measured, ${expected.toFixed(1)} predicted by M/M/c/K`);
    const predicted = poisson.theory?.onset;
    assert.ok(poisson.onset !== null && predicted !== null && predicted !== undefined);
    const error = Math.abs(poisson.onset.value - predicted) / predicted;
    assert.ok(error <= 0.12, `onset ${poisson.onset.value} req/s vs M/M/c/K ${predicted} (${(error * 100).toFixed(1)} %)`);
  });

  /** The timeline of a report, which a timeline scenario must have. */
  const timelineOf = (name: string): NonNullable<Report['timeline']> => {
    const timeline = report(name).timeline;
    assert.ok(timeline, `${name} is a timeline`);
    return timeline;
  };
  /** The time of the first event named `what`. */
  const at = (timeline: NonNullable<Report['timeline']>, what: string): number => {
    const event = timeline.events.find((e) => e.what === what);
    assert.ok(event, `${what} in ${timeline.events.map((e) => e.what).join(', ')}`);
    return event.t;
  };

  it('maintenance: 502s (upstream_refused) exactly while the upstream is down, from its stop to its start within 250 ms, none before or after', () => {
    const timeline = timelineOf('maintenance');
    assert.equal(timeline.windows.length, 1);
    const [window] = timeline.windows;
    assert.ok(window);
    const stop = at(timeline, 'stop-upstream');
    const start = at(timeline, 'start-upstream');
    assert.ok(window.start >= stop && window.start - stop <= 250, `window starts ${window.start} ms, stop at ${stop}`);
    assert.ok(window.end >= start - 250 && window.end - start <= 250, `window ends ${window.end} ms, start at ${start}`);
    assert.equal(window.dominantCause, 'upstream_refused');
    // 200 req/s for the 2.5 s it was down: about 500 requests lost, each a 502.
    assert.ok(timeline.totals.failures >= 400 && timeline.totals.failures <= 600, `${timeline.totals.failures} failed`);
  });

  it('crash-restart: at least two separate bursts, each a crash (upstream_closed for the requests in flight) then refused connections until the restart', () => {
    const timeline = timelineOf('crash-restart');
    const crashes = timeline.events.filter((e) => e.what === 'upstream-crashed');
    const restarts = timeline.events.filter((e) => e.what === 'upstream-restarted');
    assert.ok(crashes.length >= 2 && timeline.windows.length >= 2, `${crashes.length} crashes, ${timeline.windows.length} windows`);
    assert.ok(restarts.length >= crashes.length - 1);
    const causes = report('crash-restart').causes;
    assert.equal(Object.keys(causes)[0], 'upstream_refused');
    assert.ok((causes.upstream_closed ?? 0) > 0, JSON.stringify(causes));
  });

  it('dns-change: the 502s outlive the move and its fix by at most the TTL (2 s), plus 500 ms', () => {
    const timeline = timelineOf('dns-change');
    const [moved, back] = timeline.events.filter((e) => e.what === 'set-dns');
    assert.ok(moved && back);
    assert.equal(timeline.windows.length, 1);
    const [window] = timeline.windows;
    assert.ok(window);
    assert.ok(window.start >= moved.t && window.start <= moved.t + 2500, `window from ${window.start} ms, record moved at ${moved.t}`);
    assert.ok(window.end <= back.t + 2500, `window to ${window.end} ms, record back at ${back.t}`);
    assert.equal(window.dominantCause, 'upstream_refused');
    assert.ok(timeline.events.some((e) => e.what === 'gateway-resolved' && e.detail.includes('127.0.0.2')), 'the gateway saw the move');
  });

  it('keepalive-race: 502s (keepalive_race) at under 4 req/s, said not to be overload; none with the timeouts the right way round', () => {
    const race = report('keepalive-race');
    const timeline = timelineOf('keepalive-race');
    assert.ok(timeline.offered < 4);
    assert.deepEqual(Object.keys(race.causes), ['keepalive_race']);
    // Every other burst of 8 reuses connections idle 2.25 s, inside the 2.0–2.5 s window: about half fail.
    assert.ok(timeline.totals.failures >= 8 && timeline.totals.failures <= timeline.totals.sent * 0.75, `${timeline.totals.failures} of ${timeline.totals.sent}`);
    assert.match(race.explanation.join(' '), /These 502s are not overload/);
    const fixed = timelineOf('keepalive-race-fixed');
    assert.equal(fixed.totals.failures, 0);
    assert.equal(fixed.totals.sent, timeline.totals.sent);
  });

  it('retry-storm: after the spike, goodput stays under half of the capacity (100 req/s) though the load dropped back; with backoff and a budget it is back above 90 % of the load', () => {
    /** 2xx per second over the buckets from 7 s to the end (the load dropped at 5 s). */
    const goodputAfter = (name: string): number => {
      const timeline = timelineOf(name);
      const after = timeline.buckets.filter((bucket) => bucket.t >= 7000);
      return (after.reduce((sum, bucket) => sum + bucket.ok, 0) * 1000) / (after.length * timeline.bucketMs);
    };
    const storm = goodputAfter('retry-storm');
    const calm = goodputAfter('retry-storm-backoff');
    assert.ok(storm < 50, `retry-storm: ${storm} 2xx/s after the drop`);
    assert.ok(calm > 0.9 * 62.5, `retry-storm-backoff: ${calm} 2xx/s after the drop`);
    assert.equal(timelineOf('retry-storm').recoveries.at(-1)?.recoveredAfterMs, null, 'the storm never recovers');
    assert.match(report('retry-storm').explanation.join(' '), /a metastable failure/);
    assert.ok(timelineOf('retry-storm').totals.sent > 1.5 * timelineOf('retry-storm-backoff').totals.sent, 'the storm multiplies the requests');
  });
});

describe('overload run --all refuses what only fits one scenario, before any load', () => {
  for (const [extra, pattern] of [
    [['overload'], /takes no scenario name/],
    [['--target', 'http://127.0.0.1:9/'], /--target/],
    [['--json'], /--json/],
    [['--baseline', 'some.json'], /--baseline FILE/],
  ] as const) {
    it(`refuses ${extra.join(' ')}`, async () => {
      const { code, stderr } = await runMain(['run', '--all', '--quick', ...extra]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, pattern);
    });
  }

  it('asks for a scenario or --all when given neither', async () => {
    const { code, stderr } = await runMain(['run', '--quick']);
    assert.equal(code, 2);
    assert.match(stderr, /name a scenario to run, or pass --all/);
  });
});
