/**
 * A real nginx as the gateway (issue 6, `--gateway nginx`), in front of the upstream fixture: it
 * answers, its error log names the cause of each 502, `stop()` leaves no nginx process, and its
 * watchdog stops it when the harness is killed with -9. Each load is a handful of requests.
 */
import assert from 'node:assert/strict';
import { fork, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import type { UpstreamConfig } from '../../harness/config/scenario.ts';
import { startNginx } from '../../harness/gateways/nginx.ts';
import { TSX_LOADER_URL } from '../../harness/runner/fixtures.ts';
import { startUpstream } from '../../fixtures/upstream/server.ts';
import type { RunningFixture, UpstreamStats } from '../../fixtures/common/protocol.ts';
import { alive } from '../helpers/processes.ts';
import { requireTool } from '../helpers/require-tool.ts';

const NGINX = '/usr/sbin/nginx';
const INSTALL = 'apt-get install nginx-light';
const NGINX_GATEWAY = { ...DEFAULTS.gateway, kind: 'nginx' as const };
const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/** An upstream fixture in this process, closed after the suite. */
async function upstream(patch: Partial<UpstreamConfig> = {}): Promise<RunningFixture<UpstreamStats>> {
  const fx = await startUpstream({ ...DEFAULTS.upstream, seed: 1, ...patch });
  after(() => fx.close());
  return fx;
}

/** nginx in front of `upstreamUrl`, with its error log and folder in a temp folder; stopped and removed after the suite. */
async function nginxInFront(upstreamUrl: string): Promise<Awaited<ReturnType<typeof startNginx>> & { dir: string; errorLog: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'overload-nginx-'));
  const errorLog = path.join(root, 'gateway-error.log');
  const nginx = await startNginx(NGINX_GATEWAY, upstreamUrl, errorLog);
  after(async () => {
    await nginx.process.stop();
    await rm(root, { recursive: true, force: true });
  });
  return { ...nginx, dir: path.join(root, 'nginx'), errorLog };
}

/** Whether any process is in the process group `group` (signal 0 to -group probes it). */
function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of the processes in the group `group` now (nginx's master and its worker). */
function groupMembers(group: number): number[] {
  return spawnSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, pgid]) => pgid === group)
    .map(([pid]) => pid ?? -1);
}

/** Command lines of live processes that contain `text`. */
function processesWith(text: string): string[] {
  return spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.includes(text));
}

/** Waits, at most `timeoutMs`, until `done()`; returns whether it came true. */
async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** `count` GET requests at once, one client connection each; their statuses, counted. */
async function burst(url: string, count: number): Promise<Record<string, number>> {
  const pool = new Pool(url, { connections: count });
  try {
    const statuses = await Promise.all(
      Array.from({ length: count }, async () => {
        const response = await pool.request({ path: '/', method: 'GET' });
        await response.body.text();
        return response.statusCode;
      }),
    );
    const counts: Record<string, number> = {};
    for (const status of statuses) counts[String(status)] = (counts[String(status)] ?? 0) + 1;
    return counts;
  } finally {
    await pool.destroy();
  }
}

describe('nginx as the gateway', function () {
  this.timeout(20_000);

  it('answers 200 from the upstream fixture through nginx', async function () {
    requireTool(this, NGINX, INSTALL);
    const up = await upstream({ serviceMs: 0 });
    const nginx = await nginxInFront(up.url);
    assert.match(nginx.process.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await burst(nginx.process.url, 3), { '200': 3 });
    assert.equal(up.stats().inFlight, 0);
  });

  it('logs upstream_reset for each 502 when the upstream sheds by reset, and LogTailStats counts each once', async function () {
    requireTool(this, NGINX, INSTALL);
    // One worker, no queue, 300 ms of service: of 4 requests at once, the first is served and the
    // ones that arrive while it is in service are reset.
    const up = await upstream({ workers: 1, queue: 0, serviceMs: 300, shed: 'reset' });
    const nginx = await nginxInFront(up.url);
    const statuses = await burst(nginx.process.url, 4);
    const failed = statuses['502'] ?? 0;
    assert.deepEqual(Object.keys(statuses).sort(), ['200', '502'], JSON.stringify(statuses));
    assert.equal((statuses['200'] ?? 0) + failed, 4);
    // retries 0 (proxy_next_upstream off): one attempt, one error line per 502.
    await waitUntil(() => readLines(nginx.errorLog).length >= failed, 3000);
    const log = await readFile(nginx.errorLog, 'utf8');
    assert.equal(log.match(/\[error\] \d+#\d+: \*\d+ recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream/g)?.length, failed, log);
    assert.deepEqual((await nginx.stats.stats()).causes, { upstream_reset: failed });
    assert.deepEqual((await nginx.stats.stats()).causes, { upstream_reset: failed }, 'a second read counts nothing twice');
  });

  it("stop() ends nginx's master and worker, and nothing of this run is left", async function () {
    requireTool(this, NGINX, INSTALL);
    const up = await upstream({ serviceMs: 0 });
    const nginx = await nginxInFront(up.url);
    const { pid } = nginx.process;
    assert.equal(Number((await readFile(path.join(nginx.dir, 'nginx.pid'), 'utf8')).trim()), pid, "the pid file names the process we started: nginx's master");
    const members = groupMembers(pid);
    assert.ok(members.length >= 2 && members.includes(pid), `master and worker in the group ${pid}: ${members.join(', ')}`);
    await nginx.process.stop();
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    assert.equal(groupAlive(pid), false, 'a process of the group outlived stop()');
    assert.deepEqual(members.filter(alive), []);
    assert.deepEqual(processesWith(nginx.dir), [], 'a process still names the run folder');
    assert.ok(await waitUntil(() => processesWith(`watchdog.ts ${pid}`).length === 0, 3000), 'the watchdog outlived the gateway');
  });

  it('is stopped by its watchdog when the harness is killed with SIGKILL', async function () {
    requireTool(this, NGINX, INSTALL);
    const up = await upstream({ serviceMs: 0 });
    const root = await mkdtemp(path.join(tmpdir(), 'overload-nginx-kill-'));
    after(() => rm(root, { recursive: true, force: true }));
    const harness = spawn(process.execPath, ['--import', TSX_LOADER_URL, here('./helpers/hold-nginx.ts'), up.url, path.join(root, 'gateway-error.log')], { stdio: ['ignore', 'pipe', 'inherit'] });
    after(() => harness.kill('SIGKILL'));
    const [line] = (await once(harness.stdout, 'data')) as [Buffer];
    const { pid } = JSON.parse(line.toString()) as { pid: number };
    // Should the watchdog fail, the group is still killed here, so no nginx outlives the test.
    after(() => void (groupAlive(pid) && process.kill(-pid, 'SIGKILL')));
    const members = groupMembers(pid);
    assert.ok(members.length >= 2, `master and worker in the group ${pid}: ${members.join(', ')}`);
    harness.kill('SIGKILL');
    assert.ok(await waitUntil(() => !groupAlive(pid), 5000), `nginx outlived the harness: ${processesWith(root).join('; ')}`);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    assert.deepEqual(members.filter(alive), []);
    assert.ok(await waitUntil(() => processesWith(`watchdog.ts ${pid}`).length === 0, 3000), 'the watchdog outlived the gateway');
  });
});

describe('the gateway watchdog', function () {
  this.timeout(10_000);

  it('kills with SIGKILL a gateway group that ignores SIGTERM, once the harness is gone', async () => {
    // A stand-in for a gateway stuck in its shutdown: a process group that ignores SIGTERM.
    const stubborn = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => undefined); console.log('ready'); setInterval(() => undefined, 1000)"], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const group = stubborn.pid ?? assert.fail('no pid');
    after(() => void (groupAlive(group) && process.kill(-group, 'SIGKILL')));
    await once(stubborn.stdout, 'data');
    const watchdog = fork(here('../../harness/gateways/watchdog.ts'), [String(group)], { execArgv: ['--import', TSX_LOADER_URL], detached: true, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    after(() => watchdog.kill('SIGKILL'));
    await once(watchdog, 'message');
    const exited = once(watchdog, 'exit') as Promise<[number | null, string | null]>;
    // What the harness's end looks like to the watchdog: its IPC channel closes.
    watchdog.disconnect();
    assert.ok(await waitUntil(() => !groupAlive(group), 5000), 'the group that ignored SIGTERM outlived the watchdog');
    assert.deepEqual(await exited, [0, null]);
  });
});

/** The non-empty lines of a file now; none when it does not exist yet. */
function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  } catch {
    return [];
  }
}
