/**
 * The whole harness on real fixtures (child processes on 127.0.0.1) with 1 s steps: the onset of
 * 502s lands on C + Q + 1 for other C and Q than the default scenario's, and a hung upstream's
 * 504s arrive in the step's tail. The named scenarios (C = 4, Q = 16 by reset and by close; shed =
 * hang and 503 with their own timeouts) are checked by test/e2e/catalogue.test.ts, which runs them
 * anyway. The searches start near the onset to keep the suite short; the paths below are covered
 * by the fake-driver tests (test/unit/run-scenario.test.ts).
 */
import assert from 'node:assert/strict';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import { runScenario } from '../../harness/runner/run-scenario.ts';
import type { Report } from '../../harness/report/schema.ts';

async function run(name: string, sets: string[]): Promise<Report> {
  const scenario = await loadScenario(name, { quick: true, sets });
  return runScenario({ scenario, plan: 'search', repeat: 1 });
}

/** Every 502 the client saw, over all steps. */
const total502 = (report: Report): number => report.steps.reduce((sum, step) => sum + (step.status['502'] ?? 0), 0);

describe('the harness on real fixtures', function () {
  this.timeout(90_000);

  for (const { workers, queue, start } of [
    { workers: 6, queue: 10, start: 16 },
    { workers: 2, queue: 5, start: 4 },
  ]) {
    const onset = workers + queue + 1;
    it(`finds the onset at C + Q + 1 = ${onset} connections for C = ${workers}, Q = ${queue}, with upstream_reset dominant`, async () => {
      const report = await run('overload', [`upstream.workers=${workers}`, `upstream.queue=${queue}`, `search.start=${start}`]);
      assert.deepEqual(report.onset && [report.onset.value, report.onset.low, report.onset.high], [onset, onset - 1, onset]);
      assert.equal(report.theory?.onset, onset);
      assert.equal(Object.keys(report.causes)[0], 'upstream_reset');
      const below = report.steps.filter((step) => step.offered <= workers + queue);
      assert.ok(below.length > 0);
      for (const step of below) assert.equal(step.status['502'] ?? 0, 0, `no 502 at ${step.offered} connections`);
      assert.match(report.explanation.join(' '), new RegExp(`began returning 502s at ${onset} connections`));
      assert.match(report.explanation.join(' '), /upstream_reset/);
    });
  }

  it('with shed = hang, the gateway times out with 504 (upstream_timeout) and never answers 502', async () => {
    // The default gateway timeout (5 s) is longer than a step: the step's tail waits for the 504s.
    const report = await run('overload', ['upstream.shed=hang', 'search.start=16', 'caps.maxConnections=32']);
    assert.equal(report.onset, null);
    assert.equal(total502(report), 0);
    assert.ok((report.causes.upstream_timeout ?? 0) > 0, JSON.stringify(report.causes));
    assert.match(report.explanation.join(' '), /No 502 up to 32 connections/);
    assert.match(report.explanation.join(' '), /504 \(upstream_timeout\)/);
    const over = report.steps.find((step) => step.offered === 32);
    assert.equal(over?.status['504'], 12, 'one 504 for each of the 12 connections beyond C + Q');
    assert.equal(over?.unfinished, 0);
    assert.deepEqual(report.expectations.map((expectation) => expectation.passed), [true]);
  });
});
