/**
 * Issue 6, "your own gateway": a local nginx started by hand (this test writes the kind of config
 * a user would: a plain `proxy_pass`, nginx's defaults for the rest) in front of an upstream
 * started by hand; `overload run --target … --gateway-log` attributes its 502s from nginx's error
 * log, and `overload explain` on the same log tells the same story without any load.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import { ExitCode } from '../../harness/exit-codes.ts';
import { freeLoopbackPort } from '../../harness/gateways/free-port.ts';
import type { Report } from '../../harness/report/schema.ts';
import { forkUpstream } from '../../harness/runner/fixtures.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { runMain } from '../helpers/run-main.ts';

const NGINX = '/usr/sbin/nginx';

/** A line from before the run: the run must not count it, `explain` must. */
const OLD_LINE =
  '2026/11/20 09:00:00 [error] 77#77: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:9/", host: "localhost"\n';

/** An nginx.conf as a user writes one: a plain proxy_pass, every other upstream setting nginx's default. */
function userConfig(prefix: string, port: number, upstreamUrl: string): string {
  return `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log error;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass ${upstreamUrl}; }
  }
}
`;
}

/** Resolves once something accepts connections on 127.0.0.1:port (at most 10 s). */
async function listening(port: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 10 s`);
}

describe('overload run --target with --gateway-log: a local nginx and upstream started by hand', function () {
  this.timeout(90_000);
  let dir = '';
  let errorLog = '';
  let nginx: ChildProcess | undefined;
  let report: Report;
  let run: { code: number; stdout: string; stderr: string };

  before(async function () {
    requireTool(this, NGINX, 'apt-get install nginx-light');
    dir = await mkdtemp(path.join(tmpdir(), 'overload-gateway-log-'));
    const prefix = path.join(dir, 'nginx');
    await mkdir(path.join(prefix, 'tmp'), { recursive: true });
    errorLog = path.join(prefix, 'error.log');
    await writeFile(errorLog, OLD_LINE);

    const scenario = await loadScenario('overload');
    const upstream = await forkUpstream({ ...scenario.upstream, seed: 1 });
    after(() => upstream.stop());
    const port = await freeLoopbackPort();
    await writeFile(path.join(prefix, 'nginx.conf'), userConfig(prefix, port, upstream.url));
    nginx = spawn(NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', errorLog], { stdio: 'ignore' });
    await listening(port);

    const out = path.join(dir, 'run');
    run = await runMain(['run', 'overload', '--quick', '--set', 'search.start=16', '--target', `http://127.0.0.1:${port}/`, '--gateway-log', errorLog, '--out', out, '--format', 'json']);
    report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
  });

  after(async () => {
    if (nginx?.exitCode === null) {
      nginx.kill('SIGTERM');
      await once(nginx, 'exit');
    }
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('finds the onset at C + Q + 1 and attributes every 502 to upstream_reset from nginx’s error log, not a line before the run', () => {
    assert.equal(run.code, ExitCode.ok, run.stderr.slice(-2000));
    assert.equal(report.onset?.value, 21);
    assert.deepEqual(Object.keys(report.causes), ['upstream_reset'], 'the refused connection logged before the run is not this run’s');
    const client502 = report.steps.reduce((sum, step) => sum + (step.status['502'] ?? 0), 0);
    assert.equal(report.causes.upstream_reset, client502, 'one error line per 502: a single server leaves nginx nothing to retry');
    assert.deepEqual(report.target?.gatewayLog, { path: errorLog, format: 'nginx' }, 'the format detected from the lines');
    assert.match(report.explanation.join(' '), /The causes come from the gateway's nginx error log .*error\.log: [\d,]+ upstream failures logged during the steps/);
    assert.match(report.explanation.join(' '), /of the gateway's failures were upstream_reset/);
    assert.match(run.stdout, /gateway log read: .*error\.log \(nginx\)/);
  });

  it('overload explain on the same log tells the same story, with the older line too and without any load', async () => {
    const explained = await runMain(['explain', errorLog, '--json']);
    assert.equal(explained.code, ExitCode.ok, explained.stderr);
    const summary = JSON.parse(explained.stdout) as { format: string; causes: Record<string, number>; unknown: number };
    assert.equal(summary.format, 'nginx');
    assert.deepEqual(summary.causes, { ...report.causes, upstream_refused: 1 });
    assert.equal(summary.unknown, 0);
  });
});

describe('--gateway-log and --log-format, where they cannot apply (exit 2 before any load)', function () {
  this.timeout(30_000);
  const refused: [args: string[], message: RegExp][] = [
    [['run', 'overload', '--gateway-log', '/etc/hostname'], /--gateway-log \/etc\/hostname reads your own gateway’s log during a --target run/],
    [['run', 'overload', '--target', 'http://127.0.0.1:9/', '--gateway-log', '/nonexistent/error.log'], /--gateway-log \/nonexistent\/error\.log: cannot read it \(ENOENT\)/],
    [['run', 'overload', '--target', 'http://127.0.0.1:9/', '--gateway-log', '/tmp'], /--gateway-log \/tmp: not a regular file/],
    [['run', 'overload', '--log-format', 'nginx'], /--log-format nginx needs --gateway-log/],
  ];
  for (const [args, message] of refused) {
    it(`overload ${args.join(' ')}`, async () => {
      const { code, stderr } = await runMain(args);
      assert.equal(code, ExitCode.usage, stderr);
      assert.match(stderr, message);
      assert.match(stderr, /Hint: /);
    });
  }
});
