import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '../../harness/report/schema.ts';
import { runMain } from '../helpers/run-main.ts';

/** Runs a named scenario with --quick, as a user would, and returns its exit code and report. */
async function runQuick(name: string): Promise<{ code: number; stderr: string; report: Report }> {
  const out = path.join(await mkdtemp(path.join(tmpdir(), `overload-${name}-`)), 'run');
  const { code, stderr } = await runMain(['run', name, '--quick', '--out', out, '--format', 'json']);
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
  return { code, stderr, report };
}

describe('the catalogue of causes: each scenario reproduces its cause and checks its own claim', function () {
  this.timeout(60_000);

  it('connection-limit: 502s from one connection above the upstream’s limit of 8, far below C + Q + 1 = 21', async () => {
    const { code, stderr, report } = await runQuick('connection-limit');
    assert.equal(code, 0, stderr);
    assert.equal(report.onset?.value, 9);
    assert.equal(report.onset?.low, 8);
    assert.equal(report.theory?.onset, 9);
    const causes = Object.keys(report.causes);
    assert.ok(causes.length > 0 && causes.every((cause) => cause === 'upstream_closed' || cause === 'upstream_reset'), JSON.stringify(report.causes));
    assert.ok(report.expectations.length === 3 && report.expectations.every((expectation) => expectation.passed), JSON.stringify(report.expectations));
  });

  it('bad-response: the same ~2 % of 502s (upstream_invalid) at every load, so the onset is the lowest load', async () => {
    const { code, stderr, report } = await runQuick('bad-response');
    assert.equal(code, 0, stderr);
    assert.equal(report.onset?.value, 1);
    assert.deepEqual(Object.keys(report.causes), ['upstream_invalid']);
    // Every 50th request: 2 %, whatever the load (1 to 16 connections); a 1 s step at 1 connection has ~70.
    assert.ok(report.steps.length >= 4, `a search down from 16 (${report.steps.map((step) => step.offered).join(', ')})`);
    for (const step of report.steps) {
      assert.ok(step.failureRatio >= 0.01 && step.failureRatio <= 0.04, `${step.offered} connections: ${step.failureRatio}`);
    }
    assert.match(report.explanation.join(' '), /upstream sent invalid header/);
    assert.ok(report.expectations.every((expectation) => expectation.passed), JSON.stringify(report.expectations));
  });
});
