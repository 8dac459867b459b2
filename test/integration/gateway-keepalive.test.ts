/**
 * The gateway fixture on reused upstream connections: the keep-alive race (a reset on a connection
 * idle past the upstream's keep-alive timeout, research §5) told apart from a plain reset, and the
 * nginx-style retry that follows it (research §1.2).
 */
import { deepStrictEqual, match, strictEqual } from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayRig, get, OK } from './helpers/gateway-rig.ts';

describe('gateway fixture: reused connections', function () {
  this.timeout(10_000);
  const { rawUpstream, gateway } = gatewayRig();

  it('calls a reset on a reused connection idle past the upstream keep-alive timeout a keepalive_race, and a reset on a busy one upstream_reset', async () => {
    // Every connection serves one request, then resets on the next: fault injection on reuse.
    const upstream = await rawUpstream((socket, n) => (n === 1 ? socket.write(OK) : socket.resetAndDestroy()));
    const gw = await gateway(upstream, { poolConnections: 1, upstreamKeepAliveTimeoutMs: 100 });
    strictEqual((await get(gw.client)).status, 200);
    deepStrictEqual(await get(gw.client), { status: 502, cause: 'upstream_reset', body: '502 Bad Gateway\n' });
    strictEqual((await get(gw.client)).status, 200);
    await sleep(150); // idle ≥ 100 ms − round trip
    deepStrictEqual(await get(gw.client), { status: 502, cause: 'keepalive_race', body: '502 Bad Gateway\n' });
    deepStrictEqual(gw.stats().causes, { upstream_reset: 1, keepalive_race: 1 });
  });

  it("prefers the upstream's Keep-Alive hint to the configured keep-alive timeout", async () => {
    const hinted = 'HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok';
    const upstream = await rawUpstream((socket, n) => (n === 1 ? socket.write(hinted) : socket.resetAndDestroy()));
    const gw = await gateway(upstream, { poolConnections: 1, upstreamKeepAliveTimeoutMs: 100 });
    strictEqual((await get(gw.client)).status, 200);
    await sleep(150); // past the configured 100 ms, far from the hinted 5 s
    strictEqual((await get(gw.client)).cause, 'upstream_reset');
  });

  it('retries a GET once on a fresh connection after a reset on a reused one (retries: 1), and logs the failed try', async () => {
    const upstream = await rawUpstream((socket, n) => (n === 1 ? socket.write(OK) : socket.resetAndDestroy()));
    const gw = await gateway(upstream, { poolConnections: 1, retries: 1 });
    strictEqual((await get(gw.client)).status, 200);
    deepStrictEqual(await get(gw.client), { status: 200, cause: undefined, body: 'ok' });
    const stats = gw.stats();
    deepStrictEqual([stats.retries, stats.causes, stats.responses], [1, {}, { 200: 2 }]);
    strictEqual(upstream.sockets.length, 2);
    await gw.close();
    match(await readFile(gw.logPath, 'utf8'), /recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream/);
  });

  it('never retries a POST, as nginx does not (retries: 1)', async () => {
    const upstream = await rawUpstream((socket, n) => (n === 1 ? socket.write(OK) : socket.resetAndDestroy()));
    const gw = await gateway(upstream, { poolConnections: 1, retries: 1 });
    strictEqual((await get(gw.client, '/', 'POST', 'x')).status, 200);
    deepStrictEqual(await get(gw.client, '/', 'POST', 'y'), { status: 502, cause: 'upstream_reset', body: '502 Bad Gateway\n' });
    strictEqual(gw.stats().retries, 0);
  });
});
