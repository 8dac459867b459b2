/**
 * `overload run overload --gateway node,nginx,haproxy` end to end (issue 6): one quick run behind
 * the Node fixture, a real nginx and a real HAProxy in turn (searches from 16 connections, about
 * 25 s for the three), each onset the theory's C + Q + 1, the causes of the real ones read from
 * their own logs, and one comparison of the three. HAProxy cannot tell the upstream's reset from a
 * close (`SH` for both: test/fixtures/logs/README-haproxy.md), so its cause is upstream_closed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import { ExitCode } from '../../harness/exit-codes.ts';
import { haproxyLog } from '../../harness/logs/haproxy-log.ts';
import { nginxErrorLog } from '../../harness/logs/nginx-error-log.ts';
import type { GatewayComparison } from '../../harness/report/gateway-comparison.ts';
import type { Report } from '../../harness/report/schema.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { runMain } from '../helpers/run-main.ts';

/**
 * A line nginx wrote itself: `pid#tid` with the thread id of a single-threaded nginx, its pid.
 * The Node gateway fixture writes the same words with `pid#0` (fixtures/gateway/error-log.ts).
 */
const NGINX_OWN_LINE = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[\w+\] (\d+)#\1: /;

/** Lines of a file, without the empty last one. */
async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
}

describe('overload run --gateway node,nginx,haproxy: the scenario behind each, compared in one report', function () {
  this.timeout(120_000);
  let root = '';
  let run: { code: number; stdout: string; stderr: string };
  const reportOf = async (gateway: string): Promise<Report> => JSON.parse(await readFile(path.join(root, gateway, 'report.json'), 'utf8')) as Report;
  const { workers, queue } = DEFAULTS.upstream;

  before(async function () {
    requireTool(this, '/usr/sbin/nginx', 'apt-get install nginx-light');
    requireTool(this, '/usr/sbin/haproxy', 'apt-get install haproxy');
    root = path.join(await mkdtemp(path.join(tmpdir(), 'overload-gateways-')), 'run');
    run = await runMain(['run', 'overload', '--quick', '--gateway', 'node,nginx,haproxy', '--set', 'search.start=16', '--out', root, '--format', 'json']);
  });
  after(() => (root === '' ? undefined : rm(path.dirname(root), { recursive: true, force: true })));

  it('runs each in its own folder, exits 0, and writes one comparison with its table on stdout', async () => {
    assert.equal(run.code, ExitCode.ok, run.stderr.slice(-3000));
    assert.deepEqual((await readdir(root)).sort(), ['gateways.html', 'gateways.json', 'gateways.md', 'gateways.svg', 'haproxy', 'nginx', 'node']);
    assert.match(run.stdout, /^overload behind node, nginx and haproxy \(closed model, onsets in connections\)$/m);
    assert.match(run.stdout, /^gateway +onset +vs node +theory/m);
    const comparison = JSON.parse(await readFile(path.join(root, 'gateways.json'), 'utf8')) as GatewayComparison;
    assert.deepEqual(
      comparison.rows.map((row) => [row.gateway, row.onset, row.theory, row.error]),
      [
        ['node', 21, 21, null],
        ['nginx', 21, 21, null],
        ['haproxy', 21, 21, null],
      ],
    );
    assert.equal(comparison.findings[0], 'Every gateway began to fail at the same load: 21 connections.');
    assert.ok(comparison.findings.some((finding) => finding.startsWith('HAProxy logs a reset and a clean close')), comparison.findings.join('\n'));
    assert.match(await readFile(path.join(root, 'gateways.svg'), 'utf8'), /^<svg/);
  });

  it('behind nginx: the onset at C + Q + 1, every cause upstream_reset, counted from nginx’s own error log', async () => {
    const report = await reportOf('nginx');
    assert.deepEqual(report.gateway, { kind: 'nginx', profile: 'nginx' });
    // Closed loop, upstream sheds when full: no 502 up to C + Q connections (DESIGN.md §4).
    assert.deepEqual([report.onset?.value, report.onset?.low, report.onset?.high], [workers + queue + 1, workers + queue, workers + queue + 1]);
    assert.deepEqual(Object.keys(report.causes), ['upstream_reset']);

    const log = await lines(path.join(root, 'nginx', 'gateway-error.log'));
    assert.ok(log.length > 0, 'the error log is empty');
    assert.deepEqual(log.filter((line) => !NGINX_OWN_LINE.test(line)), [], 'lines nginx did not write');
    const causes = new Set(log.map((line) => nginxErrorLog.parse(line)).map((parsed) => (parsed.kind === 'failure' ? parsed.event.cause : parsed.kind)));
    assert.deepEqual([...causes], ['upstream_reset']);
    assert.equal(log.length, report.causes.upstream_reset, 'the report’s count is the log’s');

    const conf = await readFile(path.join(root, 'nginx', 'nginx', 'nginx.conf'), 'utf8');
    assert.match(conf, /^\s*listen 127\.0\.0\.1:\d+;$/m);
    assert.ok(conf.includes(`error_log ${path.join(root, 'nginx', 'gateway-error.log')} error;`), conf);
  });

  it('behind HAProxy: the onset at C + Q + 1, every failure SH-- in its HTTP log, so upstream_closed', async () => {
    const report = await reportOf('haproxy');
    assert.deepEqual(report.gateway, { kind: 'haproxy', profile: 'haproxy' });
    assert.deepEqual(report.scenario.parameters.criterion.statuses, [502, 503], 'HAProxy’s profile counts its 503s too');
    assert.deepEqual([report.onset?.value, report.onset?.low, report.onset?.high], [21, 20, 21]);
    assert.deepEqual(Object.keys(report.causes), ['upstream_closed']);

    const log = await lines(path.join(root, 'haproxy', 'gateway-access.log'));
    const states = log.map((line) => haproxyLog.parse(line)).flatMap((parsed) => (parsed.kind === 'failure' ? [parsed.event.message.slice(0, 4)] : []));
    assert.ok(states.length > 0 && states.every((state) => state === 'SH--'), [...new Set(states)].join(', '));
    assert.equal(states.length, report.causes.upstream_closed, 'the report’s count is the log’s');
    assert.match(run.stdout, /gateway log: .*haproxy\/gateway-access\.log/);

    const cfg = await readFile(path.join(root, 'haproxy', 'haproxy', 'haproxy.cfg'), 'utf8');
    assert.match(cfg, /^\s*bind 127\.0\.0\.1:\d+$/m);
    assert.match(cfg, /^\s*retries 0$/m);
  });

  it('behind the Node fixture: the same onset, upstream_reset counted by the fixture itself', async () => {
    const report = await reportOf('node');
    assert.equal(report.gateway.kind, 'node');
    assert.equal(report.onset?.value, 21);
    assert.equal(Object.keys(report.causes)[0], 'upstream_reset');
  });

  it('leaves no gateway running: no process still names the run’s folder (nginx’s and HAProxy’s do)', () => {
    const leftovers = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.includes(root));
    assert.deepEqual(leftovers, []);
  });
});

describe('overload --gateway with a list, where it cannot apply', function () {
  this.timeout(30_000);

  const refused: [args: string[], message: RegExp][] = [
    [['plan', 'overload', '--gateway', 'node,nginx'], /overload plan takes one gateway \(got --gateway node,nginx\)/],
    [['run', 'overload', '--gateway', 'node,nginx', '--target', 'http://127.0.0.1:9/'], /--target loads your own service, whose gateway is your own/],
    [['run', 'overload', '--gateway', 'node,nginx', '--json'], /--json prints one report/],
    [['run', 'overload', '--gateway', 'nginx,envoy'], /unknown gateway "envoy"/],
  ];
  for (const [args, message] of refused) {
    it(`exits 2 before any load: overload ${args.join(' ')}`, async () => {
      const { code, stderr } = await runMain(args);
      assert.equal(code, ExitCode.usage, stderr);
      assert.match(stderr, message);
    });
  }
});
