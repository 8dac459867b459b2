/**
 * `overload run overload --gateway nginx` end to end (issue 6): one quick run behind a real nginx
 * (about 10 s), whose onset is the theory's C + Q + 1 and whose causes come from nginx's own log.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import { ExitCode } from '../../harness/exit-codes.ts';
import { nginxErrorLog } from '../../harness/logs/nginx-error-log.ts';
import type { Report } from '../../harness/report/schema.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { runMain } from '../helpers/run-main.ts';

/**
 * A line nginx wrote itself: `pid#tid` with the thread id of a single-threaded nginx, its pid.
 * The Node gateway fixture writes the same words with `pid#0` (fixtures/gateway/error-log.ts).
 */
const NGINX_OWN_LINE = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[\w+\] (\d+)#\1: /;

describe('overload run --gateway nginx', function () {
  this.timeout(60_000);

  it('finds the onset at C + Q + 1 behind a real nginx, every cause upstream_reset from its error log', async function () {
    requireTool(this, '/usr/sbin/nginx', 'apt-get install nginx-light');
    const root = await mkdtemp(path.join(tmpdir(), 'overload-nginx-cli-'));
    after(() => rm(root, { recursive: true, force: true }));
    const out = path.join(root, 'run');

    const { code, stderr } = await runMain(['run', 'overload', '--gateway', 'nginx', '--quick', '--out', out, '--format', 'json']);

    assert.equal(code, ExitCode.ok, stderr);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
    assert.deepEqual(report.gateway, { kind: 'nginx', profile: 'nginx' });
    const { workers, queue } = DEFAULTS.upstream;
    // Closed loop, upstream sheds when full: no 502 up to C + Q connections (DESIGN.md §4).
    assert.deepEqual([report.onset?.value, report.onset?.low, report.onset?.high], [workers + queue + 1, workers + queue, workers + queue + 1]);
    assert.equal(workers + queue + 1, 21);
    assert.deepEqual(Object.keys(report.causes), ['upstream_reset']);
    assert.ok((report.causes.upstream_reset ?? 0) > 0);

    const log = (await readFile(path.join(out, 'gateway-error.log'), 'utf8')).split('\n').filter((line) => line !== '');
    assert.ok(log.length > 0, 'the error log is empty');
    assert.deepEqual(log.filter((line) => !NGINX_OWN_LINE.test(line)), [], "lines nginx did not write");
    const causes = new Set(log.map((line) => nginxErrorLog.parse(line)).map((parsed) => (parsed.kind === 'failure' ? parsed.event.cause : parsed.kind)));
    assert.deepEqual([...causes], ['upstream_reset']);
    assert.equal(log.length, report.causes.upstream_reset, "the report's count is the log's");

    const conf = await readFile(path.join(out, 'nginx', 'nginx.conf'), 'utf8');
    assert.match(conf, /^\s*listen 127\.0\.0\.1:\d+;$/m);
    assert.ok(conf.includes(`error_log ${path.join(out, 'gateway-error.log')} error;`), conf);
    // Stopped at the end of the run: no process still names the run's folder (nginx's master does).
    const leftovers = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.includes(out));
    assert.deepEqual(leftovers, []);
  });
});
