/**
 * The catalogue behind the real gateways (issue 6), a representative subset so that `npm test`
 * stays short: the whole catalogue behind nginx and HAProxy is `overload run --all --quick
 * --gateway nginx|haproxy` (README, "Behind a real nginx or HAProxy"). `overload` itself runs
 * behind both in gateways-cli.test.ts. maintenance is the one that shows most here: a timeline
 * behind a gateway that marks none of its answers (its failures must still be counted), and the
 * status each gateway answers while the upstream is down (nginx 502, HAProxy 503 SC).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExitCode } from '../../harness/exit-codes.ts';
import { dominantCause } from '../../harness/report/explain.ts';
import type { Report } from '../../harness/report/schema.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { runMain } from '../helpers/run-main.ts';

const GATEWAYS = [
  { gateway: 'nginx', binary: '/usr/sbin/nginx', install: 'apt-get install nginx-light', status: '502' },
  { gateway: 'haproxy', binary: '/usr/sbin/haproxy', install: 'apt-get install haproxy', status: '503' },
] as const;

describe('the catalogue behind the real gateways: a subset', function () {
  this.timeout(60_000);
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'overload-catalogue-gateways-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const { gateway, binary, install, status } of GATEWAYS) {
    it(`maintenance behind ${gateway}: one failure window, ${status}s (upstream_refused, from its log) exactly while the upstream is down`, async function () {
      requireTool(this, binary, install);
      const out = path.join(dir, gateway);
      const { code, stderr } = await runMain(['run', 'maintenance', '--quick', '--gateway', gateway, '--out', out, '--format', 'json']);
      assert.equal(code, ExitCode.ok, stderr.slice(-2000));
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
      const timeline = report.timeline;
      assert.ok(timeline !== undefined);
      assert.equal(timeline.windows.length, 1, JSON.stringify(timeline.windows));
      const [window] = timeline.windows;
      // Down from 2.0 s to 4.5 s (scenarios/maintenance.ts); one 250 ms bucket of slack at each end.
      assert.ok(window !== undefined && window.start >= 2000 && window.start < 2250 && window.end > 4250 && window.end <= 4750, JSON.stringify(window));
      // Refused while down; the stop may reset a request or two that were in flight (measured: 99.8 % refused).
      const top = dominantCause(report.causes);
      assert.ok(top?.cause === 'upstream_refused' && top.share >= 0.9, JSON.stringify(report.causes));
      const answered = timeline.buckets.reduce((sum, bucket) => sum + (bucket.status[status] ?? 0), 0);
      assert.ok(answered > 0.8 * timeline.totals.failures, `${answered} × ${status} of ${timeline.totals.failures} failures`);
      assert.ok(report.expectations.every((expectation) => expectation.passed), JSON.stringify(report.expectations));
    });
  }

  it('dns-change behind nginx: refused before any load, saying why it means nothing there (exit 2)', async () => {
    const { code, stderr } = await runMain(['run', 'dns-change', '--quick', '--gateway', 'nginx', '--out', path.join(dir, 'dns')]);
    assert.equal(code, ExitCode.usage, stderr);
    assert.match(stderr, /Scenario "dns-change" means nothing behind nginx: nginx resolves the host of a literal proxy_pass once, at start-up/);
  });
});
