/**
 * `overload run overload --gateway haproxy` end to end (issue 6): one quick run behind a real
 * HAProxy, whose onset is the theory's C + Q + 1 and whose causes come from its HTTP log's
 * termination states. HAProxy cannot tell the upstream's reset from a close (`SH` for both:
 * test/fixtures/logs/README-haproxy.md), so the cause is upstream_closed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExitCode } from '../../harness/exit-codes.ts';
import { haproxyLog } from '../../harness/logs/haproxy-log.ts';
import type { Report } from '../../harness/report/schema.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { runMain } from '../helpers/run-main.ts';

describe('overload run --gateway haproxy', function () {
  this.timeout(60_000);

  it('finds the onset at C + Q + 1 = 21 behind a real HAProxy, every cause upstream_closed (SH) from its log', async function () {
    requireTool(this, '/usr/sbin/haproxy', 'apt-get install haproxy');
    const root = await mkdtemp(path.join(tmpdir(), 'overload-haproxy-cli-'));
    after(() => rm(root, { recursive: true, force: true }));
    const out = path.join(root, 'run');

    const { code, stdout, stderr } = await runMain(['run', 'overload', '--gateway', 'haproxy', '--quick', '--out', out, '--format', 'json']);

    assert.equal(code, ExitCode.ok, stderr);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
    assert.deepEqual(report.gateway, { kind: 'haproxy', profile: 'haproxy' });
    assert.deepEqual(report.scenario.parameters.criterion.statuses, [502, 503], "HAProxy's profile counts its 503s too");
    assert.deepEqual([report.onset?.value, report.onset?.low, report.onset?.high], [21, 20, 21]);
    assert.deepEqual(Object.keys(report.causes), ['upstream_closed']);

    const log = (await readFile(path.join(out, 'gateway-access.log'), 'utf8')).split('\n').filter((line) => line !== '');
    const states = log.map((line) => haproxyLog.parse(line)).filter((parsed) => parsed.kind === 'failure').map((parsed) => parsed.event.message.slice(0, 4));
    assert.ok(states.length > 0 && states.every((state) => state === 'SH--'), [...new Set(states)].join(', '));
    assert.equal(states.length, report.causes.upstream_closed, "the report's count is the log's");
    assert.match(stdout, /gateway log: .*gateway-access\.log/);

    const cfg = await readFile(path.join(out, 'haproxy', 'haproxy.cfg'), 'utf8');
    assert.match(cfg, /^\s*bind 127\.0\.0\.1:\d+$/m);
    assert.match(cfg, /^\s*retries 0$/m);
    const leftovers = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.includes(out));
    assert.deepEqual(leftovers, []);
  });
});
