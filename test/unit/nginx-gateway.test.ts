/**
 * The pure and file-level parts of `--gateway nginx` (issue 6): the config template and the values
 * it is filled with, finding the binary, reading causes from the error log as it grows, and the
 * scenario checks that keep a real nginx to what it can do. nginx itself runs in
 * test/integration/nginx-gateway.test.ts.
 */
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import type { GatewayConfig } from '../../harness/config/scenario.ts';
import { findBinary } from '../../harness/gateways/find-binary.ts';
import { LogTailStats } from '../../harness/gateways/log-stats.ts';
import { nginxValues } from '../../harness/gateways/nginx.ts';
import { fillTemplate } from '../../harness/gateways/template.ts';
import { nginxErrorLog } from '../../harness/logs/nginx-error-log.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { problemsOf, scenarioOf } from '../helpers/validation.ts';

const TEMPLATE = readFileSync(new URL('../../fixtures/nginx/nginx.conf.template', import.meta.url), 'utf8');
/** Lines a real nginx 1.22.1 wrote (test/fixtures/logs/README.md), by line number from 1. */
const REAL_LINES = readFileSync(new URL('../fixtures/logs/nginx-1.22-error.log', import.meta.url), 'utf8').split('\n');
const realLine = (n: number): string => REAL_LINES[n - 1] ?? assert.fail(`the capture has no line ${n}`);
/** A 502 a real HAProxy 2.6.12 logged when the upstream closed before its headers (test/fixtures/logs/haproxy-2.6-http.log, line 8). */
const HAPROXY_SH = '127.0.0.1:50994 [26/Nov/2026:02:25:27.555] fe_http be_upstream/srv1 0/0/1/-1/2 502 209 - - SH-- 2/2/1/1/0 0/0 "GET / HTTP/1.1"';

const PLACES = { dir: '/tmp/run/nginx', errorLog: '/tmp/run/gateway-error.log', upstreamHost: '127.0.0.1:41000', port: 42000 };

/** A temp folder for one test, removed after it. */
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'overload-nginx-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('fillTemplate', () => {
  const filled: [what: string, template: string, values: Record<string, string | number>, expected: string][] = [
    ['fills each placeholder by name', 'listen {{host}}:{{port}};', { host: '127.0.0.1', port: 8080 }, 'listen 127.0.0.1:8080;'],
    ['fills a placeholder used twice both times', '{{dir}}/a {{dir}}/b', { dir: '/x' }, '/x/a /x/b'],
    ['fills 0 and the empty string, which are values', 'a{{zero}}b{{empty}}c', { zero: 0, empty: '' }, 'a0bc'],
    ['leaves a template without placeholders and ignores unused values', 'daemon off;', { port: 1 }, 'daemon off;'],
  ];
  for (const [what, template, values, expected] of filled) {
    it(what, () => assert.equal(fillTemplate(template, values), expected));
  }

  it('refuses a placeholder without a value, naming every missing one once', () => {
    assert.throws(() => fillTemplate('{{port}} {{dir}} {{port}} {{host}}', { host: 'h' }), {
      message: 'fillTemplate: no value for {{port}}, {{dir}}; add it to the values',
    });
  });
});

describe('nginxValues', () => {
  const gateway = (patch: Partial<GatewayConfig>): GatewayConfig => ({ ...DEFAULTS.gateway, kind: 'nginx', ...patch });

  it('takes the timeouts, the pool size as keepalive, and where nginx runs from the gateway settings', () => {
    assert.deepEqual(nginxValues(gateway({ poolConnections: 64, connectTimeoutMs: 750, upstreamTimeoutMs: 2500, retries: 0 }), PLACES), {
      dir: '/tmp/run/nginx',
      errorLog: '/tmp/run/gateway-error.log',
      upstream: '127.0.0.1:41000',
      port: 42000,
      keepalive: 64,
      connectTimeoutMs: 750,
      upstreamTimeoutMs: 2500,
      nextUpstream: 'off',
    });
  });

  const retries: [retries: number, nextUpstream: string][] = [
    [0, 'off'],
    [1, 'error timeout'],
  ];
  for (const [count, nextUpstream] of retries) {
    it(`turns gateway.retries ${count} into proxy_next_upstream ${nextUpstream}`, () => {
      assert.equal(nginxValues(gateway({ retries: count }), PLACES).nextUpstream, nextUpstream);
    });
  }
});

describe('the nginx config template, filled', () => {
  const conf = fillTemplate(TEMPLATE, nginxValues({ ...DEFAULTS.gateway, kind: 'nginx' }, PLACES));
  /** Every simple directive `name …;` (block openings such as `server {` are not directives). */
  const directives = (name: string): string[] => conf.split('\n').map((line) => line.trim()).filter((line) => line.startsWith(`${name} `) && line.endsWith(';'));

  it('has no placeholder left', () => assert.equal(conf.includes('{{'), false));

  it('listens on 127.0.0.1 only, on the given port', () => assert.deepEqual(directives('listen'), ['listen 127.0.0.1:42000;']));

  it('never marks the only upstream server down (max_fails=0)', () => assert.deepEqual(directives('server'), ['server 127.0.0.1:41000 max_fails=0;']));

  it('writes errors to the given error log, and its pid into its own folder', () => {
    assert.deepEqual(directives('error_log'), ['error_log /tmp/run/gateway-error.log error;']);
    assert.deepEqual(directives('pid'), ['pid /tmp/run/nginx/nginx.pid;']);
  });

  it('carries the default gateway settings: pool 512, timeouts 1000/5000 ms, no retry', () => {
    assert.deepEqual(directives('keepalive'), ['keepalive 512;']);
    assert.deepEqual(directives('proxy_connect_timeout'), ['proxy_connect_timeout 1000ms;']);
    assert.deepEqual(directives('proxy_read_timeout'), ['proxy_read_timeout 5000ms;']);
    assert.deepEqual(directives('proxy_next_upstream'), ['proxy_next_upstream off;']);
  });
});

describe('findBinary', () => {
  // A name no system has, so the sbin folders it also searches cannot answer for it.
  const name = `overload-test-tool-${process.pid}`;

  it('finds an executable in a folder of the given PATH', async () => {
    const empty = tempDir();
    const bin = tempDir();
    writeFileSync(path.join(bin, name), '#!/bin/sh\n');
    chmodSync(path.join(bin, name), 0o755);
    assert.equal(await findBinary(name, [empty, bin].join(path.delimiter)), path.join(bin, name));
  });

  it('skips a file of that name that is not executable', async () => {
    const bin = tempDir();
    writeFileSync(path.join(bin, name), '#!/bin/sh\n');
    chmodSync(path.join(bin, name), 0o644);
    assert.equal(await findBinary(name, bin), null);
  });

  it('returns null for a name that exists nowhere', async () => {
    assert.equal(await findBinary(name, `${tempDir()}${path.delimiter}`), null);
  });

  it("finds nginx in /usr/sbin, which is not on a normal user's PATH", async function () {
    requireTool(this, '/usr/sbin/nginx', 'apt-get install nginx-light');
    assert.equal(await findBinary('nginx', tempDir()), '/usr/sbin/nginx');
  });
});

describe('LogTailStats', () => {
  it('reads the lines appended between calls, a line split across two writes once it is whole, each cause once', async () => {
    const file = path.join(tempDir(), 'error.log');
    const tail = new LogTailStats(file, nginxErrorLog);
    const causes = async (): Promise<Record<string, number>> => (await tail.stats()).causes;

    assert.deepEqual(await causes(), {}, 'a log not yet created reads as empty');
    // A notice (not a failure), then shed 'reset'.
    appendFileSync(file, `${realLine(1)}\n${realLine(7)}\n`);
    assert.deepEqual(await causes(), { upstream_reset: 1 });
    // shed 'close', cut in the middle of its message.
    const closed = realLine(9);
    appendFileSync(file, closed.slice(0, 80));
    assert.deepEqual(await causes(), { upstream_reset: 1 }, 'half a line is not counted');
    appendFileSync(file, `${closed.slice(80)}\n${realLine(14)}\n`);
    assert.deepEqual(await causes(), { upstream_reset: 1, upstream_closed: 1, upstream_refused: 1 });
    assert.deepEqual(await causes(), { upstream_reset: 1, upstream_closed: 1, upstream_refused: 1 }, 'nothing new: the same totals');
    appendFileSync(file, `${realLine(8)}\n`);
    assert.deepEqual(await causes(), { upstream_reset: 2, upstream_closed: 1, upstream_refused: 1 });
  });

  it('from the end: a user’s log counts only what is written after the tail starts', async () => {
    const file = path.join(tempDir(), 'error.log');
    writeFileSync(file, `${realLine(14)}\n${realLine(7)}\n`);
    const tail = new LogTailStats(file, nginxErrorLog, { from: 'end' });
    assert.deepEqual((await tail.stats()).causes, {});
    appendFileSync(file, `${realLine(9)}\n`);
    assert.deepEqual((await tail.stats()).causes, { upstream_closed: 1 });
  });

  it('through a rotation: a log that shrank is read again from its start, and nothing counted is lost', async () => {
    const file = path.join(tempDir(), 'error.log');
    const tail = new LogTailStats(file, nginxErrorLog);
    writeFileSync(file, `${realLine(7)}\n${realLine(8)}\n`);
    assert.deepEqual((await tail.stats()).causes, { upstream_reset: 2 });
    // logrotate's copytruncate: the file is emptied in place, and the gateway writes on from 0.
    writeFileSync(file, `${realLine(14)}\n`);
    assert.deepEqual((await tail.stats()).causes, { upstream_reset: 2, upstream_refused: 1 });
  });

  it('detects the format from the first lines that arrive, counting them as unknown until then', async () => {
    const nginx = path.join(tempDir(), 'error.log');
    const tail = new LogTailStats(nginx, 'detect');
    assert.equal(tail.format, null);
    appendFileSync(nginx, `${realLine(7)}\n`);
    assert.deepEqual((await tail.stats()).causes, { upstream_reset: 1 });
    assert.equal(tail.format, 'nginx');

    const haproxy = path.join(tempDir(), 'haproxy.log');
    const other = new LogTailStats(haproxy, 'detect');
    appendFileSync(haproxy, `${HAPROXY_SH}\n`);
    assert.deepEqual(await other.stats().then((stats) => [stats.causes, stats.generated]), [{ upstream_closed: 1 }, { '502': 1 }]);
    assert.equal(other.format, 'haproxy');
  });

  it('keeps lines it cannot place as unknown and names no format', async () => {
    const file = path.join(tempDir(), 'app.log');
    const tail = new LogTailStats(file, 'detect');
    appendFileSync(file, 'GET /health 200\nGET /orders 502\n');
    assert.deepEqual((await tail.stats()).causes, {});
    assert.equal(tail.format, null);
    assert.deepEqual(tail.counts, { lines: 2, unknown: 2 });
  });

  it('reports no status and nothing in flight: nginx counts nothing the harness can ask for', async () => {
    const file = path.join(tempDir(), 'error.log');
    writeFileSync(file, `${realLine(7)}\n`);
    assert.deepEqual(await new LogTailStats(file, nginxErrorLog).stats(), {
      inFlight: 0,
      dispatched: 0,
      queued: 0,
      peakQueued: 0,
      received: 0,
      responses: {},
      generated: {},
      causes: { upstream_reset: 1 },
      clientAborts: 0,
      retries: 0,
    });
  });
});

describe('validateScenario with gateway.kind nginx', () => {
  it('accepts it with the default profile', () => {
    assert.deepEqual(scenarioOf({ name: 'case', gateway: { kind: 'nginx' } }).gateway, { ...DEFAULTS.gateway, kind: 'nginx' });
  });

  it('refuses profile haproxy, at gateway.profile', () => {
    assert.deepEqual(problemsOf({ name: 'case', gateway: { kind: 'nginx', profile: 'haproxy' } }), [
      {
        path: 'gateway.profile',
        value: '"haproxy"',
        message: 'must be "nginx" when gateway.kind is nginx (the real nginx decides its statuses)',
        fix: 'set gateway.profile to nginx (--gateway nginx does), or use --gateway node',
      },
    ]);
  });

  it('refuses an upstreamName, at gateway.upstreamName', () => {
    assert.deepEqual(problemsOf({ name: 'case', gateway: { kind: 'nginx', upstreamName: 'upstream.overload.test' } }), [
      {
        path: 'gateway.upstreamName',
        value: '"upstream.overload.test"',
        message: 'works with the node gateway only (its DNS zone is in the fixture)',
        fix: 'use --gateway node for DNS scenarios',
      },
    ]);
  });

  it('keeps both for the node gateway', () => {
    const scenario = scenarioOf({ name: 'case', gateway: { kind: 'node', profile: 'haproxy', upstreamName: 'upstream.overload.test' } });
    assert.deepEqual([scenario.gateway.profile, scenario.gateway.upstreamName], ['haproxy', 'upstream.overload.test']);
  });
});
