/**
 * The gateway fixture doing its job: proxying both ways, bounding its queue, letting go of what a
 * client abandons (its slot, its queue place, its upstream attempt), closing, and refusing bad
 * options. One real gateway per test in front of a tiny upstream on 127.0.0.1.
 */
import { deepStrictEqual, match, ok, rejects, strictEqual } from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from '../../fixtures/gateway/server.ts';
import { eventually, gatewayRig, get } from './helpers/gateway-rig.ts';

describe('gateway fixture', function () {
  this.timeout(10_000);
  const { rawUpstream, httpUpstream, closedPort, gateway } = gatewayRig();

  it('proxies a healthy upstream byte for byte both ways, and settles inFlight at 0', async () => {
    const upstream = await httpUpstream((req, res) => {
      res.setHeader('x-upstream-saw-host', req.headers.host ?? '');
      req.pipe(res);
    });
    const gw = await gateway(upstream);
    const payload = randomBytes(1 << 20);
    const res = await gw.client.request({ path: '/echo', method: 'POST', body: payload });
    const echoed = Buffer.from(await res.body.arrayBuffer());
    strictEqual(res.statusCode, 200);
    ok(echoed.equals(payload), 'the 1 MiB body came back intact');
    // nginx's default: Host is the upstream's ($proxy_host), not the client's.
    strictEqual(res.headers['x-upstream-saw-host'], `127.0.0.1:${upstream.port}`);
    deepStrictEqual(await get(gw.client, '/plain'), { status: 200, cause: undefined, body: '' });
    await eventually(() => gw.stats().inFlight === 0);
    const stats = gw.stats();
    deepStrictEqual([stats.received, stats.responses, stats.causes, stats.clientAborts], [2, { 200: 2 }, {}, 0]);
  });

  it('refuses with 502 gateway_overflow beyond poolConnections + queueLimit, and never exceeds the pool upstream', async () => {
    let active = 0;
    let peak = 0;
    const upstream = await httpUpstream((_req, res) => {
      peak = Math.max(peak, ++active);
      setTimeout(() => {
        active--;
        res.end('slow');
      }, 200);
    });
    const gw = await gateway(upstream, { poolConnections: 1, queueLimit: 1 });
    const answers = await Promise.all([1, 2, 3, 4].map(() => get(gw.client)));
    deepStrictEqual(
      answers.map((a) => `${a.status} ${a.cause ?? '-'}`).sort(),
      ['200 -', '200 -', '502 gateway_overflow', '502 gateway_overflow'],
    );
    strictEqual(peak, 1);
    // stats() restarts peakQueued on every read: keep the highest seen while waiting.
    let peakQueued = 0;
    await eventually(() => {
      const stats = gw.stats();
      peakQueued = Math.max(peakQueued, stats.peakQueued);
      return stats.inFlight === 0;
    });
    const stats = gw.stats();
    deepStrictEqual([peakQueued, stats.queued, stats.causes, stats.generated], [1, 0, { gateway_overflow: 2 }, { 502: 2 }]);
    await gw.close();
    match(await readFile(gw.logPath, 'utf8'), /no live upstreams while connecting to upstream/);
  });

  it('aborts the upstream request when the client goes away, and gives its slot back', async () => {
    let first = true;
    const upstream = await httpUpstream((_req, res) => {
      if (first) first = false; // the first request hangs until its connection closes
      else res.end('second');
    });
    const gw = await gateway(upstream, { poolConnections: 1, queueLimit: 0 });
    const controller = new AbortController();
    const abandoned = gw.client.request({ path: '/', method: 'GET', signal: controller.signal });
    await eventually(() => upstream.sockets.length === 1);
    await sleep(20);
    controller.abort();
    await rejects(abandoned);
    const upstreamSocket = upstream.sockets[0];
    ok(upstreamSocket !== undefined);
    if (!upstreamSocket.destroyed) await once(upstreamSocket, 'close');
    // With one slot and no queue, a slot still held would make this a 502 gateway_overflow.
    deepStrictEqual(await get(gw.client), { status: 200, cause: undefined, body: 'second' });
    await eventually(() => gw.stats().inFlight === 0);
    const stats = gw.stats();
    deepStrictEqual([stats.clientAborts, stats.causes, stats.generated], [1, {}, {}]);
  });

  it('counts a dispatched attempt until it settles, and back to 0 after its client went away from a hanging upstream', async () => {
    const upstream = await rawUpstream(() => undefined);
    const gw = await gateway(upstream);
    const controller = new AbortController();
    const abandoned = gw.client.request({ path: '/', method: 'GET', signal: controller.signal });
    await eventually(() => upstream.sockets.length === 1);
    deepStrictEqual([gw.stats().inFlight, gw.stats().dispatched], [1, 1]);
    controller.abort();
    await rejects(abandoned);
    await eventually(() => gw.stats().dispatched === 0);
    const stats = gw.stats();
    deepStrictEqual([stats.inFlight, stats.dispatched, stats.clientAborts, stats.causes], [0, 0, 1, {}]);
  });

  it('survives a client that goes away in the middle of its request body', async () => {
    // Reads uploads and never answers them; answers anything else.
    const upstream = await httpUpstream((req, res) => (req.method === 'POST' ? req.resume() : res.end('fine')));
    const gw = await gateway(upstream);
    const controller = new AbortController();
    const body = new PassThrough();
    const upload = gw.client.request({ path: '/upload', method: 'POST', body, signal: controller.signal }).catch((error: unknown) => error);
    body.write(randomBytes(64 * 1024));
    await eventually(() => upstream.sockets.length === 1);
    controller.abort();
    ok((await upload) instanceof Error);
    await eventually(() => gw.stats().inFlight === 0);
    deepStrictEqual([gw.stats().clientAborts, gw.stats().causes], [1, {}]);
    deepStrictEqual(await get(gw.client), { status: 200, cause: undefined, body: 'fine' });
  });

  it('takes a waiting request out of the queue when its client goes away', async () => {
    const upstream = await httpUpstream(() => undefined);
    const gw = await gateway(upstream, { poolConnections: 1, queueLimit: 1 });
    const running = gw.client.request({ path: '/', method: 'GET' }).catch(() => undefined);
    await eventually(() => upstream.sockets.length === 1);
    const controller = new AbortController();
    const waiting = gw.client.request({ path: '/', method: 'GET', signal: controller.signal });
    await eventually(() => gw.stats().queued === 1);
    controller.abort();
    await rejects(waiting);
    await eventually(() => gw.stats().queued === 0);
    strictEqual(gw.stats().clientAborts, 1);
    await gw.close();
    await running;
  });

  it('closes with a request in flight: the client connection ends and close() resolves', async () => {
    const upstream = await rawUpstream(() => undefined);
    const gw = await gateway(upstream);
    const pending = gw.client.request({ path: '/', method: 'GET' }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    await eventually(() => upstream.sockets.length === 1);
    await gw.close();
    ok((await pending) instanceof Error, 'the client saw its connection end');
    strictEqual(gw.stats().inFlight, 0);
  });

  it('rejects invalid options with every problem, its path and its fix', async () => {
    const upstream = await closedPort();
    await rejects(
      startGateway({ kind: 'node', profile: 'nginx', poolConnections: 0, queueLimit: -1, connectTimeoutMs: 1000, upstreamTimeoutMs: 1000, retries: 2, upstreamUrl: upstream.url, upstreamKeepAliveTimeoutMs: 5000 }),
      (error: Error) =>
        error.message.includes('gateway.poolConnections: must be an integer ≥ 1 (got 0). Fix: set it to 1 or more') &&
        error.message.includes('gateway.queueLimit: must be an integer ≥ 0 (got -1)') &&
        error.message.includes('gateway.retries: must be 0 or 1 (got 2)'),
    );
  });
});
